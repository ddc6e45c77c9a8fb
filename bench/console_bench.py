"""Console benchmark: ``.venv/bin/python bench/console_bench.py [--students N] [--turns N] [--samples N]``.

Fills a fresh PostgreSQL schema (``GILJABI_BENCH_POSTGRES_URL``, else ``GILJABI_TEST_POSTGRES_URL``)
with 5,000 students and 200,000 turns over 60 days (progress, grades, 50 open handoffs, reminders),
serves the app with uvicorn on localhost, logs in, and times the pages over HTTP: the inbox, the roster
(first page, and filtered), and the statistics, printing p50/p95 per page. Then, with an SSE
connection open, a waiting student writes through the Assistant and the time until the event arrives
is measured. Targets: every page p95 ≤ 100 ms; a message in a connected console ≤ 2 s. The statistics
page is timed twice: as served (each process recomputes at most once a minute) and with ?fresh=1
(recomputed on every request).
Without a PostgreSQL URL it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, insert, text, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.assistant import Assistant, build_domain  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.console import accounts  # noqa: E402
from bot.handoff import machine  # noqa: E402
from bot.messages import Inbound  # noqa: E402
from bot.server import create_app  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.models import Conversation, OutboxMessage, Progress, Turn, User  # noqa: E402
from tests.bot.conftest import ServerThread  # noqa: E402

STAGES = ["apply", "worknet", "jobcare", "assessments", "iap_booking", "iap_register"]
TEXTS = ["워크넷 가입 어떻게 해요?", "재맞고 신청하려면 뭐부터 해야돼요", "잡케어가 뭐예요", "다음", "메뉴",
         "IAP 상담 예약 방법", "센터 위치 알려줘", "직업심리검사 받고 싶어요", "고마워요", "ㅁㄴㅇㄹ 뭐지"]
PASSWORD = "bench-password-1"


def parse(text_: str) -> dict:
    return {"text": text_, "intent": {"name": "nlu_fallback", "confidence": 0.0}, "entities": [], "intent_ranking": []}


def fill(store: Store, students: int, turns: int, rng: random.Random) -> None:
    now = datetime.now(UTC)
    with store.unit() as s:
        accounts.add(s, "bench@example.org", "벤치", PASSWORD, "admin")
        first = now - timedelta(days=90)
        users = [{"channel": rng.choice(["telegram", "kakao"]), "user_key": f"u{i}", "created_at": first,
                  "last_seen_at": now - timedelta(minutes=rng.randint(0, 86400))} for i in range(students)]
        ids = list(s.scalars(insert(User).returning(User.id), users))
        s.execute(insert(Conversation), [{"user_id": uid, "updated_at": now, "state": {
            "slots": {"grade": str(rng.randint(1, 4))}} if rng.random() < 0.7 else {}} for uid in ids])
        s.execute(insert(Progress), [{"user_id": uid, "stage": st, "done": True, "updated_at": now}
                                     for uid in ids for k, st in enumerate(STAGES) if rng.random() < 0.8 ** (k + 1)])
        s.execute(insert(OutboxMessage), [{
            "user_id": rng.choice(ids), "channel": "telegram", "kind": "reminder", "template": "x", "params": {},
            "dedupe_key": f"r{i}", "due_at": now + timedelta(days=1), "quiet_hours": True, "status": "pending",
            "attempts": 0, "created_at": now} for i in range(2000)])
    batch = 20_000
    for start in range(0, turns, batch):
        rows = []
        for _ in range(min(batch, turns - start)):
            fallback = rng.random() < 0.1
            rows.append({"user_id": rng.choice(ids), "created_at": now - timedelta(seconds=rng.randint(0, 60 * 86400)),
                         "text": rng.choice(TEXTS), "payload": None, "intent": "nlu_fallback" if fallback else "x",
                         "confidence": 0.5, "fallback": fallback, "parse": None,
                         "replies": [{"type": "text", "text": "안내 문장입니다."}]})
        with store.unit() as s:
            s.execute(insert(Turn), rows)
    consultant = 1
    with store.unit() as s:
        for uid in rng.sample(ids, 50):
            machine.request(s, uid, "bench")
        for uid in ids[:20]:
            machine.request(s, uid, "bench")
            machine.claim(s, uid, consultant)
        s.execute(update(User).where(User.user_key == "u4999").values(last_seen_at=now))
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum does on a live database


def timings(client: httpx.Client, path: str, samples: int) -> tuple[float, float]:
    client.get(path)
    seen = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(path)
        seen.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    seen.sort()
    return statistics.median(seen), seen[int(len(seen) * 0.95) - 1]


def live(url: str, client: httpx.Client, assistant: Assistant, key: str, rounds: int = 10) -> list[float]:
    """Seconds from a student's message to its event on an open SSE connection."""
    delays: list[float] = []
    arrived = threading.Event()
    stop = threading.Event()

    def listen() -> None:
        """Like a browser's EventSource: reconnect when the server ends the stream, from the last id."""
        last = ""
        while not stop.is_set():
            headers = {"Last-Event-ID": last} if last else {}
            try:
                with client.stream("GET", "/console/events", timeout=30, headers=headers) as stream:
                    for line in stream.iter_lines():
                        if line.startswith("id:"):
                            last = line[3:].strip()
                        if line.startswith("data:") and json.loads(line[5:])["action"] == "message":
                            arrived.set()
            except httpx.HTTPError:
                if stop.is_set():  # the bench is over and closed the client
                    return
                raise
            time.sleep(0.5)  # the retry the stream asks for

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    time.sleep(1.0)
    for i in range(rounds):
        arrived.clear()
        started = time.monotonic()
        assistant.handle(Inbound(channel="telegram", user_key=key, text=f"기다리고 있어요 {i}"))
        if not arrived.wait(5):
            delays.append(float("inf"))
            continue
        delays.append(time.monotonic() - started)
        time.sleep(0.3)
    stop.set()
    thread.join(7)
    return delays


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--turns", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args()
    base = os.environ.get("GILJABI_BENCH_POSTGRES_URL") or os.environ.get("GILJABI_TEST_POSTGRES_URL")
    if not base:
        print("console bench skipped: set GILJABI_BENCH_POSTGRES_URL (or GILJABI_TEST_POSTGRES_URL)")
        return 0
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    store = Store(url)
    try:
        started = time.perf_counter()
        fill(store, args.students, args.turns, random.Random(7))
        print(f"filled {args.students} students, {args.turns} turns in {time.perf_counter() - started:.1f} s")
        settings = Settings(data_dir=Path("/tmp"), database_url=url)
        assistant = Assistant(store, build_domain(settings), parse)
        server = ServerThread(create_app(assistant, settings, warm_up=False))
        site = server.start()
        with httpx.Client(base_url=site, timeout=30, follow_redirects=True) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/login").text).group(1)
            client.post("/console/login",
                        data={"email": "bench@example.org", "password": PASSWORD, "csrf_token": token})
            failed = False
            print(f"{'page':<44}{'p50 ms':>9}{'p95 ms':>9}")
            for path in ("/console/", "/console/students", "/console/students?stage=worknet&grade=3",
                         "/console/students?stalled=7", "/console/stats", "/console/stats?fresh=1"):
                p50, p95 = timings(client, path, args.samples)
                informational = "fresh=1" in path  # the cost of one recomputation, shown, not a target
                failed |= p95 > 100 and not informational
                flag = "  (recompute)" if informational else ("  OVER 100 ms" if p95 > 100 else "")
                print(f"{path:<44}{p50:>9.1f}{p95:>9.1f}{flag}")
            with store.unit() as s:
                waiting = s.execute(text("select u.user_key from users u join conversations c on c.user_id = u.id "
                                         "where c.mode = 'waiting' limit 1")).scalar_one()
            delays = live(site, client, assistant, waiting)
            worst = max(delays)
            failed |= worst > 2
            print(f"student message → console event: median {statistics.median(delays) * 1000:.0f} ms, "
                  f"worst {worst * 1000:.0f} ms over {len(delays)} messages{'  OVER 2 s' if worst > 2 else ''}")
        server.stop()
        return 1 if failed else 0
    finally:
        store.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
