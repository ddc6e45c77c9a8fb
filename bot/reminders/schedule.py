"""Queueing and cancelling one user's reminders when something happens in their conversation.

Every reminder is an outbox row whose ``dedupe_key`` names the user, the kind and the occasion, so
queueing the same reminder twice (an event, then the planner) is a no-op, and a prefix cancels a
whole family in the same transaction as the change that made it moot:

=================================  ==================================================
``r:{user}:n:{stage}:{k}``         k-th nudge for a pending stage (any rule; capped)
``r:{user}:a:{appointment}:eve``   the evening before; ``:soon`` the hours before
``r:{user}:f:{employment}:{k}``    k-th follow-up check-in after a job
=================================  ==================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.outbox import cancel, enqueue_many
from bot.reminders.render import Renderer
from bot.store.models import aware
from flows.loader import Domain
from flows.reminder_times import QuietWindow, appointment_times, checkin_times, say_day
from knowledge.reminders import ReminderRules

#: outbox kinds of reminder rows (``giljabi reminders`` lists only these)
NUDGE, APPOINTMENT, CHECKIN = "nudge", "appointment", "checkin"
KINDS = (NUDGE, APPOINTMENT, CHECKIN)
#: channels whose users get a reminder the moment it is due; elsewhere it may come with a later
#: answer (KakaoTalk without the Event API, the terminal), so it says which day it is from
PUSHED = frozenset({"telegram"})
#: which switch (알림 설정) governs each kind, and the key family it cancels
SWITCH = {"nudges": "n", "appointment": "a", "followup": "f"}


def key(user_id: int, family: str, *parts: object) -> str:
    return ":".join(["r", str(user_id), family, *(str(p) for p in parts)])


def prefix(user_id: int, family: str | None = None, *parts: object) -> str:
    return key(user_id, family, *parts) + ":" if family else f"r:{user_id}:"


class Scheduler:
    """Knows the rules and how to word them; every method works inside the caller's transaction."""

    def __init__(self, domain: Domain, rules: ReminderRules, zone: ZoneInfo, quiet: QuietWindow) -> None:
        self.domain, self.rules, self.zone, self.quiet = domain, rules, zone, quiet
        self.render = Renderer(domain, rules, zone)

    # ------------------------------------------------------------------------------ nudges
    def nudge_rows(self, user_id: int, stage: str, base: datetime, done: Iterable[str]) -> list[dict]:
        """The nudges that stage ``stage`` done at ``base`` calls for, given the stages done now."""
        done = set(done)
        rows = []
        for rule in self.rules.nudges_after(stage):
            if rule.pending in done:
                continue
            replies = self.render.nudge(rule)
            for k, days in enumerate(rule.offsets_days()[: self.rules.cap(rule.pending)], start=1):
                rows.append({
                    "user_id": user_id, "kind": NUDGE, "dedupe_key": key(user_id, "n", rule.pending, k),
                    "due_at": aware(base) + timedelta(days=days), "replies": replies,
                })
        return rows

    def left_guide_row(self, user_id: int, flow_id: str, now: datetime, done: Iterable[str]) -> dict | None:
        """One nudge for a guide left midway whose stage is not done (it takes the stage's first slot)."""
        stage = self.domain.flows[flow_id].stage if flow_id in self.domain.flows else None
        if not stage or stage in set(done):
            return None
        return {
            "user_id": user_id, "kind": NUDGE, "dedupe_key": key(user_id, "n", stage, 1),
            "due_at": now + timedelta(days=self.rules.left_guide.after_days),
            "replies": self.render.left_guide(flow_id),
        }

    # ------------------------------------------------------------------------- appointment
    def appointment_rows(self, user_id: int, appointment_id: int, at: datetime, since: datetime) -> list[dict]:
        """The evening-before and hours-before reminders still ahead of ``since``."""
        at = aware(at)
        return [
            {
                "user_id": user_id, "kind": APPOINTMENT, "dedupe_key": key(user_id, "a", appointment_id, which),
                "due_at": due, "replies": self.render.appointment(which, at, due),
            }
            for which, due in appointment_times(at, self.rules, self.zone, self.quiet).items()
            if due > since and due < at
        ]

    # ---------------------------------------------------------------------------- follow-up
    def checkin_rows(self, user_id: int, employment_id: int, started_on: date, since: datetime) -> list[dict]:
        return [
            {
                "user_id": user_id, "kind": CHECKIN, "dedupe_key": key(user_id, "f", employment_id, k),
                "due_at": due, "replies": self.render.checkin(k),
            }
            for k, due in enumerate(checkin_times(started_on, self.rules, self.zone), start=1)
            if due > since
        ]

    # ---------------------------------------------------------------------------- writing
    def for_channel(self, channel: str, row: dict) -> dict:
        """The row as it is stored for ``channel``: marked with its date where it may arrive late."""
        if channel in PUSHED or not row["replies"]:
            return row
        first, *rest = row["replies"]
        mark = self.render.text("reminders.held_mark", day=say_day(row["due_at"].astimezone(self.zone).date(),
                                                                    self.render.text))
        return {**row, "replies": [{**first, "text": f"{mark}\n{first.get('text', '')}"}, *rest]}

    def queue(self, s: Session, channel: str, rows: Iterable[dict]) -> int:
        """Queue rows (already queued ones are skipped by their key); how many were new."""
        rows = [{**self.for_channel(channel, row), "channel": channel} for row in rows]
        return sum(row_id is not None for row_id in enqueue_many(s, rows))

    @staticmethod
    def cancel_family(s: Session, user_id: int, family: str | None = None, *parts: object) -> int:
        """Cancel the user's waiting reminders of a family (all of them when ``family`` is None)."""
        return cancel(s, user_id=user_id, dedupe_prefix=prefix(user_id, family, *parts))
