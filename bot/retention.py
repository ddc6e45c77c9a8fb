"""Keeping data no longer than needed: ``GILJABI_RETENTION_DAYS`` (default 730, the two-year consent
period the JobCare guide states). ``purge`` deletes turns older than that, and users not seen for
that long with everything of theirs; ``run_daily`` does it once a day where the outbox dispatcher
runs: ``giljabi worker``, or ``giljabi serve`` when the dispatcher runs inside it (the default).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from bot.store import Store, watchdog
from bot.store.models import Heartbeat, OutboxMessage, ProcessedMessage, Turn, User

log = logging.getLogger("giljabi.retention")

DAY_SECONDS = 24 * 3600.0
_FINISHED = ("sent", "failed", "cancelled", "unreachable", "unknown")


@dataclass(frozen=True, slots=True)
class PurgeCounts:
    turns: int
    users: int
    processed_messages: int
    outbox: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _count(s: Session, model: type, *where: object) -> int:
    return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def purge(store: Store, days: int, *, dry_run: bool = False, now: datetime | None = None) -> PurgeCounts:
    """Delete (or with ``dry_run`` only count) what is older than ``days``; returns the counts."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    old_user = User.last_seen_at < cutoff
    stale_users = select(User.id).where(old_user)
    with watchdog.limit(None), store.unit() as s:
        postgres = s.get_bind().dialect.name == "postgresql"
        if postgres and not dry_run and not s.execute(text("SELECT pg_try_advisory_xact_lock(7010014)")).scalar_one():
            return PurgeCounts(0, 0, 0, 0)  # another worker is purging right now
        counts = PurgeCounts(
            turns=_count(s, Turn, (Turn.created_at < cutoff) | Turn.user_id.in_(stale_users)),
            users=_count(s, User, old_user),
            processed_messages=_count(s, ProcessedMessage, (ProcessedMessage.created_at < cutoff)
                                      | ProcessedMessage.user_id.in_(stale_users)),
            outbox=_count(s, OutboxMessage, ((OutboxMessage.created_at < cutoff)
                                             & OutboxMessage.status.in_(_FINISHED))
                          | OutboxMessage.user_id.in_(stale_users)),
        )
        if dry_run:
            return counts
        s.execute(delete(ProcessedMessage).where((ProcessedMessage.created_at < cutoff)
                                                 | ProcessedMessage.user_id.in_(stale_users)))
        s.execute(delete(OutboxMessage).where(((OutboxMessage.created_at < cutoff)
                                               & OutboxMessage.status.in_(_FINISHED))
                                              | OutboxMessage.user_id.in_(stale_users)))
        s.execute(delete(Turn).where((Turn.created_at < cutoff) | Turn.user_id.in_(stale_users)))
        s.execute(delete(User).where(old_user))  # conversations and progress go with them (cascade)
        s.execute(delete(Heartbeat).where(Heartbeat.at < (now or datetime.now(UTC)) - timedelta(days=1)))
        s.info["forgot"] = True  # checkpoint: deleted text leaves the SQLite file
    return counts


async def run_daily(store: Store, days: int, *, first_delay: float = 60.0, every: float = DAY_SECONDS) -> None:
    """Purge once a day in the background of a long-running process; failures are logged, not raised."""
    await asyncio.sleep(first_delay)
    while True:
        try:
            counts = await asyncio.to_thread(purge, store, days)
            log.info("retention: purged %s (older than %d days)", counts.as_dict(), days)
        except Exception as exc:  # noqa: BLE001 - tomorrow's run tries again
            log.warning("retention: purge failed (%s); trying again in a day", type(exc).__name__)
        await asyncio.sleep(every)


def start_retention(owner: object, settings: object) -> asyncio.Task[None]:
    """The daily purge as a task of the running loop, for ``owner`` (a Store, or an Assistant with
    one); a no-op task when there is no Store or ``GILJABI_RETENTION_DAYS`` is 0."""
    store = owner if isinstance(owner, Store) else getattr(owner, "store", None)
    days = int(getattr(settings, "retention_days", 0) or 0)
    if not isinstance(store, Store) or days <= 0:
        return asyncio.ensure_future(asyncio.sleep(0))
    return asyncio.ensure_future(run_daily(store, days))
