"""The dispatcher's database side: claiming due rows under a lease, and recording what happened.

A claim is one short transaction: due ``pending`` rows are locked (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so concurrent dispatchers take disjoint rows; SQLite's ``BEGIN IMMEDIATE`` serialises
them), sorted by the rules every sender obeys, and committed in their new state before anything is
sent. One user's rows leave in order (``due_at``, ``id``) even across dispatchers: a row is taken
only when every earlier row still owed to that user is in the same claim, and not while another of
that user's rows is being sent; rows held back so are counted ``blocked``. Of the rest, rows of
users who opted out become ``cancelled``, of unreachable users ``unreachable``, of channels that
cannot push ``held``; the rest become ``sending`` with this process's lease. A row still ``sending``
after its lease ran out belonged to a process that died mid-send: it becomes ``unknown`` and is
never sent again (a missed message is better than a duplicate).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, and_, bindparam, false, func, or_, select, update

from bot.outbox.queue import CONVERSATIONAL_KINDS, OutboxStatus
from bot.store import Store
from bot.store.models import OutboxMessage, User

S = OutboxStatus


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row this process now holds the lease on, with what it needs to send it."""

    id: int
    user_id: int
    user_key: str
    channel: str
    kind: str
    replies: list[dict[str, Any]] | None
    template: str | None
    params: dict[str, Any] | None
    attempts: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What sending one claimed row came to: ``sent`` / ``retry`` / ``failed`` / ``unreachable``."""

    row: Claimed
    status: str
    provider_id: str | None = None
    error: str | None = None
    retry_at: datetime | None = None


_T = OutboxMessage.__table__.c
#: one outcome, run for a whole batch at once (Core executemany)
_RECORD = (
    update(OutboxMessage.__table__)
    .where(_T.id == bindparam("rid"), _T.lease_owner == bindparam("owner"),
           or_(_T.status == S.SENDING.value, _T.status == S.UNKNOWN.value))
    .values(
        status=bindparam("new_status"), provider_message_id=bindparam("pid"), sent_at=bindparam("sent_time"),
        last_error=bindparam("error"),
        due_at=func.coalesce(bindparam("due", type_=DateTime(timezone=True)), _T.due_at),
    )
)


class Claims:
    """Claims and records for one dispatcher (``owner`` names its lease)."""

    def __init__(self, store: Store, owner: str, lease: timedelta) -> None:
        self.store, self.owner, self.lease = store, owner, lease

    def settle_expired(self, now: datetime) -> int:
        """Rows whose sender's lease ran out become ``unknown``; returns how many."""
        with self.store.unit() as s:
            return self._settle(s, now)

    @staticmethod
    def _settle(s: Any, now: datetime) -> int:
        return s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == S.SENDING.value, OutboxMessage.lease_expires_at < now)
            .values(status=S.UNKNOWN.value, last_error="lease expired while sending")
        ).rowcount

    def claim(
        self, now: datetime, limit: int, *, quiet: bool, push: Collection[str], settle: bool = False
    ) -> tuple[list[Claimed], dict[str, int]]:
        """Up to ``limit`` due rows: those to send now (leased), and counts of those settled otherwise.

        In quiet hours only rows that may go at any time (``quiet_hours`` false) are pushed; rows for
        channels without a sender are held at any hour, since they reach the user only when the user writes.
        ``settle`` first settles expired leases (``settle_expired``) in the same transaction, counted as
        ``unknown``: a pass's first claim costs no transaction of its own for them.
        """
        o = OutboxMessage
        due = and_(o.status == S.PENDING.value, o.due_at <= now)
        if quiet:
            due = and_(due, or_(o.quiet_hours == false(), o.channel.not_in(list(push) or [""])))
        query = (
            select(o.id, o.user_id, User.user_key, o.channel, o.kind, o.replies, o.template, o.params, o.attempts,
                   User.notifications, User.unreachable_since)
            .join(User, User.id == o.user_id)
            .where(due)
            .order_by(o.due_at, o.id)
            .limit(limit)
            .with_for_update(of=o, skip_locked=True)
        )
        groups: dict[str, list[int]] = {S.CANCELLED: [], S.UNREACHABLE: [], S.HELD: [], S.SENDING: []}
        send: list[Claimed] = []
        with self.store.unit() as s:
            unknown = self._settle(s, now) if settle else 0
            locked = s.execute(query).all()
            rows = self._in_order(s, locked, due)
            for row in rows:
                proactive = row.kind not in CONVERSATIONAL_KINDS
                if proactive and not row.notifications:
                    groups[S.CANCELLED].append(row.id)
                elif row.unreachable_since is not None:
                    groups[S.UNREACHABLE].append(row.id)
                elif row.channel not in push:
                    groups[S.HELD].append(row.id)
                else:
                    groups[S.SENDING].append(row.id)
                    send.append(Claimed(row.id, row.user_id, row.user_key, row.channel, row.kind, row.replies,
                                        row.template, row.params, row.attempts + 1))
            reasons = {S.CANCELLED: "notifications off", S.UNREACHABLE: "user unreachable"}
            for status, ids in groups.items():
                if not ids:
                    continue
                values: dict[str, Any] = {"status": status.value}
                if status is S.SENDING:
                    values.update(lease_owner=self.owner, lease_expires_at=now + self.lease, attempts=o.attempts + 1)
                elif status in reasons:
                    values["last_error"] = reasons[status]
                s.execute(update(o).where(o.id.in_(ids)).values(**values))
        counts = {status.value: len(ids) for status, ids in groups.items() if status is not S.SENDING}
        counts["blocked"] = len(locked) - len(rows)
        if settle:
            counts[S.UNKNOWN.value] = unknown
        return send, counts

    @staticmethod
    def _in_order(s: Any, locked: Sequence[Any], due: Any) -> list[Any]:
        """The locked rows that may go now without overtaking an earlier row of the same user.

        ``SKIP LOCKED`` hands a concurrent dispatcher the rows this one has not locked, so a user's
        second row could leave before the first; and a row may be in flight in another process. Both
        show in one read of the user's due and sending rows (locks do not hide rows from a plain read).
        """
        if not locked:
            return []
        o = OutboxMessage
        mine = {row.id for row in locked}
        owed = s.execute(
            select(o.id, o.user_id, o.status)
            .where(o.user_id.in_(sorted({row.user_id for row in locked})), or_(due, o.status == S.SENDING.value))
            .order_by(o.due_at, o.id)
        )
        allowed: set[int] = set()
        stopped: set[int] = set()  # users with an earlier row this claim does not hold
        sending: set[int] = set()  # users with a row in flight: nothing more until it is settled
        for row_id, user_id, status in owed:
            if status == S.SENDING.value:
                sending.add(user_id)
            elif row_id not in mine:
                stopped.add(user_id)
            elif user_id not in stopped:
                allowed.add(row_id)
        return [row for row in locked if row.id in allowed and row.user_id not in sending]

    def record(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Write every outcome of a batch in one transaction; unreachable users are marked so."""
        if not outcomes:
            return
        params = []
        for out in outcomes:
            status = S.PENDING.value if out.status == "retry" else out.status
            params.append({
                "rid": out.row.id, "owner": self.owner, "new_status": status, "pid": out.provider_id,
                "sent_time": now if out.status == S.SENT.value else None,
                "error": out.error[:200] if out.error else None, "due": out.retry_at,
            })
        unreachable = sorted({o.row.user_id for o in outcomes if o.status == S.UNREACHABLE.value})
        with self.store.unit() as s:
            s.execute(_RECORD, params)
            if unreachable:
                s.execute(update(User).where(User.id.in_(unreachable), User.unreachable_since.is_(None))
                          .values(unreachable_since=now))
