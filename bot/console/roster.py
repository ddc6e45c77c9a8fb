"""The students roster: filters, one page of rows, and the CSV export of everything filtered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from bot.console.conversations import aware, stage_list
from bot.store.models import Conversation, OutboxMessage, Progress, User
from flows.loader import Domain

PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class Filters:
    stage: str | None = None  # this stage not done yet
    stalled: int | None = None  # not seen for more than this many days
    grade: str | None = None
    page: int = 1

    def query(self) -> str:
        parts = [f"{k}={v}" for k, v in (("stage", self.stage), ("stalled", self.stalled), ("grade", self.grade)) if v]
        return "&".join(parts)


@dataclass(slots=True)
class Entry:
    user_id: int
    channel: str
    grade: str | None
    last_seen_at: datetime | None
    mode: str
    stages: list[tuple[str, str, bool]]
    reminders: int


def _grade() -> Any:
    return Conversation.state["slots"]["grade"].as_string()


def _filtered(columns: list[Any], f: Filters) -> Any:
    query = select(*columns).select_from(User).join(Conversation, Conversation.user_id == User.id)
    if f.stage:
        query = query.where(~exists().where(
            and_(Progress.user_id == User.id, Progress.stage == f.stage, Progress.done.is_(True))
        ))
    if f.stalled:
        query = query.where(User.last_seen_at < datetime.now(UTC) - timedelta(days=f.stalled))
    if f.grade:
        query = query.where(_grade() == f.grade)
    return query


def _done(s: Session, ids: list[int]) -> dict[int, set[str]]:
    done: dict[int, set[str]] = {i: set() for i in ids}
    for uid, stage in s.execute(select(Progress.user_id, Progress.stage)
                                .where(Progress.user_id.in_(ids), Progress.done.is_(True))):
        done[uid].add(stage)
    return done


def _reminders(s: Session, ids: list[int]) -> dict[int, int]:
    return dict(s.execute(
        select(OutboxMessage.user_id, func.count()).where(
            OutboxMessage.user_id.in_(ids), OutboxMessage.kind == "reminder",
            OutboxMessage.status.in_(("pending", "held")),
        ).group_by(OutboxMessage.user_id)
    ).all())


def page(s: Session, domain: Domain, f: Filters) -> tuple[list[Entry], int]:
    """One page of students, most recently active first, and how many match in all."""
    total = s.scalar(_filtered([func.count()], f)) or 0
    rows = s.execute(
        _filtered([User.id, User.channel, _grade(), User.last_seen_at, Conversation.mode], f)
        .order_by(User.last_seen_at.desc(), User.id.desc())
        .limit(PER_PAGE).offset(max(0, f.page - 1) * PER_PAGE)
    ).all()
    ids = [r[0] for r in rows]
    done, reminders = _done(s, ids), _reminders(s, ids)
    return [
        Entry(r[0], r[1], r[2], aware(r[3]), r[4], stage_list(domain, done[r[0]]), reminders.get(r[0], 0))
        for r in rows
    ], total


def csv_rows(s: Session, domain: Domain, f: Filters) -> Iterator[list[str]]:
    """Header and one row per filtered student (ids only: no names or platform keys leave the console)."""
    stages = list(domain.stages)
    yield ["id", "channel", "grade", "last_active_utc", "mode", *stages, "pending_reminders"]
    rows = s.execute(_filtered([User.id, User.channel, _grade(), User.last_seen_at, Conversation.mode], f)
                     .order_by(User.id)).all()
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        ids = [r[0] for r in chunk]
        done, reminders = _done(s, ids), _reminders(s, ids)
        for uid, channel, grade, seen, mode in chunk:
            seen = aware(seen)
            yield [str(uid), channel, grade or "", seen.isoformat(timespec="seconds") if seen else "", mode,
                   *("1" if st in done[uid] else "0" for st in stages), str(reminders.get(uid, 0))]
