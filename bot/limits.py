"""Limits that keep one process answering under abuse and load.

* ``BodyLimit``: an ASGI middleware that refuses request bodies over a per-path size with 413,
  from ``Content-Length`` before reading, or as soon as a streamed body passes the limit; nothing
  larger is ever held in memory (eight 10 MB bodies once added 150 MB of RSS).
* ``TurnGate``: a cap on turns in flight. Beyond it a request gets the "busy" answer at once
  instead of queueing for seconds and getting it anyway.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: bytes per path prefix: a skill request is a few KB, a Telegram update rarely over 10 KB
DEFAULT_LIMITS: Mapping[str, int] = {
    "/kakao/": 64 * 1024,
    "/telegram/": 256 * 1024,
    "/console": 1024 * 1024,
}
OTHER_LIMIT = 64 * 1024


class TooLarge(Exception):
    pass


def path_limit(path: str, limits: Mapping[str, int] = DEFAULT_LIMITS, other: int = OTHER_LIMIT) -> int:
    """The body limit of ``path``: the first prefix in ``limits`` it starts with, else ``other``."""
    return next((size for prefix, size in limits.items() if path.startswith(prefix)), other)


def declared_too_large(scope: Scope, limit: int) -> bool:
    """Whether the request's ``Content-Length`` is over ``limit`` (or not a number)."""
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return not value.isdigit() or int(value) > limit
    return False


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """The whole body of an HTTP request, or None if the client went away first; ``TooLarge`` as soon
    as the declared or streamed size passes ``limit`` (nothing larger is held in memory)."""
    if declared_too_large(scope, limit):
        raise TooLarge
    chunks: list[bytes] = []
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        seen += len(chunk)
        if seen > limit:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class BodyLimit:
    """Requests whose body is larger than their path's limit get 413 and are not read further."""

    def __init__(self, app: ASGIApp, limits: Mapping[str, int] | None = None, other: int = OTHER_LIMIT) -> None:
        self.app = app
        self.limits = dict(limits or DEFAULT_LIMITS)
        self.other = other

    def limit_for(self, path: str) -> int:
        return path_limit(path, self.limits, self.other)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        if declared_too_large(scope, limit):
            await too_large(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except TooLarge:
            if not started:
                await too_large(send)


async def too_large(send: Send) -> None:
    """The 413 answer; the connection closes after it (the rest of the body is never read)."""
    body = json.dumps({"detail": "request body too large"}).encode()
    await send({
        "type": "http.response.start", "status": 413,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})


class TurnGate:
    """At most ``limit`` turns in flight in this process; ``enter`` says whether one more may start.

    A fixed cap rather than one computed from measured turn times: under a burst, a turn's wall
    time mostly measures waiting for the GIL while requests are parsed, which would refuse turns
    that finish in time (measured: 500 clients at once, 80% refused). A database that hangs is
    handled by the storage health instead (turns fail fast for a moment, see ``bot.health``).
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.active = 0
        self.refused = 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        with self._lock:
            if self.active >= self.limit:
                self.refused += 1
                return False
            self.active += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.active -= 1
