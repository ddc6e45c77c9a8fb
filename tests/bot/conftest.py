"""Fixtures for the server tests: the app on a real localhost port, and a fake Telegram Bot API.

``serve_app(app)`` runs an ASGI app with uvicorn in a background thread and returns its base URL.
``bot_api`` is a local HTTP server that answers like the Bot API and records every call, so
python-telegram-bot can be pointed at it with ``GILJABI_TELEGRAM_API_BASE_URL``.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from tests.conftest import postgres_schema, sqlite_db_url

KAKAO_SECRET = "kakao-test-secret"
WEBHOOK_SECRET = "telegram-test-secret"
TOKEN = "123456:TEST-token"


def fake_parse(text: str) -> dict[str, Any]:
    """The NLU's answer for anything: a fallback (flows are driven by payloads in these tests)."""
    return {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.0}, "entities": [], "intent_ranking": []}


@pytest.fixture(scope="module")
def trained_models_in_memory(domain) -> None:
    """The session's trained models (tests/conftest.py's cache: the NLU, the answer ranker) in memory
    before a module's commands point the caches at a fresh data directory: loaded once, not trained
    again by whichever test happens to come first. Modules that run ``giljabi`` in-process use it."""
    import nlu
    from flows.answers import build_answerer
    from tests.conftest import NLU_CACHE

    nlu.set_cache_dir(NLU_CACHE)
    nlu.parse("안녕하세요")
    build_answerer(domain)


@pytest.fixture
def assistant(make_assistant):
    return make_assistant(parser=fake_parse)


def wait_until(check: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


# ------------------------------------------------------------------------------ app on a port
def _fast_server_class():
    import uvicorn

    class FastTickServer(uvicorn.Server):
        """uvicorn checks for shutdown every 100 ms, and its shutdown sleeps 100 ms before it even looks
        for open connections; a test server checks every 10 ms and waits only for what is still open."""

        async def main_loop(self) -> None:
            counter = 0
            should_exit = await self.on_tick(counter)
            while not should_exit:
                counter = (counter + 1) % 864000
                await asyncio.sleep(0.01)
                should_exit = await self.on_tick(counter) if counter % 10 == 0 else self.should_exit

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            """uvicorn 0.3x's ``Server.shutdown``, its 100 ms sleep and polls made 5 ms polls."""
            for server in self.servers:
                server.close()
            for sock in sockets or []:
                sock.close()
            for connection in list(self.server_state.connections):
                connection.shutdown()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + (self.config.timeout_graceful_shutdown or float("inf"))
            state = self.server_state
            while (state.connections or state.tasks) and not self.force_exit and loop.time() < deadline:
                await asyncio.sleep(0.005)
            for task in state.tasks if loop.time() >= deadline else ():
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
            for server in self.servers:
                await server.wait_closed()
            if not self.force_exit:
                await self.lifespan.shutdown()

    return FastTickServer


class ServerThread:
    def __init__(self, app: Any) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        from bot.http_protocol import OneWriteHttpTools

        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", http=OneWriteHttpTools)
        self.server = _fast_server_class()(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        self.thread.start()
        wait_until(lambda: self.server.started or not self.thread.is_alive(), 20, "uvicorn to start")
        if not self.server.started:
            raise RuntimeError("uvicorn did not start")
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def serve_app() -> Iterator[Callable[[Any], str]]:
    servers: list[ServerThread] = []

    def serve(app: Any) -> str:
        server = ServerThread(app)
        servers.append(server)
        return server.start()

    yield serve
    for server in reversed(servers):
        server.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:
        yield client


# -------------------------------------------------------------------------- fake Telegram API
class FakeBotAPI:
    """Answers Bot API methods like Telegram does and records each call as (method, params)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self.failures: dict[str, list[tuple[int, str]]] = {}
        #: chats that blocked the bot: sendMessage answers 403 for them
        self.blocked: set[int] = set()
        #: seconds each sendMessage takes (after it is recorded), to catch a sender mid-batch
        self.delay = 0.0
        self.lock = threading.Lock()
        self._message_id = 0
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real Bot API
            disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stalls

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                token, _, method = self.path.lstrip("/").partition("/")
                params = api.decode(raw, self.headers.get("Content-Type", ""))
                status, body = api.answer(token, method, params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    @staticmethod
    def decode(raw: str, content_type: str) -> dict[str, Any]:
        if not raw:
            return {}
        if "json" in content_type:
            return json.loads(raw)
        params: dict[str, Any] = {}
        for key, value in parse_qsl(raw, keep_blank_values=True):
            try:
                params[key] = json.loads(value) if key in ("reply_markup", "allowed_updates") else value
            except ValueError:
                params[key] = value
        return params

    def answer(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append((method, params))
            failures = self.failures.get(method)
            if failures:
                code, description = failures.pop(0)
                return code, {"ok": False, "error_code": code, "description": description}
        if token != f"bot{TOKEN}":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getMe":
            return 200, {"ok": True, "result": {
                "id": 4242, "is_bot": True, "first_name": "길잡이", "username": "giljabi_test_bot",
                "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False,
            }}
        if method == "sendMessage" and int(params.get("chat_id") or 0) in self.blocked:
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if method == "sendMessage":
            if self.delay:
                time.sleep(self.delay)
            with self.lock:
                self._message_id += 1
                message_id = self._message_id
            chat = int(params["chat_id"])
            return 200, {"ok": True, "result": {
                "message_id": message_id, "date": int(time.time()), "chat": {"id": chat, "type": "private"},
                "text": params.get("text", ""),
            }}
        if method in ("answerCallbackQuery", "setWebhook", "deleteWebhook", "setMyCommands"):
            return 200, {"ok": True, "result": True}
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            with self.lock:
                ready = [u for u in self.updates if u["update_id"] >= offset]
            if not ready:
                time.sleep(min(float(params.get("timeout") or 0), 0.05))
            return 200, {"ok": True, "result": ready}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        with self.lock:
            return [params for name, params in self.calls if name == method]

    def per_chat(self) -> dict[int, list[str]]:
        """The texts sent to each chat, in order."""
        out: dict[int, list[str]] = {}
        for params in self.sent():
            out.setdefault(int(params["chat_id"]), []).append(params.get("text", ""))
        return out

    def fail(self, method: str, code: int, description: str) -> None:
        with self.lock:
            self.failures.setdefault(method, []).append((code, description))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bot_api() -> Iterator[FakeBotAPI]:
    api = FakeBotAPI()
    yield api
    api.close()


# ------------------------------------------------------------------------------------ databases
@pytest.fixture(params=["sqlite", "postgres"])
def any_db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty, migrated database on SQLite, then on PostgreSQL (when configured)."""
    if request.param == "sqlite":
        yield sqlite_db_url(tmp_path / "outbox.sqlite3")
        return
    with postgres_schema() as url:
        yield url


# ------------------------------------------------------------------------------------ settings
_CHANNEL_ENV = (
    "GILJABI_TELEGRAM_TOKEN", "GILJABI_TELEGRAM_WEBHOOK_SECRET", "GILJABI_TELEGRAM_API_BASE_URL",
    "GILJABI_KAKAO_SKILL_SECRET",
)


@pytest.fixture
def make_settings(tmp_path, monkeypatch):
    """Settings for one test: the Kakao secret set, Telegram off unless asked, nothing from the env."""
    from bot.config import Settings

    for name in _CHANNEL_ENV:
        monkeypatch.delenv(name, raising=False)

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {"data_dir": tmp_path, "kakao_skill_secret": KAKAO_SECRET}
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def telegram_settings(make_settings, bot_api):
    """Settings with Telegram on, pointed at the fake Bot API."""
    return make_settings(
        telegram_token=TOKEN, telegram_webhook_secret=WEBHOOK_SECRET, telegram_api_base_url=bot_api.url
    )
