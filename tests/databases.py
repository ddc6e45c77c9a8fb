"""Fresh, migrated databases for tests, without running the migrations for each test.

Running the Alembic migrations costs ~0.3 s on SQLite and ~1 s on PostgreSQL (schema creation and a
few dozen DDL round trips), and hundreds of tests each want an empty database at head. So:

* SQLite: the migrations run once per test process into a template file; each test gets a copy.
* PostgreSQL: each test still gets a schema of its own, but a used schema is emptied (no rows, sequences
  back at 1, as a new one) and handed to the next test instead of being dropped and migrated anew: one
  round trip of ``DELETE``s, the tables that others reference last, and ``ALTER SEQUENCE ... RESTART``s
  (``TRUNCATE`` of the ~20 tables gives each a new file, ~0.3 s a test). A schema that cannot be emptied
  that way (tables added or gone, a different revision, a lock still held) is dropped, as before.

Both templates are made by the product's own ``Store(url)`` on an empty database, so the migrations
from nothing to head still run (and must succeed) in every test session; ``tests/bot/test_store.py``
checks them explicitly on an empty database of each kind.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text

#: Test sessions do not wait for the WAL to reach the disk at each commit (~2 ms each on this kind of
#: machine, thousands of times per run). A committed row is still visible to every other session and
#: survives the death of any client process (what the kill -9 tests check); only a crash of the
#: PostgreSQL server itself could lose the last few commits, which no test simulates.
FAST_COMMIT = "-csynchronous_commit=off"


def postgres_url() -> str | None:
    return os.environ.get("GILJABI_TEST_POSTGRES_URL") or None


def schema_url(base: str, schema: str) -> str:
    """``base`` with its sessions' search_path set to ``schema`` (and fast commits, see above)."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema} {FAST_COMMIT}')}"


# ------------------------------------------------------------------------------------------ SQLite
_sqlite_template: Path | None = None


def _migrated_sqlite_template() -> Path:
    global _sqlite_template
    if _sqlite_template is None:
        from bot.store import Store

        folder = Path(tempfile.mkdtemp(prefix="giljabi-template-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "migrated.sqlite3"
        Store(f"sqlite:///{path}").close()
        with sqlite3.connect(path) as conn:  # the file alone must hold everything: no WAL left beside it
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _sqlite_template = path
    return _sqlite_template


def sqlite_db_url(path: Path, *, migrated: bool = True) -> str:
    """The URL of a new SQLite database at ``path``: at the newest revision (a copy of this process's
    template), or with ``migrated=False`` not there yet (the first ``Store`` migrates it)."""
    if migrated and not path.exists():
        shutil.copyfile(_migrated_sqlite_template(), path)
    return f"sqlite:///{path}"


# -------------------------------------------------------------------------------------- PostgreSQL
class _SchemaPool:
    """Migrated, empty schemas of this process, waiting for their next test."""

    def __init__(self) -> None:
        self.free: list[str] = []
        self.owned: set[str] = set()
        self.tables: set[str] | None = None  # the tables a migrated schema has (alembic_version aside)
        self.revision: str | None = None
        self._emptying: list[str] | None = None  # statements (with {schema}) that empty a migrated schema
        self._admin: Engine | None = None

    def admin(self, base: str) -> Engine:
        if self._admin is None:
            self._admin = create_engine(base, connect_args={"options": FAST_COMMIT})
            atexit.register(self.close)
        return self._admin

    def create(self, base: str, *, migrated: bool) -> str:
        from bot.store import Store

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin(base).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.owned.add(schema)
        if migrated:
            Store(schema_url(base, schema)).close()
            if self.tables is None:
                self.tables, self.revision = self._inspect(base, schema)
        return schema

    def _inspect(self, base: str, schema: str) -> tuple[set[str], str | None]:
        with self.admin(base).connect() as conn:
            tables = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema})
                         .scalars())
            revision = None
            if "alembic_version" in tables:
                revision = conn.execute(text(f'SELECT version_num FROM "{schema}".alembic_version')).scalar()
        return tables - {"alembic_version"}, revision

    def give_back(self, base: str, schema: str) -> None:
        """Empty ``schema`` for the next test if it is still exactly a migrated one, else drop it."""
        try:
            if self._empty(base, schema):
                self.free.append(schema)
                return
        except Exception:  # noqa: BLE001 - a schema we cannot reuse is dropped below
            pass
        self.drop(base, schema)

    def _empty(self, base: str, schema: str) -> bool:
        if self.tables is None or self._inspect(base, schema) != (self.tables, self.revision):
            return False
        if self._emptying is None:
            self._emptying = self._emptying_statements(base, schema)
        script = "; ".join(["SET LOCAL lock_timeout = '2s'",  # a test left a lock: drop it instead
                            *(statement.format(schema=schema) for statement in self._emptying)])
        with self.admin(base).begin() as conn:
            conn.exec_driver_sql(script)
        return True

    def _emptying_statements(self, base: str, schema: str) -> list[str]:
        """``DELETE``s of every table, a table before those it references (FK), then the sequences'
        ``RESTART``s; a ``TRUNCATE ... RESTART IDENTITY CASCADE`` if the references go round in a cycle."""
        assert self.tables is not None
        with self.admin(base).connect() as conn:
            refs = conn.execute(text(
                "SELECT child.relname, parent.relname FROM pg_constraint c"
                " JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid"
                " JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = :s"),
                {"s": schema}).all()
            sequences = conn.execute(text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = :s ORDER BY c.relname"), {"s": schema}).scalars().all()
        referencing = {name: {child for child, parent in refs if parent == name and child != name}
                       for name in self.tables}
        order: list[str] = []
        while len(order) < len(self.tables):
            ready = sorted(t for t in self.tables if t not in order and referencing[t] <= set(order))
            if not ready:  # a cycle of references: TRUNCATE empties them all at once
                names = ", ".join(f'"{{schema}}"."{name}"' for name in sorted(self.tables))
                return [f"TRUNCATE {names} RESTART IDENTITY CASCADE"]
            order.extend(ready)
        return [*(f'DELETE FROM "{{schema}}"."{name}"' for name in order),
                *(f'ALTER SEQUENCE "{{schema}}"."{name}" RESTART' for name in sequences)]

    def drop(self, base: str, schema: str) -> None:
        with self.admin(base).begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.owned.discard(schema)

    def close(self) -> None:
        base = postgres_url()
        if base is not None and self._admin is not None:
            for schema in sorted(self.owned):
                with contextlib.suppress(Exception):  # leaving a test schema behind is harmless
                    self.drop(base, schema)
            self._admin.dispose()
        self.free.clear()


_POOL = _SchemaPool()


@contextmanager
def postgres_schema(*, migrated: bool = True) -> Iterator[str]:
    """A URL whose search_path is a PostgreSQL schema of this test's own, empty and (unless
    ``migrated=False``) at the newest revision, so the tests pass on any database (CI's shared
    ``test`` one included); skips the test without PostgreSQL."""
    base = postgres_url()
    if base is None:
        pytest.skip("GILJABI_TEST_POSTGRES_URL is not set")
    schema = _POOL.free.pop() if migrated and _POOL.free else _POOL.create(base, migrated=migrated)
    try:
        yield schema_url(base, schema)
    finally:
        if migrated:
            _POOL.give_back(base, schema)
        else:
            _POOL.drop(base, schema)


def close_postgres_schemas() -> None:
    """Drop this process's pooled schemas (the end of the test session)."""
    _POOL.close()
