"""The readiness probe: can this process store a turn now?

``SELECT 1`` says a database answers, not that it takes writes. The probe rewrites this process's
``heartbeats`` row (a real, committed write under a short deadline), and on SQLite also checks the
room left: an in-place rewrite still succeeds when the file cannot grow (``max_page_count``, a full
disk), while a new turn would not. A probe that succeeds lets turns try the database again.
"""

from __future__ import annotations

import os
import shutil
import socket
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.health import StorageHealth, storage_reason
from bot.store import watchdog
from bot.store.models import Heartbeat

WORKER = f"{socket.gethostname()[:40]}:{os.getpid()}"
#: pages (4 KiB each by default) a turn may need; fewer left than this is "full"
MIN_FREE_PAGES = 32
MIN_FREE_DISK = 16 * 1024 * 1024


def check(engine: Engine, health: StorageHealth, deadline: float) -> str | None:
    """None when ready; else a short reason (``disk-full``, ``read-only``, ``timeout`` …)."""
    try:
        with watchdog.limit(deadline), engine.begin() as conn:
            now = datetime.now(UTC)
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            conn.execute(
                insert(Heartbeat).values(worker=WORKER, at=now)
                .on_conflict_do_update(index_elements=["worker"], set_={"at": now})
            )
            room = _sqlite_room(conn) if conn.dialect.name == "sqlite" else None
    except Exception as exc:  # noqa: BLE001 - a probe reports, never raises
        reason = storage_reason(exc) or type(exc).__name__
        health.failed(reason)
        return reason
    if room is not None:
        health.failed(room)
        return room
    health.succeeded()
    return None


def _sqlite_room(conn: Connection) -> str | None:
    pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    most = conn.exec_driver_sql("PRAGMA max_page_count").scalar_one()
    free = conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()
    if most - pages + free < MIN_FREE_PAGES:
        return "disk-full"
    path = conn.engine.url.database
    if path and path != ":memory:" and not path.startswith("file:"):
        folder = Path(path).resolve().parent
        if folder.exists() and shutil.disk_usage(folder).free < MIN_FREE_DISK:
            return "disk-full"
    return None
