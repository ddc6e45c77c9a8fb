"""Turning the bot's own messages off and on: "알림 끄기" / "수신거부" / the 🔕 button / Telegram's
``/stop``, and "알림 켜기".

The part only says what changed and records the effect; the Assistant stores the user's choice and
the outbox obeys it (answers to the user's own messages are never affected). Exact words from the
content (``words: notifications_off / notifications_on``) are claimed before the NLU's intent, so the
one-word commands never depend on the classifier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from flows.context import TurnContext
from flows.payloads import Notify, Payload
from flows.state import EffectKind
from knowledge.retrieval import squash

#: texts this part uses (knowledge/content/outbox.yml)
REQUIRED_TEXTS = ("outbox.off_done", "outbox.on_done", "outbox.stop_button", "outbox.start_button")
INTENTS = {"notifications_off": False, "notifications_on": True}


class Notifications:
    """``nt:off`` / ``nt:on``, the intents ``notifications_off`` / ``notifications_on`` and their words."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (Notify,)
    intents: ClassVar[tuple[str, ...]] = tuple(INTENTS)

    def __init__(self, words: Mapping[str, Sequence[str]]) -> None:
        self._words = {squash(w): name == "notifications_on" for name in INTENTS for w in words.get(name, [])}

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        if not isinstance(payload, Notify) or payload.switch not in (Notify.OFF, Notify.ON):
            raise LookupError(payload)
        self.switch(ctx, payload.switch == Notify.ON)

    def on_text(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> bool:
        on = self._words.get(squash(text))
        if on is None:
            return False
        self.switch(ctx, on)
        return True

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        self.switch(ctx, INTENTS[intent])

    def switch(self, ctx: TurnContext, on: bool) -> None:
        ctx.effect(EffectKind.NOTIFICATIONS_ON if on else EffectKind.NOTIFICATIONS_OFF)
        undo = ctx.button("outbox.stop_button", Notify(Notify.OFF)) if on else \
            ctx.button("outbox.start_button", Notify(Notify.ON))
        ctx.say(ctx.t("outbox.on_done" if on else "outbox.off_done"), [undo, *ctx.where_am_i_buttons()])
