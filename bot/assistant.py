"""The Assistant: every channel's single entry point for one user message.

It owns the order of one turn: clean and mask the input, skip what was already handled, load the
user's conversation under a lock, parse, let the flow engine decide, and store everything the turn
changed in one transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.cleaning import Cleaned, clean_payload, clean_text
from bot.config import Settings, get_settings
from bot.handoff import Desk
from bot.health import storage_reason
from bot.logs import FailureLog
from bot.market_file import MarketFile
from bot.messages import Inbound, Reply
from bot.mydata import stored_record
from bot.outbox.answers import record_answer
from bot.outbox.compose import STOP_PAYLOAD, Composer
from bot.outbox.held import take_waiting
from bot.outbox.optout import set_notifications
from bot.reminders import Reminders, build_scheduler
from bot.reminders.service import REMINDER_EFFECTS
from bot.sanitize import sanitize
from bot.store import Store
from bot.store.startup import open_store
from flows.answers import REQUIRED_TEXTS as ANSWER_TEXTS
from flows.engine import REQUIRED_TEXTS, Engine
from flows.jobs import REQUIRED_TEXTS as JOBS_TEXTS
from flows.jobs import JobsDialogue
from flows.loader import Domain, load_domain
from flows.notifications import REQUIRED_TEXTS as NOTIFICATION_TEXTS
from flows.progress import REQUIRED_TEXTS as PROGRESS_TEXTS
from flows.replies import numbered_payloads
from flows.state import ConversationState, Effect, EffectKind, UserInput
from knowledge.loader import load_knowledge

log = logging.getLogger("giljabi.assistant")
_failures = FailureLog(log)

Parser = Callable[[str], dict[str, Any]]
#: texts the bot itself says (not the engine)
BOT_TEXTS = ("error.storage",)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: the current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TurnResult:
    """The replies of one turn, and what a server counts: a fallback, or a failure."""

    replies: list[Reply]
    fallback: bool = False
    error: bool = False
    #: the user asked for a person this turn (the server counts it)
    handoff: bool = False


def _default_parser() -> Parser:
    import nlu

    return nlu.parse


@dataclass(frozen=True, slots=True)
class _Applied:
    """What the effects of one turn did that the rest of the turn needs to know."""

    forgotten: bool = False
    handoff: bool = False
    #: what the turn answers instead of the engine's replies (the handoff's honest wording)
    replies: list[Reply] | None = None


class Assistant:
    """Thread-safe: each call to ``handle`` runs in its own database transaction.

    ``clock`` gives the time of each turn (timezone-aware); the engine's parts see it as ``ctx.now``.
    """

    def __init__(
        self,
        store: Store,
        domain: Domain,
        parser: Parser | None = None,
        jobs: JobsDialogue | None = None,
        clock: Clock = utc_now,
        market: MarketFile | None = None,
        reminders: Reminders | None = None,
        retention_days: int = 730,
    ) -> None:
        self.store = store
        self.domain = domain
        self.reminders = reminders or Reminders(build_scheduler(domain))
        self.jobs = jobs or JobsDialogue()
        self.engine = Engine(domain, jobs=self.jobs, timezone=self.reminders.scheduler.zone.key)
        self.desk = Desk(domain.knowledge, self.reminders.scheduler.zone.key)
        self._parser = parser
        self.clock = clock
        self.market = market
        #: how long messages are kept (``GILJABI_RETENTION_DAYS``), as "내 정보 보여줘" tells the user
        self.retention_days = retention_days
        #: how each effect kind is applied; every EffectKind must be here (a test checks it)
        self.effect_handlers: dict[EffectKind, Callable[[Session, int, Effect], _Applied]] = {
            EffectKind.STAGE_DONE: self._stage_done,
            EffectKind.STAGE_UNDONE: self._stage_undone,
            EffectKind.DELETE_DATA: self._delete_data,
            EffectKind.HANDOFF: self._handoff,
            **{kind: self._reminder_effect for kind in REMINDER_EFFECTS},
            EffectKind.NOTIFICATIONS_OFF: self._notifications,
            EffectKind.NOTIFICATIONS_ON: self._notifications,
        }
        #: what the outbox's messages say, for those put on top of an answer
        self.composer = Composer(domain.knowledge.text, STOP_PAYLOAD)

    @property
    def parse(self) -> Parser:
        if self._parser is None:
            self._parser = _default_parser()
        return self._parser

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Answer one message; never raises for anything a user can send."""
        return self.handle_turn(inbound).replies

    def handle_turn(self, inbound: Inbound) -> TurnResult:
        """``handle``, also saying whether the turn fell back or failed (for metrics)."""
        started = time.perf_counter()
        if self.market is not None:
            self.market.maybe_refresh()
        inbound = sanitize(inbound)
        payload, cleaned = clean_payload(inbound.payload)
        if payload is None:
            cleaned = clean_text(inbound.text)
        try:
            result = self._turn(inbound, payload, cleaned)
        except Exception as exc:
            _failures.report("turn", exc, channel=inbound.channel)
            text_id = "error.storage" if storage_reason(exc) else "error.sorry"  # "잠시 후", kept short
            return TurnResult([Reply(text=self.domain.knowledge.text(text_id))], error=True)
        # one line per turn is an access log: at DEBUG, like uvicorn's (the metrics count turns, fallbacks
        # and their time); failures are logged above, whatever the level
        log.debug(
            "turn channel=%s payload=%s replies=%d fallback=%s ms=%.1f",
            inbound.channel, bool(payload), len(result.replies), result.fallback,
            (time.perf_counter() - started) * 1000,
        )
        return result

    def text(self, text_id: str, **values: object) -> str:
        """Interface wording from knowledge/content, for the channels' own messages (e.g. 'busy')."""
        return self.domain.knowledge.text(text_id, **values)

    def warm_up(self) -> None:
        """Load (or train) the NLU model and build the occupation search now, so that no user's first
        message waits for them."""
        self.parse("안녕하세요")
        warm = getattr(self.jobs, "warm_up", None)  # a test may pass a stand-in for the jobs part
        if warm is not None:
            warm()

    def _turn(self, inbound: Inbound, payload: str | None, cleaned: Cleaned) -> TurnResult:
        parsable = payload is None and cleaned.text and not (cleaned.notices & {"empty", "too_long", "no_words"})
        with self.store.unit() as s:
            # locks this user's turns; says whether anything is due by the turn's clock (take_waiting's)
            conv = self.store.open_conversation(s, inbound.channel, inbound.user_key, self.clock())
            if inbound.message_id is not None:
                earlier = self.store.replies_for(s, inbound.channel, conv.user_id, inbound.message_id)
                if earlier is not None:
                    if inbound.answer_by_outbox:  # a no-op when the first delivery recorded it
                        record_answer(s, user_id=conv.user_id, channel=inbound.channel,
                                      message_id=inbound.message_id, replies=earlier)
                        return TurnResult([])
                    return TurnResult([Reply.from_dict(r) for r in earlier])
            relayed = self.desk.intercept(s, conv.user_id, conv.mode, inbound.channel, cleaned.text, payload)
            if relayed is not None:  # waiting for or held by a consultant: stored for the console only
                known = (conv.outbox_waiting, conv.unreachable)  # e.g. the consultant's answer, held for KakaoTalk
                waiting = take_waiting(s, conv.user_id, self.clock(), self.composer, known=known)
                relayed = self.desk.with_waiting(waiting, relayed, payload)
                self.store.record_turn(s, conv.user_id, channel=inbound.channel, message_id=inbound.message_id,
                                       text=cleaned.text, payload=payload, parse=None,
                                       replies=[r.to_dict() for r in relayed])
                return TurnResult(relayed)
            # parsed only now, under the conversation's lock: a consultant's conversation never reaches the NLU
            parse = self.parse(cleaned.text) if parsable else None
            state = ConversationState.model_validate(conv.state)
            message = UserInput(text=cleaned.text, payload=payload, parse=parse, notices=cleaned.notices)
            now = self.clock()
            self.reminders.preload(s, conv.user_id, state, payload, parse)
            outcome = self.engine.step(
                state, message, self.store.done_stages(s, conv.user_id), now=now,
                about_user=lambda: stored_record(s, conv.user_id, self.retention_days),
            )
            applied = [self.effect_handlers[effect.kind](s, conv.user_id, effect) for effect in outcome.effects]
            self.reminders.after_turn(s, conv.user_id, inbound.channel, state, outcome.state, outcome.effects, now)
            forgotten = any(a.forgotten for a in applied)
            answer = next((a.replies for a in applied if a.replies), outcome.replies)
            if any(a.handoff for a in applied):
                log.info("handoff requested user_id=%s conversation_id=%s channel=%s",
                         conv.user_id, conv.conversation_id, inbound.channel)
            # messages waiting for this user (held notices) go on top of the answer, numbered with it
            known = (conv.outbox_waiting, conv.unreachable)
            replies = [*take_waiting(s, conv.user_id, now, self.composer, known=known), *answer]
            if len(replies) > len(answer):
                outcome.state.numbered = numbered_payloads(replies)
            self.store.save_state(s, conv.conversation_id, outcome.state.model_dump(mode="json", exclude_defaults=True))
            self.store.record_turn(
                s,
                conv.user_id,
                channel=inbound.channel,
                message_id=inbound.message_id,
                text=None if forgotten else cleaned.text,
                payload=payload,
                parse=None if forgotten else parse,
                replies=[r.to_dict() for r in replies],
            )
            fallback = ((parse or {}).get("intent") or {}).get("name") == "nlu_fallback"
            if inbound.answer_by_outbox and inbound.message_id is not None:  # sent by the outbox, not returned
                record_answer(s, user_id=conv.user_id, channel=inbound.channel, message_id=inbound.message_id,
                              replies=[r.to_dict() for r in replies])
                replies = []
            return TurnResult(replies, fallback=fallback, handoff=any(a.handoff for a in applied))

    # ---------------------------------------------------------------------------- effects
    def _stage_done(self, s: Session, user_id: int, effect: Effect) -> _Applied:
        if effect.value:
            self.store.set_stage(s, user_id, effect.value, True, self.clock())
        return _Applied()

    def _stage_undone(self, s: Session, user_id: int, effect: Effect) -> _Applied:
        if effect.value:
            self.store.set_stage(s, user_id, effect.value, False, self.clock())
        return _Applied()

    def _delete_data(self, s: Session, user_id: int, effect: Effect) -> _Applied:
        self.store.forget(s, user_id)
        return _Applied(forgotten=True)

    def _reminder_effect(self, s: Session, user_id: int, effect: Effect) -> _Applied:
        """Appointments, jobs, check-in answers and switches: stored by ``self.reminders.after_turn``."""
        return _Applied()

    def _handoff(self, s: Session, user_id: int, effect: Effect) -> _Applied:
        """Start waiting for a consultant (bot/handoff); the student hears honestly what happens next."""
        return _Applied(handoff=True, replies=self.desk.request(s, user_id, effect.value or "chat"))

    def _notifications(self, s: Session, user_id: int, effect: Effect) -> _Applied:
        set_notifications(s, user_id, effect.kind == EffectKind.NOTIFICATIONS_ON)
        return _Applied()


def build_domain(settings: Settings | None = None) -> Domain:
    settings = settings or get_settings()
    knowledge = load_knowledge(institution_file=settings.institution_file)
    return load_domain(
        knowledge, required_texts=(*REQUIRED_TEXTS, *JOBS_TEXTS, *NOTIFICATION_TEXTS, *ANSWER_TEXTS, *PROGRESS_TEXTS,
                              *BOT_TEXTS)
    )


def build_assistant(settings: Settings | None = None, parser: Parser | None = None) -> Assistant:
    """The Assistant as configured by ``GILJABI_*``: content validated, schema migrated."""
    settings = settings or get_settings()
    if parser is None:
        import nlu

        if hasattr(nlu, "set_cache_dir"):
            nlu.set_cache_dir(settings.data_dir)
    store = open_store(settings)
    jobs = JobsDialogue()
    domain = build_domain(settings)
    reminders = Reminders(build_scheduler(domain, settings))
    return Assistant(store, domain, parser, jobs, market=MarketFile(jobs, settings.data_dir), reminders=reminders,
                     retention_days=settings.retention_days)
