"""What an outbox row says: its stored replies, or its knowledge template filled with its params,
plus the one-tap "알림 끄기" button on every proactive message.

The same composition serves every way a row leaves (pushed by a sender, or put at the top of the
user's next answer), so a notice reads the same on every channel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.channels.base import Permanent
from bot.messages import Button, Reply
from bot.outbox.queue import is_proactive
from flows.payloads import Notify

#: the text id of the opt-out button's label (knowledge/content/outbox.yml)
STOP_LABEL = "outbox.stop_button"
#: what the opt-out button presses
STOP_PAYLOAD = Notify(Notify.OFF).encode()

Texts = Callable[..., str]


class Composer:
    """Turns a row's stored content into replies; ``stop_payload`` is what the opt-out button presses."""

    def __init__(self, text: Texts, stop_payload: str) -> None:
        self._text = text
        self._stop = Button(label=text(STOP_LABEL), payload=stop_payload)

    def replies(
        self,
        kind: str,
        replies: Sequence[dict[str, Any]] | None,
        template: str | None,
        params: dict[str, Any] | None,
    ) -> list[Reply]:
        """The row as replies; ``Permanent`` when its content cannot be read or filled in."""
        try:
            if replies:
                out = [Reply.from_dict(r) for r in replies]
            elif template:
                out = [Reply(text=self._text(template, **(params or {})))]
            else:
                raise Permanent("outbox row has neither replies nor a template")
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise Permanent(f"outbox row unreadable: {type(exc).__name__}") from exc
        if is_proactive(kind) and out and not any(b.payload == self._stop.payload for r in out for b in r.buttons):
            last = out[-1]
            out[-1] = last.model_copy(update={"buttons": [*last.buttons, self._stop]})
        return out
