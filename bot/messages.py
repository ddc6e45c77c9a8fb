"""What crosses the boundary between a channel adapter and the Assistant.

Adapters import only this module: they turn their platform's update into an ``Inbound`` and render
the ``Reply`` list they get back. They never see flows or the NLU.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flows.replies import Button, ListItem, Reply

__all__ = ["Button", "Inbound", "ListItem", "Reply"]


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
