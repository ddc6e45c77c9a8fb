"""The app: FastAPI, plus a few hot POST endpoints served straight from the ASGI entry.

A Kakao skill request passed through ten ASGI layers before its endpoint (FastAPI's error, telemetry,
body-limit, exception and exit-stack middleware, two routers) and its response back through as many
send wrappers: about a fifth of the event loop's time per turn under load (py-spy, 50 clients), on a
loop that shares the GIL with the turn thread. A direct route skips them and keeps what matters
there: the per-path body limit (``BodyLimit``) and a 500 for an unexpected error, logged redacted
(``FailureLog``). Everything else (the console, probes, metrics, other methods) goes through FastAPI.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import request_response

from bot.limits import ASGIApp, BodyLimit, Receive, Scope, Send
from bot.logs import FailureLog

log = logging.getLogger("giljabi.server")
failures = FailureLog(log)

Endpoint = Callable[[Request], Awaitable[Response]]
_ERROR = json.dumps({"detail": "internal error"}).encode()


class App(FastAPI):
    """FastAPI whose ``direct`` POST paths are answered without its middleware stack and routing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.direct: dict[str, ASGIApp] = {}

    def add_direct_route(self, path: str, endpoint: Endpoint) -> None:
        """Serve ``POST path`` with ``endpoint`` directly; other methods on it get FastAPI's 405."""
        self.direct[path] = _guarded(BodyLimit(request_response(endpoint)), path)
        self.router.add_route(path, endpoint, methods=["POST"])  # the same endpoint, for anything that walks routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            direct = self.direct.get(scope["path"])
            if direct is not None:
                scope["app"] = self
                await direct(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def _guarded(app: ASGIApp, path: str) -> ASGIApp:
    """``app`` with what FastAPI's ServerErrorMiddleware gave it: an unexpected error is a 500 (when
    no response started yet) and one redacted log line, never a traceback quoting the request."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        except Exception as exc:
            failures.report("request", exc, path=path)
            with contextlib.suppress(Exception):  # the response had started: the connection just ends
                await send({"type": "http.response.start", "status": 500, "headers": [
                    (b"content-type", b"application/json"), (b"content-length", str(len(_ERROR)).encode())]})
                await send({"type": "http.response.body", "body": _ERROR})

    return guarded
