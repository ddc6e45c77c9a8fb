"""What the inbox and a conversation page show, read from the database in a few queries each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.store.models import (
    AuditEntry,
    Consultant,
    Conversation,
    Handoff,
    HandoffEvent,
    Progress,
    Turn,
    User,
    aware,
)
from flows.loader import Domain

HELD = ("waiting", "human")


def _last_text(user_id: Any) -> Any:
    return (select(Turn.text).where(Turn.user_id == user_id, Turn.text.is_not(None))
            .order_by(Turn.id.desc()).limit(1).scalar_subquery())


@dataclass(slots=True)
class Row:
    user_id: int
    channel: str
    mode: str
    requested_at: datetime | None
    consultant: str | None
    consultant_id: int | None
    last_text: str | None


def inbox(s: Session) -> list[Row]:
    """Every open request (waiting or held), oldest request first."""
    rows = s.execute(
        select(User.id, User.channel, Conversation.mode, Handoff.requested_at, Consultant.name,
               Conversation.consultant_id, _last_text(User.id))
        .join(Conversation, Conversation.user_id == User.id)
        .outerjoin(Handoff, Handoff.id == Conversation.handoff_id)
        .outerjoin(Consultant, Consultant.id == Conversation.consultant_id)
        .where(Conversation.mode.in_(HELD))
        .order_by(Handoff.requested_at.asc())
        .limit(500)
    ).all()
    return [Row(r[0], r[1], r[2], aware(r[3]), r[4], r[5], r[6]) for r in rows]


@dataclass(slots=True)
class Entry:
    """One line of a transcript: the student, the bot, a consultant, a note or a transition."""

    at: datetime
    who: str
    text: str
    kind: str = "message"
    buttons: list[str] = field(default_factory=list)


def _reply_text(reply: dict[str, Any]) -> str:
    parts = [reply.get("title") or "", reply.get("text") or ""]
    parts += [f"· {item.get('title', '')}" for item in reply.get("items") or []]
    return "\n".join(p for p in parts if p).strip()


def transcript(s: Session, user_id: int, text: Callable[..., str], limit: int = 150) -> list[Entry]:
    """The last turns (student and bot) and the handoff history, in time order; ``text`` is the
    knowledge's text lookup (a pressed button reads ``console.button_press``)."""
    turns = list(s.execute(
        select(Turn.created_at, Turn.text, Turn.payload, Turn.replies).where(Turn.user_id == user_id)
        .order_by(Turn.id.desc()).limit(limit)
    ).all())[::-1]
    names = dict(s.execute(select(Consultant.id, Consultant.name)).all())
    events = s.execute(
        select(HandoffEvent.created_at, HandoffEvent.action, HandoffEvent.consultant_id, HandoffEvent.text)
        .where(HandoffEvent.user_id == user_id, HandoffEvent.action != "message")
        .order_by(HandoffEvent.id.desc()).limit(limit)
    ).all()
    out: list[Entry] = []
    for at, said, payload, replies in turns:
        at = aware(at)
        if said or payload:
            out.append(Entry(at, "student", said if said else text("console.button_press", payload=payload)))
        for reply in replies or []:
            body = _reply_text(reply)
            if body:
                labels = [b.get("label", "") for b in reply.get("buttons") or []]
                out.append(Entry(at, "bot", body, buttons=labels))
    for at, action, consultant_id, text in events:
        who = names.get(consultant_id, "") if consultant_id else ""
        out.append(Entry(aware(at), who, text or "", kind=action))
    out.sort(key=lambda e: e.at)
    return out[-limit * 2:]


@dataclass(slots=True)
class Student:
    user_id: int
    channel: str
    user_key: str
    created_at: datetime
    last_seen_at: datetime
    mode: str
    consultant_id: int | None
    consultant: str | None
    grade: str | None
    stages: list[tuple[str, str, bool]]


def student(s: Session, domain: Domain, user_id: int) -> Student | None:
    row = s.execute(
        select(User.channel, User.user_key, User.created_at, User.last_seen_at, Conversation.mode,
               Conversation.consultant_id, Conversation.state, Consultant.name)
        .join(Conversation, Conversation.user_id == User.id)
        .outerjoin(Consultant, Consultant.id == Conversation.consultant_id)
        .where(User.id == user_id)
    ).first()
    if row is None:
        return None
    done = set(s.scalars(select(Progress.stage).where(Progress.user_id == user_id, Progress.done.is_(True))))
    state = row[6] or {}
    return Student(
        user_id, row[0], row[1], aware(row[2]), aware(row[3]), row[4], row[5], row[7],
        (state.get("slots") or {}).get("grade"), stage_list(domain, done),
    )


def stage_list(domain: Domain, done: set[str]) -> list[tuple[str, str, bool]]:
    """(stage id, Korean label, done) for the six stages, in order."""
    return [(sid, domain.knowledge.text(stage.label), sid in done) for sid, stage in domain.stages.items()]


def audit(s: Session, consultant_id: int, action: str, user_id: int | None) -> None:
    """Write down that a consultant opened (or acted on) a student's record."""
    s.execute(insert(AuditEntry).values(consultant_id=consultant_id, action=action, user_id=user_id,
                                        created_at=datetime.now(UTC)))


def events_after(s: Session, last_id: int, limit: int = 200) -> list[tuple[int, int, str]]:
    """Console events newer than ``last_id``: (id, user id, action). What the live updates poll."""
    return [tuple(r) for r in s.execute(
        select(HandoffEvent.id, HandoffEvent.user_id, HandoffEvent.action)
        .where(HandoffEvent.id > last_id).order_by(HandoffEvent.id).limit(limit)
    ).all()]  # type: ignore[misc]


def last_event_id(s: Session) -> int:
    return s.scalar(select(HandoffEvent.id).order_by(HandoffEvent.id.desc()).limit(1)) or 0
