"""Telegram rendering: the Assistant's replies as Bot API messages within Telegram's limits.

4,096 characters a message (counted in UTF-16 units, as Telegram does), callback data 1–64 bytes,
inline keyboards: list items one per row, two short payload buttons share a row. Used for answers
and for the outbox alike, so a proactive message looks like an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Button, ListItem, Reply, split_text

log = logging.getLogger("giljabi.channels.telegram")

MAX_TEXT = 4096  # UTF-16 code units, as Telegram counts
MAX_CALLBACK_BYTES = 64
MAX_LABEL = 64
MAX_BUTTONS = 100
SHORT_LABEL = 12  # two payload buttons this short share a keyboard row
POINTER = "👇"


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
