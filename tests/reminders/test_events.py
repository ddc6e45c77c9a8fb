"""Reminders queued and cancelled in the turn that caused them; the planner's pass; the settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.reminders.models import Appointment, CheckinAnswer, Employment
from bot.reminders.schedule import aware
from bot.store.models import OutboxMessage
from tests.reminders.conftest import SEOUL


def rows(bot, status: str | None = None) -> list[tuple[str, str, datetime, str]]:
    with bot.store.unit() as s:
        q = select(OutboxMessage.kind, OutboxMessage.dedupe_key, OutboxMessage.due_at, OutboxMessage.status)
        if status:
            q = q.where(OutboxMessage.status == status)
        found = s.execute(q.order_by(OutboxMessage.due_at)).all()
        return [(kind, key, aware(due).astimezone(SEOUL), st) for kind, key, due, st in found]


def test_stage_done_queues_the_next_stage_nudges_and_doing_it_cancels_them(bot, clock) -> None:
    bot("u1", payload="d:worknet")
    pending = rows(bot, "pending")
    assert [(k, due) for k, _, due, _ in pending] == [
        ("nudge", clock.now + timedelta(days=3)), ("nudge", clock.now + timedelta(days=7)),
    ]
    assert all(":n:jobcare:" in key for _, key, _, _ in pending)
    clock.advance(days=1)
    bot("u1", payload="d:jobcare")
    statuses = {key: st for _, key, _, st in rows(bot)}
    assert all(st == "cancelled" for key, st in statuses.items() if ":n:jobcare:" in key)
    assert any(":n:assessments:" in key and st == "pending" for key, st in statuses.items())


def test_a_nudge_is_not_queued_for_a_stage_already_done(bot) -> None:
    bot("u1", payload="d:jobcare")
    bot("u1", payload="d:worknet")
    assert not [key for _, key, _, st in rows(bot, "pending") if ":n:jobcare:" in key]


def test_a_guide_left_midway_queues_one_nudge_with_a_resume_button(bot, clock) -> None:
    bot("u1", payload="f:worknet_signup")
    bot("u1", payload="x")
    [(kind, key, due, _)] = rows(bot, "pending")
    assert (kind, key.endswith(":n:worknet:1"), due) == ("nudge", True, clock.now + timedelta(days=2))
    with bot.store.unit() as s:
        replies = s.scalar(select(OutboxMessage.replies))
    assert replies[0]["buttons"][0]["payload"] == "r"


def test_appointment_booked_changed_and_cancelled(bot, clock) -> None:
    bot("u1", "IAP 상담 12월 10일 오후 2시로 예약했어요")
    assert rows(bot) == []  # nothing until the student confirms the time read back
    bot("u1", payload="v:ok")
    due = [(due, st) for _, _, due, st in rows(bot)]
    assert due == [
        (datetime(2026, 12, 9, 18, 0, tzinfo=SEOUL), "pending"),
        (datetime(2026, 12, 10, 12, 0, tzinfo=SEOUL), "pending"),
    ]
    bot("u1", "예약 바꿀래요")
    bot("u1", "12월 11일 오전 9시")
    bot("u1", payload="v:ok")
    pending = [due for _, _, due, _ in rows(bot, "pending")]
    # 07:00 would be in quiet hours: the hours-before reminder moves before them, the evening before
    assert pending == [datetime(2026, 12, 10, 18, 0, tzinfo=SEOUL), datetime(2026, 12, 10, 20, 30, tzinfo=SEOUL)]
    assert len(rows(bot, "cancelled")) == 2
    bot("u1", "예약 취소")
    bot("u1", payload="v:xy")
    assert rows(bot, "pending") == []
    with bot.store.unit() as s:
        assert sorted(s.scalars(select(Appointment.status))) == ["cancelled", "changed"]


def test_a_job_queues_three_monthly_checkins_and_answers_are_stored(bot, clock) -> None:
    bot("u1", "취업했어요")
    pending = [(kind, due) for kind, _, due, _ in rows(bot, "pending")]
    assert pending == [
        ("checkin", datetime(2026, 12, 18, 10, 0, tzinfo=SEOUL)),
        ("checkin", datetime(2027, 1, 18, 10, 0, tzinfo=SEOUL)),
        ("checkin", datetime(2027, 2, 18, 10, 0, tzinfo=SEOUL)),
    ]
    bot("u1", payload="k:1:ok")
    bot("u1", payload="k:2:stop")
    with bot.store.unit() as s:
        assert sorted(s.scalars(select(CheckinAnswer.answer))) == ["ok", "stop"]
    assert rows(bot, "pending") == []  # 그만 받을래요 cancels the rest


def test_switches_cancel_and_requeue(bot) -> None:
    bot("u1", payload="d:worknet")
    bot("u1", payload="sw:nudges:off")
    assert rows(bot, "pending") == []
    bot("u1", payload="sw:nudges:on")
    assert len(rows(bot, "pending")) == 2
    replies = bot("u1", "알림 설정")
    shown = "\n".join(r.text or "" for r in replies)
    assert "남은 단계 알림: 켜짐" in shown and "다음 알림:" in shown


def test_deleting_ones_data_cancels_every_reminder_and_forgets_the_facts(bot) -> None:
    bot("u1", payload="d:worknet")
    bot("u1", "취업했어요")
    bot("u1", "내 기록 지워줘")
    bot("u1", payload="y")
    assert rows(bot, "pending") == []
    with bot.store.unit() as s:
        assert s.scalar(select(Employment.id)) is None


def test_planner_is_idempotent_and_catches_what_no_turn_queued(bot, clock) -> None:
    from bot.reminders.schedule import Scheduler

    bot("u1", "취업했어요")
    with bot.store.unit() as s:  # lose the queued rows, as if the turn's process had died before queueing
        s.execute(OutboxMessage.__table__.delete())
    clock.advance(days=30, hours=1)  # 2026-12-18 10:30, just past the first check-in
    with bot.store.unit() as s:
        first = bot.planner.run(s, clock.now)
    with bot.store.unit() as s:
        second = bot.planner.run(s, clock.now)
    assert (first.queued, second.queued) == (1, 0)
    assert isinstance(bot.planner.scheduler, Scheduler)


def test_planner_cancels_nudges_made_moot_outside_a_turn(bot, clock) -> None:
    from bot.reminders import facts
    from bot.store.models import User

    bot("u1", payload="d:worknet")
    bot("u2", payload="d:worknet")
    bot("u3", payload="d:worknet")
    with bot.store.unit() as s:  # an operator ticks u1's 잡케어; u2 switched nudges off by another path
        ids = dict(s.execute(select(User.user_key, User.id)).all())
        bot.store.set_stage(s, ids["u1"], "jobcare", True, clock.now)
        facts.set_switch(s, ids["u2"], "nudges", False, clock.now)
    clock.advance(days=3)  # the first nudges are due now
    with bot.store.unit() as s:
        result = bot.planner.run(s, clock.now)
    assert (result.cancelled, result.queued) == (2, 1)
    with bot.store.unit() as s:
        pending = s.execute(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.status == "pending", OutboxMessage.due_at <= clock.now)).scalars().all()
    # u1's 잡케어 nudge is gone and the planner caught the next one (검사) that no turn queued
    assert sorted(pending) == [f"r:{ids['u1']}:n:assessments:1", f"r:{ids['u3']}:n:jobcare:1"]


def test_turning_notifications_off_cancels_every_reminder_and_on_queues_them_again(bot) -> None:
    bot("u1", payload="d:worknet")
    bot("u1", "취업했어요")
    assert len(rows(bot, "pending")) == 5
    bot("u1", "알림 끄기")
    assert rows(bot, "pending") == []
    bot("u1", "알림 켜기")
    assert len(rows(bot, "pending")) == 5
