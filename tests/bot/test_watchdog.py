"""The connection watchdog: a connection still checked out at its deadline is interrupted; one
returned in time is left alone."""

from __future__ import annotations

import sqlite3
import threading
import time

from bot.store.watchdog import Watchdog, current_limit, limit


class Recorder:
    def __init__(self) -> None:
        self.interrupted = threading.Event()

    def interrupt(self) -> None:
        self.interrupted.set()


def test_a_connection_past_its_deadline_is_interrupted_and_one_in_time_is_not() -> None:
    dog = Watchdog()
    late, early = Recorder(), Recorder()
    dog.arm(1, late, 0.1)
    dog.arm(2, early, 0.1)
    dog.disarm(2)
    assert late.interrupted.wait(30)
    time.sleep(0.15)
    assert not early.interrupted.is_set() and dog.fired == 1


def test_an_earlier_deadline_armed_later_still_fires_first() -> None:
    dog = Watchdog()
    slow, quick = Recorder(), Recorder()
    dog.arm(1, slow, 30)
    dog.arm(2, quick, 0.05)
    assert quick.interrupted.wait(30) and not slow.interrupted.is_set()


def test_a_real_sqlite_query_is_interrupted() -> None:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    dog = Watchdog()
    dog.arm(1, conn, 0.2)
    started = time.monotonic()
    try:
        conn.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
        raise AssertionError("an endless query finished")
    except sqlite3.OperationalError as exc:
        assert "interrupted" in str(exc)
    assert time.monotonic() - started < 30  # interrupted, not run on (the deadline itself: 0.2 s)


def test_limit_is_per_thread_and_restored() -> None:
    assert current_limit(3.0) == 3.0
    with limit(None):
        assert current_limit(3.0) is None
        with limit(0.5):
            assert current_limit(3.0) == 0.5
        assert current_limit(3.0) is None
    assert current_limit(3.0) == 3.0
