"""The Telegram channel over real HTTP: webhook and long polling against a local fake Bot API."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.assistant import TurnResult
from bot.channels import telegram
from bot.messages import Button, Inbound, ListItem, Reply
from bot.server import create_app
from tests.bot.conftest import TOKEN, WEBHOOK_SECRET, wait_until
from tests.bot.test_kakao import REPLY

CHAT = 777001
USER = {"id": CHAT, "is_bot": False, "first_name": "학생", "language_code": "ko"}
PRIVATE = {"id": CHAT, "type": "private", "first_name": "학생"}


def message_update(update_id: int, text: str, chat: int = CHAT) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id, "date": 1_700_000_000, "chat": {**PRIVATE, "id": chat},
        "from": {**USER, "id": chat}, "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def callback_update(update_id: int, data: str, chat: int = CHAT) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": f"cq-{update_id}", "from": {**USER, "id": chat}, "chat_instance": "ci-1", "data": data,
        "message": {"message_id": 5, "date": 1_700_000_000, "chat": {**PRIVATE, "id": chat},
                    "from": {"id": 4242, "is_bot": True, "first_name": "길잡이"}, "text": "이전 안내"},
    }}


@pytest.fixture
def webhook(assistant, telegram_settings, serve_app) -> str:
    # the direct path: no dispatcher in this app, so each answer is sent by the webhook's own request
    # (tests/chaos/test_telegram_outbox.py covers answers through the outbox, the default)
    return serve_app(create_app(assistant, telegram_settings, dispatcher=False)) + "/telegram/webhook"


def post(http, url: str, update: Any, secret: str | None = WEBHOOK_SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return http.post(url, content=json.dumps(update, ensure_ascii=False),
                     headers={**headers, "Content-Type": "application/json"})


def keyboard(params: dict[str, Any]) -> list[dict[str, str]]:
    return [b for row in (params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


# ------------------------------------------------------------------------------------ webhook
def test_webhook_requires_the_secret_token(webhook, http, bot_api) -> None:
    update = message_update(1, "안녕")
    assert post(http, webhook, update, secret=None).status_code == 401
    assert post(http, webhook, update, secret="wrong").status_code == 401
    assert bot_api.sent() == []
    assert post(http, webhook, update).status_code == 200
    assert len(bot_api.sent()) >= 1


def test_without_a_webhook_secret_every_webhook_call_is_rejected(assistant, make_settings, bot_api, serve_app,
                                                                  http) -> None:
    settings_ = make_settings(telegram_token=TOKEN, telegram_api_base_url=bot_api.url)
    url = serve_app(create_app(assistant, settings_)) + "/telegram/webhook"
    for secret in (None, "", WEBHOOK_SECRET):
        assert post(http, url, message_update(1, "안녕"), secret=secret).status_code == 401


def test_a_text_message_gets_a_reply_in_its_chat(webhook, http, bot_api) -> None:
    response = post(http, webhook, message_update(10, "이거 어떻게 해요"))
    assert response.status_code == 200
    sent = bot_api.sent()
    assert sent and all(int(p["chat_id"]) == CHAT and p["text"].strip() for p in sent)
    assert bot_api.sent("getMe")  # the bot was initialised at start-up


def test_commands_map_to_payloads(webhook, http, bot_api) -> None:
    post(http, webhook, message_update(20, "/start"))
    menu = bot_api.sent()[-1]
    assert "m:student" in [b.get("callback_data") for b in keyboard(menu)]
    post(http, webhook, message_update(21, "/progress"))
    assert "진행상황" in bot_api.sent()[-1]["text"]
    before = len(bot_api.sent())
    post(http, webhook, message_update(22, "/menu@giljabi_test_bot"))
    assert "m:student" in [b.get("callback_data") for b in keyboard(bot_api.sent()[before])]


def test_a_button_press_answers_the_callback_and_runs_the_flow(webhook, http, bot_api) -> None:
    assert post(http, webhook, callback_update(30, "f:worknet_signup")).status_code == 200
    assert [p["callback_query_id"] for p in bot_api.sent("answerCallbackQuery")] == ["cq-30"]
    message = bot_api.sent()[-1]
    assert "워크넷 가입하기" in message["text"]
    buttons = keyboard(message)
    assert {"text": "다음 ▶", "callback_data": "n:worknet_signup:signup_open"} in buttons
    assert any(b.get("url", "").startswith("http") and "work.go.kr" in b["url"] for b in buttons)
    post(http, webhook, callback_update(31, "n:worknet_signup:signup_open"))
    assert "2/7" in bot_api.sent()[-1]["text"]


def test_a_repeated_update_is_handled_once(webhook, http, bot_api, assistant) -> None:
    update = callback_update(40, "f:worknet_signup")
    assert post(http, webhook, update).status_code == 200
    first = len(bot_api.sent())
    assert post(http, webhook, update).status_code == 200
    assert post(http, webhook, update).status_code == 200
    assert len(bot_api.sent()) == first
    assert len(bot_api.sent("answerCallbackQuery")) == 1


def test_malformed_webhook_bodies_get_400(webhook, http) -> None:
    for body in ("{nope", "[]", '{"message": {}}', "[" * 100_000):
        response = http.post(webhook, content=body, headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
        assert response.status_code == 400


class LongAssistant:
    """An Assistant stand-in whose every answer is very long."""

    class store:  # noqa: N801 - mimics the attribute
        @staticmethod
        def ping() -> bool:
            return True

    def warm_up(self) -> None:
        pass

    def text(self, text_id: str) -> str:
        return f"[{text_id}]"

    def handle_turn(self, inbound: Inbound) -> TurnResult:
        text = "\n".join(f"{n}번째 안내 문장이에요 🙂 " * 3 for n in range(200))
        return TurnResult([Reply(text=text, buttons=[Button(label="메뉴", payload="m")])])


def test_long_text_is_split_at_4096_characters(telegram_settings, serve_app, http, bot_api) -> None:
    url = serve_app(create_app(LongAssistant(), telegram_settings, dispatcher=False)) + "/telegram/webhook"
    assert post(http, url, message_update(50, "길게")).status_code == 200
    sent = bot_api.sent()
    assert len(sent) >= 3
    assert all(telegram.utf16_len(p["text"]) <= 4096 for p in sent)
    assert [bool(keyboard(p)) for p in sent] == [False] * (len(sent) - 1) + [True]
    assert sent[0]["text"].startswith("0번째") and "199번째" in sent[-1]["text"]


def test_a_refused_send_is_counted_and_not_retried(webhook, http, bot_api) -> None:
    bot_api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    assert post(http, webhook, message_update(60, "안녕")).status_code == 200
    metrics = http.get(webhook.replace("/telegram/webhook", "/metrics")).text
    assert 'giljabi_errors_total{channel="telegram",kind="send"} 1.0' in metrics


def test_a_failed_send_asks_for_redelivery_and_the_redelivery_sends_the_answer(webhook, http, bot_api) -> None:
    bot_api.fail("sendMessage", 502, "Bad Gateway")
    update = callback_update(70, "f:worknet_signup")
    assert post(http, webhook, update).status_code == 503
    assert post(http, webhook, update).status_code == 200  # Telegram's redelivery
    assert "워크넷 가입하기 · 1/7" in bot_api.sent()[-1]["text"]  # the same answer, not the next step


def test_set_webhook_at_start_when_a_public_url_is_given(assistant, telegram_settings, serve_app, bot_api) -> None:
    serve_app(create_app(assistant, telegram_settings, telegram_webhook_url="https://bot.example.kr/telegram/webhook"))
    call = bot_api.sent("setWebhook")[0]
    assert call["url"] == "https://bot.example.kr/telegram/webhook"
    assert call["secret_token"] == WEBHOOK_SECRET


# ------------------------------------------------------------------------------------ polling
def test_polling_mode_processes_get_updates_results(assistant, telegram_settings, serve_app, bot_api) -> None:
    bot_api.updates = [message_update(100, "/start"), callback_update(101, "f:worknet_signup")]
    serve_app(create_app(assistant, telegram_settings, telegram_polling=True))
    wait_until(lambda: any("워크넷 가입하기" in p["text"] for p in bot_api.sent()), 10, "the polled updates")
    assert bot_api.sent("deleteWebhook")
    offsets = [int(p.get("offset") or 0) for p in bot_api.sent("getUpdates")]
    wait_until(lambda: 102 in [int(p.get("offset") or 0) for p in bot_api.sent("getUpdates")], 5, "offset 102")
    assert offsets[0] in (0, 100)
    assert len(bot_api.sent("answerCallbackQuery")) == 1
    texts = [p["text"] for p in bot_api.sent()]
    assert any("워크넷 가입하기" in t for t in texts)



def test_a_polling_server_stops_without_a_polling_error(assistant, telegram_settings, bot_api, caplog) -> None:
    """The outbox's last pass leaves the channel's sender open: the long polling it shares a bot with
    stops cleanly (a sender closed under it failed the poll and held the shutdown 1 s in a retry)."""
    from tests.bot.conftest import ServerThread

    bot_api.updates = [message_update(100, "/start")]
    server = ServerThread(create_app(assistant, telegram_settings, telegram_polling=True))
    server.start()
    wait_until(lambda: bot_api.sent(), 10, "the polled update's answer")
    with caplog.at_level(logging.DEBUG):
        server.stop()
    assert not server.thread.is_alive()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not errors, errors
    assert int(bot_api.sent("getUpdates")[-1].get("timeout") or 0) == 0  # the last call: marks the updates read

def test_updates_of_one_chat_are_handled_in_order(bot_api) -> None:
    seen: list[str] = []
    other_done = asyncio.Event()

    async def handle(inbound: Inbound) -> list[Reply]:
        if inbound.payload == "first":
            # the other chat's update, submitted last, is handled and answered while this one is still
            # running (chats run concurrently); no fixed pause, which a loaded machine can outlast
            await asyncio.wait_for(other_done.wait(), 30)
        seen.append(str(inbound.payload))
        return [Reply(text=str(inbound.payload))]

    async def scenario() -> None:
        channel = telegram.TelegramChannel(TOKEN, handle, base_url=bot_api.url)
        await channel.start()
        a = channel.submit(telegram_update(callback_update(1, "first")))
        b = channel.submit(telegram_update(callback_update(2, "second")))
        c = channel.submit(telegram_update(callback_update(3, "other", chat=CHAT + 1)))
        c.add_done_callback(lambda _: other_done.set())
        assert await asyncio.gather(a, b, c) == ["ok", "ok", "ok"]
        await channel.stop()

    def telegram_update(data: dict[str, Any]):
        from telegram import Update

        return Update.de_json(data, None)

    asyncio.run(scenario())
    assert seen == ["other", "first", "second"]
    assert [p["text"] for p in bot_api.sent()] == ["other", "first", "second"]


# ---------------------------------------------------------------------------------- rendering
def test_render_leaves_out_callback_data_over_64_bytes(caplog) -> None:
    long_payload = "o:" + "가" * 30  # 92 bytes
    with caplog.at_level(logging.WARNING, logger="giljabi.channels.telegram"):
        out = telegram.render([Reply(text="골라요", buttons=[Button(label="긴 것", payload=long_payload),
                                                            Button(label="짧은 것", payload="m")])])
    assert [b["callback_data"] for row in out[0].keyboard for b in row] == ["m"]
    assert "64 bytes" in caplog.text


def test_render_counts_utf16_units() -> None:
    text = "🙂" * 3000  # 6,000 UTF-16 units
    parts = telegram.render([Reply(text=text)])
    assert len(parts) == 2 and all(telegram.utf16_len(p.text) <= 4096 for p in parts)
    assert "".join(p.text for p in parts) == text


def test_list_items_become_buttons_and_links() -> None:
    out = telegram.render([Reply(type="list", title="메뉴", items=[
        ListItem(title="재맞고", payload="m:student"),
        ListItem(title="워크넷", url="https://www.work.go.kr/"),
        ListItem(title="설명만", description="버튼 없음"),
    ])])
    assert out[0].keyboard == (({"text": "재맞고", "callback_data": "m:student"},),
                               ({"text": "워크넷", "url": "https://www.work.go.kr/"},))
    assert "설명만 — 버튼 없음" in out[0].text


def test_pacer_allows_a_short_burst_then_one_a_second() -> None:
    pacer = telegram.Pacer(rate=1.0, burst=3)
    delays = [pacer.delay("chat", now=100.0) for _ in range(5)]
    assert delays == [0.0, 0.0, 0.0, 1.0, 2.0]
    assert pacer.delay("other", now=100.0) == 0.0
    assert pacer.delay("chat", now=110.0) == 0.0


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # examples: the profile (tests/conftest.py)
@given(st.lists(REPLY, max_size=7))
def test_any_replies_render_within_telegram_limits(replies: list[Reply]) -> None:
    for message in telegram.render(replies):
        assert message.text.strip() and telegram.utf16_len(message.text) <= telegram.MAX_TEXT
        count = 0
        for row in message.keyboard:
            assert row
            for button in row:
                count += 1
                assert button["text"].strip()
                if "callback_data" in button:
                    assert 1 <= len(button["callback_data"].encode("utf-8")) <= 64
                else:
                    assert button["url"].startswith(("http://", "https://"))
        assert count <= telegram.MAX_BUTTONS
        assert message.markup() is None or message.markup().to_dict()
