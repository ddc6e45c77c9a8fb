"""Helpers shared by the console and handoff tests: databases (SQLite file or a PostgreSQL schema)."""

from __future__ import annotations

from typing import Any

from tests.conftest import postgres_schema

__all__ = ["fallback_parse", "postgres_schema"]


def fallback_parse(text: str) -> dict[str, Any]:
    return {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.0}, "entities": [], "intent_ranking": []}


