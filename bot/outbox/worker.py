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


def build(settings: Settings, **options: Any) -> tuple[Dispatcher, Store, Planner]:
    """The dispatcher, its store and the reminder planner (bot/reminders), which runs wherever the
    dispatcher does, from the settings. The content is loaded once for both (templates and buttons
    for the one, rules and wording for the other): it is most of a worker's start-up time."""
    from bot.assistant import build_domain

    store = Store(settings.resolved_database_url())
    domain = build_domain(settings)
    dispatcher = build_dispatcher(store, standalone_senders(settings), domain.knowledge.text, settings, **options)
    return dispatcher, store, Planner(build_scheduler(domain, settings))


async def run_once(settings: Settings, **options: Any) -> dict[str, int]:
    """Send everything due now; the counts ``worker --once`` prints."""
    dispatcher, store, planner = build(settings, **options)
    try:
        await asyncio.to_thread(plan_once, store, planner)  # reminders coming due now
        counts = await dispatcher.run_once()
    finally:
        for sender in dispatcher.senders.values():
            await sender.close()
        store.close()
    return {key: counts.get(key, 0) for key in REPORTED}


async def run_forever(settings: Settings) -> None:
    """Tick until SIGINT or SIGTERM, then finish the pass under way."""
    dispatcher, store, reminders = build(settings)
    ticker = Ticker(dispatcher)
    planner = PlannerTicker(store, reminders)
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
