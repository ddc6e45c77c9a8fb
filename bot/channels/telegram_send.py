"""Sending to Telegram: one paced Bot API client for answers and for the outbox.

``TelegramSender`` renders replies as answers are rendered (``telegram_render``), paces them within
Telegram's limits (about one message a second per chat after a short burst, 30 a second overall
through PTB's ``AIORateLimiter``; both can be switched off for benchmarks) and turns the Bot API's
errors into the channel interface's typed errors: 403 → ``Unreachable``, 429 / network → ``Retryable``,
400 → ``Permanent``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.channels.base import Permanent, Retryable, Unreachable
from bot.channels.telegram_render import render
from bot.messages import Reply

log = logging.getLogger("giljabi.channels.telegram")

DEFAULT_API = "https://api.telegram.org"


class Pacer:
    """Spaces sends per key: ``burst`` at once, then ``rate`` a second (GCRA, no background task)."""

    def __init__(self, rate: float = 1.0, burst: int = 3) -> None:
        self.interval = 1.0 / rate
        self.tolerance = (burst - 1) * self.interval
        self._tat: dict[object, float] = {}

    def delay(self, key: object, now: float) -> float:
        tat = max(self._tat.get(key, now), now)
        self._tat[key] = tat + self.interval
        if len(self._tat) > 10_000:
            self._tat = {k: v for k, v in self._tat.items() if v > now}
        return max(0.0, tat - self.tolerance - now)

    async def wait(self, key: object) -> None:
        delay = self.delay(key, asyncio.get_running_loop().time())
        if delay > 0:
            await asyncio.sleep(delay)


def _rate_limiter() -> object | None:
    try:
        from telegram.ext import AIORateLimiter

        return AIORateLimiter(max_retries=2)
    except (ImportError, RuntimeError):  # the rate-limiter extra is not installed
        log.info("telegram: AIORateLimiter unavailable; pacing overall sends ourselves")
        return None


def api_urls(base: str | None) -> tuple[str, str]:
    """Bot API and file URLs for PTB from ``GILJABI_TELEGRAM_API_BASE_URL`` (a root or PTB's ``…/bot``)."""
    if not base:
        base = DEFAULT_API
    base = base.strip().rstrip("/")
    if "{token}" in base:
        return base, base.replace("/bot{token}", "/file/bot{token}")
    root = base[: -len("/bot")] if base.endswith("/bot") else base
    return root + "/bot", root + "/file/bot"


class TelegramSender:
    """Sends rendered replies to a chat; shared by the webhook's answers and the outbox."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        rate_limit: bool = True,
        per_chat_rate: float = 1.0,
        per_chat_burst: int = 3,
        pool_size: int = 64,
    ) -> None:
        api, files = api_urls(base_url)
        limiter = _rate_limiter() if rate_limit else None
        self.bot: ExtBot = ExtBot(
            token=token,
            base_url=api,
            base_file_url=files,
            request=HTTPXRequest(connection_pool_size=pool_size, read_timeout=10.0),
            get_updates_request=HTTPXRequest(connection_pool_size=2),
            rate_limiter=limiter,  # type: ignore[arg-type]
        )
        self._overall = Pacer(rate=30.0, burst=30) if rate_limit and limiter is None else None
        self._per_chat = Pacer(per_chat_rate, per_chat_burst) if rate_limit else None
        self._ready = False

    async def initialize(self) -> None:
        """Open the HTTP client (``getMe``); a failure is logged, sends will show whether the token works."""
        if self._ready:
            return
        try:
            await self.bot.initialize()
        except TelegramError as exc:
            log.error("telegram: getMe failed (%s); carrying on", type(exc).__name__)
        self._ready = True

    async def send(self, user_key: str, replies: Sequence[Reply]) -> str | None:
        """Send ``replies`` to chat ``user_key``; the last message's id, or a typed error."""
        if not self._ready:
            await self.initialize()
        chat: int | str = int(user_key) if user_key.lstrip("-").isdigit() else user_key
        message_id: str | None = None
        try:
            for message in render(replies):
                if self._per_chat is not None:
                    await self._per_chat.wait(chat)
                if self._overall is not None:
                    await self._overall.wait(None)
                sent = await self.bot.send_message(chat_id=chat, text=message.text, reply_markup=message.markup())
                message_id = str(sent.message_id)
        except Forbidden as exc:
            raise Unreachable(f"telegram 403: {exc.message}") from exc
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait if isinstance(wait, int | float) else wait.total_seconds()
            raise Retryable("telegram 429", retry_after=float(seconds)) from exc
        except (BadRequest, ChatMigrated) as exc:
            raise Permanent(f"telegram 400: {exc.message}") from exc
        except NetworkError as exc:
            raise Retryable(f"telegram network: {type(exc).__name__}") from exc
        except TelegramError as exc:
            raise Retryable(f"telegram: {type(exc).__name__}") from exc
        return message_id

    async def close(self) -> None:
        if self._ready:
            try:
                await self.bot.shutdown()
            except Exception:  # noqa: BLE001 - closing never fails the caller
                log.debug("telegram: shutdown failed", exc_info=True)
            self._ready = False
