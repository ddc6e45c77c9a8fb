"""What the Assistant calls: reminder work after each turn, and the data the settings view needs.

``after_turn`` runs inside the turn's transaction, after the effects were stored, so a reminder is
queued or cancelled exactly when the change that caused it is committed: a stage done cancels its
nudges and queues the next stage's; a guide left midway queues one nudge; an appointment, a job,
a switch or a deletion each update their rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.reminders import facts
from bot.reminders.schedule import KINDS, SWITCH, Scheduler, aware
from bot.store.models import OutboxMessage, Progress, User
from flows.payloads import ReminderSettings, ReminderSwitch, decode
from flows.state import ConversationState, Effect, EffectKind

#: the effects whose storing is done here (the Assistant's handlers for them do nothing)
REMINDER_EFFECTS = frozenset({
    EffectKind.APPOINTMENT_SET, EffectKind.APPOINTMENT_CANCELLED, EffectKind.EMPLOYED,
    EffectKind.CHECKIN_ANSWER, EffectKind.REMINDERS_SWITCHED,
})
#: at most this many upcoming reminders are handed to the settings view
UPCOMING = 5


class Reminders:
    """The reminder side of a turn; one per Assistant, stateless between turns."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler

    # ------------------------------------------------------------------------- before a step
    def preload(self, s: Session, user_id: int, state: ConversationState, payload: str | None,
                parse: dict[str, Any] | None) -> None:
        """Give the settings view what is scheduled next (only on turns that show it)."""
        intent = ((parse or {}).get("intent") or {}).get("name")
        if intent != "reminder_settings" and not isinstance(decode(payload or ""), ReminderSettings | ReminderSwitch):
            return
        rows = s.execute(
            select(OutboxMessage.kind, OutboxMessage.due_at)
            .where(OutboxMessage.user_id == user_id, OutboxMessage.status.in_(("pending", "held")),
                   OutboxMessage.kind.in_(KINDS))
            .order_by(OutboxMessage.due_at).limit(UPCOMING)
        ).all()
        state.reminders.upcoming = [(kind, aware(due).isoformat()) for kind, due in rows]
        state.reminders.all_off = s.scalar(select(User.notifications).where(User.id == user_id)) is False

    # -------------------------------------------------------------------------- after a step
    def after_turn(
        self, s: Session, user_id: int, channel: str, before: ConversationState, after: ConversationState,
        effects: Sequence[Effect], now: datetime,
    ) -> None:
        """Queue and cancel what this turn's changes call for, in the turn's transaction."""
        sched = self.scheduler
        if any(e.kind is EffectKind.DELETE_DATA for e in effects):
            sched.cancel_family(s, user_id)
            facts.forget(s, user_id)
            return
        done: set[str] | None = None
        for effect in effects:
            if effect.kind is EffectKind.STAGE_DONE and effect.value:
                sched.cancel_family(s, user_id, "n", effect.value)
                if facts.is_on(s, user_id, "nudges"):
                    done = done if done is not None else self._done(s, user_id)
                    sched.queue(s, channel, sched.nudge_rows(user_id, effect.value, now, done))
            elif effect.kind is EffectKind.APPOINTMENT_SET and effect.value:
                sched.cancel_family(s, user_id, "a")
                at = datetime.fromisoformat(effect.value)
                appointment_id = facts.book(s, user_id, at, now)
                if facts.is_on(s, user_id, "appointment"):
                    sched.queue(s, channel, sched.appointment_rows(user_id, appointment_id, at, now))
            elif effect.kind is EffectKind.APPOINTMENT_CANCELLED:
                sched.cancel_family(s, user_id, "a")
                facts.cancel_booking(s, user_id)
            elif effect.kind is EffectKind.EMPLOYED and effect.value:
                employment_id = facts.employ(s, user_id, date.fromisoformat(effect.value), now)
                if facts.is_on(s, user_id, "followup"):
                    started = date.fromisoformat(effect.value)
                    sched.queue(s, channel, sched.checkin_rows(user_id, employment_id, started, now))
            elif effect.kind is EffectKind.CHECKIN_ANSWER and effect.value:
                number, _, answer = effect.value.partition(":")
                facts.answer(s, user_id, int(number), answer, now)
            elif effect.kind is EffectKind.REMINDERS_SWITCHED and effect.value:
                kind, _, to = effect.value.partition(":")
                self.switch(s, user_id, channel, kind, to == "on", now)
            elif effect.kind in (EffectKind.NOTIFICATIONS_OFF, EffectKind.NOTIFICATIONS_ON):
                self.notifications(s, user_id, channel, effect.kind is EffectKind.NOTIFICATIONS_ON, now)
        self._left_guide(s, user_id, channel, before, after, now)

    def switch(self, s: Session, user_id: int, channel: str, kind: str, on: bool, now: datetime) -> None:
        """알림 설정: off cancels that family's waiting rows; on queues again what is still ahead."""
        facts.set_switch(s, user_id, kind, on, now)
        if not on:
            self.scheduler.cancel_family(s, user_id, SWITCH[kind])
        elif facts.is_on(s, user_id, kind):
            self.requeue(s, user_id, channel, kind, now)

    def notifications(self, s: Session, user_id: int, channel: str, on: bool, now: datetime) -> None:
        """알림 끄기 cancels every waiting reminder at once; 알림 켜기 queues again what is still ahead."""
        if not on:
            self.scheduler.cancel_family(s, user_id)
            return
        for kind in facts.KINDS:
            if facts.is_on(s, user_id, kind):
                self.requeue(s, user_id, channel, kind, now)

    def requeue(self, s: Session, user_id: int, channel: str, kind: str, now: datetime) -> None:
        """Queue again the reminders of one kind that are still ahead (their cancelled copies go)."""
        sched = self.scheduler
        if kind == "appointment" and (found := facts.booked(s, user_id)):
            self._queue_again(s, channel, sched.appointment_rows(user_id, found[0], found[1], now))
        elif kind == "followup" and (job := facts.employment(s, user_id)):
            self._queue_again(s, channel, sched.checkin_rows(user_id, job[0], job[1], now))
        elif kind == "nudges":
            done = self._done(s, user_id)
            stamps = s.execute(select(Progress.stage, Progress.updated_at)
                               .where(Progress.user_id == user_id, Progress.done.is_(True))).all()
            rows = [r for stage, at in stamps for r in sched.nudge_rows(user_id, stage, at, done) if r["due_at"] > now]
            self._queue_again(s, channel, rows)

    def _queue_again(self, s: Session, channel: str, rows: list[dict]) -> None:
        """Queue rows again whose earlier copies were cancelled by a switch turned off."""
        keys = [r["dedupe_key"] for r in rows]
        if keys:
            s.execute(delete(OutboxMessage).where(OutboxMessage.dedupe_key.in_(keys),
                                                  OutboxMessage.status == "cancelled"))
        self.scheduler.queue(s, channel, rows)

    def _left_guide(self, s: Session, user_id: int, channel: str, before: ConversationState,
                    after: ConversationState, now: datetime) -> None:
        paused = after.paused
        if paused is None or (before.paused is not None and before.paused.flow == paused.flow):
            return
        if not facts.is_on(s, user_id, "nudges"):
            return
        row = self.scheduler.left_guide_row(user_id, paused.flow, now, self._done(s, user_id))
        if row is not None:
            self.scheduler.queue(s, channel, [row])

    @staticmethod
    def _done(s: Session, user_id: int) -> set[str]:
        return set(s.scalars(select(Progress.stage).where(Progress.user_id == user_id, Progress.done.is_(True))))
