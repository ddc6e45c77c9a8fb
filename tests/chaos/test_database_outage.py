"""A database that stops answering, fills up or turns read-only: the server keeps answering kindly
within Kakao's budget, says so on /readyz, logs a bounded number of lines, and recovers."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from bot.assistant import Assistant
from bot.server import create_app
from bot.store import Store
from tests.bot.conftest import KAKAO_SECRET, fake_parse
from tests.bot.test_kakao import skill_request
from tests.chaos.proxy import StallingProxy
from tests.conftest import postgres_url, schema_url

KIND = "잠시 후"  # error.storage and channel.busy both ask to try again shortly


def kakao(http, base: str, user: str, utterance: str = "안녕하세요 궁금한 게 있어요", timeout: float = 10.0):
    started = time.monotonic()
    response = http.post(f"{base}/kakao/skill", json=skill_request(user, utterance),
                         headers={"X-Skill-Secret": KAKAO_SECRET}, timeout=timeout)
    return response, time.monotonic() - started


@pytest.fixture
def proxied_postgres():
    base = postgres_url()
    if base is None:
        pytest.skip("GILJABI_TEST_POSTGRES_URL is not set")
    url = make_url(base)
    proxy = StallingProxy((url.host or "127.0.0.1", url.port or 5432))
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    yield proxy, schema_url(through, schema)
    proxy.close()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.mark.postgres
def test_a_postgres_that_stops_answering(proxied_postgres, domain, make_settings, serve_app, http,
                                         captured_log) -> None:
    proxy, url = proxied_postgres
    log = captured_log("INFO")
    store = Store(url)
    try:
        base = serve_app(create_app(Assistant(store, domain, fake_parse), make_settings()))
        assert kakao(http, base, "before")[0].status_code == 200
        assert http.get(f"{base}/readyz").status_code == 200

        proxy.pause()
        started = time.monotonic()
        ready = http.get(f"{base}/readyz")
        assert ready.status_code == 503 and time.monotonic() - started < 2.0, ready.text
        with ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(lambda n: kakao(http, base, f"stalled-{n}"), range(12)))
        for response, took in answers:
            assert response.status_code == 200 and took < 4.5, (response.status_code, took)
            assert KIND in response.text, response.text
        assert http.get(f"{base}/healthz").json()["storage"] != "ok"  # alive, and saying what is wrong

        proxy.resume()
        deadline = time.monotonic() + 15
        while http.get(f"{base}/readyz").status_code != 200:
            assert time.monotonic() < deadline, "not ready again after the database came back"
            time.sleep(0.2)
        started = time.monotonic()
        with ThreadPoolExecutor(16) as pool:  # more turns than turn threads: none of them is still stuck
            answers = list(pool.map(lambda n: kakao(http, base, f"after-{n}"), range(16)))
        assert all(r.status_code == 200 and KIND not in r.text for r, _ in answers), [r.text for r, _ in answers]
        assert time.monotonic() - started < 4.0
    finally:
        proxy.resume()
        store.close()
    lines = log.getvalue().splitlines()
    assert not any("Traceback" in line for line in lines)
    assert len([line for line in lines if "turn failed" in line]) <= 4, lines


def _sqlite_app(make_assistant, make_settings, serve_app, pragma: str):
    assistant = make_assistant(parser=fake_parse)
    base = serve_app(create_app(assistant, make_settings()))
    assert kakao(http_client := __import__("httpx").Client(timeout=10), base, "warm")[0].status_code == 200
    http_client.close()
    store = assistant.store
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    statement = pragma.format(pages=pages)

    @event.listens_for(store.engine, "connect")
    def _limit(dbapi_conn, _record) -> None:
        dbapi_conn.execute(statement)

    store.engine.dispose()
    return base


@pytest.mark.parametrize("pragma,reason", [
    ("PRAGMA max_page_count = {pages}", "disk-full"),
    ("PRAGMA query_only = ON", "read-only"),
], ids=["full", "read-only"])
def test_sqlite_full_or_read_only(pragma, reason, make_assistant, make_settings, serve_app, http,
                                  captured_log) -> None:
    log = captured_log("INFO")
    base = _sqlite_app(make_assistant, make_settings, serve_app, pragma)
    long_text = "취업 준비 상담 내용을 길게 적어요. " * 100
    answers = [kakao(http, base, f"u{n % 5}", long_text) for n in range(40)]
    assert all(r.status_code == 200 and took < 4.5 for r, took in answers)
    failed = [r for r, _ in answers if KIND in r.text]
    assert failed, "the database never refused a turn: the test proves nothing"
    ready = http.get(f"{base}/readyz")
    assert ready.status_code == 503 and ready.json()["reason"] == reason, ready.text
    assert http.get(f"{base}/healthz").status_code == 200
    text = log.getvalue()
    assert "Traceback" not in text
    assert len(text.splitlines()) <= 12, text  # one line per failure class, not one per turn
