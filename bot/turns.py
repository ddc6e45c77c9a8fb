"""Assistant turns off the event loop: a few threads of their own, a cap on turns in flight, a budget.

The Assistant is synchronous and CPU-bound under the GIL, and SQLite takes one writer at a time, so
turns run on a small pool of threads (``default_turn_threads``) rather than on the event loop or on
AnyIO's shared pool. A turn past its budget still finishes and commits; only its answer is dropped
(the channel says "busy"). The hand-off is one put on a plain queue and one wake-up of the loop when
the turn is done: ``concurrent.futures`` (a Future with its Condition, the executor's locks and idle
semaphore) cost about 29 µs of interpreter time per turn against 6 µs (measured, uvloop), time the
loop and the turn thread take from each other under the GIL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from queue import SimpleQueue
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


class _Job:
    """One call for a turn thread, and where its outcome goes (a future on the loop)."""

    __slots__ = ("args", "cancelled", "done", "fn", "gate", "loop")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], loop: asyncio.AbstractEventLoop,
                 done: asyncio.Future[Any], gate: TurnGate | None) -> None:
        self.fn, self.args, self.loop, self.done, self.gate = fn, args, loop, done, gate
        self.cancelled = False  # set on the loop when the budget ran out first: a job not started never runs

    def run(self) -> None:
        """On a turn thread: the call, then its outcome handed to the loop (and the gate left)."""
        result: Any = None
        error: BaseException | None = None
        if not self.cancelled:
            try:
                result = self.fn(*self.args)
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request, which reports it
                error = exc
        if self.gate is not None:
            self.gate.leave()
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile (shutdown): nobody waits
            self.loop.call_soon_threadsafe(_settle, self.done, result, error)


class TurnRunner:
    """Runs ``assistant.handle_turn`` on ``threads`` threads; ``await runner(inbound, budget)``.

    Each thread that runs turns may hold per-thread state (a database connection, the watchdog's),
    so a few threads answer as fast as many and use less memory.
    """

    def __init__(self, assistant: Any, metrics: Metrics, gate: TurnGate, threads: int, apology: str) -> None:
        self.assistant, self.metrics, self.gate, self.apology = assistant, metrics, gate, apology
        self.threads = threads
        self._jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self._workers: list[threading.Thread] = []

    def _submit(self, fn: Callable[..., Any], args: tuple[Any, ...], gate: TurnGate | None) -> tuple[_Job, Any]:
        if not self._workers:  # started on first use (apps built in tests mostly never run a turn)
            self._workers = [threading.Thread(target=self._work, name=f"giljabi-turn_{n}", daemon=True)
                             for n in range(self.threads)]
            for worker in self._workers:
                worker.start()
        loop = asyncio.get_running_loop()
        job = _Job(fn, args, loop, loop.create_future(), gate)
        self._jobs.put(job)
        return job, loop

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            job.run()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on a turn thread (the NLU's warm-up: its per-thread state is then the turns')."""
        job, _ = self._submit(fn, args, None)
        return await job.done

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
        started = time.perf_counter()
        try:
            job, loop = self._submit(self._handle, (inbound,), self.gate)
        except BaseException:
            self.gate.leave()
            raise
        timer = loop.call_later(budget, _expire, job.done) if budget is not None else None
        try:
            outcome = await job.done  # a cancelled request leaves the turn running: it finishes and commits
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
            job.cancelled = True  # a turn still waiting for a thread never runs; a running one finishes
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
        workers, self._workers = self._workers, []
        for _ in workers:
            self._jobs.put(None)
        if workers:
            await asyncio.get_running_loop().run_in_executor(None, _join, workers)


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join()


def _settle(done: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    """On the loop: hand a finished call's outcome (or its exception) to the request waiting for it."""
    if done.done():  # the budget ran out first, or the request was cancelled
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result)


def _expire(done: asyncio.Future[Any]) -> None:
    if not done.done():
        done.set_result(_LATE)
