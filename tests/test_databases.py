"""The test databases themselves: a pooled PostgreSQL schema comes back as a new one (tests/databases.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.store import Store
from bot.store.models import Conversation, User
from tests.databases import _POOL, postgres_schema


def _add_user(store: Store, key: str) -> int:
    with store.unit() as s:
        user = User(channel="test", user_key=key)
        s.add(user)
        s.flush()
        s.add(Conversation(user_id=user.id, state={}))
        return user.id


def test_a_reused_postgres_schema_has_no_rows_and_ids_from_one() -> None:
    with postgres_schema() as url:
        store = Store(url)
        assert [_add_user(store, f"u{n}") for n in range(3)] == [1, 2, 3]
        store.close()
    schema = _POOL.free[-1]
    with postgres_schema() as url:
        assert schema in url  # the same schema, handed on
        store = Store(url)
        with store.unit() as s:
            assert s.scalar(select(func.count()).select_from(User)) == 0
            assert s.scalar(select(func.count()).select_from(Conversation)) == 0
        assert _add_user(store, "again") == 1
        store.close()
