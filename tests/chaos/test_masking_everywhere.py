"""Resident, card and passport numbers, in every spelling, through every channel: none reaches a
table, the parser, a log line or a metric, and every turn tells the user it was masked."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.messages import Inbound
from bot.server import create_app
from bot.store.models import Base
from tests.bot.conftest import KAKAO_SECRET, TOKEN, WEBHOOK_SECRET, fake_parse, wait_until
from tests.bot.test_kakao import skill_request
from tests.bot.test_telegram import callback_update, message_update
from tests.chaos.conftest import Haystack
from tests.chaos.spellings import card_spellings, passport_spellings, resident_spellings

NOTICE = {"resident": "주민등록번호로 보이는", "card": "카드 번호로 보이는", "passport": "여권 번호로 보이는"}
CASES = (
    [(t, s, "resident") for t, s in resident_spellings()]
    + [(t, s, "card") for t, s in card_spellings()]
    + [(t, s, "passport") for t, s in passport_spellings()]
)


def test_there_are_at_least_60_resident_spellings() -> None:
    assert len(resident_spellings()) >= 60


def test_no_number_is_stored_parsed_logged_or_counted(make_assistant, make_settings, serve_app, http,
                                                     bot_api, captured_log) -> None:
    settings = make_settings(  # Telegram's 30 messages a second are not under test here
        telegram_token=TOKEN, telegram_webhook_secret=WEBHOOK_SECRET, telegram_api_base_url=bot_api.url,
        telegram_rate_limit=False,
    )
    log = captured_log("DEBUG")
    parsed: list[str] = []

    def spy(text: str) -> dict[str, Any]:
        parsed.append(text)
        return fake_parse(text)

    assistant = make_assistant(parser=spy)
    base = serve_app(create_app(assistant, settings))
    kakao_headers = {"X-Skill-Secret": KAKAO_SECRET}
    telegram_headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    pending: list[tuple[int, str, str]] = []
    for n, (text, _secret, kind) in enumerate(CASES):
        told = NOTICE[kind]
        for user, payload in ((f"k{n}", None), (f"kp{n}", text)):  # typed, and forged into a button's payload
            body = skill_request(user, text, payload)
            body["userRequest"]["requestId"] = f"req-{n}-{user}"
            answer = http.post(f"{base}/kakao/skill", json=body, headers=kakao_headers)
            assert answer.status_code == 200 and told in answer.text, (text, payload, answer.text)
        for offset, update in enumerate((message_update(10_000 + 2 * n, text, chat=50_000 + n),
                                         callback_update(10_001 + 2 * n, text, chat=60_000 + n))):
            chat = 50_000 + n if offset == 0 else 60_000 + n
            response = http.post(f"{base}/telegram/webhook", json=update, headers=telegram_headers)
            assert response.status_code == 200, response.text
            pending.append((chat, told, text))
        replies = assistant.handle(Inbound(channel="cli", user_key=f"c{n}", text=text))
        assert told in replies[0].text, text
    # Telegram answers go out through the outbox, a moment after each webhook call returned
    wait_until(lambda: {int(p["chat_id"]) for p in bot_api.sent()} >= {c for c, _, _ in pending}, 20, "answers")
    for chat, told, text in pending:
        sent = [p["text"] for p in bot_api.sent() if int(p["chat_id"]) == chat]
        assert any(told in s for s in sent), (text, sent)

    metrics = http.get(f"{base}/metrics").text
    dump = table_dump(assistant.store)
    logged = log.getvalue()
    assert logged.strip(), "the log captured nothing: the check below would prove nothing"
    assert len(dump) > 5 * len(CASES)
    places = {
        "tables": Haystack(dump), "parser": Haystack(parsed), "log": Haystack(logged.splitlines()),
        "metrics": Haystack([metrics]), "telegram": Haystack([p["text"] for p in bot_api.sent()]),
    }
    for text, secret, _kind in CASES:
        for name, haystack in places.items():
            assert not haystack.leaks(secret), (name, text, haystack.where(secret))


def table_dump(store) -> list[str]:
    """Every value of every row of every table, as text (JSON for structures)."""
    values: list[str] = []
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                values += [json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v) for v in row]
    return values
