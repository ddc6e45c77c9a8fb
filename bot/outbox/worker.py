"""``giljabi worker``: the dispatcher in a process of its own, without the web server.

It sends through every channel that has a standalone sender configured (Telegram with a token,
KakaoTalk with the Event API settings); rows for other channels are held for the user's next turn.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from bot.channels.base import standalone_senders
from bot.config import Settings
from bot.outbox.dispatcher import REPORTED, Dispatcher
from bot.outbox.runtime import build_dispatcher
from bot.outbox.ticker import Ticker
from bot.reminders import Planner, build_scheduler
from bot.reminders.ticker import PlannerTicker, plan_once
from bot.retention import start_retention
from bot.store import Store

log = logging.getLogger("giljabi.outbox")


def build(settings: Settings, **options: Any) -> tuple[Dispatcher, Store]:
    """The dispatcher and its store, from the settings (content loaded for templates and buttons)."""
    from knowledge.loader import load_knowledge

    store = Store(settings.resolved_database_url())
    knowledge = load_knowledge(institution_file=settings.institution_file)
    return build_dispatcher(store, standalone_senders(settings), knowledge.text, settings, **options), store


def reminder_planner(settings: Settings) -> Planner:
    """The reminder planner (bot/reminders), which runs wherever the dispatcher does."""
    from bot.assistant import build_domain

    return Planner(build_scheduler(build_domain(settings), settings))


async def run_once(settings: Settings, **options: Any) -> dict[str, int]:
    """Send everything due now; the counts ``worker --once`` prints."""
    dispatcher, store = build(settings, **options)
    try:
        await asyncio.to_thread(plan_once, store, reminder_planner(settings))  # reminders coming due now
        counts = await dispatcher.run_once()
    finally:
        for sender in dispatcher.senders.values():
            await sender.close()
        store.close()
    return {key: counts.get(key, 0) for key in REPORTED}


async def run_forever(settings: Settings) -> None:
    """Tick until SIGINT or SIGTERM, then finish the pass under way."""
    dispatcher, store = build(settings)
    ticker = Ticker(dispatcher)
    planner = PlannerTicker(store, reminder_planner(settings))
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    await ticker.start(settings.outbox_tick_seconds)
    await planner.start()
    purging = start_retention(store, settings)  # the daily purge runs where the dispatcher does
    try:
        await stopped.wait()
    finally:
        purging.cancel()
        await planner.stop()
        await ticker.stop()
        store.close()
