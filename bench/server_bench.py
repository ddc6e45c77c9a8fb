"""Server benchmark: ``.venv/bin/python bench/server_bench.py [--requests N] [--concurrency C] [--postgres URL]``.

Starts ``giljabi serve`` (uvicorn, one process) on localhost with a fresh data directory, and a bare
echo server on the same stack (FastAPI + uvicorn, ``POST /echo`` returning the body). Drives each with
C concurrent keep-alive connections (``bench/http_load.py``: a small asyncio HTTP/1.1 load generator
in this process, a separate process from the servers; its own CPU per request is printed) for N
requests of real Kakao skill JSON — payload presses and typed questions across many users — and
prints requests/second,
p50/p95/p99 latency, errors and "busy" answers side by side, and the server's RSS after the turns.

The in-process baseline runs the SAME turns: the same 200 warm-up turns, then the same N skill
requests (same users, same order), in a process of its own (``bench/server_inprocess.py``) built
exactly as ``giljabi serve`` builds its Assistant (same settings, same logging, a fresh SQLite file in
the same data directory), parsing and rendering the skill JSON as the endpoint does, one turn after
another. It runs in two halves that bracket the HTTP run in time, so a change in the machine's load
(other jobs) hits both alike.
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from http_load import HOST, Result, cpu_delta, drive, free_port, load_average, rss_mb, tree_cpu, wait_ready
from server_inprocess import InProcess

from flows.payloads import Action, Home, Menu, Next, Progress, Resume, StartFlow, Stop

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
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
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

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
    checks = {  # issue 13's numbers, then this project's own aims (reported, not asked for)
        "issue 13: kakao rps >= 70% of in-process turns": inproc_ratio >= 0.7,
        "issue 13: kakao p99 <= 300 ms": kakao_result.p99_ms() <= 300,
        "issue 13: no errors, no busy": kakao_result.errors == 0 and echo_result.errors == 0
        and kakao_result.busy == 0,
        "own aim: kakao rps >= 50% of echo": ratio >= 0.5,
        "own aim: RSS <= 300 MB": rss_end <= 300,
    }
    for name, ok in checks.items():
        print(f"{name}: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
