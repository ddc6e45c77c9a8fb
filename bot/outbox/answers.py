"""A turn's answer sent through the outbox (Telegram's webhook): recorded in the turn's own
transaction, keyed on the platform's message, so it goes out exactly once — even when two workers
got the same update (the second finds the row already there and records nothing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.outbox.queue import enqueue

#: an answer to the user's own message: conversational (sent whatever the opt-out), at any hour
KIND = "reply"


def record_answer(
    session: Session, *, user_id: int, channel: str, message_id: str, replies: list[dict[str, Any]]
) -> int | None:
    """Queue the answer to ``message_id`` for sending now; None when it was queued before."""
    return enqueue(
        session, user_id=user_id, channel=channel, kind=KIND, dedupe_key=f"answer:{channel}:{user_id}:{message_id}",
        replies=replies, quiet_hours=False,
    )
