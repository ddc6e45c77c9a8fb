"""``/healthz`` (is the process alive) and ``/readyz`` (can it store a turn now), honestly.

``/readyz`` runs the store's real write (``Store.check_ready``) under a deadline and answers 503
with the reason when it fails or takes too long; one probe runs at a time and concurrent callers
share it. ``/healthz`` never touches the database (a hanging database must not make the process
look dead), but says what the last probe or turn found: a server that cannot write says so in
both, and in the log (one line when readiness changes).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

log = logging.getLogger("giljabi.health")

#: /readyz answers within this many seconds even when the database does not
READY_DEADLINE = 1.5


class Readiness:
    """The shared probe of one app, and the last thing it found."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.reason: str | None = None
        self._probe: asyncio.Future[str | None] | None = None

    async def check(self) -> str | None:
        if self._probe is None or self._probe.done():
            self._probe = asyncio.ensure_future(run_in_threadpool(self.store.check_ready, READY_DEADLINE))
        try:
            reason = await asyncio.wait_for(asyncio.shield(self._probe), READY_DEADLINE + 0.2)
        except TimeoutError:
            reason = "timeout"
        except Exception as exc:  # noqa: BLE001 - a probe reports, never raises
            reason = type(exc).__name__
        self._note(reason)
        return reason

    def last(self) -> str | None:
        """What the last probe found, or a storage failure a turn met since (without a probe)."""
        status = self.store.health.status() if hasattr(self.store, "health") else None
        if status is not None and not status.ok:
            return status.reason or "unavailable"
        return self.reason

    def _note(self, reason: str | None) -> None:
        if reason != self.reason:
            if reason is None:
                log.warning("storage ready again")
            else:
                log.error("storage not ready: %s (turns get a 'try again shortly' answer)", reason)
        self.reason = reason


def add_probes(app: FastAPI, store: Any) -> Readiness:
    readiness = Readiness(store)
    app.state.readiness = readiness

    @app.get("/healthz")
    async def healthz() -> Response:
        reason = readiness.last()
        body = {"status": "ok", "storage": "ok" if reason is None else reason}
        return JSONResponse(body)

    @app.get("/readyz")
    async def readyz() -> Response:
        reason = await readiness.check()
        if reason is None:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)

    return readiness
