"""Telegram channel (python-telegram-bot v22): updates in, Bot API messages out.

Updates arrive through the server's webhook (``process``) or by long polling (``start(polling=True)``,
PTB's ``Updater``). Each update becomes an ``Inbound`` with ``message_id=str(update_id)``; an update
seen again is dropped here, and the Assistant dedupes it too. Updates of one chat are handled in
order, one at a time; different chats run concurrently. ``render`` turns replies into messages
within Telegram's limits (4,096 characters, callback data 1–64 bytes); sending is paced per chat
(about one message a second after a short burst) and overall (AIORateLimiter, 30 a second).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot, Updater
from telegram.request import HTTPXRequest

from bot.logs import FailureLog
from bot.messages import Button, Inbound, ListItem, Reply, split_text
from bot.sanitize import as_text, sanitize
from flows.payloads import Menu, Progress

log = logging.getLogger("giljabi.channels.telegram")
_failures = FailureLog(log)

CHANNEL = "telegram"
MAX_TEXT = 4096  # UTF-16 code units, as Telegram counts
MAX_CALLBACK_BYTES = 64
MAX_LABEL = 64
MAX_BUTTONS = 100
SHORT_LABEL = 12  # two payload buttons this short share a keyboard row
ALLOWED_UPDATES = ["message", "callback_query"]
#: commands and the payload each one presses
COMMANDS = {"start": Menu().encode(), "menu": Menu().encode(), "help": Menu().encode(),
            "progress": Progress().encode()}
DEFAULT_API = "https://api.telegram.org"
POINTER = "👇"

Handle = Callable[[Inbound], Awaitable[list[Reply]]]


# ----------------------------------------------------------------------------------- rendering
def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in messages of at most ``limit`` UTF-16 units (how Telegram counts)."""
    return split_text(text, limit, measure=utf16_len)


def callback_ok(payload: str | None) -> bool:
    return payload is not None and 1 <= len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and bool(payload.strip())


def _web_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _label(label: str, fallback: str) -> str:
    label = " ".join(label.split())
    if len(label) > MAX_LABEL:
        label = label[: MAX_LABEL - 1] + "…"
    return label or fallback


@dataclass(frozen=True, slots=True)
class OutMessage:
    """One Bot API ``sendMessage``: plain text and an inline keyboard of rows of buttons."""

    text: str
    keyboard: tuple[tuple[dict[str, str], ...], ...] = ()

    def markup(self) -> InlineKeyboardMarkup | None:
        if not self.keyboard:
            return None
        return InlineKeyboardMarkup([[InlineKeyboardButton(**b) for b in row] for row in self.keyboard])


def _button(label: str, payload: str | None, url: str | None) -> dict[str, str] | None:
    if payload is not None:
        if not callback_ok(payload):
            log.warning("telegram: a button's payload is not 1-64 bytes; the button is left out")
            return None
        return {"text": _label(label, payload), "callback_data": payload}
    link = _web_url(url)
    if link is None:
        return None
    return {"text": _label(label, "🔗"), "url": link}


def _keyboard(items: Sequence[ListItem], buttons: Sequence[Button]) -> list[list[dict[str, str]]]:
    """List items one per row; two short payload buttons in a row share it; links alone."""
    rows: list[list[dict[str, str]]] = []
    for item in items:
        b = _button(item.title, item.payload, None if item.payload is not None else item.url)
        if b is not None:
            rows.append([b])
    waiting: list[dict[str, str]] | None = None  # a row with one short payload button
    for button in buttons:
        b = _button(button.label, button.payload, button.url)
        if b is None:
            continue
        short = "callback_data" in b and len(b["text"]) <= SHORT_LABEL
        if short and waiting is not None:
            waiting.append(b)
            waiting = None
            continue
        rows.append([b])
        waiting = rows[-1] if short else None
    kept: list[list[dict[str, str]]] = []
    room = MAX_BUTTONS
    for row in rows:
        if room <= 0:
            break
        kept.append(row[:room])
        room -= len(kept[-1])
    return kept


def _reply_text(reply: Reply) -> str:
    """Title, text, the items' descriptions and any link that cannot be a button, as lines."""
    lines = [p.strip() for p in (reply.title, reply.text) if p and p.strip()]
    for item in reply.items:
        has_button = callback_ok(item.payload) if item.payload is not None else _web_url(item.url) is not None
        if item.description and item.description.strip():
            lines.append(f"• {item.title.strip()} — {item.description.strip()}")
        elif not has_button:
            lines.append(f"• {item.title.strip()}" + (f": {item.url}" if item.url else ""))
    for button in reply.buttons:
        if button.url is not None and _web_url(button.url) is None:
            lines.append(f"🔗 {button.label.strip()}: {button.url}")
    return "\n".join(line for line in lines if line)


def render(replies: Sequence[Reply]) -> list[OutMessage]:
    """Messages for the Assistant's replies: one or more per reply, the keyboard on the last one."""
    out: list[OutMessage] = []
    for reply in replies:
        keyboard = tuple(tuple(row) for row in _keyboard(reply.items, reply.buttons))
        chunks = split_message(_reply_text(reply))
        if not chunks:
            if not keyboard:
                continue
            chunks = [POINTER]
        out += [OutMessage(c) for c in chunks[:-1]]
        out.append(OutMessage(chunks[-1], keyboard))
    return out


# -------------------------------------------------------------------------------------- pacing
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
    ) -> None:
        api, files = api_urls(base_url)
        limiter = _rate_limiter()
        self.bot: ExtBot = ExtBot(
            token=token,
            base_url=api,
            base_file_url=files,
            request=HTTPXRequest(connection_pool_size=64, read_timeout=10.0),
            get_updates_request=HTTPXRequest(connection_pool_size=2),
            rate_limiter=limiter,  # type: ignore[arg-type]
        )
        self._overall = None if limiter is not None else Pacer(rate=30.0, burst=30)
        self._handle = handle
        self._webhook_secret = webhook_secret
        self._pacer = Pacer(per_chat_rate, per_chat_burst)
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._remember = remember
        self._tails: dict[int, asyncio.Task[str]] = {}
        self._on_error = on_error or (lambda kind: None)
        self._poll_timeout = poll_timeout
        self._updater: Updater | None = None
        self._queue: asyncio.Queue[object] | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # ------------------------------------------------------------------ lifecycle
    async def start(self, *, polling: bool = False, webhook_url: str | None = None) -> None:
        try:
            await self.bot.initialize()
        except TelegramError as exc:
            log.error("telegram: getMe failed (%s); carrying on, sends will show if the token works",
                      type(exc).__name__)
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
        with contextlib.suppress(Exception):
            await self.bot.shutdown()

    async def _consume(self) -> None:
        assert self._queue is not None
        while True:
            update = await self._queue.get()
            if isinstance(update, Update):
                self.submit(update)

    # ------------------------------------------------------------------- updates
    async def process(self, data: object) -> str:
        """One webhook body. Returns ``ok``, ``duplicate``, ``ignored``, ``failed``, ``retry`` or ``bad``."""
        if not isinstance(data, dict):
            return "bad"
        try:
            update = Update.de_json(data, self.bot)
        except Exception:  # noqa: BLE001 - anything unparseable is a bad request, not a crash
            return "bad"
        task = self.submit(update)
        if task is None:
            return "duplicate"
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
        replies = await self._handle(inbound)
        return await self.send(chat, replies)

    async def send(self, chat: int | str, replies: Sequence[Reply]) -> str:
        """Send replies to a chat (also usable for reminders): ``ok``, ``failed`` or ``retry``."""
        try:
            for message in render(replies):
                await self._pacer.wait(chat)
                if self._overall is not None:
                    await self._overall.wait(None)
                await self.bot.send_message(chat_id=chat, text=message.text, reply_markup=message.markup())
        except (Forbidden, BadRequest) as exc:
            log.warning("telegram: sendMessage refused (%s)", type(exc).__name__)
            self._on_error("send")
            return "failed"
        except (NetworkError, RetryAfter) as exc:
            log.warning("telegram: sendMessage failed (%s); the update may be redelivered", type(exc).__name__)
            self._on_error("send")
            return "retry"
        except TelegramError as exc:
            log.warning("telegram: sendMessage failed (%s)", type(exc).__name__)
            self._on_error("send")
            return "failed"
        return "ok"


def _chat_id(update: Update) -> int:
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0
