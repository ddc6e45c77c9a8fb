"""The app: FastAPI, plus a few hot POST endpoints served straight from the ASGI entry.

A Kakao skill request passed through ten ASGI layers before its endpoint (FastAPI's error, telemetry,
body-limit, exception and exit-stack middleware, two routers) and its response back through as many
send wrappers: about a fifth of the event loop's time per turn under load (py-spy, 50 clients), on a
loop that shares the GIL with the turn thread. A direct route skips them, and Starlette's Request and
Response too: ``DirectRoute`` is one ASGI callable that reads the body within its path's limit (413,
as ``BodyLimit``), hands headers and body to the endpoint, and sends its JSON answer; an unexpected
error is a 500 and one redacted log line (``FailureLog``). Everything else (the console, probes,
metrics, other methods) goes through FastAPI.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.routing import Route

from bot.limits import ASGIApp, Receive, Scope, Send, TooLarge, path_limit, read_body, too_large
from bot.logs import FailureLog

log = logging.getLogger("giljabi.server")
failures = FailureLog(log)

_ERROR = json.dumps({"detail": "internal error"}).encode()
_JSON = (b"content-type", b"application/json")


@dataclass(frozen=True, slots=True)
class DirectRequest:
    """What a direct endpoint sees of its request: the raw ASGI headers and the whole body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> str | None:
        """The first value of a header (``name`` in lower case), as Latin-1 text like Starlette's."""
        for key, value in self.headers:
            if key == name:
                return value.decode("latin-1")
        return None


#: a direct endpoint answers (HTTP status, JSON content); the content goes out as UTF-8 JSON
Endpoint = Callable[[DirectRequest], Awaitable[tuple[int, Any]]]


def json_body(content: Any) -> bytes:
    """JSON with Korean as UTF-8 rather than \\u escapes (about half the bytes), compact."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class DirectRoute:
    """One direct endpoint as a plain ASGI app (also what FastAPI's router holds for the same path)."""

    def __init__(self, path: str, endpoint: Endpoint, limit: int) -> None:
        self.path, self.endpoint, self.limit = path, endpoint, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False
        try:
            try:
                body = await read_body(scope, receive, self.limit)
            except TooLarge:
                await too_large(send)
                return
            if body is None:  # the client went away before its body was in
                return
            status, content = await self.endpoint(DirectRequest(scope["headers"], body))
            data = json_body(content)
            started = True
            await send({"type": "http.response.start", "status": status,
                        "headers": [_JSON, (b"content-length", b"%d" % len(data))]})
            await send({"type": "http.response.body", "body": data})
        except Exception as exc:  # never a traceback quoting the request: one redacted line
            failures.report("request", exc, path=self.path)
            if started:  # once the response started, the connection just ends
                return
            with contextlib.suppress(Exception):
                await send({"type": "http.response.start", "status": 500,
                            "headers": [_JSON, (b"content-length", b"%d" % len(_ERROR))]})
                await send({"type": "http.response.body", "body": _ERROR})


class App(FastAPI):
    """FastAPI whose ``direct`` POST paths are answered without its middleware stack and routing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.direct: dict[str, ASGIApp] = {}

    def add_direct_route(self, path: str, endpoint: Endpoint) -> None:
        """Serve ``POST path`` with ``endpoint`` directly; other methods on it get FastAPI's 405."""
        route = DirectRoute(path, endpoint, path_limit(path))
        self.direct[path] = route
        self.router.routes.append(Route(path, route, methods=["POST"]))  # for anything that walks routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            direct = self.direct.get(scope["path"])
            if direct is not None:
                scope["app"] = self
                await direct(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
