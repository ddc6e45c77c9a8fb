"""The SQLAlchemy engine for SQLite or PostgreSQL, with timeouts on every way a database can hang.

* connect: ``connect_timeout`` (PostgreSQL); SQLite opens a local file.
* statement: a server-side ``statement_timeout`` / busy timeout, and the watchdog's deadline on every
  statement, commit, rollback and ping, for a database that does not answer at all.
* size: a multi-row INSERT is sent ``INSERT_PAGE_ROWS`` rows per statement, each within the deadline.
* pool: ``pool_timeout`` — a turn waits this long for a free connection, then fails.

Bound parameters never appear in errors or logs (``hide_parameters``): they are users' messages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event

from bot.store import watchdog as wd

#: rows per statement of a multi-row INSERT (``enqueue_many``): each statement is bounded by the
#: statement deadline, so a large batch is sent as several small statements, not one that grows with
#: the batch (SQLAlchemy's default, 1000 rows, is a 350 kB statement for the outbox, which a loaded
#: machine did not send within 3 s: the watchdog broke the connection)
INSERT_PAGE_ROWS = 100


@dataclass(frozen=True, slots=True)
class DbTimeouts:
    """Seconds; ``statement`` bounds each statement, commit, rollback and ping."""

    connect: float = 2.0
    statement: float = 3.0
    pool: float = 1.0


def make_engine(url: str, timeouts: DbTimeouts | None = None, watchdog: wd.Watchdog | None = None) -> Engine:
    timeouts = timeouts or DbTimeouts()
    watchdog = watchdog or wd.Watchdog()
    if url.startswith("sqlite"):
        engine = create_engine(
            url, hide_parameters=True, pool_timeout=timeouts.pool, insertmanyvalues_page_size=INSERT_PAGE_ROWS,
            connect_args={"check_same_thread": False, "timeout": timeouts.statement},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(
            url, hide_parameters=True, pool_size=10, max_overflow=20, pool_timeout=timeouts.pool,
            pool_recycle=1800, pool_pre_ping=True, insertmanyvalues_page_size=INSERT_PAGE_ROWS,
            connect_args={"connect_timeout": max(2, math.ceil(timeouts.connect))},
        )
        statement_ms = int(timeouts.statement * 1000)

        @event.listens_for(engine, "connect")
        def _pg_session(dbapi_conn: Any, _record: Any) -> None:
            with dbapi_conn.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {statement_ms}")
                cursor.execute(f"SET lock_timeout = {statement_ms}")
                cursor.execute("SET idle_in_transaction_session_timeout = 60000")
            dbapi_conn.commit()

    _guard(engine.dialect, watchdog, timeouts.statement)
    engine.info = {"watchdog": watchdog, "statement_timeout": timeouts.statement}  # type: ignore[attr-defined]
    return engine


def _guard(dialect: Any, watchdog: wd.Watchdog, seconds: float) -> None:
    """Every statement, commit, rollback and ping of this engine runs under the watchdog's deadline
    (``seconds``, or the thread's ``watchdog.limit``). The dialect's DBAPI calls are wrapped, so
    nothing that talks to the database escapes, and a connection idling between statements (a bulk
    job doing Python work) is never interrupted."""

    def wrap(name: str, connection_of: Any) -> None:
        original = getattr(dialect, name)

        def guarded(target: Any, *args: Any, **kwargs: Any) -> Any:
            conn = connection_of(target)
            watchdog.arm(id(conn), conn, wd.current_limit(seconds))
            try:
                return original(target, *args, **kwargs)
            finally:
                watchdog.disarm(id(conn))

        setattr(dialect, name, guarded)

    for name in ("do_execute", "do_executemany", "do_execute_no_params"):
        wrap(name, lambda cursor: cursor.connection)
    for name in ("do_commit", "do_rollback", "do_ping"):
        wrap(name, lambda conn: conn)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below be the only one
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, not left in free pages
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock up front: no upgrade deadlocks
