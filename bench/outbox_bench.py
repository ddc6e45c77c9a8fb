"""Outbox benchmark: ``.venv/bin/python bench/outbox_bench.py [--messages N] [--workers W] [--no-turns]``.

Dispatch: N due Telegram notices (default 10,000, for 2,000 users) in a fresh PostgreSQL schema
(``GILJABI_BENCH_POSTGRES_URL``, else ``GILJABI_TEST_POSTGRES_URL``; skipped without one), sent by W
``giljabi worker --once`` processes (default 2) through the local fake Bot API with Telegram pacing
switched off. Prints messages/second over the sending window (first to last ``sendMessage`` the fake
saw) and over the whole run including process start-up, duplicates (a text the fake saw twice) and
lost rows (not ``sent``). Target: ≥ 500 messages/s with 2 workers, 0 duplicates, 0 lost.

Turns: runs ``bench/server_bench.py`` on the code before the outbox (``--before``; default the newest
commit on HEAD's first-parent line without ``bot/outbox/dispatcher.py``, i.e. main just before the
outbox was merged; checked out into a temporary git worktree) and on this tree,
alternately, and prints both request rates and their ratio (best of ``--rounds``). Target: after /
before ≥ 0.95. ``--no-turns`` skips it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKER = "import sys; from bot.cli import main; sys.exit(main(['worker', '--once']))"


def postgres_base() -> str | None:
    return os.environ.get("GILJABI_BENCH_POSTGRES_URL") or os.environ.get("GILJABI_TEST_POSTGRES_URL") or None


def fill(url: str, messages: int, users: int) -> None:
    """Users and due notice rows, written in bulk (the set-up is not what is measured)."""
    from sqlalchemy import insert

    from bot.store import Store
    from bot.store.models import Conversation, OutboxMessage, User

    store = Store(url)
    now = datetime.now(UTC)
    with store.unit() as s:
        s.execute(insert(User), [{"id": u + 1, "channel": "telegram", "user_key": str(700_000 + u),
                                  "created_at": now, "last_seen_at": now} for u in range(users)])
        s.execute(insert(Conversation), [{"user_id": u + 1, "state": {}, "updated_at": now} for u in range(users)])
        s.execute(insert(OutboxMessage), [{
            "user_id": n % users + 1, "channel": "telegram", "kind": "notice", "dedupe_key": f"bench:{n}",
            "replies": [{"type": "text", "text": f"공지 {n}"}], "due_at": now, "quiet_hours": True,
            "status": "pending", "attempts": 0, "created_at": now,
        } for n in range(messages)])
    store.close()


def dispatch(base: str, messages: int, users: int, workers: int) -> bool:
    from sqlalchemy import create_engine, text

    from tests.bot.conftest import TOKEN, FakeBotAPI

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    api = FakeBotAPI()
    stamps: list[float] = []
    answer = api.answer

    def timed(token: str, method: str, params: dict) -> tuple[int, dict]:
        if method == "sendMessage":
            stamps.append(time.perf_counter())
        return answer(token, method, params)

    api.answer = timed  # type: ignore[method-assign]
    try:
        fill(url, messages, users)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("GILJABI_")},
               "GILJABI_DATABASE_URL": url, "GILJABI_TELEGRAM_TOKEN": TOKEN, "GILJABI_TELEGRAM_API_BASE_URL": api.url,
               "GILJABI_TELEGRAM_RATE_LIMIT": "false", "GILJABI_QUIET_HOURS": "", "GILJABI_LOG_LEVEL": "WARNING",
               "GILJABI_DATA_DIR": tempfile.mkdtemp(prefix="giljabi-outbox-bench-")}
        started = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(workers)]
        reports = []
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            if proc.returncode != 0:
                print(err[-3000:])
                return False
            reports.append(json.loads(out.strip().splitlines()[-1]))
        wall = time.perf_counter() - started
        with admin.begin() as conn:
            query = text(f'SELECT status, count(*) FROM "{schema}".outbox GROUP BY 1')
            statuses = Counter(dict(conn.execute(query).all()))
    finally:
        api.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    texts = Counter(p["text"] for p in api.sent())
    duplicates = sum(n - 1 for n in texts.values() if n > 1)
    lost = messages - statuses.get("sent", 0)
    window = (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")
    rate = len(stamps) / window if window == window and window > 0 else 0.0
    print(f"dispatch: {messages} due Telegram messages, {users} users, {workers} × `giljabi worker --once` on "
          f"PostgreSQL, fake Bot API, pacing off")
    print(f"{'workers':>8}{'sent':>8}{'msg/s send window':>19}{'msg/s wall':>12}{'wall s':>8}{'dups':>6}{'lost':>6}")
    print(f"{workers:>8}{sum(r['sent'] for r in reports):>8}{rate:>19.0f}{messages / wall:>12.0f}{wall:>8.1f}"
          f"{duplicates:>6}{lost:>6}")
    print(f"per worker: {', '.join(str(r['sent']) for r in reports)}")
    ok = rate >= 500 and duplicates == 0 and lost == 0
    print(f"target dispatch (≥ 500 msg/s, 0 duplicates, 0 lost): {'met' if ok else 'NOT met'}")
    return ok


def server_rps(tree: Path, requests: int) -> float:
    """``bench/server_bench.py`` of ``tree`` (its code first on the path): the /kakao/skill request rate."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, str(tree / "bench" / "server_bench.py"), "--requests", str(requests)],
                         cwd=tree, env=env, capture_output=True, text=True, timeout=1800)
    match = re.search(r"^/kakao/skill\s+\d+\s+([\d.]+)", out.stdout, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"server bench of {tree} printed no rate:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    return float(match.group(1))


def before_outbox() -> str | None:
    """The newest commit on the first-parent line of HEAD without the dispatcher: main just before the
    outbox was merged into it (or, on this branch, the commit the outbox work started from)."""
    chain = subprocess.run(["git", "rev-list", "--first-parent", "--max-count=500", "HEAD"], cwd=ROOT,
                           capture_output=True, text=True)
    for commit in chain.stdout.split() if chain.returncode == 0 else []:
        tree = subprocess.run(["git", "ls-tree", commit, "bot/outbox/dispatcher.py"], cwd=ROOT,
                              capture_output=True, text=True)
        if tree.returncode == 0 and not tree.stdout.strip():
            return commit
    return None


def turns(before: str, requests: int, rounds: int) -> bool:
    base = subprocess.run(["git", "rev-parse", before], cwd=ROOT, capture_output=True, text=True, check=True)
    commit = base.stdout.strip()
    with tempfile.TemporaryDirectory(prefix="giljabi-before-") as tmp:
        tree = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            pairs = [(server_rps(tree, requests), server_rps(ROOT, requests)) for _ in range(rounds)]
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
    before_rps = max(p[0] for p in pairs)
    after_rps = max(p[1] for p in pairs)
    ratio = after_rps / before_rps
    print(f"server turns (bench/server_bench.py --requests {requests}, best of {rounds}): "
          f"before {commit[:10]} {before_rps:.0f} req/s, after {after_rps:.0f} req/s, ratio {ratio:.2f}")
    print(f"target turn cost (ratio ≥ 0.95): {'met' if ratio >= 0.95 else 'NOT met'}")
    return ratio >= 0.95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-turns", action="store_true", help="skip the server turn comparison")
    parser.add_argument("--before", default=None, help="git ref before the outbox (default: see above)")
    parser.add_argument("--turn-requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    base = postgres_base()
    ok = True
    if base is None:
        print("dispatch: skipped (set GILJABI_BENCH_POSTGRES_URL or GILJABI_TEST_POSTGRES_URL)")
    else:
        ok = dispatch(base, args.messages, args.users, args.workers)
    if not args.no_turns:
        before = args.before or before_outbox()
        if before is None:
            print("server turns: skipped (no git history to find the code before the outbox in)")
        else:
            ok = turns(before, args.turn_requests, args.rounds) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
