"""Building a dispatcher from the settings, for ``giljabi serve`` and ``giljabi worker`` alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta

from bot.channels.base import Sender
from bot.config import Settings
from bot.outbox.compose import STOP_PAYLOAD, Composer
from bot.outbox.dispatcher import Dispatcher
from bot.outbox.quiet import QuietHours
from bot.store import Store


def build_dispatcher(
    store: Store, senders: Mapping[str, Sender], text: Callable[..., str], settings: Settings, **options: object
) -> Dispatcher:
    """A dispatcher over ``store`` sending through ``senders``, with the configured quiet hours,
    lease, batch size and attempts (``options`` override them, e.g. a test's ``clock``)."""
    quiet = QuietHours.parse(settings.quiet_hours, settings.timezone)
    configured: dict[str, object] = {
        "lease": timedelta(seconds=settings.outbox_lease_seconds), "batch": settings.outbox_batch,
        "max_attempts": settings.outbox_max_attempts,
    }
    configured.update(options)
    return Dispatcher(store, senders, Composer(text, STOP_PAYLOAD), quiet, **configured)  # type: ignore[arg-type]
