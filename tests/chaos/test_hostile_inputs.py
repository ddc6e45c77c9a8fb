"""Inputs that used to fail every time: a request id shared by two users, ids too long for their
column, NUL and lone surrogates, JSON types where a string belongs, huge bodies, more turns at
once than the process should queue."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from bot.assistant import Assistant
from bot.messages import Inbound
from bot.server import create_app
from bot.store.models import ProcessedMessage, Turn, User
from tests.bot.conftest import KAKAO_SECRET, WEBHOOK_SECRET, fake_parse, wait_until
from tests.bot.test_kakao import skill_request
from tests.bot.test_server import SlowAssistant, metric
from tests.bot.test_store import db_url, store  # noqa: F401 - fixtures: SQLite and PostgreSQL
from tests.bot.test_telegram import message_update

EMPTY = "메시지가 비어 있어요"


def kakao(http, base: str, body: object) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=True).encode()
    return http.post(f"{base}/kakao/skill", content=content,
                     headers={"X-Skill-Secret": KAKAO_SECRET, "Content-Type": "application/json"})


def test_two_users_with_one_request_id_each_get_their_own_answer(store, domain) -> None:  # noqa: F811
    assistant = Assistant(store, domain, fake_parse)
    first = assistant.handle(Inbound(channel="kakao", user_key="alice", payload="f:worknet_signup", message_id="r1"))
    second = assistant.handle(Inbound(channel="kakao", user_key="bob", payload="m", message_id="r1"))
    assert first[0].to_dict() != second[0].to_dict()
    assert second[0].type == "list"  # bob's menu, not alice's guide card
    again = assistant.handle(Inbound(channel="kakao", user_key="bob", payload="p", message_id="r1"))
    assert [r.to_dict() for r in again] == [r.to_dict() for r in second]  # bob's own redelivery: replayed
    with store.unit() as s:
        assert s.scalar(select(func.count()).select_from(Turn)) == 2
        assert s.scalar(select(func.count()).select_from(ProcessedMessage)) == 2


def test_hostile_strings_are_stored_cleaned_on_both_backends(store, domain) -> None:  # noqa: F811
    assistant = Assistant(store, domain, fake_parse)
    long_user, long_id = "u" * 300, "r" * 300
    cases = [
        Inbound(channel="kakao", user_key=long_user, text="안녕", message_id=long_id),
        Inbound(channel="kakao", user_key="nul\x00user", text="a\x00b 질문", message_id="id\x00"),
        Inbound(channel="kakao", user_key="s", payload="f:worknet\x00_signup"),
        Inbound(channel="kakao", user_key="s", text="외로운 \ud800 서러게이트"),
        Inbound(channel="kakao", user_key="s", payload="\udfff"),
    ]
    for inbound in cases:
        replies = assistant.handle(inbound)
        assert replies and "문제가 생겼어요" not in (replies[0].text or ""), inbound
    replay = assistant.handle(cases[0])  # the hashed ids still dedupe
    assert [r.to_dict() for r in replay] == [r.to_dict() for r in assistant.handle(cases[0])]
    with store.unit() as s:
        keys = set(s.scalars(select(User.user_key)))
        assert len(s.scalars(select(Turn)).all()) == len(cases)
    assert all(len(k) <= 128 and "\x00" not in k for k in keys) and any(k.startswith("h:") for k in keys)


@pytest.mark.parametrize("utterance", [123, 4.5, ["목록"], {"a": 1}, None, True])
def test_kakao_utterance_of_another_json_type_is_an_empty_message(utterance, assistant, make_settings, serve_app,
                                                                  http) -> None:
    base = serve_app(create_app(assistant, make_settings()))
    body = skill_request("typed", "x")
    body["userRequest"]["utterance"] = utterance
    response = kakao(http, base, body)
    assert response.status_code == 200 and EMPTY in response.text


def test_kakao_ids_of_other_types_and_lone_surrogates_over_http(assistant, make_settings, serve_app, http) -> None:
    base = serve_app(create_app(assistant, make_settings()))
    body = skill_request("x", "질문")
    body["userRequest"]["user"]["id"] = 98765
    body["userRequest"]["requestId"] = ["not", "a", "string"]
    assert kakao(http, base, body).status_code == 200
    raw = json.dumps(skill_request("lone", "질문 \ud800", "f:\udc00")).encode()
    response = kakao(http, base, raw)
    assert response.status_code == 200 and "문제가 생겼어요" not in response.text


@pytest.mark.parametrize("text", [42, ["a", "b"], {"x": 1}, None])
def test_telegram_text_of_another_json_type_gets_the_empty_answer(text, assistant, telegram_settings, serve_app,
                                                                   http, bot_api) -> None:
    base = serve_app(create_app(assistant, telegram_settings))
    update = message_update(7, "placeholder", chat=4242)
    update["message"]["text"] = text
    response = http.post(f"{base}/telegram/webhook", json=update,
                         headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
    assert response.status_code == 200, response.text
    wait_until(lambda: any(EMPTY in p["text"] for p in bot_api.sent()), 5, "the empty-message answer")


@pytest.mark.parametrize("path", ["/kakao/skill", "/telegram/webhook"])
def test_huge_bodies_get_413_without_being_read(path, assistant, telegram_settings, serve_app, http) -> None:
    base = serve_app(create_app(assistant, telegram_settings))
    huge = b'{"a": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    headers = {"X-Skill-Secret": KAKAO_SECRET, "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    assert http.post(base + path, content=huge, headers=headers).status_code == 413

    def chunks():  # no Content-Length: the limit still holds while the body streams in
        for _ in range(40):
            yield b"x" * 65536

    assert http.post(base + path, content=chunks(), headers=headers).status_code == 413
    assert http.get(f"{base}/healthz").status_code == 200


def test_turns_beyond_the_cap_get_busy_at_once(make_settings, serve_app, monkeypatch) -> None:
    import bot.channels.kakao_skill

    # only the cap can answer "busy" here: no turn reaches the channel's budget while the test runs
    monkeypatch.setattr(bot.channels.kakao_skill, "KAKAO_BUDGET_SECONDS", 60.0)
    held = SlowAssistant()  # its turns run until released
    base = serve_app(create_app(held, make_settings(max_turns_in_flight=2), turn_threads=2))

    def ask(user: str) -> str:
        with httpx.Client(timeout=30) as client:
            response = kakao(client, base, skill_request(user, "안녕"))
        return response.json()["template"]["outputs"][0]["simpleText"]["text"]

    with ThreadPoolExecutor(6) as pool:
        try:
            admitted = [pool.submit(ask, f"cap{n}") for n in range(2)]
            wait_until(lambda: len(held.handled) == 2, 30, "two turns running")
            # the cap is full and its turns cannot end yet: the next ones are answered busy at once,
            # not after the turns ahead (no turn ends before these answers are in)
            busy = list(pool.map(ask, [f"cap{n}" for n in range(2, 6)]))
            assert busy == ["[channel.busy]"] * 4 and not held.release.is_set()
            assert sorted(held.handled) == ["cap0", "cap1"]
        finally:
            held.release.set()
        assert [a.result() for a in admitted] == ["늦은 답", "늦은 답"]
    metrics = httpx.get(f"{base}/metrics", timeout=30).text
    assert metric(metrics, 'giljabi_errors_total{channel="kakao",kind="busy"}') == 4
