"""Logging set-up. Log lines carry ids and counts, never message text or secrets."""

from __future__ import annotations

import logging
import os


def configure_logging(default_level: str = "WARNING") -> None:
    level = os.environ.get("GILJABI_LOG_LEVEL", default_level).upper()
    logging.basicConfig(
        level=getattr(logging, level, logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
