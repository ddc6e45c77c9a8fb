"""The outbox's command-line contracts, exactly as documented: ``giljabi notify``, ``giljabi worker
--once`` and ``giljabi outbox``, over the embedded SQLite database of the data directory."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from bot.cli import main
from bot.config import get_settings
from bot.outbox import enqueue
from bot.store import Store
from bot.store.models import Conversation, User
from tests.conftest import sqlite_db_url


@pytest.fixture
def store(data_dir, monkeypatch):
    for name in ("GILJABI_TELEGRAM_TOKEN", "GILJABI_KAKAO_EVENT_BOT_ID", "GILJABI_KAKAO_EVENT_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GILJABI_QUIET_HOURS", "")
    get_settings.cache_clear()
    get_settings().resolved_database_url()  # the data directory exists
    s = Store(sqlite_db_url(data_dir / "giljabi.sqlite3"))  # the file the commands open (migrated once)
    assert s.url == get_settings().resolved_database_url()
    yield s
    s.close()


def run(capsys, *argv: str) -> tuple[int, list[dict]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines() if line.strip()]


def people(store: Store) -> dict[str, int]:
    """Three users: a 3rd-grader on Telegram, a 1st-grader who opted out, a Kakao user who booked IAP."""
    with store.unit() as s:
        ids = {key: store.open_conversation(s, channel, key).user_id
               for channel, key in (("telegram", "111"), ("telegram", "222"), ("kakao", "k-333"))}
        s.execute(update(User).where(User.id == ids["222"]).values(notifications=False))
        for key, grade in (("111", "3"), ("222", "1")):
            s.execute(update(Conversation).where(Conversation.user_id == ids[key])
                      .values(state={"slots": {"grade": grade}}))
        store.set_stage(s, ids["k-333"], "iap_booking", True)
    return ids


def test_notify_named_users_then_worker_once_then_outbox(store, capsys) -> None:
    people(store)
    text = "이번 주 금요일까지 IAP 등록 마감이에요"
    assert run(capsys, "notify", "--user", "telegram:111", "--user", "cli:minji", text) \
        == (0, [{"queued": 2, "skipped_opt_out": 0}])
    assert run(capsys, "worker", "--once") == (0, [{"sent": 0, "held": 2, "failed": 0, "unreachable": 0}])
    code, rows = run(capsys, "outbox", "--json")
    assert code == 0 and [(r["user"], r["kind"], r["status"]) for r in rows] == [
        ("telegram:111", "notice", "held"), ("cli:minji", "notice", "held")]
    code, rows = run(capsys, "outbox", "--json", "--user", "cli:minji", "--status", "held")
    assert [r["user"] for r in rows] == ["cli:minji"]
    assert main(["outbox"]) == 0 and "cli:minji" in capsys.readouterr().out


def test_notify_all_skips_and_counts_users_who_opted_out(store, capsys) -> None:
    people(store)
    assert run(capsys, "notify", "--all", "--dry-run", "공지") == (0, [{"would_queue": 2, "skipped_opt_out": 1}])
    assert run(capsys, "outbox", "--json") == (0, [])
    assert run(capsys, "notify", "--all", "공지") == (0, [{"queued": 2, "skipped_opt_out": 1}])
    assert run(capsys, "notify", "--all", "--channel", "kakao", "카카오 공지") \
        == (0, [{"queued": 1, "skipped_opt_out": 0}])


def test_notify_by_pending_stage_and_by_grade(store, capsys) -> None:
    people(store)
    assert run(capsys, "notify", "--stage-pending", "iap_booking", "IAP 상담 예약하세요") \
        == (0, [{"queued": 1, "skipped_opt_out": 1}])
    assert run(capsys, "notify", "--grade", "3", "3학년 안내") == (0, [{"queued": 1, "skipped_opt_out": 0}])
    assert run(capsys, "notify", "--grade", "1", "--dry-run", "1학년 안내") == (0, [{"would_queue": 0,
                                                                                   "skipped_opt_out": 1}])
    assert main(["notify", "--stage-pending", "no_such_stage", "x"]) == 2


def test_notify_at_a_local_time_is_due_then(store, capsys) -> None:
    people(store)
    assert run(capsys, "notify", "--user", "telegram:111", "--at", "2031-03-02T09:30", "개강 안내")[1] == [
        {"queued": 1, "skipped_opt_out": 0}]
    _, rows = run(capsys, "outbox", "--json")
    assert datetime.fromisoformat(rows[0]["due_at"]) == datetime(2031, 3, 2, 0, 30, tzinfo=UTC)  # 09:30 in Seoul
    assert run(capsys, "worker", "--once")[1] == [{"sent": 0, "held": 0, "failed": 0, "unreachable": 0}]
    assert main(["notify", "--user", "telegram", "x"]) == 2  # not CHANNEL:USER_KEY


def test_the_worker_runs_until_terminated(store, tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    environ = {**{k: v for k, v in os.environ.items() if not k.startswith("GILJABI_")},
               "GILJABI_DATA_DIR": os.environ["GILJABI_DATA_DIR"], "GILJABI_OUTBOX_TICK_SECONDS": "0.1"}
    code = "import sys; from bot.cli import main; sys.exit(main(['worker']))"
    worker = subprocess.Popen([sys.executable, "-c", code],
                              cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with store.unit() as s:
        uid = store.open_conversation(s, "cli", "minji").user_id
        enqueue(s, user_id=uid, channel="cli", kind="notice", dedupe_key="w1", replies=[{"text": "공지"}])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _status(store, "w1") != "held":  # the running worker holds it
        time.sleep(0.05)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(10) == 0, worker.stderr.read()[-2000:]
    assert _status(store, "w1") == "held"


def _status(store: Store, key: str) -> str | None:
    from sqlalchemy import select

    from bot.store.models import OutboxMessage

    with store.unit() as s:
        return s.scalar(select(OutboxMessage.status).where(OutboxMessage.dedupe_key == key))
