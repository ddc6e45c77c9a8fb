"""Assistant turns off the event loop: a few threads of their own, a cap on turns in flight, a budget.

The Assistant is synchronous and CPU-bound under the GIL, and SQLite takes one writer at a time, so
turns run on a small pool of threads (``default_turn_threads``) rather than on the event loop or on
AnyIO's shared pool. A turn past its budget still finishes and commits; only its answer is dropped
(the channel says "busy"). The hand-off is one thread-pool submit and one wake-up of the loop when the
turn is done (``asyncio.wrap_future`` + ``wait_for`` + ``shield`` made three futures and a timer task
per turn for the same effect: measured about 5% of the event loop's time under load).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from bot.limits import TurnGate
from bot.logs import FailureLog
from bot.messages import Inbound, Reply
from bot.metrics import Metrics

log = logging.getLogger("giljabi.server")
failures = FailureLog(log)

T = TypeVar("T")
Outcome = tuple[list[Reply], bool, bool]
#: what the budget's timer leaves in a turn's future when it fires first
_LATE = object()


def default_turn_threads(assistant: Any) -> int:
    """Threads for turns: 1 over SQLite (one writer at a time; a second thread only waits for its lock,
    measured slower), 8 over a server database, where turns also wait on the network."""
    url = str(getattr(getattr(assistant, "store", None), "url", ""))
    return 1 if url.startswith("sqlite") else 8


class TurnRunner:
    """Runs ``assistant.handle_turn`` on ``threads`` threads; ``await runner(inbound, budget)``.

    Each thread that runs turns may hold per-thread state (a database connection, the watchdog's),
    so a few threads answer as fast as many and use less memory.
    """

    def __init__(self, assistant: Any, metrics: Metrics, gate: TurnGate, threads: int, apology: str) -> None:
        self.assistant, self.metrics, self.gate, self.apology = assistant, metrics, gate, apology
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="giljabi-turn")
        return self._pool

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on a turn thread (the NLU's warm-up: its per-thread state is then the turns')."""
        return await asyncio.get_running_loop().run_in_executor(self._executor(), fn, *args)

    def _handle(self, inbound: Inbound) -> Outcome:
        result = self.assistant.handle_turn(inbound)
        if result.handoff:
            self.metrics.channel(inbound.channel).handoffs.inc()
        return result.replies, result.error, result.fallback

    async def __call__(self, inbound: Inbound, budget: float | None = None) -> list[Reply] | None:
        """One turn's replies; None if it did not finish within ``budget`` seconds, or at once when
        ``max_turns_in_flight`` turns are already running (the caller says "busy")."""
        channel = inbound.channel
        if not self.gate.enter():
            self.metrics.error(channel, "busy")
            return None
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        done: asyncio.Future[Any] = loop.create_future()

        def finished(work: Future[Outcome]) -> None:  # on the turn thread (or here, when cancelled)
            self.gate.leave()
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile (shutdown): nobody waits
                loop.call_soon_threadsafe(_settle, done, work)

        try:
            work = self._executor().submit(self._handle, inbound)
        except BaseException:
            self.gate.leave()
            raise
        work.add_done_callback(finished)
        timer = loop.call_later(budget, _expire, done) if budget is not None else None
        try:
            outcome = await done  # a cancelled request leaves the turn running: it finishes and commits
        except Exception as exc:
            failures.report("turn", exc, channel=channel)
            self.metrics.error(channel, "turn")
            return [Reply(text=self.apology)]
        finally:
            if timer is not None:
                timer.cancel()
        series = self.metrics.channel(channel)
        series.latency.observe(time.perf_counter() - started)
        if outcome is _LATE:
            work.cancel()  # a turn still waiting for a thread never runs; a running one finishes
            log.warning("turn over budget channel=%s budget=%.1fs", channel, budget or 0)
            self.metrics.error(channel, "timeout")
            return None
        replies, error, fallback = outcome
        series.turns.inc()
        if error:
            self.metrics.error(channel, "turn")
        if fallback:
            series.fallbacks.inc()
        return replies

    async def shutdown(self) -> None:
        """Wait for the turns in flight, then stop the threads."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.get_running_loop().run_in_executor(None, pool.shutdown)


def _settle(done: asyncio.Future[Any], work: Future[Outcome]) -> None:
    """On the loop: hand a finished turn's outcome (or its exception) to the request waiting for it."""
    if done.done() or work.cancelled():
        return
    exc = work.exception()
    if exc is not None:
        done.set_exception(exc)
    else:
        done.set_result(work.result())


def _expire(done: asyncio.Future[Any]) -> None:
    if not done.done():
        done.set_result(_LATE)
