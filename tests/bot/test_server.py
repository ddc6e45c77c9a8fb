"""The server over real HTTP: health, metrics, channel switches, the turn budget, ``giljabi serve``."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.assistant import TurnResult
from bot.cli import build_parser
from bot.messages import Inbound, Reply
from bot.server import create_app
from flows.payloads import Handoff
from tests.bot.conftest import KAKAO_SECRET, wait_until
from tests.bot.test_kakao import skill_request


def kakao(http, base: str, user: str, text: str, payload: str | None = None):
    return http.post(f"{base}/kakao/skill", json=skill_request(user, text, payload),
                     headers={"X-Skill-Secret": KAKAO_SECRET})


def metric(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{line_start} not in metrics")



def test_a_server_stopped_right_after_its_start_logs_no_failure(assistant, make_settings, caplog) -> None:
    """The first planner and outbox passes begin at start; a stop then waits for them to end instead of
    cancelling them (APScheduler logged a cancelled pass as a failed job, with its traceback)."""
    from tests.bot.conftest import ServerThread

    with caplog.at_level(logging.ERROR):  # (a busy machine may delay a first pass: APScheduler warns)
        for _ in range(5):
            server = ServerThread(create_app(assistant, make_settings()))
            server.start()
            server.stop()
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]

def test_healthz_is_liveness_and_readyz_reports_the_database(assistant, make_settings, serve_app, http,
                                                              monkeypatch) -> None:
    base = serve_app(create_app(assistant, make_settings()))
    response = http.get(f"{base}/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "storage": "ok"})
    assert (http.get(f"{base}/readyz").status_code, http.get(f"{base}/readyz").json()) == (200, {"status": "ready"})
    monkeypatch.setattr(assistant.store, "check_ready", lambda deadline: "read-only")
    response = http.get(f"{base}/readyz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "reason": "read-only"})
    response = http.get(f"{base}/healthz")  # alive, and saying what the last probe found
    assert (response.status_code, response.json()) == (200, {"status": "ok", "storage": "read-only"})


def test_metrics_count_turns_fallbacks_errors_and_latency(assistant, make_settings, serve_app, http) -> None:
    base = serve_app(create_app(assistant, make_settings()))
    kakao(http, base, "m1", "무슨 말인지 모를 문장")  # the fake NLU falls back
    kakao(http, base, "m1", "", "f:worknet_signup")
    http.post(f"{base}/kakao/skill", content=b"{", headers={"X-Skill-Secret": KAKAO_SECRET})
    response = http.get(f"{base}/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert metric(text, 'giljabi_turns_total{channel="kakao"}') == 2
    assert metric(text, 'giljabi_fallbacks_total{channel="kakao"}') == 1
    assert metric(text, 'giljabi_errors_total{channel="kakao",kind="bad_request"}') == 1
    assert metric(text, 'giljabi_turn_seconds_count{channel="kakao"}') == 2
    assert 'giljabi_turn_seconds_bucket{channel="kakao",le="0.1"}' in text


def test_a_handoff_request_is_counted(assistant, make_settings, serve_app, http) -> None:
    base = serve_app(create_app(assistant, make_settings()))
    assert metric(http.get(f"{base}/metrics").text, 'giljabi_handoffs_total{channel="kakao"}') == 0
    kakao(http, base, "h1", "", Handoff().encode())
    assert metric(http.get(f"{base}/metrics").text, 'giljabi_handoffs_total{channel="kakao"}') == 1


def test_a_failing_turn_is_counted_as_an_error(make_assistant, make_settings, serve_app, http) -> None:
    def broken_parser(text: str) -> dict[str, Any]:
        raise RuntimeError("model missing")

    base = serve_app(create_app(make_assistant(parser=broken_parser), make_settings()))
    response = kakao(http, base, "e1", "안녕하세요")
    assert response.status_code == 200 and response.json()["template"]["outputs"]  # the Assistant apologises
    assert metric(http.get(f"{base}/metrics").text, 'giljabi_errors_total{channel="kakao",kind="turn"}') == 1


def test_apps_have_registries_of_their_own(assistant, make_settings, serve_app, http) -> None:
    first = serve_app(create_app(assistant, make_settings()))
    second = serve_app(create_app(assistant, make_settings()))
    kakao(http, first, "r1", "", "m")
    assert metric(http.get(f"{first}/metrics").text, 'giljabi_turns_total{channel="kakao"}') == 1
    assert metric(http.get(f"{second}/metrics").text, 'giljabi_turns_total{channel="kakao"}') == 0


def test_without_a_telegram_token_telegram_is_off_and_the_rest_runs(assistant, make_settings, serve_app, http,
                                                                   caplog) -> None:
    with caplog.at_level(logging.INFO, logger="giljabi"):
        base = serve_app(create_app(assistant, make_settings()))
    assert "Telegram is off" in caplog.text
    assert http.post(f"{base}/telegram/webhook", json={"update_id": 1}).status_code == 404
    assert kakao(http, base, "t1", "", "m").status_code == 200


class SlowAssistant:
    """Each turn runs until the test lets it end (``release``; at most 30 s): a test that needs a turn
    still running when something else happens holds it, rather than guessing how long it will take."""

    class store:  # noqa: N801 - mimics the attribute
        url = "sqlite://"

        @staticmethod
        def ping() -> bool:
            return True

    def __init__(self) -> None:
        self.handled: list[str] = []
        self.release = threading.Event()

    def warm_up(self) -> None:
        pass

    def text(self, text_id: str) -> str:
        return f"[{text_id}]"

    def handle_turn(self, inbound: Inbound) -> TurnResult:
        self.handled.append(inbound.user_key)
        self.release.wait(30)
        return TurnResult([Reply(text="늦은 답")])


def test_a_turn_over_the_kakao_budget_gets_a_busy_answer(make_settings, serve_app, http, monkeypatch) -> None:
    import bot.channels.kakao_skill

    monkeypatch.setattr(bot.channels.kakao_skill, "KAKAO_BUDGET_SECONDS", 0.2)
    slow = SlowAssistant()
    base = serve_app(create_app(slow, make_settings()))
    try:
        response = kakao(http, base, "s1", "안녕")  # the turn is held: only the budget can answer
        assert response.status_code == 200
        assert response.json()["template"]["outputs"][0]["simpleText"]["text"] == "[channel.busy]"
        assert slow.handled == ["s1"] and not slow.release.is_set()
    finally:
        slow.release.set()
    metrics = http.get(f"{base}/metrics").text
    assert metric(metrics, 'giljabi_errors_total{channel="kakao",kind="timeout"}') == 1


def test_a_turn_still_queued_when_its_budget_ends_never_runs(make_settings, serve_app, monkeypatch) -> None:
    import httpx

    import bot.channels.kakao_skill

    monkeypatch.setattr(bot.channels.kakao_skill, "KAKAO_BUDGET_SECONDS", 0.3)
    slow = SlowAssistant()
    base = serve_app(create_app(slow, make_settings(), turn_threads=1))
    with ThreadPoolExecutor(2) as pool, httpx.Client(timeout=30) as client:
        try:  # the one turn thread is held by the first turn while both budgets run out
            answers = list(pool.map(lambda user: kakao(client, base, user, "안녕"), ["q1", "q2"]))
            assert len(slow.handled) == 1
        finally:
            slow.release.set()
        assert all(a.json()["template"]["outputs"][0]["simpleText"]["text"] == "[channel.busy]" for a in answers)
        # the thread is free again: a later turn runs next, and the queued one is skipped on the way
        kakao(client, base, "q3", "안녕")
    wait_until(lambda: "q3" in slow.handled, 30, "the later turn")
    assert len(slow.handled) == 2 and slow.handled[1] == "q3", slow.handled


def test_serve_command_is_registered(data_dir, monkeypatch) -> None:
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9001", "--telegram-polling"])
    assert (args.host, args.port, args.telegram_polling) == ("0.0.0.0", 9001, True)
    seen: dict[str, Any] = {}

    def fake_serve(settings, **kwargs: Any) -> None:
        seen.update(kwargs)

    import bot.server

    monkeypatch.setattr(bot.server, "serve", fake_serve)
    assert args.func(args) == 0
    assert seen == {"host": "0.0.0.0", "port": 9001, "telegram_polling": True, "telegram_webhook_url": None,
                    "turn_threads": None}
    defaults = build_parser().parse_args(["serve"])
    assert (defaults.host, defaults.port, defaults.telegram_polling) == ("127.0.0.1", 8000, False)


@pytest.mark.parametrize("path", ["/kakao/skill", "/telegram/webhook"])
def test_get_on_post_endpoints_is_405(assistant, telegram_settings, serve_app, http, path: str) -> None:
    base = serve_app(create_app(assistant, telegram_settings))
    assert http.get(base + path).status_code == 405


def test_an_unexpected_error_in_a_direct_endpoint_is_a_500_and_one_redacted_line(
        assistant, make_settings, serve_app, http, monkeypatch, caplog) -> None:
    import bot.channels.kakao

    def broken(replies: Any) -> dict[str, Any]:
        raise RuntimeError("010-1234-5678 in a message")

    monkeypatch.setattr(bot.channels.kakao, "render", broken)
    base = serve_app(create_app(assistant, make_settings()))
    with caplog.at_level(logging.ERROR, logger="giljabi"):
        response = kakao(http, base, "x1", "안녕하세요")
    assert (response.status_code, response.json()) == (500, {"detail": "internal error"})
    assert "request failed: RuntimeError" in caplog.text and "1234-5678" not in caplog.text
    assert kakao(http, base, "x1", "", "m").status_code == 500  # the server still answers
