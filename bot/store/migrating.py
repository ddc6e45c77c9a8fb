"""Bringing a database to the newest schema revision, and knowing cheaply when it already is.

Every process opens a Store (each command, worker and server; each test), and nearly always the
schema is current. Alembic and the template engine it imports cost about half a second to import,
and reading its scripts another 50 ms, so the check reads the revision ids from the scripts'
``revision = "..."`` lines and the database's ``alembic_version`` table directly; Alembic loads only
when a migration must run (or when the scripts are not a simple chain, which it then sorts out).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from bot.store import watchdog

MIGRATIONS = Path(__file__).parent / "migrations"
_ID = r"""^{name}\s*(?::[^=\n]*)?=\s*(?:["']([^"'\n]+)["']|(None))\s*$"""
_REVISION, _DOWN = re.compile(_ID.format(name="revision"), re.M), re.compile(_ID.format(name="down_revision"), re.M)


def migrate(engine: Engine) -> None:
    """Upgrade to the newest revision (a no-op when the database already has it)."""
    head = newest()
    with watchdog.limit(None), engine.connect() as conn:
        if current(conn) == head:
            return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with watchdog.limit(None), engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # several workers start at once: one migrates
            conn.execute(text("SELECT pg_advisory_xact_lock(7010013)"))
            if current(conn, savepoint=True) == head:
                return
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def current(conn: Connection, savepoint: bool = False) -> str | None:
    """The database's revision; None when it has none (a new database) or several."""
    try:
        if savepoint:  # inside the caller's transaction: a missing table must not abort it
            with conn.begin_nested():
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        else:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        if not savepoint:
            conn.rollback()
        return None
    return rows[0] if len(rows) == 1 else None


@lru_cache(maxsize=1)
def newest() -> str | None:
    """The head revision: the one no script names as its ``down_revision``. Read once per process."""
    revisions, parents = set(), set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or revision.group(1) is None or down is None:
            return _alembic_head()  # not the plain form: let Alembic read it
        revisions.add(revision.group(1))
        if down.group(1) is not None:
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else _alembic_head()


def _alembic_head() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()
