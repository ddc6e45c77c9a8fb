"""Opening the store at start-up: an unreachable database is retried with back-off, then one line.

A server started together with its database (a reboot, a container set) usually finds it not yet
accepting connections; that is worth waiting for. A database that stays unreachable is worth one
clear line and an exit, not a traceback per attempt.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from bot.config import Settings
from bot.health import storage_reason
from bot.store.engine import DbTimeouts
from bot.store.repository import Store

log = logging.getLogger("giljabi.store")


class DatabaseUnreachable(SystemExit):
    """Raised (as an exit) when the database stayed unreachable for the whole start-up wait."""


def timeouts_of(settings: Settings) -> DbTimeouts:
    return DbTimeouts(
        connect=settings.db_connect_timeout, statement=settings.db_statement_timeout, pool=settings.db_pool_timeout
    )


def open_store(
    settings: Settings, *, sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic
) -> Store:
    """A migrated ``Store``, retrying for ``GILJABI_DB_STARTUP_WAIT`` seconds (back-off 0.5 s → 5 s)."""
    url = settings.resolved_database_url()
    deadline = clock() + max(0.0, settings.db_startup_wait)
    delay, attempts = 0.5, 0
    while True:
        attempts += 1
        try:
            return Store(url, timeouts=timeouts_of(settings))
        except Exception as exc:
            reason = storage_reason(exc)
            if reason is None:
                raise
            left = deadline - clock()
            if left <= 0:
                line = (
                    f"giljabi: the database is unreachable ({reason}) after {attempts} attempts in "
                    f"{settings.db_startup_wait:.0f} s; check GILJABI_DATABASE_URL and that the database is up"
                )
                print(line, file=sys.stderr, flush=True)  # the one line, whatever logging is set to
                raise DatabaseUnreachable(2) from None
            if attempts == 1:
                log.warning("database unreachable at start (%s); retrying for up to %.0f s", reason, left)
            sleep(min(delay, left))
            delay = min(delay * 2, 5.0)
