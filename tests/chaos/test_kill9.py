"""``kill -9`` under load, on SQLite and PostgreSQL: every turn the server acknowledged is stored."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from bot.store import Store
from bot.store.models import ProcessedMessage, User
from tests.bot.conftest import KAKAO_SECRET
from tests.bot.test_kakao import skill_request
from tests.bot.test_store import db_url  # noqa: F401 - fixture: SQLite and PostgreSQL
from tests.conftest import NLU_CACHE

SERVER = Path(__file__).with_name("fake_server.py")
FAILED = ("문제가 생겼어요", "잠시 후")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_acknowledged_turn_survives_kill_9(db_url: str, tmp_path) -> None:  # noqa: F811
    Store(db_url).close()  # migrated before the server starts, as `giljabi serve` would
    port = free_port()
    env = {**os.environ, "GILJABI_DATA_DIR": str(NLU_CACHE)}  # the answer ranker's model: the session's
    process = subprocess.Popen([sys.executable, str(SERVER), db_url, str(port), str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # start-up only (imports, content), slow on a busy machine
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() >= deadline:
                process.kill()  # its stderr ends only when it does: read after, never block on a live server
                process.wait(10)
                raise AssertionError(f"the server did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
        acknowledged: list[tuple[str, str]] = []
        stop = threading.Event()
        lock = threading.Lock()

        def client(n: int) -> None:
            with httpx.Client(timeout=5) as http:
                i = 0
                while not stop.is_set():
                    i += 1
                    body = skill_request(f"load-{n}", f"질문 {i}", "m" if i % 3 == 0 else None)
                    body["userRequest"]["requestId"] = f"r-{n}-{i}"
                    try:
                        response = http.post(f"{base}/kakao/skill", json=body, headers={"X-Skill-Secret": KAKAO_SECRET})
                    except httpx.HTTPError:
                        return  # the server died mid-request: not acknowledged
                    if response.status_code == 200 and not any(f in response.text for f in FAILED):
                        with lock:
                            acknowledged.append((f"load-{n}", f"r-{n}-{i}"))

        clients = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in clients:
            t.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 30 and time.monotonic() < deadline:  # kill it mid-load, not at start-up
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        stop.set()
        for t in clients:
            t.join(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    assert len(acknowledged) >= 20, "too little load to prove anything"
    store = Store(db_url)
    try:
        with store.unit() as s:
            stored = set(s.execute(
                select(User.user_key, ProcessedMessage.message_id).join(User, User.id == ProcessedMessage.user_id)
            ).all())
    finally:
        store.close()
    missing = [a for a in acknowledged if a not in stored]
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged turns were lost: {missing[:5]}"
