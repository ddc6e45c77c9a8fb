"""Retention (giljabi purge), a person's export, '내 정보 보여줘', and start-up against a database that
is not there."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.assistant import Assistant
from bot.cli import main
from bot.config import Settings
from bot.messages import Inbound
from bot.retention import purge
from bot.store.models import Conversation, Turn, User
from bot.store.startup import DatabaseUnreachable, open_store
from tests.bot.test_store import db_url, fake_parse, store  # noqa: F401 - fixtures

#: commands here point the caches at fresh data directories: the trained models are loaded first
pytestmark = pytest.mark.usefixtures("trained_models_in_memory")


def show_my_data(text: str) -> dict:
    name = "show_my_data" if "내 정보" in text else "nlu_fallback"
    return {"text": text, "intent": {"name": name, "confidence": 0.9}, "entities": [], "intent_ranking": []}


def test_purge_deletes_old_turns_and_long_gone_users(store, domain) -> None:  # noqa: F811
    assistant = Assistant(store, domain, fake_parse)
    for user in ("old", "recent"):
        assistant.handle(Inbound(channel="test", user_key=user, text="첫 질문", message_id=f"{user}-1"))
        assistant.handle(Inbound(channel="test", user_key=user, payload="d:apply", message_id=f"{user}-2"))
    long_ago = datetime.now(UTC) - timedelta(days=800)
    with store.unit() as s:
        old = s.scalar(select(User.id).where(User.user_key == "old"))
        s.execute(update(User).where(User.id == old).values(last_seen_at=long_ago))
        s.execute(update(Turn).where(Turn.user_id == old).values(created_at=long_ago))
        recent = s.scalar(select(User.id).where(User.user_key == "recent"))
        first = s.scalar(select(func.min(Turn.id)).where(Turn.user_id == recent))
        s.execute(update(Turn).where(Turn.id == first).values(created_at=long_ago))
    dry = purge(store, 730, dry_run=True)
    assert (dry.turns, dry.users) == (3, 1)
    with store.unit() as s:
        assert s.scalar(select(func.count()).select_from(Turn)) == 4  # a dry run deletes nothing
    done = purge(store, 730)
    assert done == dry
    with store.unit() as s:
        assert [u for u in s.scalars(select(User.user_key))] == ["recent"]
        assert s.scalar(select(func.count()).select_from(Turn)) == 1
        assert s.scalar(select(func.count()).select_from(Conversation)) == 1
    assert store.progress_of("test", "recent") == {"apply"}


def test_show_my_data_tells_what_is_stored(store, domain) -> None:  # noqa: F811
    assistant = Assistant(store, domain, show_my_data, retention_days=730)
    assistant.handle(Inbound(channel="test", user_key="me", payload="d:apply"))
    assistant.handle(Inbound(channel="test", user_key="me", text="아무 말"))
    reply = assistant.handle(Inbound(channel="test", user_key="me", text="내 정보 보여줘"))[0]
    assert reply.title == "📋 저장된 내 정보"
    assert "저장된 메시지: 2개" in reply.text and "재맞고 신청" in reply.text and "730일" in reply.text


def test_export_writes_everything_about_one_user(data_dir, capsys) -> None:
    assert main(["say", "--user", "exp", "안녕하세요", "제 번호 900101-1234567"]) == 0
    capsys.readouterr()
    assert main(["export", "--user", "cli:exp"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["user"]["user_key"] == "exp" and len(data["turns"]) == 2
    assert "1234567" not in json.dumps(data, ensure_ascii=False)
    assert main(["export", "--user", "cli:nobody"]) == 1
    assert main(["export", "--user", "no-colon"]) == 2
    assert main(["purge", "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["dry_run"] is True


def test_start_up_retries_an_unreachable_database_then_exits_with_one_line(tmp_path, capsys) -> None:
    clock = {"now": 0.0}
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock["now"] += seconds

    settings = Settings(data_dir=tmp_path, database_url="postgresql+psycopg://nobody@127.0.0.1:9/none",
                        db_startup_wait=6.0, db_connect_timeout=2.0)
    with pytest.raises(DatabaseUnreachable):
        open_store(settings, sleep=sleep, clock=lambda: clock["now"])
    assert sleeps[:3] == [0.5, 1.0, 2.0] and sum(sleeps) == pytest.approx(6.0)
    err = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(err)
    final = [line for line in err if line.startswith("giljabi:")]
    assert len(final) == 1 and "unreachable" in final[0] and "GILJABI_DATABASE_URL" in final[0]


def test_deleted_text_leaves_the_sqlite_file_and_its_wal(tmp_path, domain) -> None:
    from bot.store import Store

    path = tmp_path / "secure.sqlite3"
    sqlite = Store(f"sqlite:///{path}")
    marker = "비밀스러운문장QX"

    def forget_parse(text: str) -> dict:
        name = "delete_my_data" if "지워" in text else "nlu_fallback"
        return {"text": text, "intent": {"name": name, "confidence": 0.9}, "entities": [], "intent_ranking": []}

    try:
        assistant = Assistant(sqlite, domain, forget_parse)
        for n in range(20):
            assistant.handle(Inbound(channel="test", user_key="gone", text=f"{marker} {n}"))
        files = [p for p in tmp_path.iterdir() if p.name.startswith("secure")]
        assert any(marker.encode() in p.read_bytes() for p in files)  # the check below can see it
        assistant.handle(Inbound(channel="test", user_key="gone", text="내 기록 지워줘"))
        assistant.handle(Inbound(channel="test", user_key="gone", payload="y"))
        files = [p for p in tmp_path.iterdir() if p.name.startswith("secure")]
        assert not any(marker.encode() in p.read_bytes() for p in files), [p.name for p in files]
    finally:
        sqlite.close()


def test_the_daily_purge_runs_in_the_background(store) -> None:  # noqa: F811
    import asyncio

    from bot.retention import run_daily

    calls: list[int] = []

    async def scenario() -> None:
        import bot.retention as retention

        original = retention.purge
        retention.purge = lambda s, days: calls.append(days) or original(s, days)
        try:
            task = asyncio.ensure_future(run_daily(store, 30, first_delay=0, every=0.05))
            while len(calls) < 2:
                await asyncio.sleep(0.01)
            task.cancel()
        finally:
            retention.purge = original

    asyncio.run(asyncio.wait_for(scenario(), 10))
    assert calls[:2] == [30, 30]


def test_workers_are_refused_on_sqlite(data_dir, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--workers", "2"])
    assert exit_info.value.code == 2 and "PostgreSQL" in capsys.readouterr().err
