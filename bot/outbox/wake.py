"""Waking the dispatcher when a row that is due now has been committed.

``enqueue`` marks its session; after that session's transaction commits, every dispatcher running in
this process is told at once, so a message due now leaves without waiting for the next tick. Other
processes find it on their tick. A rolled-back transaction wakes nobody.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("giljabi.outbox")

_KEY = "giljabi_outbox_due"
_listeners: list[Callable[[], None]] = []
_lock = threading.Lock()


def mark_due(session: Session) -> None:
    """Ask for a wake-up once ``session``'s transaction commits."""
    session.info[_KEY] = True


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
