"""Persistence (SQLAlchemy 2 + Alembic): users, conversations, turns, progress, processed ids."""

from bot.store.repository import Store

__all__ = ["Store"]
