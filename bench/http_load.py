"""The server benchmark's tools: a small asyncio HTTP/1.1 load generator and process accounting.

``drive`` sends request bodies over C concurrent keep-alive connections and times each; ``Result``
holds what a run measured and prints it as one line of the benchmark's table. The accounting reads
``/proc``: CPU seconds of a server and its worker processes, RSS, the load average.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
#: the start of the "busy" answer (knowledge/content/ui.yml channel.busy)
BUSY = "답을 준비하는 데 시간이 걸리고 있어요".encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def load_average() -> float:
    return os.getloadavg()[0]


# ------------------------------------------------------------------------------ CPU accounting
def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of ``pid`` and of each of its live descendants (uvicorn's worker processes)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _proc_stat(int(entry))) is not None:
            stats[int(entry)] = stat
    tree, frontier = {}, [pid]
    while frontier:
        current = frontier.pop()
        if current in stats:
            tree[current] = stats[current][1]
            frontier += [child for child, (parent, _) in stats.items() if parent == current]
    return tree


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> dict[int, float]:
    return {pid: seconds - before.get(pid, 0.0) for pid, seconds in after.items()}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_ready(port: int, path: str, proc: subprocess.Popen, timeout: float = 120.0,
               expect: bytes = b"HTTP/1.1 200") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(expect):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"server on port {port} not ready after {timeout:.0f} s")


# ------------------------------------------------------------------------------ load generator
@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    busy: int = 0
    seconds: float = 0.0
    #: CPU seconds of the server's processes (or of the in-process baseline) and of the load generator
    cpu: float = 0.0
    client_cpu: float = 0.0
    cpu_by_pid: dict[int, float] = field(default_factory=dict)
    workers_pids: list[int] = field(default_factory=list)
    #: the 1-minute load average when the run ended
    load: float = float("nan")

    HEADER = (f"{'run':<16}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
              f"{'busy':>6}{'CPU ms/req':>11}{'load':>6}")

    def pct(self, p: float) -> float:
        lat = sorted(self.latencies)
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000 if lat else float("nan")

    def line(self, name: str) -> str:
        cpu = f"{self.cpu_ms:>11.2f}" if self.cpu else f"{'':>11}"
        return (f"{name:<16}{len(self.latencies):>9}{self.rps:>8.0f}{self.pct(50):>8.1f}{self.pct(95):>8.1f}"
                f"{self.pct(99):>8.1f}{self.errors:>7}{self.busy:>6}{cpu}{self.load:>6.1f}")

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return self.cpu * 1000 / len(self.latencies) if self.latencies else float("nan")

    def p99_ms(self) -> float:
        return self.pct(99)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    body = await reader.readexactly(length) if length else b""
    return status, body


async def drive(port: int, path: str, bodies: list[bytes], concurrency: int, headers: dict[str, str],
                check: bytes, time_limit: float) -> Result:
    """Send every body once over ``concurrency`` keep-alive connections; time each request."""
    result = Result()
    queue = iter(range(len(bodies)))
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    deadline = time.monotonic() + time_limit

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            for index in queue:
                if time.monotonic() > deadline:
                    result.errors += 1
                    continue
                body = bodies[index]
                request = (f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
                           f"{extra}Content-Length: {len(body)}\r\n\r\n").encode() + body
                started = time.perf_counter()
                try:
                    writer.write(request)
                    status, answer = await asyncio.wait_for(_read_response(reader), 30)
                except (OSError, asyncio.IncompleteReadError, TimeoutError):
                    result.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                    continue
                result.latencies.append(time.perf_counter() - started)
                if status != 200 or check not in answer:
                    result.errors += 1
                result.busy += BUSY in answer
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result
