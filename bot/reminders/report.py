"""What operators see: the reminders that would go out at a moment, and one user's reminders.

``due`` is a dry run: it runs a planner pass at that moment inside a transaction it rolls back, then
lists the pending reminder rows due by then that the dispatcher would send (not in quiet hours, user
not opted out or unreachable). Nothing is written and nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reminders.planner import Planner
from bot.reminders.render import first_text
from bot.reminders.schedule import KINDS, aware
from bot.store import Store
from bot.store.models import OutboxMessage, User


@dataclass(frozen=True, slots=True)
class Line:
    user: str  # CHANNEL:USER_KEY
    kind: str
    due_at: datetime
    text: str
    status: str

    def as_due(self, zone: ZoneInfo) -> dict[str, str]:
        return {"user": self.user, "kind": self.kind, "due_at": self.due_at.astimezone(zone).isoformat(),
                "text": self.text}

    def as_listed(self, zone: ZoneInfo) -> dict[str, str]:
        return {**self.as_due(zone), "status": self.status}


def parse_user(value: str) -> tuple[str, str]:
    """``telegram:123`` → ("telegram", "123"); the key may itself contain colons."""
    channel, sep, user_key = value.partition(":")
    if not sep or not channel or not user_key:
        raise ValueError(f"expected CHANNEL:USER_KEY, got {value!r}")
    return channel, user_key


def _query(user: tuple[str, str] | None):  # noqa: ANN202 - a select
    q = (
        select(User.channel, User.user_key, OutboxMessage.kind, OutboxMessage.due_at, OutboxMessage.replies,
               OutboxMessage.status)
        .join(User, User.id == OutboxMessage.user_id)
        .where(OutboxMessage.kind.in_(KINDS))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
    )
    if user is not None:
        q = q.where(User.channel == user[0], User.user_key == user[1])
    return q


def _line(row: tuple) -> Line:
    channel, user_key, kind, due, replies, status = row
    return Line(f"{channel}:{user_key}", kind, aware(due), first_text(replies), status)


def due(store: Store, planner: Planner, at: datetime, user: tuple[str, str] | None = None) -> list[Line]:
    """The reminders that would go out at ``at`` (dry run)."""
    quiet = planner.scheduler.quiet
    at = at.astimezone(UTC)
    with Session(store.engine) as s:
        s.begin()
        try:
            planner.run(s, at)
            q = _query(user).where(
                OutboxMessage.status == "pending", OutboxMessage.due_at <= at,
                User.notifications.is_(True), User.unreachable_since.is_(None),
            )
            if quiet.active(at):
                q = q.where(OutboxMessage.quiet_hours.is_(False))
            return [_line(r) for r in s.execute(q).all()]
        finally:
            s.rollback()


def listed(store: Store, user: tuple[str, str]) -> list[Line]:
    """Every reminder row of one user, with its status."""
    with Session(store.engine) as s:
        return [_line(r) for r in s.execute(_query(user)).all()]
