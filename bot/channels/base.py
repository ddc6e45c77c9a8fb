"""The one interface every channel implements: routes in, and (where the platform allows) a sender out.

A channel module in ``bot/channels`` that defines ``create_channel(context) -> Channel | None`` is a
channel: the server mounts each one in a loop (``channel_modules``), and the outbox dispatcher sends
through each one's ``sender``. Adding a channel means adding its module and its settings, nothing else.
Channels see only ``bot.messages`` (Inbound, Reply) and the settings, never flows or the NLU.

A sender delivers rendered replies to one user key and returns the platform's message id. It says
what went wrong with a typed error, so the dispatcher can decide without knowing the platform:
``Unreachable`` (the user blocked the bot: stop until they write again), ``Retryable`` (try later),
``Permanent`` (this message will never go through).
"""

from __future__ import annotations

import hmac
import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from bot.messages import Inbound, Reply

if TYPE_CHECKING:
    from fastapi import APIRouter
    from pydantic import SecretStr

    from bot.config import Settings
    from bot.direct import DirectRequest


class SendError(Exception):
    """A delivery that did not happen; ``reason`` is short and holds no personal data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:200]


class Unreachable(SendError):
    """The platform says this user cannot be reached (Telegram 403: the bot was blocked)."""


class Retryable(SendError):
    """A passing failure (network, 5xx, 429); ``retry_after`` seconds when the platform said so."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Permanent(SendError):
    """This message will never go through as it is (400, an unknown chat)."""


class Sender(Protocol):
    """Delivers replies to one user of one channel; returns the provider's message id (or None)."""

    async def send(self, user_key: str, replies: Sequence[Reply]) -> str | None: ...

    async def close(self) -> None: ...


#: a hot endpoint (``Channel.direct_routes``): takes ``bot.direct.DirectRequest`` (headers and body),
#: answers (HTTP status, JSON content)
Endpoint = Callable[["DirectRequest"], Awaitable[tuple[int, Any]]]
#: one turn of the Assistant, off the event loop: None when it ran past ``budget`` seconds
TurnRunner = Callable[[Inbound, "float | None"], Awaitable["list[Reply] | None"]]


@dataclass(frozen=True, slots=True)
class ChannelContext:
    """What the server hands every channel: settings, the turn runner, wording and error counting."""

    settings: Settings
    turn: TurnRunner
    text: Callable[..., str]
    count_error: Callable[[str, str], None]
    #: per-channel start options from the command line (e.g. ``telegram_polling``)
    options: Mapping[str, Any] = field(default_factory=dict)


class Channel:
    """A mounted channel. Subclasses override what their platform has; the defaults do nothing."""

    name: str = ""

    def routes(self) -> APIRouter | None:
        """HTTP endpoints this channel receives updates on (None: it has none)."""
        return None

    def direct_routes(self) -> Mapping[str, Endpoint]:
        """Hot ``POST`` endpoints (path -> ``Endpoint``) that the server answers straight from its ASGI
        entry, past FastAPI's middleware (``bot.direct``), body limit kept."""
        return {}

    def sender(self) -> Sender | None:
        """How the outbox reaches this channel's users now; None means messages wait for their next turn."""
        return None

    async def start(self) -> None:
        """Called once when the server starts (after the NLU warmed up)."""

    async def stop(self) -> None:
        """Called once when the server stops."""


def secret(value: SecretStr | None) -> str | None:
    """A configured secret's value, or None when it is unset or empty."""
    return value.get_secret_value() if value is not None and value.get_secret_value() else None


def secret_ok(given: str | None, expected: SecretStr | None) -> bool:
    """A request's secret header against the configured one; no secret configured rejects everything."""
    wanted = secret(expected)
    if wanted is None or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), wanted.encode("utf-8"))


def channel_modules() -> list[ModuleType]:
    """Every module of ``bot.channels`` that defines ``create_channel``, by name."""
    import bot.channels as package

    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if callable(getattr(module, "create_channel", None)):
            found.append(module)
    return found


def standalone_senders(settings: Settings) -> dict[str, Sender]:
    """Senders for a process without the web server (``giljabi worker``), from each channel module's
    ``create_sender(settings)`` where it has one and is configured."""
    senders: dict[str, Sender] = {}
    for module in channel_modules():
        make = getattr(module, "create_sender", None)
        sender = make(settings) if callable(make) else None
        if sender is not None:
            senders[module.CHANNEL] = sender
    return senders
