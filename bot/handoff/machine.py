"""The handoff state machine: bot → waiting → human → bot (or closed), as compare-and-set updates.

Every transition is one ``UPDATE conversations … WHERE mode IN (…)`` whose row count says whether it
happened: on PostgreSQL a second concurrent claim waits for the first one's row lock, re-reads the row
and matches nothing, so two consultants can never both hold a conversation. The student's turn locks
the same row (``Store.open_conversation``), so a message and a hand-back are ordered, never lost; a
transition that waits for a long turn longer than one statement's timeout waits again (``patiently``).
Each transition also writes a ``handoff_events`` row: the history, and what live consoles poll.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from bot.outbox import enqueue
from bot.store.locks import patiently
from bot.store.models import Conversation, Handoff, HandoffEvent, User, utcnow


class Mode(StrEnum):
    BOT = "bot"
    WAITING = "waiting"
    HUMAN = "human"
    CLOSED = "closed"


#: modes in which the student's messages go to the console, not to the NLU
HELD = (Mode.WAITING.value, Mode.HUMAN.value)
#: modes from which a new request may start
FREE = (Mode.BOT.value, Mode.CLOSED.value)


@dataclass(frozen=True, slots=True)
class Holding:
    """Where a conversation stands, as a console page needs it."""

    user_id: int
    mode: str
    handoff_id: int | None
    consultant_id: int | None
    told: bool


def event(
    s: Session, user_id: int, action: str, *, handoff_id: int | None = None, consultant_id: int | None = None,
    text: str | None = None,
) -> None:
    """Record one step of the history (and wake every console that watches)."""
    s.execute(insert(HandoffEvent).values(
        user_id=user_id, handoff_id=handoff_id, action=action, consultant_id=consultant_id, text=text,
        created_at=utcnow(),
    ))


def holding(s: Session, user_id: int) -> Holding | None:
    row = s.execute(
        select(Conversation.mode, Conversation.handoff_id, Conversation.consultant_id, Conversation.handoff_told)
        .where(Conversation.user_id == user_id)
    ).first()
    return None if row is None else Holding(user_id, row[0], row[1], row[2], bool(row[3]))


def _cas(s: Session, user_id: int, allowed: Iterable[str], values: dict[str, Any], *extra: Any) -> bool:
    statement = update(Conversation).where(Conversation.user_id == user_id, Conversation.mode.in_(list(allowed)))
    for condition in extra:
        statement = statement.where(condition)
    statement = statement.values(**values)
    # the student's turn may hold the row (a lock wait longer than one statement's timeout): wait again
    return patiently(s, lambda: s.execute(statement).rowcount == 1)


def request(s: Session, user_id: int, reason: str) -> int | None:
    """bot|closed → waiting: the student asked for a person. Returns the new handoff's id, or None."""
    if not _cas(s, user_id, FREE, {"mode": Mode.WAITING.value, "consultant_id": None, "handoff_told": False}):
        return None
    now = utcnow()
    handoff_id = s.execute(
        insert(Handoff).values(user_id=user_id, reason=reason[:20], requested_at=now).returning(Handoff.id)
    ).scalar_one()
    s.execute(update(Conversation).where(Conversation.user_id == user_id).values(handoff_id=handoff_id))
    event(s, user_id, "request", handoff_id=handoff_id, text=reason[:20])
    return handoff_id


def claim(s: Session, user_id: int, consultant_id: int) -> bool:
    """waiting → human, owned by ``consultant_id``; False if someone else was faster (or nobody waits)."""
    if not _cas(s, user_id, (Mode.WAITING.value,), {"mode": Mode.HUMAN.value, "consultant_id": consultant_id}):
        return False
    hid = holding(s, user_id).handoff_id  # type: ignore[union-attr]
    s.execute(update(Handoff).where(Handoff.id == hid).values(claimed_at=utcnow(), consultant_id=consultant_id))
    event(s, user_id, "claim", handoff_id=hid, consultant_id=consultant_id)
    return True


def _finish(s: Session, user_id: int, to: Mode, end: str, allowed: Iterable[str], *extra: Any,
            consultant_id: int | None = None, note: str | None = None) -> int | None:
    before = holding(s, user_id)
    if before is None or not _cas(
        s, user_id, allowed, {"mode": to.value, "consultant_id": None, "handoff_told": False}, *extra
    ):
        return None
    hid = before.handoff_id
    s.execute(update(Handoff).where(Handoff.id == hid, Handoff.ended_at.is_(None)).values(ended_at=utcnow(), end=end))
    event(s, user_id, end, handoff_id=hid, consultant_id=consultant_id, text=note or None)
    return hid or 0


def hand_back(s: Session, user_id: int, consultant_id: int, note: str | None = None) -> bool:
    """human → bot, only by the consultant who holds it; the student hears the bot is back."""
    hid = _finish(s, user_id, Mode.BOT, "handback", (Mode.HUMAN.value,),
                  Conversation.consultant_id == consultant_id, consultant_id=consultant_id, note=note)
    if hid is None:
        return False
    _tell(s, user_id, "handoff.returned", f"handoff-end:{hid}")
    return True


def close(s: Session, user_id: int, consultant_id: int, note: str | None = None, *, admin: bool = False) -> bool:
    """waiting|human → closed (the matter is settled); the next message goes to the bot again.

    A held conversation is closed by its consultant (or an admin); a waiting one by anyone.
    """
    allowed = (Conversation.mode == Mode.WAITING.value) | (Conversation.consultant_id == consultant_id)
    extra = () if admin else (allowed,)
    hid = _finish(s, user_id, Mode.CLOSED, "close", HELD, *extra, consultant_id=consultant_id, note=note)
    if hid is None:
        return False
    _tell(s, user_id, "handoff.closed", f"handoff-end:{hid}")
    return True


def cancel(s: Session, user_id: int) -> bool:
    """waiting|human → bot, because the student said so ("그냥 봇이랑 할게요")."""
    return _finish(s, user_id, Mode.BOT, "cancel", HELD) is not None


def mark_told(s: Session, user_id: int) -> None:
    s.execute(update(Conversation).where(Conversation.user_id == user_id).values(handoff_told=True))


def _channel(s: Session, user_id: int) -> str:
    return s.execute(select(User.channel).where(User.id == user_id)).scalar_one()


def _tell(s: Session, user_id: int, template: str, dedupe_key: str) -> None:
    enqueue(s, user_id=user_id, channel=_channel(s, user_id), kind="consultant", dedupe_key=dedupe_key,
            template=template, params={}, quiet_hours=False)


def reply(s: Session, user_id: int, consultant_id: int, text: str, replies: list[dict[str, Any]]) -> bool:
    """A consultant's answer, only while they hold the conversation: history + outbox, one transaction.

    Quiet hours do not apply: the student started this live exchange.
    """
    mine = Conversation.consultant_id == consultant_id
    if not _cas(s, user_id, (Mode.HUMAN.value,), {"mode": Mode.HUMAN.value}, mine):
        return False  # the row is now locked until commit: a hand-back cannot slip in between
    now_holding = holding(s, user_id)
    assert now_holding is not None
    hid = now_holding.handoff_id
    s.execute(update(Handoff).where(Handoff.id == hid, Handoff.first_reply_at.is_(None))
              .values(first_reply_at=utcnow()))
    event(s, user_id, "reply", handoff_id=hid, consultant_id=consultant_id, text=text)
    last = s.execute(select(HandoffEvent.id).where(HandoffEvent.user_id == user_id)
                     .order_by(HandoffEvent.id.desc()).limit(1)).scalar_one()
    enqueue(s, user_id=user_id, channel=_channel(s, user_id), kind="consultant", dedupe_key=f"consultant:{last}",
            replies=replies, quiet_hours=False)
    return True


def note(s: Session, user_id: int, consultant_id: int, text: str) -> None:
    """A private note on the student's record: never sent, shown to consultants only."""
    current = holding(s, user_id)
    event(s, user_id, "note", handoff_id=current.handoff_id if current else None, consultant_id=consultant_id,
          text=text)
