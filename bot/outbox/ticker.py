"""Running a dispatcher in the background of an event loop (``giljabi serve``, ``giljabi worker``).

A pass runs at start, whenever this process commits a row that is due now (``bot.outbox.wake``), on
PostgreSQL whenever any process does (``LISTEN``), and on every tick of APScheduler's
``AsyncIOScheduler`` — used only as a ticker: the durable state is the outbox table, never a job store.
Passes never overlap: a wake-up during a pass runs one more pass after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.logs import FailureLog
from bot.outbox.dispatcher import Dispatcher
from bot.outbox.wake import listen_postgres, subscribe

log = logging.getLogger("giljabi.outbox")
_failures = FailureLog(log)  # one line per failure class, no traceback (see bot.logs)


class Ticker:
    """Passes of ``dispatcher`` on a timer and on wake-ups."""

    def __init__(self, dispatcher: Dispatcher, *, owns_senders: bool = True) -> None:
        self.dispatcher = dispatcher
        #: ``stop`` closes the senders (``giljabi worker``'s own); a server's belong to its channels,
        #: which close them when they stop (Telegram's long polling shares its sender's bot)
        self.owns_senders = owns_senders
        self._running = False
        self._again = False
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._scheduler: object | None = None

    def kick(self) -> None:
        """Run a pass now (on the loop's thread); a pass already running runs once more after."""
        if self._running:
            self._again = True
            return
        self._running = True
        self._task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while True:
                self._again = False
                try:
                    await self.dispatcher.run_once()
                except Exception as exc:  # noqa: BLE001 - the next tick tries again
                    _failures.report("outbox pass", exc)
                if not self._again:
                    return
        finally:
            self._running = False

    def wake(self) -> None:
        """Thread-safe ``kick``: what the after-commit hook calls."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.kick)

    async def start(self, tick_seconds: float) -> None:
        """Tick every ``tick_seconds`` and on every due row this process commits; a first pass now."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._loop = asyncio.get_running_loop()
        unsubscribe = subscribe(self.wake)
        url = self.dispatcher.claims.store.url
        unlisten = listen_postgres(url, self.wake) if url.startswith("postgresql") else (lambda: None)

        def stop_waking() -> None:
            unsubscribe()
            unlisten()

        self._unsubscribe = stop_waking
        scheduler = AsyncIOScheduler(timezone=UTC)

        async def tick() -> None:
            self.kick()

        scheduler.add_job(tick, "interval", seconds=tick_seconds, max_instances=1, coalesce=True,
                          id="outbox-tick", next_run_time=datetime.now(UTC))
        scheduler.start()
        self._scheduler = scheduler
        log.info("outbox dispatcher on: channels=%s quiet=%s tick=%.1fs",
                 ",".join(sorted(self.dispatcher.senders)) or "-", self.dispatcher.quiet.describe(), tick_seconds)

    async def stop(self) -> None:
        """Stop ticking, finish the pass under way, close the senders if they are the ticker's own."""
        if self._unsubscribe is not None:
            await asyncio.to_thread(self._unsubscribe)
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)  # type: ignore[attr-defined]
        if self._task is not None:
            await asyncio.wait([self._task], timeout=10)
        if not self.owns_senders:
            return
        for sender in self.dispatcher.senders.values():
            try:
                await sender.close()
            except Exception:  # noqa: BLE001
                log.debug("closing a sender failed", exc_info=True)
