"""The Telegram token (and the webhook and skill secrets) never reach the log: a full Telegram
session, by webhook and by long polling, captured at DEBUG and at INFO. Even with a library's logger
turned down to DEBUG by hand, the redacting handler still hides the token."""

from __future__ import annotations

import logging

import pytest

from bot.logs import NOISY_LOGGERS, redact, register_secret
from bot.server import create_app
from tests.bot.conftest import KAKAO_SECRET, TOKEN, WEBHOOK_SECRET, wait_until
from tests.bot.test_telegram import callback_update, message_update

SECRETS = (TOKEN, TOKEN.split(":", 1)[1], WEBHOOK_SECRET, KAKAO_SECRET)


def session(mode: str, http, base: str, bot_api) -> None:
    """/start, typed text, a button, a refused send, a forged webhook call, a malformed body."""
    updates = [message_update(1, "/start", chat=901), message_update(2, "워크넷 가입 어떻게 해요?", chat=902),
               callback_update(3, "f:worknet_signup", chat=903), message_update(4, "다음", chat=903)]
    bot_api.fail("sendMessage", 400, "Bad Request: chat not found")
    if mode == "polling":
        bot_api.updates = updates
        wait_until(lambda: {int(p["chat_id"]) for p in bot_api.sent()} >= {901, 902, 903}, 15, "the polled updates")
        return
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    for update in updates:
        assert http.post(f"{base}/telegram/webhook", json=update, headers=headers).status_code in (200, 503)
    http.post(f"{base}/telegram/webhook", json=updates[0], headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
    http.post(f"{base}/telegram/webhook", content=b"{", headers=headers)


@pytest.mark.parametrize("forced", [False, True], ids=["configured", "library-debug"])
@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
@pytest.mark.parametrize("mode", ["webhook", "polling"])
def test_token_never_in_the_log_of_a_telegram_session(mode, level, forced, assistant, telegram_settings, serve_app,
                                                      http, bot_api, captured_log) -> None:
    log = captured_log(level)
    if forced:  # someone turned the libraries up by hand: the handler's redaction still holds
        for name in NOISY_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        app = create_app(assistant, telegram_settings, telegram_polling=mode == "polling",
                         telegram_webhook_url=None if mode == "polling" else "https://bot.example/telegram/webhook")
        base = serve_app(app)
        session(mode, http, base, bot_api)
        wait_until(lambda: bot_api.sent(), 5, "a reply")
    finally:
        for name in NOISY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
    text = log.getvalue()
    assert "Telegram on" in text or level != "INFO" or "telegram" in text.lower()
    for secret in SECRETS:
        assert secret not in text, (secret, [line for line in text.splitlines() if secret in line][:3])
    if forced:
        assert "[secret]" in text  # the library lines were there, redacted


def test_redaction_of_real_shaped_tokens_and_registered_secrets() -> None:
    real = "1234567890:AAH" + "x" * 32
    assert real not in redact(f"POST https://api.telegram.org/bot{real}/sendMessage")
    register_secret("s3cr3t-value")
    assert redact("header s3cr3t-value") == "header [secret]"
    assert redact("주민번호 900101-1234567") == "주민번호 ******-*******"
