"""Load benchmark: ``.venv/bin/python bench/load_bench.py [--clients 500] [--rounds 3]``.

Starts ``giljabi serve`` (one process, SQLite in a fresh data directory, the NLU trained beforehand)
and opens ``--clients`` Kakao connections at once; each sends ``--rounds`` skill requests one after
another (real skill JSON, 60% button presses, 40% typed questions). Prints status codes, latency
percentiles, the longest answer and the share of "busy" answers. Targets: no 5xx, every answer
within 4.5 s (Kakao waits 5 s), "busy" at most 5%.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_load import HOST, _read_response, free_port, wait_ready  # noqa: E402
from server_bench import ROOT, SECRET, skill_request  # noqa: E402

BUSY = "답을 준비하는 데 시간이 걸리고 있어요".encode()


async def clients(port: int, bodies: list[list[bytes]]) -> tuple[Counter[int], list[float], int]:
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    busy = 0

    async def one(rounds: list[bytes]) -> None:
        nonlocal busy
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            for body in rounds:
                request = (f"POST /kakao/skill HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
                           f"X-Skill-Secret: {SECRET}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
                started = time.perf_counter()
                writer.write(request)
                try:
                    status, answer = await asyncio.wait_for(_read_response(reader), 30)
                except (OSError, asyncio.IncompleteReadError, TimeoutError):
                    statuses[0] += 1
                    return
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1
                busy += BUSY in answer
        finally:
            writer.close()

    await asyncio.gather(*(one(r) for r in bodies))
    return statuses, latencies, busy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(500)
    bodies = [[skill_request(f"load-{c}", rng) for _ in range(args.rounds)] for c in range(args.clients)]
    giljabi = str(Path(sys.executable).with_name("giljabi"))
    with tempfile.TemporaryDirectory(prefix="giljabi-load-") as data_dir:
        env = {**os.environ, "GILJABI_DATA_DIR": data_dir, "GILJABI_KAKAO_SKILL_SECRET": SECRET,
               "GILJABI_LOG_LEVEL": "WARNING"}
        for name in ("GILJABI_DATABASE_URL", "GILJABI_TELEGRAM_TOKEN"):
            env.pop(name, None)
        subprocess.run([giljabi, "nlu", "train"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen([giljabi, "serve", "--host", HOST, "--port", str(port)], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(port, "/healthz", server)
            asyncio.run(clients(port, [[skill_request(f"warm-{n}", rng)] for n in range(50)]))
            started = time.perf_counter()
            statuses, latencies, busy = asyncio.run(clients(port, bodies))
            seconds = time.perf_counter() - started
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    lat = sorted(latencies) or [float("nan")]

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000

    total = sum(statuses.values())
    print(f"load: {args.clients} Kakao clients at once on one `giljabi serve` process (SQLite), "
          f"{args.rounds} requests each, {total} answers in {seconds:.1f} s ({total / seconds:.0f}/s)")
    print(f"status codes: {dict(sorted(statuses.items()))}  (0 = connection failed)")
    print(f"latency ms: p50 {pct(50):.0f}  p95 {pct(95):.0f}  p99 {pct(99):.0f}  max {lat[-1] * 1000:.0f}")
    print(f"busy answers: {busy} ({busy / max(total, 1):.1%})")
    checks = {
        "no 5xx or failed connection": not any(code >= 500 or code == 0 for code in statuses),
        "every answer within 4.5 s": lat[-1] <= 4.5,
        "busy <= 5%": busy <= 0.05 * total,
    }
    for name, ok in checks.items():
        print(f"target {name}: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
