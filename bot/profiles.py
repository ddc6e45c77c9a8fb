"""Reading a user's saved occupation profile outside a conversation (``giljabi jobs report --user``)."""

from __future__ import annotations

from sqlalchemy import select

from bot.config import Settings, get_settings
from bot.store import Store
from bot.store.models import Conversation, User


def load_profile(user_key: str, settings: Settings | None = None) -> dict[str, list[str]] | None:
    """The profile the chat saved for ``user_key`` (the terminal's user first, then any channel)."""
    settings = settings or get_settings()
    store = Store(settings.resolved_database_url())
    try:
        with store.unit() as s:
            rows = s.execute(
                select(User.channel, Conversation.state)
                .join(Conversation, Conversation.user_id == User.id)
                .where(User.user_key == user_key)
            ).all()
    finally:
        store.close()
    rows.sort(key=lambda row: row[0] != "cli")
    profiles = [row[1].get("profile") for row in rows if (row[1] or {}).get("profile")]
    return profiles[0] if profiles else None
