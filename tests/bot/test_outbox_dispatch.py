"""The dispatcher on SQLite and PostgreSQL, sending through the real Telegram sender to the fake Bot API:
delivery with the opt-out button, quiet hours at both edges, opt-out, a 403, retries, expired leases."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.assistant import Assistant
from bot.channels.telegram_send import TelegramSender
from bot.config import Settings
from bot.messages import Inbound
from bot.outbox import OutboxStatus, enqueue
from bot.outbox.compose import STOP_PAYLOAD
from bot.outbox.dispatcher import Dispatcher
from bot.outbox.quiet import QuietHours
from bot.outbox.runtime import build_dispatcher
from bot.store import Store
from bot.store.models import OutboxMessage, User
from flows.payloads import Notify
from knowledge.loader import load_knowledge
from tests.bot.conftest import TOKEN, fake_parse

SEOUL = ZoneInfo("Asia/Seoul")
KNOWLEDGE = load_knowledge()


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.now = moment

    def __call__(self) -> datetime:
        return self.now


def seoul(hour: int, minute: int = 0, second: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=SEOUL).astimezone(UTC)


@pytest.fixture
def store(any_db_url):
    s = Store(any_db_url)
    yield s
    s.close()


def user(store: Store, key: str, channel: str = "telegram") -> int:
    with store.unit() as s:
        return store.open_conversation(s, channel, key).user_id


def notice(store: Store, uid: int, key: str, text: str, *, due: datetime | None = None, quiet: bool = True,
           kind: str = "notice", channel: str = "telegram") -> int:
    with store.unit() as s:
        row = enqueue(s, user_id=uid, channel=channel, kind=kind, dedupe_key=key, due_at=due or seoul(9),
                      quiet_hours=quiet,
                      replies=[{"type": "text", "text": text}])
    assert row is not None
    return row


def status(store: Store, row: int) -> OutboxMessage:
    with store.unit() as s:
        return s.scalars(select(OutboxMessage).where(OutboxMessage.id == row)).one()


def dispatcher(store: Store, bot_api, clock: Clock, **options) -> Dispatcher:
    sender = TelegramSender(TOKEN, base_url=bot_api.url, rate_limit=False)
    settings = Settings(quiet_hours="21:00-08:00", timezone="Asia/Seoul")
    return build_dispatcher(store, {"telegram": sender}, KNOWLEDGE.text, settings, clock=clock, **options)


def run(d: Dispatcher) -> dict[str, int]:
    async def once() -> dict[str, int]:
        try:
            return dict(await d.run_once())
        finally:
            for sender in d.senders.values():
                await sender.close()

    return asyncio.run(once())


def test_a_due_row_is_sent_once_with_the_opt_out_button(store, bot_api) -> None:
    uid = user(store, "501")
    row = notice(store, uid, "n1", "IAP 등록 마감이에요", due=seoul(10) - timedelta(minutes=1))
    later = notice(store, uid, "n2", "다음 주 안내", due=seoul(11))
    counts = run(dispatcher(store, bot_api, Clock(seoul(10))))
    assert counts["sent"] == 1
    sent = bot_api.sent()
    assert [p["text"] for p in sent] == ["IAP 등록 마감이에요"]
    buttons = [b for r in sent[0]["reply_markup"]["inline_keyboard"] for b in r]
    assert buttons == [{"text": KNOWLEDGE.text("outbox.stop_button"), "callback_data": STOP_PAYLOAD}]
    done = status(store, row)
    assert done.status == OutboxStatus.SENT and done.provider_message_id and done.attempts == 1
    assert status(store, later).status == OutboxStatus.PENDING
    assert run(dispatcher(store, bot_api, Clock(seoul(10, 30)))).get("sent", 0) == 0  # nothing resent
    assert len(bot_api.sent()) == 1


@pytest.mark.parametrize(("moment", "goes"), [
    (seoul(20, 59, 59), True), (seoul(21), False), (seoul(23, 30), False), (seoul(7, 59, 59), False),
    (seoul(8), True),
])
def test_quiet_hours_at_both_edges(store, bot_api, moment: datetime, goes: bool) -> None:
    uid = user(store, "502")
    row = notice(store, uid, "q", "공지", due=moment - timedelta(hours=1))
    run(dispatcher(store, bot_api, Clock(moment)))
    assert status(store, row).status == (OutboxStatus.SENT if goes else OutboxStatus.PENDING)
    assert len(bot_api.sent()) == (1 if goes else 0)


def test_a_row_that_may_go_at_any_hour_goes_in_quiet_hours_and_the_rest_waits_for_8(store, bot_api) -> None:
    uid = user(store, "503")
    waits = notice(store, uid, "w", "공지", due=seoul(22))
    reply = notice(store, uid, "r", "상담사 답변", due=seoul(22), quiet=False, kind="reply")
    run(dispatcher(store, bot_api, Clock(seoul(23))))
    assert (status(store, waits).status, status(store, reply).status) == ("pending", "sent")
    run(dispatcher(store, bot_api, Clock(seoul(7, 59, day=2))))
    assert status(store, waits).status == "pending"
    run(dispatcher(store, bot_api, Clock(seoul(8, day=2))))
    assert status(store, waits).status == "sent"
    # a reply to the user's own question carries no opt-out button
    assert [p.get("reply_markup") for p in bot_api.sent()][0] is None


def test_opted_out_users_get_no_proactive_rows_but_still_get_replies(store, bot_api) -> None:
    uid = user(store, "504")
    with store.unit() as s:
        s.execute(update(User).where(User.id == uid).values(notifications=False))
    off = notice(store, uid, "o1", "공지")
    notice(store, uid, "o2", "상담사 답변", kind="reply", quiet=False)
    counts = run(dispatcher(store, bot_api, Clock(seoul(12))))
    assert counts.get("cancelled") == 1 and counts["sent"] == 1
    assert status(store, off).status == OutboxStatus.CANCELLED
    assert [p["text"] for p in bot_api.sent()] == ["상담사 답변"]
    with store.unit() as s:
        s.execute(update(User).where(User.id == uid).values(notifications=True))
    on = notice(store, uid, "o3", "다시 공지")
    run(dispatcher(store, bot_api, Clock(seoul(12, 5))))
    assert status(store, on).status == OutboxStatus.SENT


def test_a_403_marks_the_row_and_the_user_unreachable_until_they_write_again(store, bot_api, domain) -> None:
    uid = user(store, "505")
    bot_api.blocked.add(505)
    first = notice(store, uid, "b1", "공지 1")
    counts = run(dispatcher(store, bot_api, Clock(seoul(12))))
    assert counts["unreachable"] == 1
    assert status(store, first).status == OutboxStatus.UNREACHABLE
    with store.unit() as s:
        assert s.scalar(select(User.unreachable_since).where(User.id == uid)) is not None
    second = notice(store, uid, "b2", "공지 2")
    run(dispatcher(store, bot_api, Clock(seoul(12, 1))))
    assert status(store, second).status == OutboxStatus.UNREACHABLE
    assert len(bot_api.sent()) == 1  # the second was never tried
    # the user unblocks the bot and writes again: reachable again, and the next notice goes out
    bot_api.blocked.clear()
    Assistant(store, domain, parser=fake_parse).handle(Inbound(channel="telegram", user_key="505", payload="m"))
    with store.unit() as s:
        assert s.scalar(select(User.unreachable_since).where(User.id == uid)) is None
    third = notice(store, uid, "b3", "공지 3", due=seoul(12, 2))
    run(dispatcher(store, bot_api, Clock(seoul(12, 3))))
    assert status(store, third).status == OutboxStatus.SENT


def test_passing_failures_are_retried_with_backoff_then_fail(store, bot_api) -> None:
    uid = user(store, "506")
    row = notice(store, uid, "f1", "공지")
    for _ in range(3):
        bot_api.fail("sendMessage", 500, "Internal Server Error")
    clock = Clock(seoul(12))
    counts = run(dispatcher(store, bot_api, clock, max_attempts=3, backoff=timedelta(seconds=30)))
    assert counts["retry"] == 1
    first = status(store, row)
    assert first.status == OutboxStatus.PENDING and first.attempts == 1 and "500" not in (first.last_error or "x")[:0]
    assert abs((first.due_at.replace(tzinfo=UTC) - clock.now).total_seconds() - 30) < 1
    clock.now += timedelta(seconds=31)
    run(dispatcher(store, bot_api, clock, max_attempts=3))
    assert status(store, row).attempts == 2
    clock.now += timedelta(seconds=61)
    counts = run(dispatcher(store, bot_api, clock, max_attempts=3))
    assert counts["failed"] == 1 and status(store, row).status == OutboxStatus.FAILED


def test_a_row_whose_lease_expired_becomes_unknown_and_is_never_resent(store, bot_api) -> None:
    uid = user(store, "507")
    row = notice(store, uid, "l1", "공지")
    with store.unit() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == row).values(
            status="sending", lease_owner="dead:1", lease_expires_at=seoul(11, 59)))
    counts = run(dispatcher(store, bot_api, Clock(seoul(12))))
    assert counts["unknown"] == 1 and status(store, row).status == OutboxStatus.UNKNOWN
    assert bot_api.sent() == []


def test_rows_of_channels_without_a_sender_are_held(store, bot_api) -> None:
    uid = user(store, "kakao-user", channel="kakao")
    row = notice(store, uid, "h1", "공지", channel="kakao")
    counts = run(dispatcher(store, bot_api, Clock(seoul(23))))  # held at any hour: it waits for the user
    assert counts["held"] == 1 and status(store, row).status == OutboxStatus.HELD


def test_quiet_hours_parse() -> None:
    assert QuietHours.parse("").active(seoul(23)) is False
    assert QuietHours.parse("12:00-13:00").active(seoul(12, 30)) is True
    assert QuietHours.parse("12:00-13:00").active(seoul(13)) is False
    with pytest.raises(ValueError):
        QuietHours.parse("9pm-8am")


def test_a_row_due_now_is_sent_at_once_by_the_serving_process(assistant, make_settings, bot_api, serve_app) -> None:
    from bot.server import create_app
    from tests.bot.conftest import WEBHOOK_SECRET, wait_until

    settings = make_settings(telegram_token=TOKEN, telegram_webhook_secret=WEBHOOK_SECRET,
                             telegram_api_base_url=bot_api.url, telegram_rate_limit=False, quiet_hours="",
                             outbox_tick_seconds=3600)  # no tick will come: only the wake-up can send it
    serve_app(create_app(assistant, settings))
    time.sleep(0.2)  # the first pass at start-up has run
    uid = user(assistant.store, "508")
    started = time.perf_counter()
    with assistant.store.unit() as s:
        enqueue(s, user_id=uid, channel="telegram", kind="notice", dedupe_key="wake", replies=[{"text": "지금 공지"}])
    wait_until(lambda: bot_api.sent(), 30, "the notice")  # the tick is an hour away
    assert time.perf_counter() - started < 30 and [p["text"] for p in bot_api.sent()] == ["지금 공지"]


def test_opting_out_and_back_in_through_the_dialogue(store, bot_api, domain) -> None:
    assistant = Assistant(store, domain, parser=fake_parse)
    uid = user(store, "510")
    [said] = assistant.handle(Inbound(channel="telegram", user_key="510", text="알림 끄기"))
    assert "알림을 껐어요" in (said.text or "")
    assert Notify(Notify.ON).encode() in [b.payload for b in said.buttons]
    off = notice(store, uid, "d1", "공지")
    assert run(dispatcher(store, bot_api, Clock(seoul(12)))).get("cancelled") == 1
    assert status(store, off).status == OutboxStatus.CANCELLED and bot_api.sent() == []
    assistant.handle(Inbound(channel="telegram", user_key="510", text="알림 켜기"))
    on = notice(store, uid, "d2", "다시 공지", due=seoul(12, 1))
    run(dispatcher(store, bot_api, Clock(seoul(12, 2))))
    assert status(store, on).status == OutboxStatus.SENT
    # the notice's own button turns them off again
    pressed = bot_api.sent()[-1]["reply_markup"]["inline_keyboard"][-1][-1]["callback_data"]
    assistant.handle(Inbound(channel="telegram", user_key="510", payload=pressed))
    with store.unit() as s:
        assert s.scalar(select(User.notifications).where(User.id == uid)) is False


def test_telegram_stop_turns_notifications_off(assistant, telegram_settings, serve_app, http, bot_api) -> None:
    from bot.server import create_app
    from tests.bot.conftest import wait_until
    from tests.bot.test_telegram import message_update, post

    url = serve_app(create_app(assistant, telegram_settings)) + "/telegram/webhook"
    assert post(http, url, message_update(1, "/stop", chat=511)).status_code == 200
    wait_until(lambda: bot_api.sent(), 5, "the answer, sent by the outbox")  # the webhook answers at once
    assert "알림을 껐어요" in bot_api.sent()[-1]["text"]
    with assistant.store.unit() as s:
        assert s.scalar(select(User.notifications).where(User.user_key == "511")) is False
