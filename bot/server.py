"""The web server: Kakao skill and Telegram webhook endpoints, health and metrics, on one ASGI app.

``create_app(assistant, settings)`` builds it; ``giljabi serve`` runs it on uvicorn. The Assistant
is synchronous, so every turn runs on a small pool of turn threads, off the event loop; the adapters
in ``bot/channels`` only translate. Metrics live in a registry of the app's own, so several apps can
exist in one process.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from bot.channels import kakao
from bot.config import Settings
from bot.limits import BodyLimit, TurnGate
from bot.logs import FailureLog, register_secret
from bot.messages import Inbound, Reply
from bot.probes import add_probes
from bot.retention import start_retention

log = logging.getLogger("giljabi.server")
failures = FailureLog(log)

#: Open Builder waits about 5 s; a turn still running after this gets a "busy" answer instead
KAKAO_BUDGET_SECONDS = 4.0
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class UTF8JSONResponse(JSONResponse):
    """JSON with Korean as UTF-8 rather than \\u escapes: about half the bytes."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Metrics:
    """Prometheus metrics of one app, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter("giljabi_turns", "Turns handled", ["channel"], registry=self.registry)
        self.fallbacks = Counter(
            "giljabi_fallbacks", "Turns whose text the NLU could not place", ["channel"], registry=self.registry
        )
        self.errors = Counter(
            "giljabi_errors", "Failed turns, bad requests, timeouts and failed sends", ["channel", "kind"],
            registry=self.registry,
        )
        self.handoffs = Counter(
            "giljabi_handoffs", "Turns in which the user asked for a person", ["channel"], registry=self.registry
        )
        self.latency = Histogram(
            "giljabi_turn_seconds", "Time the Assistant took for one turn", ["channel"],
            buckets=LATENCY_BUCKETS, registry=self.registry,
        )

    def declare(self, channel: str) -> None:
        """Show a channel's series from the start (at zero), so rates work before its first turn."""
        self.turns.labels(channel=channel)
        self.fallbacks.labels(channel=channel)
        self.handoffs.labels(channel=channel)
        self.latency.labels(channel=channel)
        for kind in ("turn", "timeout", "busy", "bad_request", "unauthorized"):
            self.errors.labels(channel=channel, kind=kind)

    def error(self, channel: str, kind: str) -> None:
        self.errors.labels(channel=channel, kind=kind).inc()


def default_turn_threads(assistant: Any) -> int:
    """Threads for turns: 1 over SQLite (one writer at a time; a second thread only waits for its lock,
    measured slower), 8 over a server database, where turns also wait on the network."""
    url = str(getattr(getattr(assistant, "store", None), "url", ""))
    return 1 if url.startswith("sqlite") else 8


def _secret_ok(given: str | None, expected: SecretStr | None) -> bool:
    if expected is None or not expected.get_secret_value() or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.get_secret_value().encode("utf-8"))


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None and value.get_secret_value() else None


def create_app(
    assistant: Any,
    settings: Settings | None = None,
    *,
    telegram_polling: bool = False,
    telegram_webhook_url: str | None = None,
    warm_up: bool = True,
    turn_threads: int | None = None,
) -> FastAPI:
    """The ASGI app around ``assistant`` (``handle_turn``, ``warm_up``, ``text`` and ``store``).

    Turns run on ``turn_threads`` threads of their own (default: ``default_turn_threads``): turns are
    CPU-bound under the GIL, SQLite takes one writer at a time, and each thread that runs turns holds
    NLU state of its own (a MeCab tagger; measured about 20 MB of RSS per thread), so a few threads
    answer as fast as many and use far less memory.
    """
    settings = settings or Settings()
    threads = turn_threads or default_turn_threads(assistant)
    pool: dict[str, ThreadPoolExecutor] = {}

    def executor() -> ThreadPoolExecutor:
        if "turns" not in pool:
            pool["turns"] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="giljabi-turn")
        return pool["turns"]

    metrics = Metrics()
    metrics.declare("kakao")
    apology, busy = assistant.text("error.sorry"), assistant.text("channel.busy")
    gate = TurnGate(settings.max_turns_in_flight)
    for secret in (settings.telegram_token, settings.telegram_webhook_secret, settings.kakao_skill_secret):
        register_secret(_secret(secret))

    def handle_counted(inbound: Inbound) -> tuple[list[Reply], bool, bool]:
        result = assistant.handle_turn(inbound)
        if result.handoff:
            metrics.handoffs.labels(channel=inbound.channel).inc()
        return result.replies, result.error, result.fallback

    async def turn(inbound: Inbound, *, budget: float | None = None) -> list[Reply] | None:
        """One Assistant turn in the thread pool; None if it did not finish within ``budget``, or
        at once when ``max_turns_in_flight`` turns are already running (the caller says "busy")."""
        if not gate.enter():
            metrics.error(inbound.channel, "busy")
            return None
        started = time.perf_counter()
        result: tuple[list[Reply], bool, bool] | None = None
        future = asyncio.get_running_loop().run_in_executor(executor(), handle_counted, inbound)
        future.add_done_callback(lambda _: gate.leave())
        try:
            # shielded: a turn past its budget still finishes and commits; only its answer is late
            result = await asyncio.wait_for(asyncio.shield(future), budget)
        except TimeoutError:
            future.cancel()  # a turn still waiting for a thread never runs; a running one finishes
            result = None
        except Exception as exc:
            failures.report("turn", exc, channel=inbound.channel)
            metrics.error(inbound.channel, "turn")
            return [Reply(text=apology)]
        metrics.latency.labels(channel=inbound.channel).observe(time.perf_counter() - started)
        if result is None:
            log.warning("turn over budget channel=%s budget=%.1fs", inbound.channel, budget or 0)
            metrics.error(inbound.channel, "timeout")
            return None
        replies, error, fallback = result
        metrics.turns.labels(channel=inbound.channel).inc()
        if error:
            metrics.error(inbound.channel, "turn")
        if fallback:
            metrics.fallbacks.labels(channel=inbound.channel).inc()
        return replies

    telegram = None
    token = _secret(settings.telegram_token)
    if token:
        from bot.channels.telegram import TelegramChannel

        async def telegram_turn(inbound: Inbound) -> list[Reply]:
            return await turn(inbound) or []

        metrics.declare("telegram")
        telegram = TelegramChannel(
            token,
            telegram_turn,
            base_url=settings.telegram_api_base_url,
            webhook_secret=_secret(settings.telegram_webhook_secret),
            on_error=lambda kind: metrics.error("telegram", kind),
        )
        if not _secret(settings.telegram_webhook_secret):
            log.warning("GILJABI_TELEGRAM_WEBHOOK_SECRET is not set: every Telegram webhook request is rejected")
    else:
        log.info("Telegram is off: GILJABI_TELEGRAM_TOKEN is not set")
    if not _secret(settings.kakao_skill_secret):
        log.warning("GILJABI_KAKAO_SKILL_SECRET is not set: every Kakao skill request is rejected")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_up:
            started = time.perf_counter()
            try:
                await run_in_threadpool(assistant.warm_up)
                log.info("parser ready in %.1f s", time.perf_counter() - started)
            except Exception:  # the NLU failing to load shows up as failed turns, counted and logged
                log.exception("could not load the NLU parser")
        if telegram is not None:
            await telegram.start(polling=telegram_polling, webhook_url=telegram_webhook_url)
            log.info("Telegram on: %s", "long polling" if telegram_polling else "webhook /telegram/webhook")
        background = start_retention(assistant, settings)
        try:
            yield
        finally:
            background.cancel()
            if telegram is not None:
                await telegram.stop()
            if "turns" in pool:
                await asyncio.get_running_loop().run_in_executor(None, pool.pop("turns").shutdown)

    app = FastAPI(title="giljabi", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.assistant = assistant
    app.state.metrics = metrics
    app.state.telegram = telegram

    @app.post("/kakao/skill")
    async def kakao_skill(request: Request) -> Response:
        if not _secret_ok(request.headers.get("x-skill-secret"), settings.kakao_skill_secret):
            metrics.error("kakao", "unauthorized")
            return JSONResponse({"detail": "unauthorized"}, status_code=401)
        try:
            inbound = kakao.parse_request(json.loads(await request.body()))
        except (ValueError, RecursionError):  # JSON, UTF-8 and kakao.BadRequest errors are ValueErrors
            metrics.error("kakao", "bad_request")
            return UTF8JSONResponse(kakao.simple_response(apology), status_code=400)
        replies = await turn(inbound, budget=KAKAO_BUDGET_SECONDS)
        body = kakao.simple_response(busy) if replies is None else kakao.render(replies or [Reply(text=apology)])
        return UTF8JSONResponse(body)

    @app.post("/telegram/webhook")
    async def telegram_webhook(request: Request) -> Response:
        if telegram is None:
            return JSONResponse({"detail": "telegram is not configured"}, status_code=404)
        if not _secret_ok(request.headers.get("x-telegram-bot-api-secret-token"), settings.telegram_webhook_secret):
            metrics.error("telegram", "unauthorized")
            return JSONResponse({"detail": "unauthorized"}, status_code=401)
        try:
            data = json.loads(await request.body())
        except (ValueError, RecursionError):
            data = None
        outcome = await telegram.process(data)
        if outcome == "bad":
            metrics.error("telegram", "bad_request")
            return JSONResponse({"detail": "not a Telegram update"}, status_code=400)
        if outcome == "retry":
            return JSONResponse({"detail": "try again"}, status_code=503)
        return JSONResponse({"ok": True, "outcome": outcome})

    add_probes(app, assistant.store)
    app.add_middleware(BodyLimit)

    @app.get("/metrics")
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app


def serve(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    telegram_polling: bool = False,
    telegram_webhook_url: str | None = None,
    turn_threads: int | None = None,
    build: Callable[[Settings], Any] | None = None,
    workers: int = 1,
) -> None:
    """Build the Assistant and run the app on uvicorn until interrupted (``workers`` processes:
    see ``bot.workers``)."""
    import uvicorn

    from bot.assistant import build_assistant

    level = settings.log_level.lower()
    if workers > 1:
        from bot.workers import serve_workers

        serve_workers(settings, host=host, port=port, workers=workers, turn_threads=turn_threads,
                      telegram_webhook_url=telegram_webhook_url, telegram_polling=telegram_polling)
        return
    assistant = (build or build_assistant)(settings)
    app = create_app(
        assistant, settings, telegram_polling=telegram_polling, telegram_webhook_url=telegram_webhook_url,
        turn_threads=turn_threads,
    )
    # log_config=None: uvicorn's lines go through our redacting handler too
    uvicorn.run(app, host=host, port=port, log_level=level, access_log=level == "debug", lifespan="on",
                log_config=None)
