"""Real ``giljabi worker --once`` processes on one PostgreSQL database against the fake Bot API:
four at once deliver every row exactly once; one killed with SIGKILL mid-batch loses nothing, and
the rows it held end ``unknown`` and are not sent again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import select, text

from bot.outbox import enqueue_many
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.bot.conftest import TOKEN, postgres_schema, wait_until
from tests.conftest import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.slow]  # processes at once: started first (conftest)

WORKER = "import sys; from bot.cli import main; sys.exit(main(['worker', '--once']))"


@pytest.fixture
def pg_url():
    with postgres_schema() as url:
        yield url


def worker(url: str, bot_api, tmp_path, **env: str) -> subprocess.Popen[str]:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GILJABI_")},
        "GILJABI_DATABASE_URL": url, "GILJABI_DATA_DIR": str(tmp_path), "GILJABI_TELEGRAM_TOKEN": TOKEN,
        "GILJABI_TELEGRAM_API_BASE_URL": bot_api.url, "GILJABI_TELEGRAM_RATE_LIMIT": "false",
        "GILJABI_QUIET_HOURS": "", "GILJABI_LOG_LEVEL": "WARNING", **env,
    }
    return subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=environ, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def fill(url: str, users: int, per_user: int) -> dict[int, str]:
    """``users × per_user`` due notices with unique texts, queued in one statement; returns text by row id."""
    store = Store(url)
    rows = []
    with store.unit() as s:
        for u in range(users):
            uid = store.open_conversation(s, "telegram", str(900_000 + u)).user_id
            rows += [{"user_id": uid, "channel": "telegram", "kind": "notice", "dedupe_key": f"p:{u}:{n}",
                      "replies": [{"type": "text", "text": f"공지 {u}-{n}"}]} for n in range(per_user)]
        ids = enqueue_many(s, rows)
    store.close()
    assert None not in ids
    return {row_id: row["replies"][0]["text"] for row_id, row in zip(ids, rows, strict=True)}


def statuses(url: str) -> dict[int, str]:
    store = Store(url, migrate=False)
    with store.unit() as s:
        out = dict(s.execute(select(OutboxMessage.id, OutboxMessage.status)).all())
    store.close()
    return out


def lease_left(url: str) -> float:
    """Seconds until the last lease on a row being sent runs out, and a little more; 0 if none is left
    (the database's clock: on one machine, the one the workers stamp and check leases with)."""
    store = Store(url, migrate=False)
    with store.unit() as s:
        left = s.scalar(text("SELECT EXTRACT(EPOCH FROM max(lease_expires_at) - now()) FROM outbox "
                             "WHERE status = 'sending'"))
    store.close()
    return max(0.0, float(left or 0.0)) + 0.05


def test_four_workers_deliver_1000_rows_to_200_users_exactly_once(pg_url, bot_api, tmp_path) -> None:
    texts = fill(pg_url, users=200, per_user=5)
    procs = [worker(pg_url, bot_api, tmp_path, GILJABI_OUTBOX_BATCH="20") for _ in range(4)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[:3000]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["sent"] for r in reports) == 1000
    assert all(set(r) == {"sent", "held", "failed", "unreachable"} for r in reports)
    per_chat = bot_api.per_chat()
    assert len(per_chat) == 200 and all(len(sent) == 5 for sent in per_chat.values())
    delivered = Counter(t for sent in per_chat.values() for t in sent)
    assert set(delivered) == set(texts.values()) and max(delivered.values()) == 1
    for chat, sent in per_chat.items():  # one user's rows leave in order
        assert sent == [f"공지 {chat - 900_000}-{n}" for n in range(5)]
    assert set(statuses(pg_url).values()) == {"sent"}


def test_a_worker_killed_mid_batch_loses_nothing_and_its_rows_end_unknown(pg_url, bot_api, tmp_path) -> None:
    texts = fill(pg_url, users=40, per_user=5)
    bot_api.delay = 0.3
    doomed = worker(pg_url, bot_api, tmp_path, GILJABI_OUTBOX_BATCH="50", GILJABI_OUTBOX_LEASE_SECONDS="0.5")
    wait_until(lambda: len(bot_api.sent()) >= 5, 60, "the first worker to start sending")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    held = {row for row, status in statuses(pg_url).items() if status == "sending"}
    assert 0 < len(held) <= 50
    bot_api.delay = 0.0
    time.sleep(lease_left(pg_url))  # the dead worker's lease runs out (it may have already)
    survivor = worker(pg_url, bot_api, tmp_path, GILJABI_OUTBOX_BATCH="50")
    out, err = survivor.communicate(timeout=120)
    assert survivor.returncode == 0, err[:3000]
    assert json.loads(out.strip().splitlines()[-1])["sent"] == len(texts) - len(held)
    final = statuses(pg_url)
    assert {row for row, status in final.items() if status == "unknown"} == held
    assert all(final[row] == "sent" for row in texts if row not in held)
    delivered = Counter(p["text"] for p in bot_api.sent())
    assert max(delivered.values()) == 1  # nothing twice: the held rows were not resent
    assert all(delivered[texts[row]] == 1 for row in texts if row not in held)


def test_a_notice_queued_by_another_process_is_sent_at_once(pg_url, make_assistant, make_settings, bot_api,
                                                            serve_app, tmp_path) -> None:
    from bot.server import create_app
    from tests.bot.conftest import WEBHOOK_SECRET, fake_parse

    assistant = make_assistant(url=pg_url, parser=fake_parse)
    settings = make_settings(telegram_token=TOKEN, telegram_webhook_secret=WEBHOOK_SECRET,
                             telegram_api_base_url=bot_api.url, telegram_rate_limit=False, quiet_hours="",
                             outbox_tick_seconds=3600)  # no tick will come: only NOTIFY can wake it
    with assistant.store.unit() as s:
        since = s.scalar(text("select clock_timestamp()"))
    serve_app(create_app(assistant, settings))

    def listening() -> bool:  # the server's LISTEN connection is in place: a NOTIFY before it is lost
        with assistant.store.unit() as s:
            return bool(s.scalar(text(
                "select count(*) from pg_stat_activity where datname = current_database()"
                " and query = 'LISTEN giljabi_outbox' and backend_start >= :since"), {"since": since}))

    wait_until(listening, 30, "the server's LISTEN connection")
    environ = {**{k: v for k, v in os.environ.items() if not k.startswith("GILJABI_")},
               "GILJABI_DATABASE_URL": pg_url, "GILJABI_DATA_DIR": str(tmp_path), "GILJABI_LOG_LEVEL": "WARNING"}
    notify = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", notify, "notify", "--user", "telegram:509", "지금 보내는 공지"],
                          cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout) == {"queued": 1, "skipped_opt_out": 0}, done.stderr[-2000:]
    queued = time.perf_counter()
    wait_until(lambda: bot_api.sent(), 30, "the notice from the other process")  # the tick is an hour away
    assert time.perf_counter() - queued < 30
    assert [(int(p["chat_id"]), p["text"]) for p in bot_api.sent()] == [(509, "📢 센터 안내\n지금 보내는 공지")]
