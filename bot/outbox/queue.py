"""Writing and cancelling outbox rows (inside the caller's transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.outbox.wake import mark_due
from bot.store.models import OutboxMessage


class OutboxStatus(StrEnum):
    """A row's life: pending → sending → sent, or held / failed / cancelled / unreachable / unknown.

    ``held`` waits for the user's next message (channels that cannot push); ``unknown`` is a row whose
    sender died mid-send: it is never sent again blindly (a missed message beats a duplicate).
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    HELD = "held"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"


#: Rows still waiting to go out, the ones ``cancel`` may stop.
WAITING = (OutboxStatus.PENDING, OutboxStatus.HELD)

#: Kinds that answer something the user started (a consultant's reply, "consultant"; "reply"): they go out
#: even when the user turned notifications off. Every other kind is proactive and obeys the opt-out.
CONVERSATIONAL_KINDS = frozenset({"reply", "consultant"})


def is_proactive(kind: str) -> bool:
    """Whether a row of this kind obeys the user's opt-out and carries the "알림 끄기" button."""
    return kind not in CONVERSATIONAL_KINDS


#: the insert that skips a ``dedupe_key`` queued before, for SQLite and (True) PostgreSQL
_INSERT = {
    postgres: (pg_insert if postgres else sqlite_insert)(OutboxMessage.__table__)
    .on_conflict_do_nothing(index_elements=["dedupe_key"])
    .returning(OutboxMessage.id, OutboxMessage.dedupe_key)
    for postgres in (False, True)
}


def enqueue(
    session: Session,
    *,
    user_id: int,
    channel: str,
    kind: str,
    dedupe_key: str,
    due_at: datetime | None = None,
    replies: Sequence[dict[str, Any]] | None = None,
    template: str | None = None,
    params: dict[str, Any] | None = None,
    quiet_hours: bool = True,
) -> int | None:
    """Queue one message; returns its row id, or None when ``dedupe_key`` was queued before.

    Give either rendered ``replies`` (``Reply.to_dict()`` values) or a knowledge ``template`` id with
    ``params``. ``quiet_hours=False`` only for a live exchange the user started (a consultant's answer).
    """
    if (replies is None) == (template is None):
        raise ValueError("enqueue needs exactly one of replies or template")
    row = {"user_id": user_id, "channel": channel, "kind": kind, "dedupe_key": dedupe_key, "due_at": due_at,
           "replies": replies, "template": template, "params": params, "quiet_hours": quiet_hours}
    return enqueue_many(session, [row])[0]


def enqueue_many(session: Session, rows: Sequence[dict[str, Any]]) -> list[int | None]:
    """``enqueue`` for several rows (dicts keyed as its arguments) in one statement, one round
    trip whatever their number (a turn queues a stage's nudges at once); each row's id, or None when its
    ``dedupe_key`` was queued before."""
    if not rows:
        return []
    now = datetime.now(UTC)
    values = [
        {
            "user_id": r["user_id"], "channel": r["channel"], "kind": r["kind"], "dedupe_key": r["dedupe_key"][:200],
            # in UTC: SQLite keeps a timestamp's wall time and drops its zone
            "due_at": r["due_at"].astimezone(UTC) if r.get("due_at") is not None else now,
            "replies": list(r["replies"]) if r.get("replies") is not None else None,
            "template": r.get("template"), "params": r.get("params"), "quiet_hours": r.get("quiet_hours", True),
            "status": OutboxStatus.PENDING.value, "attempts": 0, "created_at": now,
        }
        for r in rows
    ]
    statement = _INSERT[session.get_bind().dialect.name == "postgresql"]
    # executemany with RETURNING: SQLAlchemy sends the rows as one multi-row INSERT, and the statement
    # is compiled once (a ``.values([...])`` statement is compiled anew for every call)
    inserted = {key: row_id for row_id, key in session.execute(statement, values)}
    ids = [inserted.pop(v["dedupe_key"], None) for v in values]  # a key twice in one batch: its first row
    if any(row_id is not None and v["due_at"] <= now for row_id, v in zip(ids, values, strict=True)):
        mark_due(session)
    return ids


def cancel(
    session: Session, *, user_id: int, kind: str | None = None, dedupe_prefix: str | None = None
) -> int:
    """Cancel a user's waiting rows (all, of one kind, or whose key starts with a prefix); returns how many."""
    statement = update(OutboxMessage).where(
        OutboxMessage.user_id == user_id, OutboxMessage.status.in_([s.value for s in WAITING])
    )
    if kind is not None:
        statement = statement.where(OutboxMessage.kind == kind)
    if dedupe_prefix is not None:
        statement = statement.where(OutboxMessage.dedupe_key.startswith(dedupe_prefix, autoescape=True))
    return session.execute(statement.values(status=OutboxStatus.CANCELLED.value)).rowcount
