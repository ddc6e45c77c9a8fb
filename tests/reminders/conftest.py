"""Reminder test fixtures: a database per test (SQLite, and PostgreSQL in its own schema when
``GILJABI_TEST_POSTGRES_URL`` is set), a clock the test moves, and an Assistant that uses both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import postgres_schema, sqlite_db_url

SEOUL = ZoneInfo("Asia/Seoul")


class Clock:
    """A clock the test moves; the Assistant, planner and dispatcher all read it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def fake_parse(text: str) -> dict[str, Any]:
    """Typed text reaches the reminder parts' word and date hooks; the intent is only a fallback."""
    name = "reminder_settings" if "알림 설정" in text else "delete_my_data" if "기록 지워" in text else "nlu_fallback"
    return {"text": text, "intent": {"name": name, "confidence": 0.9}, "entities": [], "intent_ranking": []}


def make_db_url(kind: str, tmp_path: Any) -> Iterator[str]:
    if kind == "sqlite":
        yield sqlite_db_url(tmp_path / "reminders.sqlite3")
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    yield from make_db_url(request.param, tmp_path)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 18, 9, 30, tzinfo=SEOUL))


@pytest.fixture
def bot(db_url: str, domain: Any, clock: Clock) -> Iterator[Callable[..., Any]]:
    """``bot(user, text=..., payload=...)`` runs one turn; ``bot.assistant``, ``bot.store``, ``bot.planner``."""
    from bot.assistant import Assistant
    from bot.messages import Inbound
    from bot.outbox.quiet import QuietHours as Quiet
    from bot.reminders import Planner, Reminders, Scheduler
    from bot.store import Store
    from knowledge.reminders import load_rules

    store = Store(db_url)
    scheduler = Scheduler(domain, load_rules(stages=domain.stages), SEOUL, Quiet(*_quiet(), SEOUL))
    assistant = Assistant(store, domain, fake_parse, clock=clock, reminders=Reminders(scheduler))

    def turn(user: str, text: str | None = None, payload: str | None = None) -> list[Any]:
        return assistant.handle(Inbound(channel="test", user_key=user, text=text, payload=payload))

    turn.assistant, turn.store, turn.planner = assistant, store, Planner(scheduler)  # type: ignore[attr-defined]
    yield turn
    store.close()


def _quiet() -> tuple[Any, Any]:
    from datetime import time

    return time(21, 0), time(8, 0)
