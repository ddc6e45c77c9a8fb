"""Can this process store a turn now? What failed, in words an operator can act on.

``storage_reason`` names a database failure (``disk-full``, ``read-only``, ``timeout`` …) without
quoting its message, which may contain user data. ``StorageHealth`` remembers the last failure: for a
second after one, turns fail fast instead of each waiting for a database that is not answering (one
turn at a time is let through to find out whether it came back), and ``/readyz`` reports it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass

#: after a storage failure, turns are answered at once (without the database) for this long
COOLDOWN_SECONDS = 1.0
#: a turn that failed this recently, with no success since, makes the process not ready
RECENT_SECONDS = 10.0

_SQLITE_REASONS = (
    ("full", "disk-full"), ("readonly", "read-only"), ("read-only", "read-only"), ("locked", "locked"),
    ("interrupted", "timeout"), ("unable to open", "cannot-open"), ("disk i/o", "io-error"), ("busy", "locked"),
)
_PSYCOPG_REASONS = {
    "QueryCanceled": "timeout", "LockNotAvailable": "locked", "ReadOnlySqlTransaction": "read-only",
    "DiskFull": "disk-full", "InsufficientResources": "disk-full", "AdminShutdown": "unreachable",
    "CannotConnectNow": "unreachable", "ConnectionTimeout": "timeout", "OperationalError": "unreachable",
    "InterfaceError": "unreachable",
}


class StorageUnavailable(RuntimeError):
    """Raised instead of trying the database while it is known to be failing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def storage_reason(exc: BaseException) -> str | None:
    """A short name for a failure of the database itself; None for anything else (bugs, bad data)."""
    if isinstance(exc, StorageUnavailable):
        return exc.reason
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.TimeoutError):
        return "pool-timeout"
    if isinstance(exc, sa.DBAPIError):
        if exc.connection_invalidated:
            return "unreachable"
        return storage_reason(exc.orig) if exc.orig is not None else None
    if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.DataError | sqlite3.ProgrammingError
    ):
        message = str(exc).lower()
        return next((reason for key, reason in _SQLITE_REASONS if key in message), "sqlite-error")
    for cls in type(exc).__mro__:
        if cls.__module__.startswith("psycopg") and cls.__name__ in _PSYCOPG_REASONS:
            return _PSYCOPG_REASONS[cls.__name__]
    if isinstance(exc, ConnectionError | TimeoutError):
        return "unreachable"
    return None


@dataclass(frozen=True, slots=True)
class Status:
    ok: bool
    reason: str | None = None


class StorageHealth:
    """What the last turns and probes found; thread-safe."""

    def __init__(self, cooldown: float = COOLDOWN_SECONDS) -> None:
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._failed_at: float | None = None
        self._reason: str | None = None
        self._probing = False

    def allow(self) -> None:
        """Raise ``StorageUnavailable`` while failing and within the cooldown; one trial after it."""
        with self._lock:
            if self._failed_at is None:
                return
            if time.monotonic() - self._failed_at >= self.cooldown and not self._probing:
                self._probing = True
                return
            reason = self._reason or "unavailable"
        raise StorageUnavailable(reason)

    def succeeded(self) -> None:
        with self._lock:
            self._failed_at, self._reason, self._probing = None, None, False

    def failed(self, reason: str) -> None:
        with self._lock:
            self._failed_at, self._reason, self._probing = time.monotonic(), reason, False

    def settle(self) -> None:
        """End a trial that neither failed nor succeeded (an error unrelated to storage)."""
        with self._lock:
            self._probing = False

    def status(self) -> Status:
        with self._lock:
            if self._failed_at is not None and time.monotonic() - self._failed_at < RECENT_SECONDS:
                return Status(False, self._reason)
        return Status(True)
