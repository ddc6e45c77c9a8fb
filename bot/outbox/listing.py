"""Reading the outbox for ``giljabi outbox``: rows as plain dicts, without message content."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import select

from bot.store import Store
from bot.store.models import OutboxMessage, User

FIELDS = ("id", "user", "channel", "kind", "status", "due_at", "attempts", "created_at", "sent_at",
          "provider_message_id", "last_error", "dedupe_key")


def list_rows(
    store: Store, *, user: tuple[str, str] | None = None, status: str | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """The newest ``limit`` rows (oldest first), of one user and / or one status."""
    o = OutboxMessage
    query = (
        select(o.id, User.channel, User.user_key, o.kind, o.status, o.due_at, o.attempts, o.created_at, o.sent_at,
               o.provider_message_id, o.last_error, o.dedupe_key)
        .join(User, User.id == o.user_id)
        .order_by(o.id.desc())
        .limit(max(limit, 0))
    )
    if user is not None:
        query = query.where(User.channel == user[0], User.user_key == user[1])
    if status is not None:
        query = query.where(o.status == status)
    with store.unit() as s:
        rows = s.execute(query).all()
    out = []
    for r in reversed(rows):
        out.append({
            "id": r.id, "user": f"{r.channel}:{r.user_key}", "channel": r.channel, "kind": r.kind,
            "status": r.status, "due_at": _iso(r.due_at), "attempts": r.attempts, "created_at": _iso(r.created_at),
            "sent_at": _iso(r.sent_at), "provider_message_id": r.provider_message_id, "last_error": r.last_error,
            "dedupe_key": r.dedupe_key,
        })
    return out


def _iso(moment: Any) -> str | None:
    """UTC, with its zone (SQLite hands timestamps back without one)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
