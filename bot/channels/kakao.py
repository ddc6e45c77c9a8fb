"""KakaoTalk channel: Kakao i Open Builder skill requests in, skill responses (version 2.0) out.

Only translation lives here: ``parse_request`` turns a skill request into an ``Inbound`` and
``render`` turns the Assistant's replies into one skill response that stays within Kakao's limits:
each reply is planned as outputs in ``kakao_outputs`` (cards, lists, texts and quick replies within
each component's limits); here they are fitted into one response (at most 3 outputs, 10 quick
replies), merging texts and turning earlier cards into text where they do not fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.channels.kakao_outputs import (
    BUTTON_LABEL,
    CARD_BUTTONS,
    CARD_DESCRIPTION,
    CARD_TITLE,
    CHOOSE,
    ELLIPSIS,
    LIST_BUTTONS,
    LIST_HEADER,
    LIST_ITEM_DESCRIPTION,
    LIST_ITEM_TITLE,
    LIST_ITEMS,
    MAX_OUTPUTS,
    MAX_PAYLOAD,
    MAX_QUICK_REPLIES,
    QUICK_REPLY_LABEL,
    SIMPLE_TEXT,
    Out,
    Quick,
    cut,
    quick_reply,
    reply_outputs,
)
from bot.messages import Inbound, Reply, split_text
from bot.sanitize import as_text, sanitize

#: Kakao's limits, as the channel's tests and callers name them (defined with the components)
__all__ = [
    "BUTTON_LABEL", "CARD_BUTTONS", "CARD_DESCRIPTION", "CARD_TITLE", "CHANNEL", "LIST_BUTTONS", "LIST_HEADER",
    "LIST_ITEMS", "LIST_ITEM_DESCRIPTION", "LIST_ITEM_TITLE", "MAX_OUTPUTS", "MAX_PAYLOAD", "MAX_QUICK_REPLIES",
    "QUICK_REPLY_LABEL", "SIMPLE_TEXT", "BadRequest", "parse_request", "render", "simple_response",
]

CHANNEL = "kakao"


class BadRequest(ValueError):
    """The body is not a skill request we can answer."""


# ------------------------------------------------------------------------------------ requests
def parse_request(body: Any) -> Inbound:
    """The user's message in a skill request: a pressed button's payload, else the utterance."""
    if not isinstance(body, dict):
        raise BadRequest("the skill request is not a JSON object")
    user_request = body.get("userRequest")
    if not isinstance(user_request, dict):
        raise BadRequest("userRequest is missing")
    user = user_request.get("user")
    user_id = _id(user.get("id") if isinstance(user, dict) else None)
    if not user_id:
        raise BadRequest("userRequest.user.id is missing")
    text = as_text(user_request.get("utterance"))  # any other JSON type is an empty message
    action = body.get("action")
    extra = action.get("clientExtra") if isinstance(action, dict) else None
    payload = as_text(extra.get("payload") if isinstance(extra, dict) else None)
    request_id = _id(user_request.get("requestId")) or _id(body.get("requestId"))
    return sanitize(Inbound(
        channel=CHANNEL,
        user_key=user_id,
        text=None if payload.strip() else text,
        payload=payload if payload.strip() else None,
        message_id=request_id or None,
    ))


def _id(value: object) -> str:
    """An id as a string: numbers are accepted as their digits; anything else is no id."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        return str(value)
    return as_text(value).strip()


def simple_response(text: str) -> dict[str, Any]:
    """A one-bubble skill response (apologies, busy notices)."""
    return {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": cut(text, SIMPLE_TEXT)}}]}}


# ----------------------------------------------------------------------------------- fitting
def _merge_texts(outs: list[Out]) -> list[Out]:
    """Adjacent plain texts as one simpleText where they fit together."""
    merged: list[Out] = []
    for out in outs:
        if out.kind == "text" and not out.text.strip():
            continue
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == "text"
            and out.kind == "text"
            and len(prev.text) + 2 + len(out.text) <= SIMPLE_TEXT
        ):
            merged[-1] = Out("text", prev.text + "\n\n" + out.text, final=prev.final and out.final)
        else:
            merged.append(out)
    return merged


def _degrade(out: Out, quick: Quick) -> Out:
    """A card or list as plain text; a final list's items and a card's payload buttons (e.g. a
    notice's "알림 끄기") move to the quick replies."""
    if out.kind == "list" and out.final:
        quick.items += [quick_reply(i.title, str(i.payload)) for i in out.items]
    quick.items += out.buttons
    return Out("text", out.text, final=out.final)


def _fit(outs: list[Out], quick: Quick) -> list[Out]:
    """At most ``MAX_OUTPUTS`` outputs: merge texts, turn earlier cards into text, then cut text."""
    outs = _merge_texts(outs)
    while len(outs) > MAX_OUTPUTS:
        # the earliest card or list that is not the last output becomes text
        index = next((i for i, o in enumerate(outs[:-1]) if o.kind != "text"), None)
        if index is None:
            break
        outs[index] = _degrade(outs[index], quick)
        outs = _merge_texts(outs)
    if len(outs) > MAX_OUTPUTS:
        # only plain texts before the last output: keep their beginning, within the budget left
        last = outs[-1]
        texts = outs if last.kind == "text" else outs[:-1]
        room = MAX_OUTPUTS if last.kind == "text" else MAX_OUTPUTS - 1
        pieces = split_text("\n\n".join(o.text for o in texts), SIMPLE_TEXT)
        if len(pieces) > room:
            pieces = pieces[:room]
            pieces[-1] = cut(pieces[-1], SIMPLE_TEXT - 1) + ELLIPSIS
        outs = [Out("text", p) for p in pieces] + ([] if last.kind == "text" else [last])
    return outs


def render(replies: Sequence[Reply]) -> dict[str, Any]:
    """One skill response for the Assistant's replies, within Kakao's limits."""
    replies = [r for r in replies if (r.text or "").strip() or (r.title or "").strip() or r.items or r.buttons]
    if not replies:
        return simple_response(ELLIPSIS)
    quick = Quick()
    outs: list[Out] = []
    for index, reply in enumerate(replies):
        outs += reply_outputs(reply, index == len(replies) - 1, quick)
    outs = _fit(outs, quick)
    quick_replies = quick.render()
    outs = outs or [Out("text", CHOOSE if quick_replies else ELLIPSIS)]
    template: dict[str, Any] = {"outputs": [o.render() for o in outs]}
    if quick_replies:
        template["quickReplies"] = quick_replies
    return {"version": "2.0", "template": template}
