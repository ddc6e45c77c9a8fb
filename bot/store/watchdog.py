"""A client-side deadline for every call that waits on the database.

Server-side timeouts (``statement_timeout``, SQLite's busy timeout) cannot help when the database
stops answering altogether: the thread waits in ``recv`` forever. So each statement, commit,
rollback and ping gets a deadline (``bot.store.engine`` arms it around the DBAPI call); a call still
running when it passes is broken from another thread (the socket is shut down, or
``sqlite3.Connection.interrupt``). The call fails at once, SQLAlchemy throws the connection away,
and the thread is free again.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

log = logging.getLogger("giljabi.store")

_local = threading.local()


@contextlib.contextmanager
def limit(seconds: float | None) -> Iterator[None]:
    """Connections this thread checks out inside the block get ``seconds`` (None: no deadline)."""
    previous = getattr(_local, "limit", ...)
    _local.limit = seconds
    try:
        yield
    finally:
        if previous is ...:
            del _local.limit
        else:
            _local.limit = previous


def current_limit(default: float | None) -> float | None:
    return getattr(_local, "limit", default)


def interrupt(dbapi_connection: Any) -> None:
    """Make whatever this connection is waiting for fail now."""
    if hasattr(dbapi_connection, "interrupt"):  # sqlite3
        dbapi_connection.interrupt()
        return
    pgconn = getattr(dbapi_connection, "pgconn", None)  # psycopg 3
    fd = getattr(pgconn, "socket", -1) if pgconn is not None else -1
    if fd is None or fd < 0:
        return
    sock = socket.socket(fileno=os.dup(fd))
    try:
        sock.shutdown(socket.SHUT_RDWR)
    finally:
        sock.close()


class Watchdog:
    """Deadlines of running database calls, watched by one daemon thread."""

    def __init__(self) -> None:
        self._armed: dict[int, tuple[int, Any]] = {}  # key -> (ticket, dbapi connection)
        self._heap: list[tuple[float, int, int]] = []  # (deadline, ticket, key)
        self._tickets = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self.fired = 0

    def arm(self, key: int, dbapi_connection: Any, seconds: float | None) -> None:
        with self._cond:
            self._armed.pop(key, None)
            if seconds is None:
                return
            ticket = next(self._tickets)
            self._armed[key] = (ticket, dbapi_connection)
            deadline = time.monotonic() + seconds
            earliest = not self._heap or deadline < self._heap[0][0]
            heapq.heappush(self._heap, (deadline, ticket, key))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._watch, name="giljabi-db-watchdog", daemon=True)
                self._thread.start()
            if earliest:  # otherwise the watcher already wakes up earlier than this deadline
                self._cond.notify()

    def disarm(self, key: int) -> None:
        with self._cond:
            self._armed.pop(key, None)

    def _watch(self) -> None:
        while True:
            with self._cond:
                while True:
                    while self._heap and self._armed.get(self._heap[0][2], (None,))[0] != self._heap[0][1]:
                        heapq.heappop(self._heap)  # disarmed or re-armed since
                    if not self._heap:
                        self._cond.wait(30.0)
                        continue
                    wait = self._heap[0][0] - time.monotonic()
                    if wait <= 0:
                        _, _, key = heapq.heappop(self._heap)
                        _, connection = self._armed.pop(key)
                        break
                    self._cond.wait(wait)
            self.fired += 1
            log.warning("database: a connection passed its deadline and was interrupted")
            with contextlib.suppress(OSError):
                interrupt(connection)
