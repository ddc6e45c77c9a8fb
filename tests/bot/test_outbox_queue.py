"""The outbox's write side on SQLite and PostgreSQL: dedupe, cancel, the migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.outbox import OutboxStatus, cancel, enqueue
from bot.store import Store
from bot.store.models import OutboxMessage, User


@pytest.fixture
def store(any_db_url: str):
    s = Store(any_db_url)
    yield s
    s.close()


def _user(store: Store, key: str) -> int:
    with store.unit() as s:
        return store.open_conversation(s, "telegram", key).user_id

def test_enqueue_is_idempotent_per_dedupe_key(store: Store) -> None:
    uid = _user(store, f"u-{datetime.now(UTC).timestamp()}")
    key = f"notice:{uid}:{datetime.now(UTC).timestamp()}"
    with store.unit() as s:
        first = enqueue(s, user_id=uid, channel="telegram", kind="notice", dedupe_key=key,
                        replies=[{"type": "text", "text": "안내"}])
        again = enqueue(s, user_id=uid, channel="telegram", kind="notice", dedupe_key=key,
                        replies=[{"type": "text", "text": "안내"}])
    assert first is not None and again is None
    with store.unit() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).all()
        assert [r.status for r in rows] == [OutboxStatus.PENDING]
        assert s.scalar(select(User.notifications).where(User.id == uid)) is True

def test_cancel_stops_only_waiting_rows_of_that_kind(store: Store) -> None:
    uid = _user(store, f"c-{datetime.now(UTC).timestamp()}")
    later = datetime.now(UTC) + timedelta(days=3)
    with store.unit() as s:
        for n, kind in enumerate(["reminder", "reminder", "notice"]):
            enqueue(s, user_id=uid, channel="telegram", kind=kind, dedupe_key=f"k{uid}-{n}", due_at=later,
                    template="reminder.jobcare", params={"n": n})
        s.execute(OutboxMessage.__table__.update().where(OutboxMessage.dedupe_key == f"k{uid}-0")
                  .values(status=OutboxStatus.SENT.value))
    with store.unit() as s:
        assert cancel(s, user_id=uid, kind="reminder") == 1
    with store.unit() as s:
        statuses = dict(s.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status)
                                  .where(OutboxMessage.user_id == uid)).all())
    assert statuses == {f"k{uid}-0": "sent", f"k{uid}-1": "cancelled", f"k{uid}-2": "pending"}

def test_enqueue_needs_replies_or_template(store: Store) -> None:
    uid = _user(store, "x")
    with store.unit() as s, pytest.raises(ValueError):
        enqueue(s, user_id=uid, channel="cli", kind="notice", dedupe_key="bad")


def test_a_large_batch_is_sent_as_small_statements_each_within_the_deadline(store: Store) -> None:
    """1000 rows in one ``enqueue_many``: pages of ``INSERT_PAGE_ROWS`` rows, never one 350 kB statement
    (under load, that one statement passed the watchdog's deadline and its connection was broken)."""
    from sqlalchemy import event

    from bot.outbox import enqueue_many
    from bot.store.engine import INSERT_PAGE_ROWS

    uid = _user(store, f"big-{datetime.now(UTC).timestamp()}")
    stamp = datetime.now(UTC).timestamp()
    rows = [{"user_id": uid, "channel": "telegram", "kind": "notice", "dedupe_key": f"big:{stamp}:{n}",
             "replies": [{"type": "text", "text": f"공지 {n}"}]} for n in range(1000)]
    inserts: list[int] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.startswith("INSERT INTO outbox"):
            inserts.append(statement.count("), (") + 1)  # rows in this statement

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.unit() as s:
            ids = enqueue_many(s, rows)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert None not in ids and len(set(ids)) == 1000
    assert len(inserts) == 1000 // INSERT_PAGE_ROWS and max(inserts) == INSERT_PAGE_ROWS
