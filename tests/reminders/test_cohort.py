"""The simulated cohort: 500 students over 60 days on PostgreSQL and the fake Telegram Bot API.

Each student lives a scripted life (``cohort.life``) through the real Assistant; the clock is moved in
whole minutes to the next scripted action or to the next 5-minute tick at which something is due, and
at every tick a planner pass and a dispatcher pass run (the real ``Dispatcher`` and Telegram sender,
against the fake Bot API). Then: every reminder the rules call for (``cohort.expected``, computed from
the script alone) was sent exactly once, within one planner interval of when it could first go out
(its due time, or 08:00 after quiet hours); nothing else was sent — nothing after its step was done,
after an opt-out or a deletion, or for a cancelled or changed appointment; nothing between 21:00 and 08:00.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.assistant import Assistant
from bot.channels.telegram_send import TelegramSender
from bot.config import Settings
from bot.messages import Inbound
from bot.outbox.runtime import build_dispatcher
from bot.reminders import Planner, Reminders, build_scheduler
from bot.reminders.planner import INTERVAL
from bot.reminders.schedule import KINDS, aware
from bot.store import Store
from bot.store.models import OutboxMessage, User
from tests.bot.conftest import TOKEN, FakeBotAPI
from tests.reminders import cohort
from tests.reminders.conftest import Clock, fake_parse, make_db_url

#: the issue's cohort; GILJABI_COHORT_STUDENTS runs a smaller one (e.g. while developing)
STUDENTS = int(os.environ.get("GILJABI_COHORT_STUDENTS", "500"))
#: what the outbox records for a row delivered on top of an answer instead of pushed
NEXT_TURN = "next-turn"
SETTINGS = Settings(quiet_hours="21:00-08:00", timezone="Asia/Seoul")
NEXT_DUE = select(func.min(OutboxMessage.due_at)).where(OutboxMessage.status == "pending")


def _ceil_tick(moment: datetime) -> datetime:
    """The first 5-minute tick at or after ``moment`` (ticks fall on whole minutes)."""
    step = int(INTERVAL.total_seconds())
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(-(-seconds // step) * step, tz=UTC)


class Cohort:
    def __init__(self, url: str, domain, api: FakeBotAPI) -> None:
        self.clock = Clock(cohort.START)
        self.store = Store(url)
        scheduler = build_scheduler(domain, SETTINGS)
        self.assistant = Assistant(self.store, domain, fake_parse, clock=self.clock, reminders=Reminders(scheduler))
        self.planner = Planner(scheduler)
        sender = TelegramSender(TOKEN, base_url=api.url, rate_limit=False)
        self.dispatcher = build_dispatcher(self.store, {"telegram": sender}, domain.knowledge.text, SETTINGS,
                                           clock=self.clock)
        self.quiet = scheduler.quiet
        #: the simulation's own look at the queue: one autocommit connection, one round trip a question
        self.probe = self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def turn(self, chat: int, text: str | None = None, payload: str | None = None) -> None:
        self.assistant.handle(Inbound(channel="telegram", user_key=str(chat), text=text, payload=payload))

    def act(self, chat: int, action: cohort.Action) -> None:
        at = action.value
        if action.what == "stage":
            self.turn(chat, payload=f"d:{action.value}")
        elif action.what == "leave":
            self.turn(chat, payload=f"f:{action.value}")
            self.turn(chat, payload="x")
        elif action.what in ("book", "change"):
            if action.what == "change":
                self.turn(chat, "예약 바꿀래요")
            self.turn(chat, f"IAP 상담 {at.month}월 {at.day}일 {'오전' if at.hour < 12 else '오후'} "  # type: ignore[union-attr]
                            f"{at.hour % 12 or 12}시로 예약했어요")  # type: ignore[union-attr]
            self.turn(chat, payload="v:ok")
        elif action.what == "cancel":
            self.turn(chat, "예약 취소")
            self.turn(chat, payload="v:xy")
        elif action.what == "job":
            self.turn(chat, "취업했어요")
        elif action.what == "stop_checkins":
            self.turn(chat, payload="k:1:stop")
        elif action.what == "optout":
            self.turn(chat, "알림 끄기")
        elif action.what == "delete":
            self.turn(chat, "내 기록 지워줘")
            self.turn(chat, payload="y")

    def next_due(self) -> datetime | None:
        due = self.probe.scalar(NEXT_DUE)
        return aware(due) if due is not None else None

    def close(self) -> None:
        self.probe.close()
        self.store.close()

    async def tick(self) -> None:
        with self.store.unit() as s:
            self.planner.run(s, self.clock.now)
        await self.dispatcher.run_once()

    async def run(self, lives: list[cohort.Life]) -> None:
        actions = sorted((a.at, life.chat, n) for life in lives for n, a in enumerate(life.actions))
        by_key = {(life.chat, n): a for life in lives for n, a in enumerate(life.actions)}
        i = 0
        while True:
            due = self.next_due()
            tick = _ceil_tick(max(due, self.clock.now)) if due is not None else None
            if tick is not None and self.quiet.active(tick):
                tick = _ceil_tick(cohort.delivery(tick))
            following = actions[i][0] if i < len(actions) else None
            if tick is None and following is None:
                return
            if following is not None and (tick is None or following < tick):
                if following >= cohort.END:
                    return
                self.clock.now = following
                self.act(actions[i][1], by_key[actions[i][1], actions[i][2]])
                i += 1
            else:
                if tick >= cohort.END:
                    return
                self.clock.now = tick
                await self.tick()


@pytest.fixture
def postgres_url(tmp_path):
    yield from make_db_url("postgres", tmp_path)


@pytest.mark.slow  # 500 students' 2,900 turns and ~1,700 ticks on PostgreSQL: minutes on a busy 2-core machine
def test_a_cohort_of_500_over_60_days(postgres_url, domain) -> None:
    rng = random.Random(11)
    lives = [cohort.life(rng, 900_000 + n) for n in range(STUDENTS)]
    api = FakeBotAPI()
    sim = Cohort(postgres_url, domain, api)
    try:
        asyncio.run(_run(sim, lives))
        with sim.store.unit() as s:
            sent = s.execute(
                select(User.user_key, OutboxMessage.dedupe_key, OutboxMessage.due_at, OutboxMessage.sent_at,
                       OutboxMessage.provider_message_id)
                .join(User, User.id == OutboxMessage.user_id)
                .where(OutboxMessage.status == "sent", OutboxMessage.kind.in_(KINDS))
            ).all()
    finally:
        sim.close()
        api.close()
    # what was delivered, as (chat, reminder id) -> (sent at, pushed?); ids as the oracle names them
    # (an appointment reminder by which one and its due time: row ids mean nothing to the script)
    got: dict[tuple[int, str], tuple[datetime, bool]] = {}
    for user_key, key, due, sent_at, provider_id in sent:
        chat, (_, _, family, first, second) = int(user_key), key.split(":")
        ident = {"n": f"n:{first}:{second}", "f": f"f:{second}",
                 "a": f"a:{second}:{cohort.local(aware(due))}"}[family]
        assert (chat, ident) not in got, (chat, ident, "delivered twice")
        got[chat, ident] = (aware(sent_at), provider_id != NEXT_TURN)
    want = {(life.chat, ident): due for life in lives for ident, due in cohort.expected(life).items()}

    assert len(want) > STUDENTS * 0.8, "the script should call for a good number of reminders"
    assert set(got) == set(want), (sorted(set(want) - set(got))[:10], sorted(set(got) - set(want))[:10])
    for ident, (sent_at, pushed) in got.items():
        first = cohort.delivery(want[ident])
        last = first + INTERVAL
        if cohort.quiet(want[ident] + INTERVAL):  # quiet hours began within the interval: 08:00 then
            last = cohort.delivery(want[ident] + INTERVAL) + INTERVAL
        if pushed:  # by the dispatcher: on time, or at 08:00 after quiet hours; never in them
            assert first <= sent_at <= last, (ident, want[ident], sent_at)
            assert not cohort.quiet(sent_at), (ident, sent_at)
        else:  # the student wrote after it fell due, before a tick: it came on top of that answer
            assert want[ident] <= sent_at <= last, (ident, want[ident], sent_at)
    pushed_per_chat = Counter(chat for (chat, _), (_, pushed) in got.items() if pushed)
    assert Counter(int(p["chat_id"]) for p in api.sent()) == pushed_per_chat, "each push reached Telegram once"


async def _run(sim: Cohort, lives: list[cohort.Life]) -> None:
    try:
        await sim.run(lives)
    finally:
        for sender in sim.dispatcher.senders.values():
            await sender.close()
