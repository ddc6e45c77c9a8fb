"""Telegram channel (python-telegram-bot v22): updates in, Bot API messages out.

Updates arrive through the server's webhook (``process``) or by long polling (``start(polling=True)``,
PTB's ``Updater``). Each update becomes an ``Inbound`` with ``message_id=str(update_id)``; an update
seen again is dropped here, and the Assistant dedupes it too. Updates of one chat are handled in
order, one at a time; different chats run concurrently. Rendering lives in ``telegram_render``,
paced sending (answers and the outbox alike) in ``telegram_send``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot, Updater

from bot.channels.base import Channel, ChannelContext, Retryable, SendError, secret, secret_ok
from bot.channels.telegram_render import MAX_BUTTONS, MAX_TEXT, OutMessage, render, split_message, utf16_len
from bot.channels.telegram_send import Pacer, TelegramSender, api_urls
from bot.logs import FailureLog
from bot.messages import Inbound, Reply
from bot.sanitize import as_text, sanitize
from flows.payloads import Menu, Notify, Progress

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "MAX_BUTTONS", "MAX_TEXT", "OutMessage", "Pacer", "TelegramChannel", "TelegramSender", "api_urls",
    "create_channel", "create_sender", "render", "split_message", "utf16_len",
]

log = logging.getLogger("giljabi.channels.telegram")
_failures = FailureLog(log)

CHANNEL = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
#: commands and the payload each one presses
COMMANDS = {"start": Menu().encode(), "menu": Menu().encode(), "help": Menu().encode(),
            "progress": Progress().encode(), "stop": Notify(Notify.OFF).encode()}

Handle = Callable[[Inbound], Awaitable[list[Reply]]]


# ------------------------------------------------------------------------------------- channel
class TelegramChannel:
    """Receives updates (webhook or polling), asks ``handle`` for replies, sends them."""

    def __init__(
        self,
        token: str,
        handle: Handle,
        *,
        base_url: str | None = None,
        webhook_secret: str | None = None,
        per_chat_rate: float = 1.0,
        per_chat_burst: int = 3,
        remember: int = 10_000,
        on_error: Callable[[str], None] | None = None,
        poll_timeout: float = 10.0,
        rate_limit: bool = True,
        answer_by_outbox: bool = False,
    ) -> None:
        self.sender = TelegramSender(
            token, base_url=base_url, rate_limit=rate_limit, per_chat_rate=per_chat_rate,
            per_chat_burst=per_chat_burst,
        )
        self.bot: ExtBot = self.sender.bot
        self._handle = handle
        self._webhook_secret = webhook_secret
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._remember = remember
        self._tails: dict[int, asyncio.Task[str]] = {}
        self._on_error = on_error or (lambda kind: None)
        self._poll_timeout = poll_timeout
        self._updater: Updater | None = None
        self._queue: asyncio.Queue[object] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        #: answers go through the outbox (sent by this process's dispatcher, once per update) and the
        #: webhook answers at once; otherwise each answer is sent here and a failed send asks
        #: Telegram to deliver the update again (503)
        self.answer_by_outbox = answer_by_outbox

    # ------------------------------------------------------------------ lifecycle
    async def start(self, *, polling: bool = False, webhook_url: str | None = None) -> None:
        await self.sender.initialize()
        if webhook_url:
            try:
                await self.bot.set_webhook(
                    url=webhook_url, secret_token=self._webhook_secret, allowed_updates=ALLOWED_UPDATES
                )
                log.info("telegram: webhook set")
            except TelegramError as exc:
                log.error("telegram: setWebhook failed (%s)", type(exc).__name__)
        if polling:
            self._queue = asyncio.Queue()
            self._updater = Updater(self.bot, self._queue)  # type: ignore[arg-type]
            self._tasks.append(asyncio.create_task(self._start_polling()))
            self._tasks.append(asyncio.create_task(self._consume()))

    async def _start_polling(self) -> None:
        assert self._updater is not None
        delay = 1.0
        while True:
            try:
                await self._updater.initialize()
                await self._updater.start_polling(
                    poll_interval=0.0,
                    timeout=self._poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                    error_callback=lambda exc: log.warning("telegram: polling error %s", type(exc).__name__),
                )
                log.info("telegram: long polling started")
                return
            except TelegramError as exc:
                log.error("telegram: could not start polling (%s); retrying in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._updater is not None:
            with contextlib.suppress(Exception):
                if self._updater.running:
                    await self._updater.stop()
                await self._updater.shutdown()
        if self._tails:
            await asyncio.wait(list(self._tails.values()), timeout=5)
        await self.sender.close()

    async def _consume(self) -> None:
        assert self._queue is not None
        while True:
            update = await self._queue.get()
            if isinstance(update, Update):
                self.submit(update)

    # ------------------------------------------------------------------- updates
    async def process(self, data: object) -> str:
        """One webhook body: ``accepted`` (answered by the outbox), ``ok``, ``duplicate``, ``ignored``, ``failed``,
        ``retry`` or ``bad``."""
        if not isinstance(data, dict):
            return "bad"
        try:
            update = Update.de_json(data, self.bot)
        except Exception:  # noqa: BLE001 - anything unparseable is a bad request, not a crash
            return "bad"
        task = self.submit(update)
        if task is None:
            return "duplicate"
        if self.answer_by_outbox:
            return "accepted"  # the turn runs on; its answer is recorded and sent by the outbox
        return await asyncio.shield(task)

    def submit(self, update: Update) -> asyncio.Task[str] | None:
        """Schedule an update after the earlier ones of its chat; None if it was seen already."""
        uid = update.update_id
        if uid in self._seen:
            self._seen.move_to_end(uid)
            log.info("telegram: update %s seen before; skipped", uid)
            return None
        self._seen[uid] = None
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        chat = _chat_id(update)
        previous = self._tails.get(chat)
        task = asyncio.create_task(self._run(update, chat, previous))
        self._tails[chat] = task

        def _done(t: asyncio.Task[str], chat: int = chat) -> None:
            if self._tails.get(chat) is t:
                del self._tails[chat]

        task.add_done_callback(_done)
        return task

    async def _run(self, update: Update, chat: int, previous: asyncio.Task[str] | None) -> str:
        if previous is not None:
            await asyncio.wait([previous])
        try:
            result = await self._process(update, chat)
        except Exception as exc:
            _failures.report("telegram update", exc, update=update.update_id)
            self._on_error("update")
            result = "failed"
        if result == "retry":
            self._seen.pop(update.update_id, None)  # let Telegram's redelivery through
        return result

    def inbound(self, update: Update) -> Inbound | None:
        chat = _chat_id(update)
        message_id = str(update.update_id)
        query = update.callback_query
        if query is not None:
            data = as_text(query.data)
            if not data:
                return None
            return sanitize(Inbound(channel=CHANNEL, user_key=str(chat), payload=data, message_id=message_id))
        message = update.message
        if message is None:
            return None  # edits, channel posts, member updates ...
        text = as_text(message.text) or as_text(message.caption)  # a number or a list is an empty message
        if text.startswith("/"):
            command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if text[1:].strip() else ""
            if command in COMMANDS:
                return Inbound(channel=CHANNEL, user_key=str(chat), payload=COMMANDS[command], message_id=message_id)
        return sanitize(Inbound(channel=CHANNEL, user_key=str(chat), text=text, message_id=message_id))

    async def _process(self, update: Update, chat: int) -> str:
        inbound = self.inbound(update)
        if inbound is None:
            return "ignored"
        if update.callback_query is not None:
            try:
                await self.bot.answer_callback_query(update.callback_query.id)
            except TelegramError as exc:
                log.info("telegram: answerCallbackQuery failed (%s)", type(exc).__name__)
        if self.answer_by_outbox:
            replies = await self._handle(replace(inbound, answer_by_outbox=True))
            if not replies:
                return "queued"
            # the turn could not record its answer (storage failing): its apology goes out directly
        else:
            replies = await self._handle(inbound)
        return await self.send(chat, replies)

    async def send(self, chat: int | str, replies: Sequence[Reply]) -> str:
        """Send an answer to a chat: ``ok``, ``failed`` or ``retry`` (Telegram redelivers the update)."""
        try:
            await self.sender.send(str(chat), replies)
        except Retryable as exc:
            log.warning("telegram: sendMessage failed (%s); the update may be redelivered", exc.reason.split(":")[0])
            self._on_error("send")
            return "retry"
        except SendError as exc:
            log.warning("telegram: sendMessage refused (%s)", exc.reason.split(":")[0])
            self._on_error("send")
            return "failed"
        return "ok"


def _chat_id(update: Update) -> int:
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0


# ------------------------------------------------------------------------------- the interface
class TelegramMount(Channel):
    """Telegram in the server: the webhook route, polling or webhook start, and the outbox sender."""

    name = CHANNEL

    def __init__(self, context: ChannelContext, token: str) -> None:
        settings = context.settings
        self._context = context
        self._options = context.options

        async def turn(inbound: Inbound) -> list[Reply]:
            return await context.turn(inbound, None) or []

        self.channel = TelegramChannel(
            token, turn, base_url=settings.telegram_api_base_url,
            webhook_secret=secret(settings.telegram_webhook_secret),
            on_error=lambda kind: context.count_error(CHANNEL, kind), rate_limit=settings.telegram_rate_limit,
            answer_by_outbox=bool(context.options.get("outbox")),
        )
        if not secret(settings.telegram_webhook_secret):
            log.warning("GILJABI_TELEGRAM_WEBHOOK_SECRET is not set: every Telegram webhook request is rejected")

    def sender(self) -> TelegramSender:
        return self.channel.sender

    async def start(self) -> None:
        polling = bool(self._options.get("telegram_polling"))
        await self.channel.start(polling=polling, webhook_url=self._options.get("telegram_webhook_url"))
        log.info("Telegram on: %s", "long polling" if polling else "webhook /telegram/webhook")

    async def stop(self) -> None:
        await self.channel.stop()

    def routes(self) -> APIRouter:
        router = APIRouter()
        expected = self._context.settings.telegram_webhook_secret

        @router.post("/telegram/webhook")
        async def telegram_webhook(request: Request) -> Response:
            if not secret_ok(request.headers.get("x-telegram-bot-api-secret-token"), expected):
                self._context.count_error(CHANNEL, "unauthorized")
                return JSONResponse({"detail": "unauthorized"}, status_code=401)
            try:
                data = json.loads(await request.body())
            except (ValueError, RecursionError):
                data = None
            outcome = await self.channel.process(data)
            if outcome == "bad":
                self._context.count_error(CHANNEL, "bad_request")
                return JSONResponse({"detail": "not a Telegram update"}, status_code=400)
            if outcome == "retry":
                return JSONResponse({"detail": "try again"}, status_code=503)
            return JSONResponse({"ok": True, "outcome": outcome})

        return router


def create_channel(context: ChannelContext) -> TelegramMount | None:
    """Telegram when ``GILJABI_TELEGRAM_TOKEN`` is set."""
    token = secret(context.settings.telegram_token)
    if not token:
        log.info("Telegram is off: GILJABI_TELEGRAM_TOKEN is not set")
        return None
    return TelegramMount(context, token)


def create_sender(settings: Settings) -> TelegramSender | None:
    """The outbox sender for a process without the web server (``giljabi worker``)."""
    token = secret(settings.telegram_token)
    if not token:
        return None
    return TelegramSender(token, base_url=settings.telegram_api_base_url, rate_limit=settings.telegram_rate_limit)
