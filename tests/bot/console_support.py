"""Helpers shared by the console and handoff tests: databases (SQLite file or a PostgreSQL schema)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text

from tests.conftest import postgres_url


def fallback_parse(text: str) -> dict[str, Any]:
    return {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.0}, "entities": [], "intent_ranking": []}


@contextmanager
def postgres_schema() -> Iterator[str | None]:
    """A URL whose search_path is a fresh schema, dropped afterwards; None without PostgreSQL."""
    base = postgres_url()
    if base is None:
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
