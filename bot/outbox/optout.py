"""A user's choice about proactive messages, stored on their row (the dispatcher reads it)."""

from __future__ import annotations

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from bot.store.models import User

_SET = update(User).where(User.id == bindparam("uid")).values(notifications=bindparam("on"))


def set_notifications(session: Session, user_id: int, on: bool) -> None:
    """Turn the user's proactive messages on or off. Only the choice is recorded here: the dispatcher
    cancels proactive rows that come due while they are off (reminders also withdraw their own)."""
    session.execute(_SET, {"uid": user_id, "on": on})
