"""The handoff state machine and the held turn, on SQLite and PostgreSQL (concurrency on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.assistant import Assistant
from bot.console import accounts
from bot.handoff import hours, machine
from bot.handoff.timeouts import expire_waiting
from bot.handoff.turn import CANCEL
from bot.messages import Inbound
from bot.store import Store
from bot.store.models import Conversation, HandoffEvent, OutboxMessage, Turn
from knowledge.schema import Institution
from tests.bot.console_support import fallback_parse, postgres_schema


class CountingParser:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str) -> dict:
        self.texts.append(text)
        return fallback_parse(text)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'handoff.sqlite3'}")
        yield s
        s.close()
        return
    with postgres_schema() as url:
        s = Store(url)
        yield s
        s.close()


@pytest.fixture
def pg_store() -> Iterator[Store]:
    with postgres_schema() as url:
        s = Store(url)
        yield s
        s.close()


def consultant(store: Store, email: str = "a@example.org") -> int:
    with store.unit() as s:
        return accounts.add(s, email, email.split("@")[0], "long-enough-pw").id


def ask_for_person(assistant: Assistant, key: str = "u1", channel: str = "telegram") -> int:
    replies = assistant.handle(Inbound(channel=channel, user_key=key, payload="c"))
    assert replies and "상담사" in replies[0].text
    with assistant.store.unit() as s:
        return assistant.store.user_id(s, channel, key)


def mode(store: Store, user_id: int) -> str:
    with store.unit() as s:
        return s.scalar(select(Conversation.mode).where(Conversation.user_id == user_id))


def test_request_claim_reply_hand_back_and_the_bot_answers_again(store: Store, domain) -> None:
    parser = CountingParser()
    assistant = Assistant(store, domain, parser)
    uid = ask_for_person(assistant)
    assert mode(store, uid) == "waiting"
    # the request's answer already said a consultant will answer: later messages are relayed silently
    assert assistant.handle(Inbound(channel="telegram", user_key="u1", text="장학금 문의요")) == []
    assert assistant.handle(Inbound(channel="telegram", user_key="u1", text="아직이에요?")) == []
    assert parser.texts == []  # a held conversation never reaches the NLU
    a, b = consultant(store), consultant(store, "b@example.org")
    with store.unit() as s:
        assert machine.claim(s, uid, a)
    with store.unit() as s:
        assert not machine.claim(s, uid, b)
        assert not machine.reply(s, uid, b, "저도요", [{"type": "text", "text": "저도요"}])
        assert machine.reply(s, uid, a, "안녕하세요", [{"type": "text", "text": "안녕하세요"}])
        assert not machine.hand_back(s, uid, b)
    with store.unit() as s:
        assert machine.hand_back(s, uid, a, "안내 완료")
    assert mode(store, uid) == "bot"
    answer = assistant.handle(Inbound(channel="telegram", user_key="u1", text="다음 단계 알려줘"))
    assert answer and parser.texts == ["다음 단계 알려줘"]
    with store.unit() as s:
        kinds = [r for r in s.execute(select(OutboxMessage.kind, OutboxMessage.quiet_hours, OutboxMessage.template))]
        actions = list(s.scalars(select(HandoffEvent.action).order_by(HandoffEvent.id)))
        texts = list(s.scalars(select(Turn.text).where(Turn.text.is_not(None)).order_by(Turn.id)))
    assert ("consultant", False, None) in kinds and ("consultant", False, "handoff.returned") in kinds
    assert actions == ["request", "message", "message", "claim", "reply", "handback"]
    assert texts == ["장학금 문의요", "아직이에요?", "다음 단계 알려줘"]


def test_the_student_can_cancel_and_kakao_always_gets_an_answer(store: Store, domain) -> None:
    assistant = Assistant(store, domain, CountingParser())
    uid = ask_for_person(assistant, "k1", "kakao")
    receipt = assistant.handle(Inbound(channel="kakao", user_key="k1", text="또 있어요"))
    assert receipt[0].text == domain.knowledge.text("handoff.relayed")
    assert [b.label for b in receipt[0].buttons] == ["상담사 답변 확인"]
    cancelled = assistant.handle(Inbound(channel="kakao", user_key="k1", text="그냥 봇이랑 할게요"))
    assert cancelled[0].text == domain.knowledge.text("handoff.cancelled")
    assert mode(store, uid) == "bot"
    ask_for_person(assistant, "k1", "kakao")
    assistant.handle(Inbound(channel="kakao", user_key="k1", payload=CANCEL))
    assert mode(store, uid) == "bot"


def test_a_close_sends_the_next_message_to_the_bot(store: Store, domain) -> None:
    parser = CountingParser()
    assistant = Assistant(store, domain, parser)
    uid = ask_for_person(assistant)
    a, b = consultant(store), consultant(store, "b@example.org")
    with store.unit() as s:
        assert machine.claim(s, uid, a)
        assert not machine.close(s, uid, b)  # not b's conversation
        assert machine.close(s, uid, a)
        assert not machine.close(s, uid, a)
    assert mode(store, uid) == "closed"
    assistant.handle(Inbound(channel="telegram", user_key="u1", text="고마워요"))
    assert parser.texts == ["고마워요"]
    ask_for_person(assistant)  # a new request from closed starts waiting again
    assert mode(store, uid) == "waiting"


def test_a_request_nobody_claims_gets_one_apology_with_contacts(store: Store, domain) -> None:
    assistant = Assistant(store, domain, CountingParser())
    uid = ask_for_person(assistant)
    assert expire_waiting(store, assistant.desk, 30) == 0
    later = datetime.now(UTC) + timedelta(minutes=31)
    assert expire_waiting(store, assistant.desk, 30, now=later) == 1
    assert expire_waiting(store, assistant.desk, 30, now=later) == 0
    with store.unit() as s:
        rows = list(s.execute(select(OutboxMessage.user_id, OutboxMessage.replies)
                              .where(OutboxMessage.dedupe_key.like("handoff-timeout:%"))))
    assert len(rows) == 1 and rows[0][0] == uid
    assert "죄송" in rows[0][1][0]["text"] and domain.knowledge.text("handoff.contacts_unset") in rows[0][1][0]["text"]


def test_wording_follows_the_consultant_hours(domain) -> None:
    k = domain.knowledge
    week = {"mon": "09:00-18:00", "tue": "09:00-18:00", "wed": "09:00-18:00", "thu": "09:00-18:00",
            "fri": "09:00-18:00"}
    monday_10 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 10:00 in Seoul, a Monday
    friday_20 = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)  # 20:00 in Seoul, a Friday
    original = k.institution
    try:
        k.institution = Institution()
        assert hours.waiting_text(k, monday_10, "Asia/Seoul") == k.text("handoff.waiting_unknown")
        k.institution = Institution(consultant_hours=week, phone="02-000-0000")
        assert hours.waiting_text(k, monday_10, "Asia/Seoul") == k.text("handoff.waiting_open")
        closed = hours.waiting_text(k, friday_20, "Asia/Seoul")
        assert "월요일 09:00" in closed
        assert "02-000-0000" in hours.contacts_text(k)
    finally:
        k.institution = original
    with pytest.raises(ValueError):
        Institution(consultant_hours={"mon": "9시-6시"})


# ------------------------------------------------------------------------------ concurrency
def test_two_claims_at_once_leave_exactly_one_owner(pg_store: Store, domain) -> None:
    assistant = Assistant(pg_store, domain, CountingParser())
    users = [ask_for_person(assistant, f"s{i}") for i in range(15)]
    a, b = consultant(pg_store), consultant(pg_store, "b@example.org")
    wins: list[tuple[int, int]] = []
    lock = threading.Lock()

    def race(uid: int, who: int, barrier: threading.Barrier) -> None:
        barrier.wait()
        with pg_store.unit() as s:
            won = machine.claim(s, uid, who)
        if won:
            with lock:
                wins.append((uid, who))

    for uid in users:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=race, args=(uid, who, barrier)) for who in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(u for u, _ in wins) == sorted(users)  # each conversation claimed exactly once
    with pg_store.unit() as s:
        owners = dict(s.execute(select(Conversation.user_id, Conversation.consultant_id)
                                .where(Conversation.user_id.in_(users))).all())
        claims = s.scalar(select(func.count()).select_from(HandoffEvent).where(HandoffEvent.action == "claim"))
    assert owners == dict(wins) and claims == len(users)


def test_a_message_racing_a_hand_back_is_never_lost(pg_store: Store, domain) -> None:
    parser = CountingParser()
    assistant = Assistant(pg_store, domain, parser)
    a = consultant(pg_store)
    for i in range(12):
        uid = ask_for_person(assistant, f"r{i}")
        with pg_store.unit() as s:
            assert machine.claim(s, uid, a)
        barrier = threading.Barrier(2)
        text = f"메시지 {i}"

        def send(text: str = text, barrier: threading.Barrier = barrier, i: int = i) -> None:
            barrier.wait()
            assistant.handle(Inbound(channel="telegram", user_key=f"r{i}", text=text, message_id=f"m{i}"))

        def hand_back(uid: int = uid, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            with pg_store.unit() as s:
                assert machine.hand_back(s, uid, a)

        threads = [threading.Thread(target=send), threading.Thread(target=hand_back)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with pg_store.unit() as s:
            stored = list(s.scalars(select(Turn.text).where(Turn.user_id == uid, Turn.text == text)))
            relayed = s.scalar(select(func.count()).select_from(HandoffEvent)
                               .where(HandoffEvent.user_id == uid, HandoffEvent.action == "message"))
        assert stored == [text]  # stored once, whichever came first
        assert relayed == 1 or text in parser.texts  # and either shown to the consultant or answered by the bot
        assert mode(pg_store, uid) == "bot"


def test_a_hand_back_waits_for_a_turn_that_holds_the_row_past_the_statement_timeout(domain) -> None:
    """A turn slower than one statement's timeout (a loaded machine) held the row: the hand-back's
    UPDATE was cancelled and lost, the conversation left with the consultant. It now waits again."""
    from bot.store.engine import DbTimeouts

    with postgres_schema() as url:
        store = Store(url, timeouts=DbTimeouts(statement=1.5))
        try:
            assistant = Assistant(store, domain, CountingParser())
            uid = ask_for_person(assistant, "slow")
            a = consultant(store)
            with store.unit() as s:
                assert machine.claim(s, uid, a)
            locked, results = threading.Event(), []

            def slow_turn() -> None:
                with store.unit() as s:
                    store.open_conversation(s, "telegram", "slow")  # the turn's row lock
                    locked.set()
                    threading.Event().wait(3.5)  # longer than two statement timeouts

            def hand_back() -> None:
                locked.wait(10)
                with store.unit() as s:
                    results.append(machine.hand_back(s, uid, a))

            threads = [threading.Thread(target=slow_turn), threading.Thread(target=hand_back)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert results == [True]
            assert mode(store, uid) == "bot"
        finally:
            store.close()


def test_the_offer_after_two_fallbacks_records_why_a_person_was_asked_for(store: Store, domain) -> None:
    from bot.store.models import Handoff as HandoffRow
    from flows.payloads import Handoff

    assistant = Assistant(store, domain, CountingParser())
    assistant.handle(Inbound(channel="telegram", user_key="f1", text="ㅁㄴㅇㄹ 쀍"))
    offer = assistant.handle(Inbound(channel="telegram", user_key="f1", text="ㅋㅌㅊㅍ 뷁"))
    assert Handoff().encode() in [b.payload for b in offer[0].buttons]
    second = assistant.handle(Inbound(channel="telegram", user_key="f1", payload=Handoff().encode()))
    assert second[0].text.startswith(domain.knowledge.text("handoff.after_fallback"))
    assert [b.payload for b in second[0].buttons] == [CANCEL]
    assistant.handle(Inbound(channel="telegram", user_key="f2", payload=Handoff().encode()))
    with store.unit() as s:
        reasons = list(s.scalars(select(HandoffRow.reason).order_by(HandoffRow.id)))
    assert reasons == ["fallback", "menu"]


def test_kakao_fetches_the_consultants_answer_with_the_check_button(store: Store, domain) -> None:
    from bot.handoff.turn import CHECK

    assistant = Assistant(store, domain, CountingParser())
    uid = ask_for_person(assistant, "k9", "kakao")
    a = consultant(store)
    with store.unit() as s:
        assert machine.claim(s, uid, a)
        hello = "안녕하세요, 상담사예요."
        assert machine.reply(s, uid, a, hello, [{"type": "text", "text": hello}])
    fetched = assistant.handle(Inbound(channel="kakao", user_key="k9", payload=CHECK))
    assert [r.text for r in fetched] == ["안녕하세요, 상담사예요."]
    assert not any(b.payload == "nt:off" for r in fetched for b in r.buttons)  # an answer, not a notice
    again = assistant.handle(Inbound(channel="kakao", user_key="k9", payload=CHECK))
    assert again[0].text == domain.knowledge.text("handoff.check_none")
    with store.unit() as s:
        assert machine.reply(s, uid, a, "하나 더요", [{"type": "text", "text": "하나 더요"}])
    typed = assistant.handle(Inbound(channel="kakao", user_key="k9", text="네 알겠어요"))
    assert typed[0].text == "하나 더요" and typed[-1].text == domain.knowledge.text("handoff.relayed")
