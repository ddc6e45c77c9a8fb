"""Telegram answers through the outbox: the webhook answers at once, the answer goes out right away
from the same process, and an update delivered to two workers is answered once."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import func, select

from bot.assistant import Assistant
from bot.server import create_app
from bot.store import Store
from bot.store.models import OutboxMessage
from tests.bot.conftest import TOKEN, WEBHOOK_SECRET, fake_parse, wait_until
from tests.bot.test_store import db_url  # noqa: F401 - fixture: SQLite and PostgreSQL
from tests.bot.test_telegram import callback_update, message_update

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}


def settings_for(make_settings, bot_api):
    return make_settings(telegram_token=TOKEN, telegram_webhook_secret=WEBHOOK_SECRET,
                         telegram_api_base_url=bot_api.url, telegram_rate_limit=False)


def test_the_webhook_answers_before_a_slow_turn_ends(make_assistant, make_settings, serve_app, http,
                                                      bot_api) -> None:
    release = threading.Event()

    def slow_parse(text: str) -> dict[str, Any]:
        if "천천히" in text:
            release.wait(30)  # the turn runs until the webhook has answered
        return fake_parse(text)

    base = serve_app(create_app(make_assistant(parser=slow_parse), settings_for(make_settings, bot_api)))
    try:
        response = http.post(f"{base}/telegram/webhook", json=message_update(1, "천천히 답해 주세요", chat=701),
                             headers=HEADERS)
        assert response.status_code == 200 and response.json()["outcome"] == "accepted"
        assert not [p for p in bot_api.sent() if int(p["chat_id"]) == 701]  # the turn is still running
    finally:
        release.set()
    wait_until(lambda: [p for p in bot_api.sent() if int(p["chat_id"]) == 701], 30, "the answer")


def test_answers_of_one_chat_go_out_in_order(assistant, make_settings, serve_app, http, bot_api) -> None:
    base = serve_app(create_app(assistant, settings_for(make_settings, bot_api)))
    for n, update in enumerate([message_update(11, "/progress", chat=702), message_update(12, "/start", chat=702),
                                callback_update(13, "f:worknet_signup", chat=702)]):
        assert http.post(f"{base}/telegram/webhook", json=update, headers=HEADERS).status_code == 200, n
    wait_until(lambda: any("워크넷 가입하기" in p["text"] for p in bot_api.sent()), 10, "the third answer")
    texts = [p["text"] for p in bot_api.sent() if int(p["chat_id"]) == 702]
    progress = next(i for i, t in enumerate(texts) if "진행상황" in t)
    guide = next(i for i, t in enumerate(texts) if "워크넷 가입하기" in t)
    assert progress < guide


def test_one_update_delivered_to_two_workers_is_answered_once(db_url, domain, make_settings, serve_app, http,  # noqa: F811
                                                               bot_api) -> None:
    stores = [Store(db_url), Store(db_url)]  # two workers, one database
    try:
        settings = settings_for(make_settings, bot_api)
        bases = [serve_app(create_app(Assistant(store, domain, fake_parse), settings)) for store in stores]
        update = message_update(21, "두 번 배달된 메시지", chat=703)
        for base in bases:
            assert http.post(f"{base}/telegram/webhook", json=update, headers=HEADERS).status_code == 200
        wait_until(lambda: [p for p in bot_api.sent() if int(p["chat_id"]) == 703], 10, "the answer")
        time.sleep(0.5)  # time for a second send, if there were one
        answers = [p for p in bot_api.sent() if int(p["chat_id"]) == 703]
        with stores[0].unit() as s:
            rows = s.scalar(select(func.count()).select_from(OutboxMessage))
        assert rows == 1
        assert len(answers) == len({a["text"] for a in answers}), [a["text"] for a in answers]
    finally:
        for store in stores:
            store.close()


def test_a_turn_that_cannot_record_its_answer_still_apologises(assistant, make_settings, serve_app, http, bot_api,
                                                               monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(assistant.store, "record_turn", broken)
    base = serve_app(create_app(assistant, settings_for(make_settings, bot_api)))
    response = http.post(f"{base}/telegram/webhook", json=message_update(31, "안녕", chat=704), headers=HEADERS)
    assert response.status_code == 200
    wait_until(lambda: any("문제가 생겼어요" in p["text"] for p in bot_api.sent()), 10, "the apology")
