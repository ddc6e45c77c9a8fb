"""uvicorn's httptools protocol with one socket write per response instead of two.

uvicorn writes a response's head as soon as the app sends ``http.response.start`` and its body at
``http.response.body``: two ``send`` calls on the socket, two TCP segments, two wake-ups of the
client. On loopback each send also runs the receiving side's TCP path inline, on the event loop
that shares the GIL with the turn thread: the two writes were about a quarter of the loop's time
per Kakao turn under load (py-spy, 50 clients). Here the connection's writes within one step of the
loop are held and go out together at the end of it, so nothing waits longer than that step.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeldWrites:
    """A transport whose writes wait for the end of the loop's current step and leave as one."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport, self._loop = transport, loop
        self._held: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not data:
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        """Send what is held (dropped if the connection is gone, as its own writes would be)."""
        held, self._held = self._held, []
        if held and not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._held))

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held = []
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self._transport, name)


class OneWriteHttpTools(HttpToolsProtocol):
    """``uvicorn.run(..., http=OneWriteHttpTools)``: httptools, with a response's writes held together."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(HeldWrites(transport, self.loop))  # type: ignore[arg-type]
