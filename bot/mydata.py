"""What is stored about one user: a short summary for the chat, everything as JSON for a request.

``summary`` is what "내 정보 보여줘" shows (progress, profile, reminders, how many messages are kept
and since when); ``export_user`` is what ``giljabi export --user CHANNEL:USER_KEY`` writes when a
person formally asks for their data. Both read inside the caller's transaction or their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store import Store, watchdog
from bot.store.models import Conversation, OutboxMessage, ProcessedMessage, Progress, Turn, User
from flows.mydata import StoredRecord

_WAITING = ("pending", "held")
KST = ZoneInfo("Asia/Seoul")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def summary(s: Session, user_id: int) -> dict[str, Any]:
    """Counts and small facts about one user, for telling them what is kept."""
    user = s.get(User, user_id)
    turns, first = s.execute(
        select(func.count(Turn.id), func.min(Turn.created_at)).where(Turn.user_id == user_id)
    ).one()
    state = s.scalar(select(Conversation.state).where(Conversation.user_id == user_id)) or {}
    reminders = s.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.user_id == user_id, OutboxMessage.status.in_(_WAITING)
        )
    )
    return {
        "since": first or (user.created_at if user is not None else None),
        "messages": int(turns or 0),
        "done": sorted(s.scalars(select(Progress.stage).where(Progress.user_id == user_id, Progress.done.is_(True)))),
        "profile": {k: list(v) for k, v in (state.get("profile") or {}).items() if v},
        "reminders": int(reminders or 0),
    }


def stored_record(s: Session, user_id: int, keep_days: int) -> StoredRecord:
    """What the engine's "내 정보 보여줘" part needs from storage; the date is Korea's."""
    facts = summary(s, user_id)
    since = facts["since"]
    if since is not None:
        since = (since if since.tzinfo else since.replace(tzinfo=UTC)).astimezone(KST).date()
    return StoredRecord(messages=facts["messages"], since=since, reminders=facts["reminders"], keep_days=keep_days)


def export_user(store: Store, channel: str, user_key: str) -> dict[str, Any] | None:
    """Everything stored about one user, as JSON-ready data; None if there is no such user."""
    with watchdog.limit(None), store.unit() as s:
        user = s.scalar(select(User).where(User.channel == channel, User.user_key == user_key))
        if user is None:
            return None
        uid = user.id
        conversation = s.scalar(select(Conversation).where(Conversation.user_id == uid))
        return {
            "user": {
                "channel": user.channel, "user_key": user.user_key, "created_at": _iso(user.created_at),
                "last_seen_at": _iso(user.last_seen_at), "notifications": user.notifications,
                "unreachable_since": _iso(user.unreachable_since),
            },
            "conversation": {
                "state": conversation.state if conversation else {},
                "updated_at": _iso(conversation.updated_at) if conversation else None,
            },
            "progress": [
                {"stage": p.stage, "done": p.done, "updated_at": _iso(p.updated_at)}
                for p in s.scalars(select(Progress).where(Progress.user_id == uid).order_by(Progress.stage))
            ],
            "turns": [
                {"at": _iso(t.created_at), "text": t.text, "payload": t.payload, "intent": t.intent,
                 "replies": t.replies}
                for t in s.scalars(select(Turn).where(Turn.user_id == uid).order_by(Turn.id))
            ],
            "processed_messages": int(s.scalar(
                select(func.count()).select_from(ProcessedMessage).where(ProcessedMessage.user_id == uid)
            ) or 0),
            "outbox": [
                {"kind": o.kind, "status": o.status, "due_at": _iso(o.due_at), "template": o.template,
                 "params": o.params, "replies": o.replies, "sent_at": _iso(o.sent_at)}
                for o in s.scalars(select(OutboxMessage).where(OutboxMessage.user_id == uid).order_by(OutboxMessage.id))
            ],
        }
