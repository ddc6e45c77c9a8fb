"""What crosses the boundary between a channel adapter and the Assistant.

Adapters import only this module: they turn their platform's update into an ``Inbound`` and render
the ``Reply`` list they get back. They never see flows or the NLU.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flows.replies import Button, ListItem, Reply

__all__ = ["Button", "Inbound", "ListItem", "Reply", "split_text"]


@dataclass(frozen=True, slots=True)
class Inbound:
    """One user message: typed ``text`` or a pressed button's ``payload``.

    ``message_id`` is the platform's id for the update (Telegram ``update_id``, Kakao request id);
    the Assistant handles each (channel, message_id) once.
    """

    channel: str
    user_key: str
    text: str | None = None
    payload: str | None = None
    message_id: str | None = None
    ts: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: the answer goes out through the outbox (recorded with the turn, sent once) and is not returned;
    #: a turn that could not record it (storage failing) returns its apology as usual. Needs ``message_id``
    answer_by_outbox: bool = False


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """``text`` in pieces of at most ``limit`` (as ``measure`` counts), cut at paragraph, line or
    word ends where one falls in the second half of a piece. Every channel has its own limit and its
    own way of counting (Telegram counts UTF-16 units), but the same readable cut."""
    text = text.strip()
    out: list[str] = []
    while measure(text) > limit:
        n = min(len(text), limit)
        while (excess := measure(text[:n]) - limit) > 0:
            n -= excess
        window = text[:n]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < n // 2:
            cut = window.rfind(" ")
        if cut < n // 2:
            cut = n
        out.append(text[:cut].rstrip())
        text = text[cut:].strip()
    if text:
        out.append(text)
    return out
