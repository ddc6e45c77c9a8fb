"""One user's rows leave in order even when several dispatchers share the database: a row is not
claimed while an earlier row of the same user is being sent elsewhere, or is locked by another
dispatcher's claim; a dispatcher that finds only such rows waits for them instead of leaving them."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.outbox.claims import Claims, Outcome
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.bot.conftest import postgres_schema
from tests.bot.test_outbox_dispatch import Clock, dispatcher, notice, seoul, user

PUSH = {"telegram"}
LEASE = timedelta(minutes=2)


@pytest.fixture
def store(any_db_url):
    s = Store(any_db_url)
    yield s
    s.close()


def queue(store: Store) -> tuple[list[int], int]:
    """Three rows for one user, one for another, all due."""
    first, second = user(store, "701"), user(store, "702")
    rows = [notice(store, first, f"a{n}", f"첫째 {n}", due=seoul(9, n)) for n in range(3)]
    return rows, notice(store, second, "b0", "둘째 0", due=seoul(9, 1))


def test_a_users_later_rows_wait_while_an_earlier_one_is_being_sent_elsewhere(store) -> None:
    rows, other = queue(store)
    now = seoul(10)
    a, b = Claims(store, "a", LEASE), Claims(store, "b", LEASE)
    taken_by_a, _ = a.claim(now, 1, quiet=False, push=PUSH)
    assert [r.id for r in taken_by_a] == [rows[0]]
    taken_by_b, counts = b.claim(now, 10, quiet=False, push=PUSH)
    assert [r.id for r in taken_by_b] == [other]  # not rows[1], rows[2]: rows[0] is still in flight
    assert counts["blocked"] == 2
    a.record([Outcome(taken_by_a[0], "sent")], now)
    again, counts = b.claim(now, 10, quiet=False, push=PUSH)
    assert [r.id for r in again] == rows[1:] and counts["blocked"] == 0


def test_rows_another_claim_holds_keep_the_same_users_later_rows_back() -> None:
    with postgres_schema() as url:
        store = Store(url)
        try:
            rows, other = queue(store)
            with store.unit() as s:  # a concurrent claim, between its lock and its commit
                s.execute(select(OutboxMessage.id).where(OutboxMessage.id == rows[0]).with_for_update())
                taken, counts = Claims(store, "b", LEASE).claim(seoul(10), 10, quiet=False, push=PUSH)
            assert [r.id for r in taken] == [other] and counts["blocked"] == 2
        finally:
            store.close()


def test_a_dispatcher_waits_for_a_row_in_flight_elsewhere_then_sends_the_rest_in_order(store, bot_api) -> None:
    rows, _ = queue(store)
    now = seoul(10)
    elsewhere = Claims(store, "elsewhere", LEASE)
    in_flight, _ = elsewhere.claim(now, 1, quiet=False, push=PUSH)
    assert [r.id for r in in_flight] == [rows[0]]
    d = dispatcher(store, bot_api, Clock(now))
    # The row in flight elsewhere is settled once the dispatcher is waiting for it (a claim that found
    # only rows held back behind it), not after a fixed time: a loaded machine may take longer than
    # any fixed time to start the dispatcher and send the other user's row.
    waiting, finished = threading.Event(), threading.Event()
    claim = d.claims.claim

    def watched_claim(*args, **kwargs):
        taken, counts = claim(*args, **kwargs)
        if not taken and counts.get("blocked"):
            waiting.set()
        return taken, counts

    d.claims.claim = watched_claim  # type: ignore[method-assign]
    before: list[str] = []

    def settle_elsewhere() -> None:
        signalled = False
        while not finished.is_set() and not signalled:  # the dispatcher may end without waiting (a bug)
            signalled = waiting.wait(0.05)
        before.extend(p["text"] for p in bot_api.sent())
        elsewhere.record([Outcome(in_flight[0], "sent")], now)

    settler = threading.Thread(target=settle_elsewhere)
    settler.start()

    async def once() -> dict[str, int]:
        try:
            return dict(await d.run_once())
        finally:
            finished.set()
            await d.senders["telegram"].close()

    try:
        counts = asyncio.run(asyncio.wait_for(once(), 60))
    finally:
        finished.set()
        settler.join()
    assert waiting.is_set()  # it waited for the row in flight instead of leaving the user's later rows
    assert counts["sent"] == 3
    assert before == ["둘째 0"]  # 첫째 1 and 2 only after 첫째 0 was settled elsewhere
    first_user = [p["text"] for p in bot_api.sent() if p["text"].startswith("첫째")]
    assert first_user == ["첫째 1", "첫째 2"]
