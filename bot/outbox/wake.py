"""Waking the dispatcher when a row that is due now has been committed.

``enqueue`` marks its session; after that session's transaction commits, every dispatcher running in
this process is told at once, so a message due now leaves without waiting for the next tick. On
PostgreSQL the transaction also sends ``NOTIFY giljabi_outbox`` (delivered only if it commits), and
every dispatcher listens (``listen_postgres``), so a row written by another process — ``giljabi
notify``, another server — goes out at once too. A rolled-back transaction wakes nobody.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.logs import FailureLog

log = logging.getLogger("giljabi.outbox")
_failures = FailureLog(log)  # one line per failure class, no traceback (see bot.logs)

_KEY = "giljabi_outbox_due"
CHANNEL = "giljabi_outbox"
_NOTIFY = text(f"NOTIFY {CHANNEL}")
_listeners: list[Callable[[], None]] = []
_lock = threading.Lock()


def mark_due(session: Session) -> None:
    """Ask for a wake-up once ``session``'s transaction commits (here, and on PostgreSQL everywhere)."""
    if session.info.get(_KEY):
        return
    session.info[_KEY] = True
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_NOTIFY)  # PostgreSQL folds repeats within one transaction into one


def subscribe(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` (from the committing thread) after each commit that queued a due row;
    returns the function that unsubscribes it."""
    with _lock:
        _listeners.append(callback)

    def unsubscribe() -> None:
        with _lock:
            if callback in _listeners:
                _listeners.remove(callback)

    return unsubscribe


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.info.pop(_KEY, False):
        return
    with _lock:
        listeners = list(_listeners)
    for callback in listeners:
        try:
            callback()
        except Exception:  # noqa: BLE001 - a failed wake-up only delays a message to the next tick
            log.exception("outbox wake-up failed")


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)


def listen_postgres(url: str, callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` whenever any process commits a due row to this PostgreSQL database, from a
    thread of its own with one connection (reconnecting after errors); returns the function that stops it."""
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    while not stop.is_set():
                        if any(True for _ in conn.notifies(timeout=0.5)):
                            callback()
            except Exception as exc:  # noqa: BLE001 - the ticker still runs; try to listen again shortly
                _failures.report("outbox LISTEN connection", exc)
                stop.wait(2.0)

    thread = threading.Thread(target=run, name="giljabi-outbox-listen", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(2.0)

    return halt
