"""The dispatcher: sends due outbox rows through each channel's sender, each row once.

``run_once`` settles expired leases, then claims small batches (``claims.Claims``) until nothing is
due, sending each batch concurrently (one user's rows in order, across dispatchers too) and
recording the outcomes. Failures follow the sender's typed errors: ``Unreachable`` marks the row and
the user (nothing more goes to them until they write again), ``Retryable`` tries again later with
exponential backoff up to ``max_attempts``, ``Permanent`` fails the row. ``bot.outbox.ticker`` runs
it in the background. Any number of dispatchers may share one PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from bot.channels.base import Permanent, Retryable, Sender, SendError, Unreachable
from bot.outbox.claims import Claimed, Claims, Outcome
from bot.outbox.compose import Composer
from bot.outbox.quiet import QuietHours
from bot.store import Store
from bot.store.models import utcnow

log = logging.getLogger("giljabi.outbox")

Clock = Callable[[], datetime]
#: what ``giljabi worker --once`` prints, in this order
REPORTED = ("sent", "held", "failed", "unreachable")


def default_owner() -> str:
    """A lease owner name unique to this process: host, pid and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    """Sends due rows; safe to run in any number of processes over one PostgreSQL database."""

    def __init__(
        self,
        store: Store,
        senders: Mapping[str, Sender],
        composer: Composer,
        quiet: QuietHours,
        *,
        clock: Clock = utcnow,
        owner: str | None = None,
        batch: int = 100,
        lease: timedelta = timedelta(minutes=2),
        max_attempts: int = 5,
        backoff: timedelta = timedelta(seconds=30),
        concurrency: int = 8,
    ) -> None:
        self.senders = dict(senders)
        self.composer, self.quiet, self.clock = composer, quiet, clock
        self.claims = Claims(store, owner or default_owner(), lease)
        self.batch, self.max_attempts, self.backoff = batch, max_attempts, backoff
        # sends in flight per channel; a sender that batches (Kakao's Event API) asks for more
        self._limits = {
            name: asyncio.Semaphore(int(getattr(sender, "concurrency", concurrency)))
            for name, sender in self.senders.items()
        }

    # ---------------------------------------------------------------- one pass
    async def run_once(self) -> Counter[str]:
        """Send everything due now; counts of sent / held / failed / unreachable / cancelled / retry.

        Rows held back behind a row another dispatcher is sending to the same user (``blocked``) are
        waited for, a little longer each time and at most one lease: that row is settled by then.
        """
        counts: Counter[str] = Counter({"unknown": 0})
        settle, waited, pause = True, 0.0, 0.02
        while True:
            now = self.clock()
            rows, settled = await asyncio.to_thread(
                self.claims.claim, now, self.batch, quiet=self.quiet.active(now), push=self.senders.keys(),
                settle=settle,  # expired leases are settled in the pass's first claim, and after a wait
            )
            counts["unknown"] += settled.pop("unknown", 0)
            blocked = settled.pop("blocked", 0)
            settle = False
            counts.update(settled)
            if not rows and not any(settled.values()):
                if not blocked or waited >= self.claims.lease.total_seconds():
                    break
                await asyncio.sleep(pause)
                settle, waited, pause = True, waited + pause, min(pause * 2, 0.5)
                continue
            outcomes = await self._send_batch(rows)
            await asyncio.to_thread(self.claims.record, outcomes, self.clock())
            counts.update(o.status for o in outcomes)
            if not blocked and len(rows) + sum(settled.values()) < self.batch:
                break  # a short batch took every row due at its claim: no transaction just to find none
        if any(counts.values()):
            log.info("outbox pass %s", " ".join(f"{k}={v}" for k, v in sorted(counts.items()) if v))
        return counts

    async def _send_batch(self, rows: list[Claimed]) -> list[Outcome]:
        by_user: dict[int, list[Claimed]] = {}
        for row in rows:
            by_user.setdefault(row.user_id, []).append(row)
        results = await asyncio.gather(*(self._send_in_order(user_rows) for user_rows in by_user.values()))
        return [outcome for user_outcomes in results for outcome in user_outcomes]

    async def _send_in_order(self, rows: list[Claimed]) -> list[Outcome]:
        outcomes = []
        for row in rows:
            async with self._limits[row.channel]:
                outcomes.append(await self._send(row))
        return outcomes

    async def _send(self, row: Claimed) -> Outcome:
        sender = self.senders[row.channel]
        try:
            replies = self.composer.replies(row.kind, row.replies, row.template, row.params)
            provider_id = await sender.send(row.user_key, replies)
        except Unreachable as exc:
            return Outcome(row, "unreachable", error=exc.reason)
        except Retryable as exc:
            if row.attempts >= self.max_attempts:
                return Outcome(row, "failed", error=f"gave up after {row.attempts} attempts: {exc.reason}")
            wait = timedelta(seconds=exc.retry_after) if exc.retry_after else self.backoff * 2 ** (row.attempts - 1)
            return Outcome(row, "retry", error=exc.reason, retry_at=self.clock() + wait)
        except (Permanent, SendError) as exc:
            return Outcome(row, "failed", error=exc.reason)
        except Exception as exc:  # noqa: BLE001 - a sender's bug fails one row, never the dispatcher
            log.exception("outbox: sender %s raised", row.channel)
            return Outcome(row, "failed", error=f"sender error: {type(exc).__name__}")
        return Outcome(row, "sent", provider_id=provider_id)
