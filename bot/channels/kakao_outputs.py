"""One Assistant reply as planned KakaoTalk outputs, each within Kakao's per-component limits.

``bot.channels.kakao`` fits the planned outputs of all replies into one skill response (at most 3
outputs, 10 quick replies); this module knows the components: simpleText (1,000 characters), textCard
(3 buttons), listCard (5 items, 2 buttons) and quick replies. Buttons of the last reply become quick
replies that carry their payload in ``extra``; Open Builder hands it back as ``action.clientExtra``.
A planned output also carries its plain-text form, for when it has to become text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.messages import Button, ListItem, Reply, split_text

log = logging.getLogger("giljabi.channels.kakao")

MAX_OUTPUTS = 3
MAX_QUICK_REPLIES = 10
QUICK_REPLY_LABEL = 14  # characters Kakao shows on a quick reply
BUTTON_LABEL = 14  # characters shown on a card button
SIMPLE_TEXT = 1000
CARD_TITLE = 50
CARD_DESCRIPTION = 400  # textCard
CARD_BUTTONS = 3
LIST_ITEMS = 5
LIST_BUTTONS = 2
LIST_HEADER = 15
LIST_ITEM_TITLE = 35
LIST_ITEM_DESCRIPTION = 40
#: the longest payload we put into ``extra`` (the Assistant reads at most 128 characters)
MAX_PAYLOAD = 128

ELLIPSIS = "…"
# Stand-ins where Kakao needs a non-empty field and a reply left it empty. They are symbols, not
# words: every sentence a user reads comes from knowledge/content (the server passes its own).
CHOOSE = "👇"
LIST_HEADER_FALLBACK = "☰"
LINK_FALLBACK = "🔗"


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters; a shortened one ends with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def _label(label: str, limit: int, fallback: str) -> str:
    return cut(" ".join(label.split()), limit) or fallback


def _web_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _payload_ok(payload: str | None) -> bool:
    if not payload or not payload.strip():
        return False
    if len(payload) > MAX_PAYLOAD:
        log.warning("kakao: payload longer than %d characters left out", MAX_PAYLOAD)
        return False
    return True


def quick_reply(label: str, payload: str) -> dict[str, Any]:
    full = " ".join(label.split()) or payload
    return {
        "label": _label(full, QUICK_REPLY_LABEL, ELLIPSIS),
        "action": "message",
        "messageText": full,
        "extra": {"payload": payload},
    }


def _card_button(button: Button) -> dict[str, Any] | None:
    if button.url is not None:
        url = _web_url(button.url)
        if url is None:
            return None
        return {"label": _label(button.label, BUTTON_LABEL, LINK_FALLBACK), "action": "webLink", "webLinkUrl": url}
    if not _payload_ok(button.payload):
        return None
    full = " ".join(button.label.split()) or str(button.payload)
    return {
        "label": _label(full, BUTTON_LABEL, ELLIPSIS),
        "action": "message",
        "messageText": full,
        "extra": {"payload": button.payload},
    }


def _link_lines(buttons: Sequence[Button]) -> list[str]:
    return [f"🔗 {b.label.strip() or LINK_FALLBACK}: {b.url}" for b in buttons if b.url]


@dataclass
class Quick:
    """Quick replies being collected: list items that had to leave their card, then buttons."""

    items: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[dict[str, Any]] = field(default_factory=list)

    def render(self) -> list[dict[str, Any]]:
        """Items first, then buttons; when more than ten, the buttons win (they are the way on)."""
        seen: set[str] = set()
        buttons = [q for q in self.buttons if not _seen(seen, q)][:MAX_QUICK_REPLIES]
        items = [q for q in self.items if not _seen(seen, q)][: MAX_QUICK_REPLIES - len(buttons)]
        return items + buttons


def _seen(seen: set[str], quick: dict[str, Any]) -> bool:
    payload = quick["extra"]["payload"]
    if payload in seen:
        return True
    seen.add(payload)
    return False


@dataclass
class Out:
    """One output being planned; ``text`` is what it says when it has to become plain text."""

    kind: str  # "text" | "card" | "list"
    text: str
    component: dict[str, Any] = field(default_factory=dict)
    #: payload items of a list, which become quick replies if the list has to become text
    items: list[ListItem] = field(default_factory=list)
    final: bool = False
    #: an earlier card's payload buttons, kept as quick replies if the card has to become text
    buttons: list[dict[str, Any]] = field(default_factory=list)

    def render(self) -> dict[str, Any]:
        if self.kind == "text":
            return {"simpleText": {"text": cut(self.text, SIMPLE_TEXT)}}
        return self.component


def _join(*parts: str | None) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _text_outputs(text: str, final: bool) -> list[Out]:
    return [Out("text", chunk, final=final) for chunk in split_text(text, SIMPLE_TEXT)]


def reply_outputs(reply: Reply, final: bool, quick: Quick) -> list[Out]:
    """The outputs for one reply; the final reply's payload buttons go to ``quick``."""
    if reply.type == "list":
        return _list_outputs(reply, final, quick)
    payload_buttons = [b for b in reply.buttons if b.payload is not None and _payload_ok(b.payload)]
    url_buttons = [b for b in reply.buttons if b.url is not None]
    bad_links = [b for b in url_buttons if _web_url(b.url) is None]
    card_buttons = [b for b in url_buttons if _web_url(b.url) is not None]
    if final:
        quick.buttons += [quick_reply(b.label, str(b.payload)) for b in payload_buttons]
    else:
        card_buttons += payload_buttons
    overflow = [b for b in card_buttons[CARD_BUTTONS:] if b.url]
    card_buttons = card_buttons[:CARD_BUTTONS]
    title = (reply.title or "").strip()
    body = _join(reply.text, *_link_lines(overflow + bad_links))
    plain = _join(title, body)
    if not card_buttons:
        if title and body and len(body) <= CARD_DESCRIPTION and len(title) <= CARD_TITLE:
            card = {"textCard": {"title": title, "description": body}}
            return [Out("card", plain, card, final=final)]
        return _text_outputs(plain, final)
    outs: list[Out] = []
    if len(body) > CARD_DESCRIPTION:
        # the card keeps the title and the buttons; the text goes before it
        outs = _text_outputs(body, final)
        body = ""
    card: dict[str, Any] = {}
    if title:
        card["title"] = cut(title, CARD_TITLE)
    if body or not title:
        card["description"] = body or (LINK_FALLBACK if any(b.url for b in card_buttons) else CHOOSE)
    rendered = [x for x in (_card_button(b) for b in card_buttons) if x is not None]
    if rendered:
        card["buttons"] = rendered
    links = _join(*(f"🔗 {b.label}: {b.url}" for b in card_buttons if b.url))
    kept = [quick_reply(b.label, str(b.payload)) for b in card_buttons if b.payload is not None]
    outs.append(Out("card", _join(title, body, links), {"textCard": card}, final=final, buttons=kept))
    return outs


def _list_item(item: ListItem) -> dict[str, Any]:
    out: dict[str, Any] = {"title": _label(item.title, LIST_ITEM_TITLE, ELLIPSIS)}
    if item.description and item.description.strip():
        out["description"] = cut(item.description, LIST_ITEM_DESCRIPTION)
    url = _web_url(item.url)
    if item.payload is not None and _payload_ok(item.payload):
        out["action"] = "message"
        out["messageText"] = " ".join(item.title.split()) or item.payload
        out["extra"] = {"payload": item.payload}
    elif url is not None:
        out["link"] = {"web": url}
    return out


def _item_line(item: ListItem) -> str:
    line = f"• {item.title.strip()}"
    if item.description and item.description.strip():
        line += f" — {item.description.strip()}"
    if item.url and not item.payload:
        line += f": {item.url}"
    return line


def _list_outputs(reply: Reply, final: bool, quick: Quick) -> list[Out]:
    if not reply.items:
        return reply_outputs(reply.model_copy(update={"type": "card" if reply.title else "text"}), final, quick)
    title = (reply.title or "").strip()
    text = (reply.text or "").strip()
    header_is_text = not title and len(text) <= LIST_HEADER
    header = _label(title or text, LIST_HEADER, LIST_HEADER_FALLBACK)
    # what the header cannot show goes before the card as text
    before = _join(title if len(title) > LIST_HEADER else None, None if header_is_text else text)
    outs: list[Out] = _text_outputs(before, final) if before else []
    payload_buttons = [b for b in reply.buttons if b.payload is not None and _payload_ok(b.payload)]
    card_buttons = [b for b in reply.buttons if _web_url(b.url) is not None]
    bad_links = [b for b in reply.buttons if b.url is not None and _web_url(b.url) is None]
    if final:
        quick.buttons += [quick_reply(b.label, str(b.payload)) for b in payload_buttons]
    else:
        card_buttons += payload_buttons
    extra_links = _link_lines(card_buttons[LIST_BUTTONS:] + bad_links)
    card_buttons = card_buttons[:LIST_BUTTONS]
    items = list(reply.items)
    groups = [items[i : i + LIST_ITEMS] for i in range(0, len(items), LIST_ITEMS)]
    for n, group in enumerate(groups):
        last = n == len(groups) - 1
        card: dict[str, Any] = {"header": {"title": header}, "items": [_list_item(i) for i in group]}
        buttons = [x for x in (_card_button(b) for b in card_buttons) if x is not None] if last else []
        if buttons:
            card["buttons"] = buttons
        lines = [_item_line(i) for i in group] + (_link_lines(card_buttons) if last else [])
        plain = _join(header if n == 0 else None, *lines)
        payload_items = [i for i in group if _payload_ok(i.payload)]
        outs.append(Out("list", plain, {"listCard": card}, items=payload_items, final=final))
    if extra_links:
        outs += _text_outputs(_join(*extra_links), final)
    return outs
