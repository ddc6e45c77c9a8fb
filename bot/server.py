"""The web server: every channel's endpoints, the outbox dispatcher, health and metrics, on one ASGI app.

``create_app(assistant, settings)`` builds it; ``giljabi serve`` runs it on uvicorn. The Assistant
is synchronous, so every turn runs on a small pool of turn threads, off the event loop; the channels
in ``bot/channels`` are mounted in a loop through one interface (``bot.channels.base``) and only
translate. Metrics live in a registry of the app's own, so several apps can exist in one process.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from bot.channels.base import Channel, ChannelContext, channel_modules
from bot.config import Settings
from bot.direct import App
from bot.limits import BodyLimit, TurnGate
from bot.logs import register_secret
from bot.metrics import Metrics
from bot.outbox.runtime import build_dispatcher
from bot.outbox.ticker import Ticker
from bot.probes import add_probes
from bot.reminders import Planner
from bot.reminders.ticker import PlannerTicker
from bot.retention import start_retention
from bot.store import Store
from bot.turns import TurnRunner, default_turn_threads

log = logging.getLogger("giljabi.server")


#: FastAPI's built-in OpenTelemetry (newer FastAPI versions) off: the app's metrics are its own Prometheus
#: registry; its per-request check of the global providers cost 6% of the event loop's time under load;
#: and with a provider configured it records exception messages, which can quote what a user sent (bot.logs).
_NO_OTEL: dict[str, Any] = (
    {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
    if "telemetry" in inspect.signature(FastAPI.__init__).parameters else {}
)


def create_app(
    assistant: Any,
    settings: Settings | None = None,
    *,
    warm_up: bool = True,
    turn_threads: int | None = None,
    dispatcher: bool | None = None,
    freeze_heap: bool = False,
    **channel_options: Any,
) -> FastAPI:
    """The ASGI app around ``assistant`` (``handle_turn``, ``warm_up``, ``text`` and ``store``).

    Every channel module in ``bot/channels`` is mounted in a loop (its routes, its start and stop);
    ``channel_options`` (e.g. ``telegram_polling``, ``telegram_webhook_url``) reach them as given.
    The outbox dispatcher runs in the background unless ``dispatcher`` (default
    ``GILJABI_OUTBOX_IN_SERVER``) is false, sending through the channels' senders.

    ``freeze_heap`` (what ``giljabi serve`` does, not tests, which build many apps in one process): once
    started, everything loaded so far — the NLU model, the knowledge, the libraries — moves out of the
    garbage collector's sight (``freeze_heap_after_start``).

    Turns run on ``turn_threads`` threads of their own (default: ``default_turn_threads``; see
    ``bot.turns``); the NLU warms up on one of them. Channels' hot endpoints (``direct_routes``) are
    served past FastAPI's middleware (``bot.direct``).
    """
    settings = settings or Settings()
    metrics = Metrics()
    turn = TurnRunner(assistant, metrics, TurnGate(settings.max_turns_in_flight),
                      turn_threads or default_turn_threads(assistant), assistant.text("error.sorry"))
    for value in vars(settings).values():  # every SecretStr setting (tokens, secrets, API keys)
        if isinstance(value, SecretStr):
            register_secret(value.get_secret_value())

    runs_dispatcher = bool(settings.outbox_in_server if dispatcher is None else dispatcher) and isinstance(
        getattr(assistant, "store", None), Store
    )
    context = ChannelContext(  # "outbox": answers may go through this process's dispatcher
        settings=settings, turn=turn, text=assistant.text, count_error=metrics.error,
        options={"outbox": runs_dispatcher, **channel_options},
    )
    channels: list[Channel] = []
    for module in channel_modules():
        channel = module.create_channel(context)
        if channel is not None:
            channels.append(channel)
            metrics.declare(channel.name)
    outbox: list[Ticker] = []
    planners: list[PlannerTicker] = []  # the reminder planner runs wherever the dispatcher does

    has_console = hasattr(assistant, "store") and hasattr(assistant, "domain") and hasattr(assistant, "desk")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_up:
            started = time.perf_counter()
            try:
                await turn.run(assistant.warm_up)  # on a turn thread: any per-thread state is the turns' own
                log.info("parser ready in %.1f s", time.perf_counter() - started)
            except Exception:  # the NLU failing to load shows up as failed turns, counted and logged
                log.exception("could not load the NLU parser")
        if freeze_heap:
            freeze_heap_after_start()
        for channel in channels:
            await channel.start()
        if runs_dispatcher:
            senders = {c.name: s for c in channels if (s := c.sender()) is not None}
            # the channels' own senders: closed by the channels' stop, after the outbox's last pass (closed
            # here first, Telegram's long polling would fail and sleep 1 s before it stops)
            outbox.append(Ticker(build_dispatcher(assistant.store, senders, assistant.text, settings),
                                 owns_senders=False))
            await outbox[0].start(settings.outbox_tick_seconds)
            planners.append(PlannerTicker(assistant.store, Planner(assistant.reminders.scheduler), assistant.clock))
            await planners[0].start()
        handoffs = asyncio.create_task(_handoff_ticker(assistant, settings)) if has_console else None
        # the daily purge runs where the dispatcher does: here, unless a `giljabi worker` runs it
        background = start_retention(assistant if runs_dispatcher else None, settings)
        try:
            yield
        finally:
            background.cancel()
            if handoffs is not None:
                handoffs.cancel()
            for running in (*planners, *outbox):
                await running.stop()
            for channel in reversed(channels):
                await channel.stop()
            await turn.shutdown()

    app = App(title="giljabi", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan,
                  **_NO_OTEL)
    app.state.assistant = assistant
    app.state.metrics = metrics
    app.state.channels = {c.name: c for c in channels}
    app.state.outbox = outbox
    for channel in channels:
        router = channel.routes()
        if router is not None:
            app.include_router(router)
        for path, endpoint in channel.direct_routes().items():
            app.add_direct_route(path, endpoint)
    if has_console:
        from bot.console import install

        install(app, assistant.store, assistant.domain, settings)

    add_probes(app, assistant.store)
    app.add_middleware(BodyLimit)

    @app.get("/metrics")
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app


def freeze_heap_after_start() -> None:
    """Collect once, then ``gc.freeze()`` what is left: the objects of start-up (about 236,000: the NLU
    model, the knowledge, the libraries) live as long as the process, yet every full collection walks
    all of them — the 8 during a server's start-up took 55–570 ms each on a loaded machine (measured).
    One while serving would stall every turn in flight that long; frozen, they are never walked again,
    and collections see only what requests allocate."""
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    log.info("heap frozen after start-up: %d objects in %.0f ms", gc.get_freeze_count(),
             (time.perf_counter() - started) * 1000)


async def _handoff_ticker(assistant: Any, settings: Settings, every: float = 30.0) -> None:
    """Apologise to students who waited too long for a consultant (any process may tick; each is told once)."""
    from bot.handoff.timeouts import expire_waiting

    while True:
        await asyncio.sleep(every)
        try:
            await run_in_threadpool(expire_waiting, assistant.store, assistant.desk, settings.handoff_timeout_minutes)
        except Exception:  # a database hiccup: try again at the next tick
            log.exception("handoff timeout tick failed")


def serve(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    telegram_polling: bool = False,
    telegram_webhook_url: str | None = None,
    turn_threads: int | None = None,
    build: Callable[[Settings], Any] | None = None,
) -> None:
    """Build the Assistant and run the app on uvicorn in this process until interrupted (several
    processes: ``bot.workers``)."""
    import uvicorn

    from bot.assistant import build_assistant
    from bot.http_protocol import OneWriteHttpTools

    level = settings.log_level.lower()
    assistant = (build or build_assistant)(settings)
    app = create_app(
        assistant, settings, telegram_polling=telegram_polling, telegram_webhook_url=telegram_webhook_url,
        turn_threads=turn_threads, freeze_heap=True,
    )
    # log_config=None: uvicorn's lines go through our redacting handler too
    uvicorn.run(app, host=host, port=port, log_level=level, access_log=level == "debug", lifespan="on",
                log_config=None, http=OneWriteHttpTools)
