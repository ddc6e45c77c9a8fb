"""Waiting for a row lock longer than one statement may take.

Every statement has the same bound (``statement_timeout`` and ``lock_timeout``, 3 s by default), and
on PostgreSQL a statement that waits for a row lock counts its wait against it. A student's turn holds
the conversation row for as long as the turn runs; on a loaded machine that can pass the bound, and a
consultant's action on that conversation (claim, reply, hand back, close) then failed with a timeout
and was lost. ``patiently`` runs such a statement in a savepoint and, when it timed out waiting, tries
again: the action waits for the turn, then happens, each attempt bounded as before. The watchdog's
deadline for these statements is a little later than the server's timeout, so that the server cancels
the wait (the connection lives on) rather than the watchdog breaking the connection.

SQLite needs none of this: ``BEGIN IMMEDIATE`` serializes whole transactions before they read.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.store import watchdog as wd

log = logging.getLogger("giljabi.store")

T = TypeVar("T")

#: attempts of a statement waiting for a row lock (each one bounded by the statement timeout)
ATTEMPTS = 5
#: seconds the client-side watchdog gives a waiting statement beyond the server's timeout: the server's
#: cancel, which keeps the connection usable for the next attempt, must come first
GRACE = 2.0
#: query_canceled (statement_timeout) and lock_not_available (lock_timeout)
_TIMED_OUT = frozenset({"57014", "55P03"})


def timed_out_waiting(exc: BaseException) -> bool:
    """The server cancelled the statement for its timeout; the connection and transaction can go on."""
    if not isinstance(exc, DBAPIError) or exc.connection_invalidated:
        return False
    return getattr(exc.orig, "sqlstate", None) in _TIMED_OUT


def patiently(s: Session, run: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """``run()`` (statements that may wait for a row lock), again after a timeout, up to ``attempts``."""
    engine = s.get_bind()
    if engine.dialect.name != "postgresql":
        return run()
    statement = getattr(engine, "info", {}).get("statement_timeout")
    for attempt in range(1, attempts + 1):
        later = contextlib.nullcontext() if statement is None else wd.limit(wd.current_limit(statement + GRACE))
        try:
            with later, s.begin_nested():
                return run()
        except DBAPIError as exc:
            if attempt == attempts or not timed_out_waiting(exc):
                raise
            log.warning("database: a row lock was still held after a statement's timeout; waiting again (%d/%d)",
                        attempt, attempts)
    raise AssertionError("unreachable")
