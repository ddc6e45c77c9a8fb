"""Server benchmark: ``.venv/bin/python bench/server_bench.py [--requests N] [--concurrency C] [--postgres URL]``.

Starts ``giljabi serve`` (uvicorn, one process) on localhost with a fresh data directory, and a bare
echo server on the same stack (FastAPI + uvicorn, ``POST /echo`` returning the body). Drives each with
C concurrent keep-alive connections (a small asyncio HTTP/1.1 load generator in this process, a
separate process from the servers; its own CPU per request is printed) for N requests of real Kakao
skill JSON — payload presses and typed questions across many users — and prints requests/second,
p50/p95/p99 latency, errors and "busy" answers side by side, and the server's RSS after the turns.

The in-process baseline runs the SAME turns: the same 200 warm-up turns, then the same N skill
requests (same users, same order), in a process of its own built exactly as ``giljabi serve`` builds
its Assistant (same settings, same logging, a fresh SQLite file in the same data directory), parsing
and rendering the skill JSON as the endpoint does, one turn after another. It runs in two halves
that bracket the HTTP run in time, so a change in the machine's load (other jobs) hits both alike.
Also printed: CPU time per request of the server process and per turn in-process — where the time goes.

With ``--postgres URL`` (default ``GILJABI_BENCH_POSTGRES_URL``) it also runs ``giljabi serve --workers 1``
and ``--workers 2`` over PostgreSQL (a fresh schema each, the same requests) and prints them side by side.
Targets: kakao ≥ 70% of the in-process turns/s, p99 ≤ 300 ms at 50 concurrent, no errors, no "busy";
also shown: kakao/echo rps (≥ 50%, out of reach: see README) and RSS ≤ 300 MB after the turns.
The load average (1 min) is printed with each run: on a shared machine, other jobs move every number.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from flows.payloads import Action, Home, Menu, Next, Progress, Resume, StartFlow, Stop

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
HOST = "127.0.0.1"
#: the start of the "busy" answer (knowledge/content/ui.yml channel.busy)
BUSY = "답을 준비하는 데 시간이 걸리고 있어요".encode()
SKILL_OK = b'"version":"2.0"'

PAYLOADS = [p.encode() for p in (
    Menu(), Menu("student"), Progress(), StartFlow("worknet_signup"), Next("worknet_signup", "signup_open"),
    Menu("jobcare"), StartFlow("midcareer"), StartFlow("job_center"), Action("center"), Home(), Stop(), Resume(),
)]
TEXTS = [
    "안녕하세요", "워크넷 가입 어떻게 해요?", "재맞고 신청하려면 뭐부터 해야돼요", "잡케어가 뭐예요",
    "서비스참여형 수당 얼마예요?", "상담사 연결해 주세요", "다음", "메뉴", "고마워요", "IAP 상담 예약 방법",
    "구직신청 어디서 해요", "직업심리검사 받고 싶어요", "센터 위치 알려줘", "3학년인데 점프업 신청 가능?",
]

ECHO_APP = """
from fastapi import FastAPI, Request, Response
import uvicorn, sys
app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

@app.post("/echo")
async def echo(request: Request) -> Response:
    return Response(await request.body(), media_type="application/json")

uvicorn.run(app, host=sys.argv[1], port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def skill_request(user: str, rng: random.Random) -> bytes:
    press = rng.random() < 0.6
    payload = rng.choice(PAYLOADS) if press else None
    body = {
        "intent": {"id": "fallback", "name": "폴백 블록"},
        "userRequest": {
            "timezone": "Asia/Seoul", "params": {}, "block": {"id": "fallback", "name": "폴백 블록"},
            "utterance": "버튼" if press else rng.choice(TEXTS), "lang": "ko",
            "user": {"id": user, "type": "botUserKey", "properties": {}},
        },
        "bot": {"id": "bench", "name": "길잡이"},
        "action": {"name": "skill", "id": "skill", "params": {}, "detailParams": {},
                   "clientExtra": {"payload": payload} if payload else {}},
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


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


# ------------------------------------------------------------------------------- in-process
def in_process_child(bodies_file: str, warm: int) -> int:
    """The in-process baseline, in a process of its own: built as ``giljabi serve`` builds its Assistant
    (``GILJABI_*`` settings, ``configure_logging``), the warm-up turns first, then each part of the
    timed turns when the parent writes a line; one JSON line of results per part."""
    from bot.assistant import build_assistant
    from bot.channels import kakao
    from bot.config import get_settings
    from bot.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    lines = Path(bodies_file).read_bytes().split(b"\n")
    warm_bodies, bodies = lines[:warm], [b for b in lines[warm:] if b]
    assistant = build_assistant(settings)
    assistant.warm_up()

    def run(part: list[bytes]) -> dict[str, object]:
        latencies, errors, busy = [], 0, 0
        cpu, started = time.process_time(), time.perf_counter()
        for body in part:
            t0 = time.perf_counter()
            turn = assistant.handle_turn(kakao.parse_request(json.loads(body)))
            answer = json.dumps(kakao.render(turn.replies), ensure_ascii=False).encode("utf-8")
            latencies.append(time.perf_counter() - t0)
            errors += turn.error
            busy += BUSY in answer
        return {"latencies": latencies, "errors": errors, "busy": busy, "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu, "load": load_average()}

    run(warm_bodies)
    print("ready", flush=True)
    for line in sys.stdin:
        first, last = map(int, line.split())
        print(json.dumps(run(bodies[first:last])), flush=True)
    assistant.store.close()
    return 0


class InProcess:
    """The parent's handle on the in-process child: ``part(first, last)`` runs those turns and waits."""

    def __init__(self, env: dict[str, str], warm: list[bytes], bodies: list[bytes], log: Path) -> None:
        self.file = Path(env["GILJABI_DATA_DIR"]) / "inproc-bodies.jsonl"
        self.file.write_bytes(b"\n".join([*warm, *bodies]) + b"\n")
        db = Path(env["GILJABI_DATA_DIR"]) / "inproc.sqlite3"
        self.log = open(log, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--in-process-child", str(self.file), "--warm", str(len(warm))],
            env={**env, "GILJABI_DATABASE_URL": f"sqlite:///{db}"}, cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        if self.proc.stdout.readline().strip() != "ready":  # type: ignore[union-attr]
            raise SystemExit(f"in-process baseline did not start (see {log})")
        self.result = Result()
        self.loads: list[float] = []

    def part(self, first: int, last: int) -> None:
        self.proc.stdin.write(f"{first} {last}\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        answer = json.loads(self.proc.stdout.readline())  # type: ignore[union-attr]
        self.result.latencies += answer["latencies"]
        self.result.errors += answer["errors"]
        self.result.busy += answer["busy"]
        self.result.seconds += answer["seconds"]
        self.result.cpu += answer["cpu"]
        self.loads.append(answer["load"])
        self.result.load = max(self.loads)

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(30)
        self.log.close()


# ------------------------------------------------------------------------------- servers
def start_server(env: dict[str, str], port: int, args: list[str], log: Path | None = None) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps its own copy
    giljabi = str(Path(sys.executable).with_name("giljabi"))
    try:
        return subprocess.Popen([giljabi, "serve", "--host", HOST, "--port", str(port), *args],
                                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def measured(port: int, bodies: list[bytes], concurrency: int, time_limit: float, server_pid: int) -> Result:
    """One timed /kakao/skill run, with the CPU the server's processes and this client spent on it."""
    before, client = tree_cpu(server_pid), os.times()
    result = asyncio.run(drive(port, "/kakao/skill", bodies, concurrency, {"X-Skill-Secret": SECRET}, SKILL_OK,
                               time_limit))
    after, client_after = tree_cpu(server_pid), os.times()
    result.load = load_average()
    result.cpu_by_pid = cpu_delta(before, after)
    result.cpu = sum(result.cpu_by_pid.values())
    result.client_cpu = (client_after.user + client_after.system) - (client.user + client.system)
    return result


def postgres_workers(base_url: str, env: dict[str, str], bodies: list[bytes], warm: list[bytes],
                     args: argparse.Namespace) -> dict[int, Result]:
    """``giljabi serve --workers N`` over PostgreSQL for N = 1 and 2, each on a fresh schema, the same turns."""
    import uuid
    from urllib.parse import quote

    from sqlalchemy import create_engine, text

    results: dict[int, Result] = {}
    admin = create_engine(base_url)
    try:
        for workers in (1, 2):
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in base_url else "?"
            url = f"{base_url}{sep}options={quote(f'-csearch_path={schema}')}"
            port = free_port()
            server = start_server({**env, "GILJABI_DATABASE_URL": url}, port, ["--workers", str(workers)])
            try:
                wait_ready(port, "/readyz", server)
                # every worker loads its NLU at start; these warm each one's connections and caches
                asyncio.run(drive(port, "/kakao/skill", warm, 10 * workers, {"X-Skill-Secret": SECRET}, SKILL_OK,
                                  120))
                results[workers] = measured(port, bodies, args.concurrency, args.time_limit, server.pid)
                # uvicorn's worker processes (the supervisor and its helpers spend next to nothing)
                results[workers].workers_pids = [p for p, cpu in results[workers].cpu_by_pid.items()
                                                 if p != server.pid and cpu >= 0.5]
            finally:
                stop(server)
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
    return results


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


# ------------------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5_000, help="requests per run (default 5000)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--users", type=int, default=2_000, help="distinct Kakao users (default 2000)")
    parser.add_argument("--no-pretrain", action="store_true",
                        help="let the server train the NLU itself at start-up (as on a first run)")
    parser.add_argument("--threads", type=int, default=None, help="giljabi serve --threads (default: its own)")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per run at most")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("GILJABI_BENCH_POSTGRES_URL"),
                        help="also compare --workers 1 and 2 over this PostgreSQL (default GILJABI_BENCH_POSTGRES_URL)")
    parser.add_argument("--pg-requests", type=int, default=2_000,
                        help="requests per PostgreSQL run (the first of the same requests; default 2000)")
    parser.add_argument("--in-process-child", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--warm", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.in_process_child:
        return in_process_child(args.in_process_child, args.warm)

    rng = random.Random(20240601)
    bodies = [skill_request(f"bench-user-{rng.randrange(args.users)}", rng) for _ in range(args.requests)]
    warm = [skill_request(f"warm-{n}", rng) for n in range(200)]
    python = sys.executable
    giljabi = str(Path(python).with_name("giljabi"))
    half = len(bodies) // 2

    with tempfile.TemporaryDirectory(prefix="giljabi-bench-") as data_dir:
        env = {**os.environ, "GILJABI_DATA_DIR": data_dir, "GILJABI_KAKAO_SKILL_SECRET": SECRET}
        for name in ("GILJABI_DATABASE_URL", "GILJABI_TELEGRAM_TOKEN"):
            env.pop(name, None)
        kakao_port, echo_port = free_port(), free_port()
        train = "NLU trained by the server at start-up"
        if not args.no_pretrain:  # as a deployment does: train once, then start the server
            started = time.perf_counter()
            subprocess.run([giljabi, "nlu", "train"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            train = f"NLU trained beforehand by `giljabi nlu train` in {time.perf_counter() - started:.1f} s"
        started = time.perf_counter()
        server = start_server(env, kakao_port, ["--threads", str(args.threads)] if args.threads else [],
                              Path(data_dir) / "serve.log")
        echo = subprocess.Popen([python, "-c", ECHO_APP, HOST, str(echo_port)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        inproc: InProcess | None = None
        try:
            wait_ready(kakao_port, "/healthz", server)
            startup = time.perf_counter() - started
            rss_start = rss_mb(server.pid)
            headers = {"X-Skill-Secret": SECRET}
            asyncio.run(drive(kakao_port, "/kakao/skill", warm, 10, headers, SKILL_OK, 120))
            wait_ready(echo_port, "/", echo, expect=b"HTTP/1.1 ")
            asyncio.run(drive(echo_port, "/echo", warm, 10, {}, b"userRequest", 60))
            echo_result = asyncio.run(drive(echo_port, "/echo", bodies, args.concurrency, {}, b"userRequest",
                                            args.time_limit))
            echo_result.load = load_average()
            stop(echo)
            # the in-process halves bracket the HTTP run: the same turns, the same stretch of machine load
            inproc = InProcess(env, warm, bodies, Path(data_dir) / "inproc.log")
            inproc.part(0, half)
            kakao_result = measured(kakao_port, bodies, args.concurrency, args.time_limit, server.pid)
            inproc.part(half, len(bodies))
            turns = len(warm) + len(kakao_result.latencies)
            rss_end = rss_mb(server.pid)
        finally:
            stop(server, echo)
            if inproc is not None:
                inproc.close()
        pg = postgres_workers(args.postgres, env, bodies[: args.pg_requests], warm, args) if args.postgres else {}

    inproc_result = inproc.result
    ratio = kakao_result.rps / echo_result.rps if echo_result.rps else 0.0
    inproc_ratio = kakao_result.rps / inproc_result.rps if inproc_result.rps else 0.0
    print(f"server: giljabi serve{' --threads ' + str(args.threads) if args.threads else ''}, uvicorn 1 process, "
          f"SQLite in a fresh data dir; {train}; started in {startup:.1f} s; {os.cpu_count()} cores")
    print(f"load: {args.requests} requests per run after 200 warm-up turns, {args.concurrency} concurrent keep-alive "
          f"connections, {args.users} users, 60% button presses / 40% typed text; 'load' = 1-min load average")
    print(Result.HEADER)
    print(echo_result.line("POST /echo"))
    print(kakao_result.line("/kakao/skill"))
    print(inproc_result.line("in-process"))
    print(f"kakao/in-process turns/s: {kakao_result.rps:.0f} / {inproc_result.rps:.0f} = {inproc_ratio:.2f} "
          f"(in-process halves at load {inproc.loads[0]:.1f} and {inproc.loads[-1]:.1f}); "
          f"kakao/echo rps: {ratio:.2f}")
    print(f"CPU per turn: server {kakao_result.cpu_ms:.2f} ms (turn thread + event loop) vs in-process "
          f"{inproc_result.cpu_ms:.2f} ms = {inproc_result.cpu_ms / kakao_result.cpu_ms:.2f}; "
          f"load generator {kakao_result.client_cpu * 1000 / max(1, len(kakao_result.latencies)):.2f} ms per request")
    if pg:
        print(f"PostgreSQL, {args.pg_requests} of the same requests, {args.concurrency} concurrent, "
              f"`giljabi serve --workers N` (default turn threads), a fresh schema each:")
        print(Result.HEADER)
        for workers, result in pg.items():
            print(result.line(f"pg --workers {workers}"))
        if len(pg) == 2 and pg[1].rps:
            split = " / ".join(f"{pg[2].cpu_by_pid[p]:.1f}" for p in pg[2].workers_pids)
            print(f"PostgreSQL: 2 workers / 1 worker rps: {pg[2].rps:.0f} / {pg[1].rps:.0f} = "
                  f"{pg[2].rps / pg[1].rps:.2f} "
                  f"({os.cpu_count()} cores, shared with PostgreSQL and the load generator); "
                  f"CPU seconds per worker process with 2: {split}")
    else:
        print("PostgreSQL --workers 1 vs 2: skipped (set GILJABI_BENCH_POSTGRES_URL or pass --postgres URL)")
    print(f"server RSS: {rss_start:.0f} MB after start-up, {rss_end:.0f} MB after {turns} turns")
    checks = {
        "kakao rps >= 70% of in-process turns": inproc_ratio >= 0.7,
        "kakao p99 <= 300 ms": kakao_result.p99_ms() <= 300,
        "no errors, no busy": kakao_result.errors == 0 and echo_result.errors == 0 and kakao_result.busy == 0,
        "kakao rps >= 50% of echo": ratio >= 0.5,
        "RSS <= 300 MB": rss_end <= 300,
    }
    for name, ok in checks.items():
        print(f"target {name}: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
