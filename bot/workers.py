"""``giljabi serve --workers N``: several server processes on one port, over PostgreSQL.

Each worker is a separate process (uvicorn's multiprocess supervisor) that builds its own Assistant
from ``GILJABI_*``; the parent migrates the schema once before they start (and ``Store.migrate``
takes an advisory lock, so workers starting together never migrate twice). SQLite takes one writer
at a time, so several processes only wait for each other there: refused with one line.
"""

from __future__ import annotations

import json
import os
import sys

from fastapi import FastAPI

from bot.config import Settings, get_settings

_OPTIONS = "GILJABI_SERVE_OPTIONS"


def serve_workers(
    settings: Settings, *, host: str, port: int, workers: int, turn_threads: int | None,
    telegram_webhook_url: str | None, telegram_polling: bool,
) -> None:
    import uvicorn

    from bot.http_protocol import OneWriteHttpTools
    from bot.store.startup import open_store

    if settings.resolved_database_url().startswith("sqlite"):
        print("giljabi: --workers needs PostgreSQL (GILJABI_DATABASE_URL); SQLite takes one writer at a time",
              file=sys.stderr)
        raise SystemExit(2)
    if telegram_polling:
        print("giljabi: --telegram-polling runs in one process only; use the webhook with --workers",
              file=sys.stderr)
        raise SystemExit(2)
    open_store(settings).close()  # migrate once, here, before any worker starts
    os.environ[_OPTIONS] = json.dumps({"turn_threads": turn_threads, "telegram_webhook_url": telegram_webhook_url})
    level = settings.log_level.lower()
    uvicorn.run("bot.workers:worker_app", factory=True, host=host, port=port, workers=workers,
                log_level=level, access_log=level == "debug", lifespan="on", log_config=None, http=OneWriteHttpTools)


def worker_app() -> FastAPI:
    """The app of one worker process (uvicorn calls this in each)."""
    from bot.assistant import build_assistant
    from bot.logs import configure_logging
    from bot.server import create_app

    settings = get_settings()
    configure_logging(settings.log_level)
    options = json.loads(os.environ.get(_OPTIONS) or "{}")
    return create_app(
        build_assistant(settings), settings, turn_threads=options.get("turn_threads"),
        telegram_webhook_url=options.get("telegram_webhook_url"), freeze_heap=True,
    )
