"""``giljabi reminders due`` and ``giljabi reminders list``: the exact output contracts, and that
``due`` is a dry run (nothing written, nothing sent)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.messages import Inbound
from bot.store.models import OutboxMessage
from tests.reminders.conftest import SEOUL, Clock, fake_parse


@pytest.fixture
def booked(data_dir, domain):
    """cli:minji booked 12월 10일 오후 2시 and ticked 워크넷 on 2026-11-18 09:30."""
    from bot.assistant import Assistant
    from bot.config import get_settings
    from bot.store import Store

    store = Store(get_settings().resolved_database_url())
    clock = Clock(datetime(2026, 11, 18, 9, 30, tzinfo=SEOUL))
    assistant = Assistant(store, domain, fake_parse, clock=clock)
    turns = ({"text": "IAP 상담 12월 10일 오후 2시로 예약했어요"}, {"payload": "v:ok"}, {"payload": "d:worknet"})
    for message in turns:
        assistant.handle(Inbound(channel="cli", user_key="minji", **message))
    yield store
    store.close()


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_due_lists_what_would_go_out_and_writes_nothing(booked, capsys) -> None:
    with booked.unit() as s:
        before = s.scalar(select(func.count()).select_from(OutboxMessage))
    assert main(["reminders", "due", "--at", "2026-12-09T18:00:00+09:00", "--json"]) == 0
    lines = _lines(capsys)
    assert [list(line) for line in lines] == [["user", "kind", "due_at", "text"]] * 3
    assert [(x["user"], x["kind"], x["due_at"]) for x in lines] == [
        ("cli:minji", "nudge", "2026-11-21T09:30:00+09:00"),
        ("cli:minji", "nudge", "2026-11-25T09:30:00+09:00"),
        ("cli:minji", "appointment", "2026-12-09T18:00:00+09:00"),
    ]
    # the terminal shows a reminder at the next message, so it says which day it is from
    assert lines[2]["text"] == (
        "🔔 12월 9일(수) 알림 내일 오후 2시에 IAP 상담이 있어요. "
        "대학일자리플러스센터에 방문해서 컨설턴트와 함께 IAP를 세워요."
    )
    with booked.unit() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == before
        assert set(s.scalars(select(OutboxMessage.status))) == {"pending"}


def test_due_in_quiet_hours_and_for_another_user_lists_nothing(booked, capsys) -> None:
    assert main(["reminders", "due", "--at", "2026-12-09T22:00", "--json"]) == 0  # no zone: GILJABI_TIMEZONE
    assert _lines(capsys) == []
    assert main(["reminders", "due", "--at", "2026-12-09T18:00", "--user", "cli:nobody", "--json"]) == 0
    assert _lines(capsys) == []


def test_list_shows_a_users_reminders_with_status(booked, capsys) -> None:
    assert main(["reminders", "list", "--user", "cli:minji", "--json"]) == 0
    lines = _lines(capsys)
    assert [list(line) for line in lines] == [["user", "kind", "due_at", "text", "status"]] * 4
    assert [(x["kind"], x["status"]) for x in lines] == [("nudge", "pending")] * 2 + [("appointment", "pending")] * 2
    assert main(["reminders", "list", "--user", "cli:minji"]) == 0
    assert "appointment" in capsys.readouterr().out


def test_a_malformed_user_is_refused(booked, capsys) -> None:
    assert main(["reminders", "list", "--user", "minji"]) == 2
    assert "CHANNEL:USER_KEY" in capsys.readouterr().err


def test_worker_once_plans_reminders_coming_due_before_sending(data_dir, domain, capsys) -> None:
    """A stage ticked three days ago with no reminder queued (say, by an operator's tool): the planner
    pass that ``giljabi worker --once`` runs first queues it, and the dispatcher holds it for the
    terminal user's next message."""
    from datetime import UTC, timedelta

    from bot.config import get_settings
    from bot.store import Store

    store = Store(get_settings().resolved_database_url())
    with store.unit() as s:
        uid = store.open_conversation(s, "cli", "minji").user_id
        store.set_stage(s, uid, "worknet", True, datetime.now(UTC) - timedelta(days=3, minutes=1))
    assert main(["worker", "--once"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["held"] == 1
    with store.unit() as s:
        assert s.execute(select(OutboxMessage.kind, OutboxMessage.status)).all() == [("nudge", "held")]
    store.close()
