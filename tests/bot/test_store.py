"""Storage on SQLite and PostgreSQL: schema, one transaction per turn, dedupe, masking, forgetting."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import insert, inspect, select

from bot.assistant import Assistant
from bot.messages import Inbound
from bot.store import Store
from bot.store.models import Conversation, ProcessedMessage, Progress, Turn, User
from tests.conftest import postgres_schema, postgres_url, sqlite_db_url


def fake_parse(text: str) -> dict:
    name = "step_done" if "다 했" in text else "nlu_fallback"
    return {"text": text, "intent": {"name": name, "confidence": 0.3}, "entities": [], "intent_ranking": []}


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database at the newest revision (tests/databases.py)."""
    if request.param == "sqlite":
        yield sqlite_db_url(tmp_path / "store.sqlite3")
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def new_db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database with no schema at all: the first ``Store`` runs every migration."""
    if request.param == "sqlite":
        yield sqlite_db_url(tmp_path / "new.sqlite3", migrated=False)
        return
    with postgres_schema(migrated=False) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


def test_postgres_tests_run_when_configured() -> None:
    """CI exports the URL; then the PostgreSQL half of this module must not be skipped."""
    import os

    if os.environ.get("CI"):
        assert postgres_url(), "CI must export GILJABI_TEST_POSTGRES_URL"


def test_migration_creates_every_table_and_is_idempotent(new_db_url: str) -> None:
    store = Store(new_db_url)
    try:
        names = set(inspect(store.engine).get_table_names())
    finally:
        store.close()
    assert {"users", "conversations", "turns", "progress", "processed_messages", "alembic_version"} <= names
    Store(new_db_url).close()  # a second start on a migrated database is a no-op


def test_turn_is_stored_masked_with_state_and_parse(store: Store, domain) -> None:
    assistant = Assistant(store, domain, fake_parse)
    replies = assistant.handle(Inbound(channel="test", user_key="u1", text="제 번호 900101-2345678 이에요"))
    assert "주민등록번호" in replies[0].text
    with store.unit() as s:
        turn = s.scalars(select(Turn)).one()
        assert "2345678" not in (turn.text or "") and "******" in turn.text
        assert "2345678" not in str(turn.parse) and turn.fallback is True
        assert turn.replies and turn.replies[0]["type"] == "text"
        assert s.scalars(select(Conversation)).one().state.get("fallbacks") == 1


def test_redelivered_message_is_handled_once(store: Store, domain) -> None:
    assistant = Assistant(store, domain, fake_parse)
    first = assistant.handle(Inbound(channel="telegram", user_key="7", payload="f:worknet_signup", message_id="42"))
    again = assistant.handle(Inbound(channel="telegram", user_key="7", payload="f:worknet_signup", message_id="42"))
    assert [r.to_dict() for r in first] == [r.to_dict() for r in again]
    nxt = assistant.handle(Inbound(channel="telegram", user_key="7", payload="n:worknet_signup:signup_open",
                                   message_id="43"))
    assert "2/7" in (nxt[0].title or "")
    with store.unit() as s:
        assert len(s.scalars(select(Turn)).all()) == 2
        assert len(s.scalars(select(ProcessedMessage)).all()) == 2


def test_progress_effects_are_stored(store: Store, domain) -> None:
    assistant = Assistant(store, domain, fake_parse)
    assistant.handle(Inbound(channel="test", user_key="u", payload="d:apply"))
    assistant.handle(Inbound(channel="test", user_key="u", payload="d:worknet"))
    assistant.handle(Inbound(channel="test", user_key="u", payload="u:worknet"))
    assert store.progress_of("test", "u") == {"apply"}


def test_a_failing_turn_changes_nothing(store: Store, domain, monkeypatch: pytest.MonkeyPatch) -> None:
    assistant = Assistant(store, domain, fake_parse)
    assistant.handle(Inbound(channel="test", user_key="u", payload="f:worknet_signup"))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "record_turn", broken)
    replies = assistant.handle(Inbound(channel="test", user_key="u", payload="n:worknet_signup:signup_open"))
    assert "문제가 생겼어요" in replies[0].text
    monkeypatch.undo()
    with store.unit() as s:
        assert s.scalars(select(Conversation)).one().state["place"]["step"] == "signup_open"
        assert len(s.scalars(select(Turn)).all()) == 1


def test_forget_deletes_turns_and_progress(store: Store, domain) -> None:
    assistant = Assistant(store, domain, fake_parse)
    assistant.handle(Inbound(channel="test", user_key="u", payload="d:apply", message_id="1"))
    assistant.handle(Inbound(channel="test", user_key="u", payload="a:center"))
    assistant.handle(Inbound(channel="test", user_key="other", payload="d:apply"))
    with store.unit() as s:
        store.forget(s, store.user_id(s, "test", "u"))
    with store.unit() as s:
        uid = s.scalar(select(User.id).where(User.user_key == "u"))
        assert s.scalars(select(Turn).where(Turn.user_id == uid)).all() == []
        assert s.scalars(select(Progress).where(Progress.user_id == uid)).all() == []
    assert store.progress_of("test", "other") == {"apply"}


def test_concurrent_turns_of_one_user_are_serialised(store: Store, domain, monkeypatch) -> None:
    """Two workers, one user: every turn is kept and none of their state changes is lost.

    Each turn here counts a fallback in the conversation state (read, +1, write). The storage read
    between loading and saving the state is slowed down, so without the row lock (PostgreSQL) or the
    write lock taken at BEGIN (SQLite) the turns would read the same count and lose increments."""
    assistant = Assistant(store, domain, fake_parse)
    assistant.handle(Inbound(channel="test", user_key="u", payload="m"))
    done_stages = store.done_stages

    def slow_done_stages(s, user_id):
        time.sleep(0.03)
        return done_stages(s, user_id)

    monkeypatch.setattr(store, "done_stages", slow_done_stages)
    errors: list[BaseException] = []
    failed: list[str] = []

    def say(n: int) -> None:
        try:
            replies = assistant.handle(Inbound(channel="test", user_key="u", text=f"qxzv {n}", message_id=f"m{n}"))
            if "문제가 생겼어요" in (replies[0].text or "") or "잠시 후" in (replies[0].text or ""):
                failed.append(str(n))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=say, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and not failed
    with store.unit() as s:
        assert len(s.scalars(select(Turn)).all()) == 9
        assert len(s.scalars(select(User)).all()) == 1
        assert s.scalars(select(Conversation)).one().state.get("fallbacks") == 8


def test_review_lists_fallback_turns(store: Store, domain) -> None:
    assistant = Assistant(store, domain, fake_parse)
    assistant.handle(Inbound(channel="test", user_key="u", text="뭐라는지 모를 말"))
    assistant.handle(Inbound(channel="test", user_key="u", payload="m"))
    rows = store.review_turns()
    assert [r.text for r in rows] == ["뭐라는지 모를 말"]


def test_errors_never_quote_bound_parameters(store: Store, caplog) -> None:
    """SQLAlchemy hides bound parameters; and since PostgreSQL quotes a failing row in its own
    message, the failure line the server logs carries the exception's class, never its message."""
    import logging

    from sqlalchemy.exc import IntegrityError

    from bot.logs import FailureLog

    with pytest.raises(IntegrityError) as failure, store.unit() as s:
        s.execute(insert(User).values(channel="t", user_key="비밀 문장", created_at=None, last_seen_at=None))
    assert "parameters hidden" in str(failure.value)
    with caplog.at_level(logging.ERROR, logger="giljabi.test"):
        FailureLog(logging.getLogger("giljabi.test")).report("turn", failure.value, channel="t")
    assert "IntegrityError" in caplog.text and "비밀 문장" not in caplog.text
