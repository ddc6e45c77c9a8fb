"""Server benchmark: ``.venv/bin/python bench/server_bench.py [--requests N] [--concurrency C]``.

Starts ``giljabi serve`` (uvicorn, one process) on localhost with a fresh data directory, and a bare
echo server on the same stack (FastAPI + uvicorn, ``POST /echo`` returning the body). Drives each with
C concurrent keep-alive connections (a small asyncio HTTP/1.1 load generator, localhost only) for N
requests of real Kakao skill JSON — payload presses and typed questions across many users — and
prints requests/second, p50/p95/p99 latency and errors side by side, the kakao/echo ratio, and the
server's RSS (``/proc/<pid>/status`` VmRSS) after the turns.
Then the same turns run in-process (``Assistant.handle_turn`` on one thread, a fresh SQLite file,
parsing and rendering the skill JSON as the endpoint does), to show what HTTP and the server cost.
With ``--postgres URL`` it also runs ``giljabi serve --workers 1`` and ``--workers 2`` over PostgreSQL
(a fresh schema each) and prints their throughput side by side.
Targets: kakao ≥ 50% of echo's rps, kakao ≥ 70% of the in-process turns/s, p99 ≤ 300 ms at 50
concurrent, no errors, RSS ≤ 300 MB after 10,000 turns.
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


def in_process(bodies: list[bytes], data_dir: str) -> Result:
    """The same turns without HTTP: parse the skill JSON, run the turn, render the skill response."""
    from bot.assistant import build_assistant
    from bot.channels import kakao
    from bot.config import Settings

    with tempfile.TemporaryDirectory(prefix="giljabi-inproc-") as db_dir:
        settings = Settings(data_dir=Path(data_dir), database_url=f"sqlite:///{db_dir}/inproc.sqlite3")
        assistant = build_assistant(settings)
        assistant.warm_up()
        result = Result()
        started = time.perf_counter()
        for body in bodies:
            t0 = time.perf_counter()
            turn = assistant.handle_turn(kakao.parse_request(json.loads(body)))
            json.dumps(kakao.render(turn.replies), ensure_ascii=False).encode("utf-8")
            result.latencies.append(time.perf_counter() - t0)
            result.errors += turn.error
        result.seconds = time.perf_counter() - started
        assistant.store.close()
    return result


def postgres_workers(base_url: str, env: dict[str, str], bodies: list[bytes], args: argparse.Namespace,
                     giljabi: str) -> dict[int, Result]:
    """``giljabi serve --workers N`` over PostgreSQL for N = 1 and 2, each on a fresh schema."""
    import uuid
    from urllib.parse import quote

    from sqlalchemy import create_engine, text

    results: dict[int, Result] = {}
    admin = create_engine(base_url)
    for workers in (1, 2):
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in base_url else "?"
        url = f"{base_url}{sep}options={quote(f'-csearch_path={schema}')}"
        port = free_port()
        server = subprocess.Popen(
            [giljabi, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
            env={**env, "GILJABI_DATABASE_URL": url}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(port, "/readyz", server)
            headers = {"X-Skill-Secret": SECRET}
            warm = [skill_request(f"pg-warm-{n}", random.Random(n)) for n in range(100 * workers)]
            asyncio.run(drive(port, "/kakao/skill", warm, 10, headers, b'"version":"2.0"', 120))
            results[workers] = asyncio.run(drive(port, "/kakao/skill", bodies, args.concurrency, headers,
                                                 b'"version":"2.0"', args.time_limit))
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
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
    seconds: float = 0.0

    def line(self, name: str) -> str:
        lat = sorted(self.latencies) or [float("nan")]

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000

        rps = len(self.latencies) / self.seconds if self.seconds else 0.0
        return (f"{name:<14}{len(self.latencies):>9}{rps:>10.0f}{pct(50):>9.1f}{pct(95):>9.1f}"
                f"{pct(99):>9.1f}{self.errors:>8}")

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def p99_ms(self) -> float:
        lat = sorted(self.latencies)
        return lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000 if lat else float("nan")


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
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


# ------------------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000, help="requests per endpoint (default 10000)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--users", type=int, default=2_000, help="distinct Kakao users (default 2000)")
    parser.add_argument("--no-pretrain", action="store_true",
                        help="let the server train the NLU itself at start-up (as on a first run)")
    parser.add_argument("--threads", type=int, default=None, help="giljabi serve --threads (default: its own)")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per run at most")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("GILJABI_BENCH_POSTGRES_URL"),
                        help="also compare --workers 1 and 2 over this PostgreSQL (default GILJABI_BENCH_POSTGRES_URL)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    rng = random.Random(20240601)
    bodies = [skill_request(f"bench-user-{rng.randrange(args.users)}", rng) for _ in range(args.requests)]
    warm = [skill_request(f"warm-{n}", rng) for n in range(200)]
    python = sys.executable
    giljabi = str(Path(python).with_name("giljabi"))

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
        log_path = Path(data_dir) / "serve.log"
        with open(log_path, "wb") as log_file:
            started = time.perf_counter()
            command = [giljabi, "serve", "--host", HOST, "--port", str(kakao_port)]
            command += ["--threads", str(args.threads)] if args.threads else []
            server = subprocess.Popen(command,
                                      env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
            echo = subprocess.Popen([python, "-c", ECHO_APP, HOST, str(echo_port)], cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            try:
                wait_ready(kakao_port, "/healthz", server)
                startup = time.perf_counter() - started
                rss_start = rss_mb(server.pid)
                headers = {"X-Skill-Secret": SECRET}
                asyncio.run(drive(kakao_port, "/kakao/skill", warm, 10, headers, b'"version":"2.0"', 120))
                wait_ready(echo_port, "/", echo, expect=b"HTTP/1.1 ")
                asyncio.run(drive(echo_port, "/echo", warm, 10, {}, b"userRequest", 60))
                echo_result = asyncio.run(drive(echo_port, "/echo", bodies, args.concurrency, {}, b"userRequest",
                                                args.time_limit))
                kakao_result = asyncio.run(drive(kakao_port, "/kakao/skill", bodies, args.concurrency, headers,
                                                 b'"version":"2.0"', args.time_limit))
                turns = len(warm) + len(kakao_result.latencies)
                rss_end = rss_mb(server.pid)
            finally:
                for proc in (server, echo):
                    proc.send_signal(signal.SIGINT)
                for proc in (server, echo):
                    try:
                        proc.wait(10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
        inproc = in_process(bodies, data_dir)
        pg = postgres_workers(args.postgres, env, bodies, args, giljabi) if args.postgres else {}

    ratio = kakao_result.rps / echo_result.rps if echo_result.rps else 0.0
    print(f"server: giljabi serve{' --threads ' + str(args.threads) if args.threads else ''}, uvicorn 1 process, "
          f"SQLite in a fresh data dir; {train}; started in {startup:.1f} s")
    print(f"load: {args.requests} requests per endpoint, {args.concurrency} concurrent keep-alive connections, "
          f"{args.users} users, 60% button presses / 40% typed text")
    print(f"{'endpoint':<14}{'requests':>9}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    print(echo_result.line("POST /echo"))
    print(kakao_result.line("/kakao/skill"))
    print(inproc.line("in-process"))
    inproc_ratio = kakao_result.rps / inproc.rps if inproc.rps else 0.0
    print(f"ratio kakao/echo rps: {ratio:.2f}; kakao/in-process turns: {inproc_ratio:.2f}")
    for workers, result in pg.items():
        print(result.line(f"pg --workers {workers}"))
    if len(pg) == 2 and pg[1].rps:
        print(f"PostgreSQL: 2 workers / 1 worker rps: {pg[2].rps / pg[1].rps:.2f} ({os.cpu_count()} cores here)")
    print(f"server RSS: {rss_start:.0f} MB after start-up, {rss_end:.0f} MB after {turns} turns")
    checks = {
        "kakao rps >= 50% of echo": ratio >= 0.5,
        "kakao rps >= 70% of in-process turns": inproc_ratio >= 0.7,
        "kakao p99 <= 300 ms": kakao_result.p99_ms() <= 300,
        "no errors": kakao_result.errors == 0 and echo_result.errors == 0,
        "RSS <= 300 MB": rss_end <= 300,
    }
    for name, ok in checks.items():
        print(f"target {name}: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
