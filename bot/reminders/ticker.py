"""The planner in the background of ``giljabi serve`` and ``giljabi worker``: a pass at start, then one
every ``INTERVAL`` (APScheduler's ``AsyncIOScheduler`` used only as a ticker, as the outbox's is: the
durable state is the outbox table). Every process runs one; the dedupe keys make that safe."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.logs import FailureLog
from bot.reminders.planner import INTERVAL, Planner
from bot.store import Store
from bot.store.models import utcnow

log = logging.getLogger("giljabi.reminders")
_failures = FailureLog(log)  # one line per failure class, no traceback (see bot.logs)

Clock = Callable[[], datetime]


def plan_once(store: Store, planner: Planner, clock: Clock = utcnow) -> None:
    """One planner pass in its own transaction (never raises: the next tick tries again)."""
    try:
        with store.unit() as s:
            result = planner.run(s, clock())
        if result.queued or result.cancelled:
            log.info("reminders planned queued=%d cancelled=%d", result.queued, result.cancelled)
    except Exception as exc:  # noqa: BLE001 - a failed pass is logged; the next one catches up
        _failures.report("reminder planner pass", exc)


class PlannerTicker:
    """Runs ``plan_once`` off the event loop's thread, never two at once.

    APScheduler's job only starts a pass (a task of the ticker's own) and returns, as the outbox's
    ticker does: ``stop`` then waits for the pass under way. A job still running a pass when the
    scheduler shut down was cancelled with it, and logged as a failed job with its traceback."""

    def __init__(self, store: Store, planner: Planner, clock: Clock = utcnow) -> None:
        self.store, self.planner, self.clock = store, planner, clock
        self._scheduler: object | None = None
        self._pass: asyncio.Future[None] | None = None

    async def tick(self) -> None:
        """Start a pass unless one is under way."""
        if self._pass is None or self._pass.done():
            self._pass = asyncio.ensure_future(asyncio.to_thread(plan_once, self.store, self.planner, self.clock))

    async def start(self, seconds: float = INTERVAL.total_seconds()) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(self.tick, "interval", seconds=seconds, max_instances=1, coalesce=True,
                          id="reminder-planner", next_run_time=datetime.now(UTC))
        scheduler.start()
        self._scheduler = scheduler
        log.info("reminder planner on: every %.0f s", seconds)

    async def stop(self) -> None:
        """Stop ticking, then finish the pass under way."""
        if self._scheduler is not None:
            self._scheduler.pause()  # type: ignore[attr-defined]
            await asyncio.sleep(0)  # a job just handed to the executor runs (and returns) now
            self._scheduler.shutdown(wait=False)  # type: ignore[attr-defined]
        if self._pass is not None:
            await asyncio.wait([self._pass], timeout=10)
