"""The server's HTTP protocol: a response's writes leave the socket as one, nothing is held past a loop step."""

from __future__ import annotations

import asyncio

from bot.http_protocol import HeldWrites


class Transport:
    """Records what reaches the socket."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: bytes) -> None:
        assert not self.closed, "write after close"
        self.sent.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = self.closed = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def test_writes_within_one_loop_step_leave_as_one_send() -> None:
    async def scenario() -> tuple[list[bytes], list[bytes], int]:
        transport = Transport()
        writes = HeldWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        writes.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        writes.write(b"")
        writes.writelines([b"{", b"}"])
        before, held = list(transport.sent), writes.get_write_buffer_size()
        await asyncio.sleep(0)  # the end of this step of the loop
        return before, transport.sent, held

    before, sent, held = asyncio.run(scenario())
    assert before == [] and held == 40
    assert sent == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]


def test_close_sends_what_is_held_first_and_abort_drops_it() -> None:
    async def scenario() -> tuple[Transport, Transport]:
        loop = asyncio.get_running_loop()
        closed, aborted = Transport(), Transport()
        first, second = HeldWrites(closed, loop), HeldWrites(aborted, loop)  # type: ignore[arg-type]
        first.write(b"413 answer")
        first.close()
        second.write(b"half an answer")
        second.abort()
        await asyncio.sleep(0)  # the pending flushes find nothing, or a closed transport: no write after close
        return closed, aborted

    closed, aborted = asyncio.run(scenario())
    assert (closed.sent, closed.closed) == ([b"413 answer"], True)
    assert (aborted.sent, aborted.aborted) == ([], True)


def test_a_connection_lost_meanwhile_drops_the_held_bytes_and_the_rest_is_the_transport() -> None:
    async def scenario() -> tuple[list[bytes], str]:
        transport = Transport()
        writes = HeldWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        writes.write(b"late")
        transport.closed = True  # the peer went away before the end of the step
        await asyncio.sleep(0)
        return transport.sent, writes.get_extra_info("peername")

    sent, info = asyncio.run(scenario())
    assert sent == [] and info == "info:peername"
