"""Notices from the centre: choosing who gets one, and queueing it for each of them.

Who: named users (``CHANNEL:USER_KEY``; a user never seen before is created, so a notice can reach a
Telegram chat id the centre knows), everyone, everyone who has not finished a stage, or everyone in
a grade — optionally only on one channel. Users who turned notifications off are skipped and counted.
A notice is queued once per user: running the same command again within the same minute (or with the
same ``--at``) queues nothing new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.messages import Reply
from bot.outbox.queue import enqueue
from bot.store import Store
from bot.store.models import Conversation, Progress, User

KIND = "notice"


@dataclass(frozen=True, slots=True)
class Audience:
    """Exactly one way of choosing users, and optionally one channel."""

    users: Sequence[tuple[str, str]] = ()
    everyone: bool = False
    stage_pending: str | None = None
    grade: str | None = None
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class Queued:
    queued: int
    skipped_opt_out: int
    already_queued: int


def parse_user(spec: str) -> tuple[str, str]:
    """``telegram:123456`` → ``("telegram", "123456")``; the key may itself contain ``:``."""
    channel, sep, key = spec.partition(":")
    if not sep or not channel.strip() or not key.strip():
        raise ValueError(f"expected CHANNEL:USER_KEY, got {spec!r}")
    return channel.strip(), key.strip()


def select_users(store: Store, s: Session, audience: Audience, *, create: bool) -> list[tuple[int | None, str, bool]]:
    """``(user id, channel, notifications on)`` for everyone the audience names; named users never
    seen before are created when ``create`` (else listed with id None: they would get the notice)."""
    if audience.users:
        out: list[tuple[int | None, str, bool]] = []
        for channel, key in audience.users:
            if audience.channel and channel != audience.channel:
                continue
            user_id = store.user_id(s, channel, key)
            if user_id is None and create:
                user_id = store.open_conversation(s, channel, key).user_id
            on = s.scalar(select(User.notifications).where(User.id == user_id)) if user_id is not None else True
            out.append((user_id, channel, bool(on)))
        return out
    query = select(User.id, User.channel, User.notifications)
    if audience.channel:
        query = query.where(User.channel == audience.channel)
    if audience.stage_pending:
        done = exists().where(
            Progress.user_id == User.id, Progress.stage == audience.stage_pending, Progress.done.is_(True)
        )
        query = query.where(~done)
    if audience.grade:
        query = query.join(Conversation, Conversation.user_id == User.id).add_columns(Conversation.state)
    rows = s.execute(query.order_by(User.id)).all()
    if audience.grade:
        rows = [r for r in rows if str(((r.state or {}).get("slots") or {}).get("grade")) == audience.grade]
    return [(r.id, r.channel, bool(r.notifications)) for r in rows]


def queue_notice(
    store: Store, audience: Audience, text: str, *, title: str, at: datetime | None = None, dry_run: bool = False
) -> Queued:
    """Queue ``text`` (under ``title``) for the audience, due at ``at`` (default now)."""
    moment = at or datetime.now(UTC).replace(second=0, microsecond=0)
    digest = hashlib.sha256(f"{moment.isoformat()}\n{text}".encode()).hexdigest()[:16]
    replies = [Reply(title=title, text=text).to_dict()]
    queued = skipped = already = 0
    with store.unit() as s:
        for user_id, channel, notifications in select_users(store, s, audience, create=not dry_run):
            if not notifications:
                skipped += 1
            elif dry_run or user_id is None:
                queued += 1
            elif enqueue(s, user_id=user_id, channel=channel, kind=KIND, dedupe_key=f"{KIND}:{digest}:{user_id}",
                         due_at=at, replies=replies) is None:
                already += 1
            else:
                queued += 1
    return Queued(queued, skipped, already)
