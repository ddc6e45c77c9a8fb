"""Requests nobody claimed in time: an apology and the centre's contacts, sent once per request.

Any ``giljabi serve`` process may tick this; the compare-and-set on ``timeout_notice_at`` and the
outbox's dedupe key make sure one student hears it once, however many processes run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.handoff import machine
from bot.handoff.turn import Desk
from bot.outbox import enqueue
from bot.store import Store
from bot.store.models import Conversation, Handoff, User


def expire_waiting(store: Store, desk: Desk, minutes: int, now: datetime | None = None) -> int:
    """Apologise to every student waiting longer than ``minutes``; returns how many were told."""
    now = now or datetime.now(UTC)
    told = 0
    with store.unit() as s:
        overdue = s.execute(
            select(Handoff.id, Handoff.user_id, User.channel)
            .join(Conversation, Conversation.handoff_id == Handoff.id)
            .join(User, User.id == Handoff.user_id)
            .where(Conversation.mode == machine.Mode.WAITING.value, Handoff.timeout_notice_at.is_(None),
                   Handoff.requested_at < now - timedelta(minutes=minutes))
            .limit(200)
        ).all()
        replies = [r.to_dict() for r in desk.timeout_replies()]
        for handoff_id, user_id, channel in overdue:
            won = s.execute(update(Handoff).where(Handoff.id == handoff_id, Handoff.timeout_notice_at.is_(None))
                            .values(timeout_notice_at=now)).rowcount
            if not won:
                continue
            enqueue(s, user_id=user_id, channel=channel, kind="consultant", dedupe_key=f"handoff-timeout:{handoff_id}",
                    replies=replies, quiet_hours=False)
            machine.event(s, user_id, "timeout", handoff_id=handoff_id)
            told += 1
    return told
