"""One turn of dialogue: conversation state + input -> replies, new state, effects.

The engine is pure: it reads the domain (flows over knowledge) and the state it is given, and says
what to reply and what should change. Storage, channels, files and the clock belong to ``bot``: the
time of the turn arrives as ``Engine.step(..., now=...)`` and reaches every part as ``ctx.now``.

The engine itself only dispatches. Buttons carry typed payloads (``flows/payloads.py`` owns the
grammar), so a pressed button never depends on the NLU guessing right. Each payload type and each
intent belongs to one *dialogue part*:

==========================  ====================================================================
``flows/guides.py``         walking a flow: start, next, back, options, resume, home, stop
``flows/answers.py``        fact answering and the fallback (every intent no other part claims)
``flows/progress.py``       the stage checklist, ticking and unticking stages
``flows/centre.py``         the centre's page and a request to talk to a person
``flows/misc.py``           menus and menu actions, small talk, deleting one's data
``flows/notifications.py``  turning the bot's own messages off and on (알림 끄기 / 알림 켜기)
``flows/jobs.py``           the occupation dialogue (search, compare, profile, report)
``flows/reminders.py``      the IAP appointment, the follow-up after a job, 알림 설정
==========================  ====================================================================

A part is any object with ``payloads`` (payload types it handles), ``intents`` (intent names) and
``on_payload(ctx, payload)`` / ``on_intent(ctx, intent, text, parse)``; optionally
``on_text(ctx, text, parse) -> bool`` (claim typed text before the intent is looked at),
``before_text(ctx, text)`` (read every typed turn before any part claims it),
``intercept(ctx, intent, text, parse) -> bool`` (claim an intent before its own part),
``observe(ctx, payload)`` (see every pressed button before its part handles it) and
``catch_all = True`` (receives intents nobody registered). To add one, write the module and call
``engine.register(part)``; the dispatcher does not change. Parts work only through the
:class:`~flows.context.TurnContext` and hand work to each other with ``ctx.press(payload)`` and
``ctx.handle_intent(name)``, so they never import each other in a circle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

from flows.answers import Answers
from flows.centre import Centre
from flows.context import TurnContext
from flows.guides import Guides
from flows.loader import Domain
from flows.misc import Deletion, Menus, NoJobs
from flows.mydata import TEXTS as MYDATA_TEXTS
from flows.mydata import MyData, StoredRecord
from flows.notifications import Notifications
from flows.payloads import Payload, decode
from flows.progress import ProgressPart
from flows.reminders import REQUIRED_TEXTS as REMINDER_TEXTS
from flows.reminders import reminder_parts
from flows.replies import Reply, numbered_payloads
from flows.state import ConversationState, Effect, UserInput
from flows.told_reader import ToldReader
from knowledge.answering import load_lexicon
from knowledge.answering.lexicon import asks
from knowledge.retrieval import squash

#: Texts the engine uses; loading fails if one is missing from knowledge/content.
REQUIRED_TEXTS = (
    "nav.next", "nav.back", "nav.home", "nav.stop", "nav.resume", "nav.menu", "nav.start",
    "nav.start_here", "nav.from_start", "nav.done", "nav.later", "nav.progress", "nav.consultant",
    "nav.yes", "nav.no", "nav.next_guide", "nav.open_other",
    "greet.first", "greet.again", "goodbye", "thanks", "affirm.nothing", "deny.ok",
    "menu.hint", "step.header", "step.header_open", "step.first", "step.resume", "guide.finished", "guide.stage_hint",
    "guide.stage_already", "guide.stopped", "guide.none_to_resume",
    "fallback.clarify", "fallback.again", "fallback.plain", "out_of_scope",
    "input.empty", "input.too_long", "input.no_words", "input.masked_number",
    "button.stale", "button.unknown",
    "progress.header", "progress.item_done", "progress.item_todo", "progress.next", "progress.all_done",
    "progress.grade", "progress.pick_stage", "stage.marked_done", "stage.marked_undone",
    "center.unset", "center.header", "center.consultants_unset", "handoff.requested",
    "delete.confirm", "delete.done", "delete.cancelled",
    "jobs.unavailable", "error.sorry", "channel.busy", "cli.welcome", "cli.prompt",
    *MYDATA_TEXTS,
    *REMINDER_TEXTS,
)
#: notices of masked numbers, each with its own text
#: how much of a typed message the state keeps for the next turn (``ConversationState.said``)
SAID_CHARS = 200
MASK_NOTICES = {"masked_number": "input.masked_number", "masked_card": "input.masked_card",
                "masked_passport": "input.masked_passport"}


class Part(Protocol):
    """A dialogue part as the engine sees it (the optional hooks are looked up with ``getattr``)."""

    payloads: ClassVar[tuple[type[Payload], ...]]
    intents: ClassVar[tuple[str, ...]]


@dataclass
class Outcome:
    replies: list[Reply]
    state: ConversationState
    effects: list[Effect] = field(default_factory=list)


class Engine:
    """Holds the domain and the registered parts; ``step`` runs one turn. Safe to share between
    threads (no turn state lives here)."""

    def __init__(self, domain: Domain, jobs: Part | None = None, *, timezone: str = "Asia/Seoul") -> None:
        self.domain = domain
        self._payloads: dict[type[Payload], Any] = {}  # parts (Any: their hooks are optional)
        self._intents: dict[str, Any] = {}
        self._text_hooks: list[Any] = []
        self._readers: list[Any] = []
        self._intercepts: list[Any] = []
        self._observers: list[Any] = []
        self._catch_all: Any = None
        self.guides = Guides(domain.knowledge.words)
        self._lexicon = load_lexicon()
        # typed-text hooks run in this order: guides, opt-out words, occupations by name, appointments and
        # reminders (a booking said with its time), progress in words, and last the answers (which claim any
        # question the facts answer)
        parts = (self.guides, Menus(), Centre(), Deletion(), Notifications(domain.knowledge.words), jobs or NoJobs(),
                 *reminder_parts(timezone), ProgressPart(), MyData(), Answers(domain), ToldReader(domain))
        for part in parts:
            self.register(part)

    def register(self, part: Part) -> None:
        """Route ``part.payloads`` and ``part.intents`` to ``part``; hooks run in registration order."""
        for kind in part.payloads:
            if kind in self._payloads:
                raise ValueError(f"payload {kind.__name__} is already handled by {self._payloads[kind]!r}")
            self._payloads[kind] = part
        for intent in part.intents:
            if intent in self._intents:
                raise ValueError(f"intent {intent} is already handled by {self._intents[intent]!r}")
            self._intents[intent] = part
        if hasattr(part, "on_text"):
            self._text_hooks.append(part)
        if hasattr(part, "before_text"):
            self._readers.append(part)
        if hasattr(part, "intercept"):
            self._intercepts.append(part)
        if hasattr(part, "observe"):
            self._observers.append(part)
        if getattr(part, "catch_all", False):
            self._catch_all = part

    def step(
        self, state: ConversationState, message: UserInput, done: Iterable[str] = (), *, now: datetime | None = None,
        about_user: Callable[[], StoredRecord] | None = None,
    ) -> Outcome:
        """One turn. ``now`` is the turn's time (aware); parts read it as ``ctx.now``. ``about_user``
        reads what storage keeps about the user, only if a part asks (``ctx.about_user``)."""
        if now is not None and now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        ctx = TurnContext(self.domain, self, state.model_copy(deep=True), set(done), now)
        ctx.about_user = about_user
        self.run(ctx, message)
        ctx.state.numbered = numbered_payloads(ctx.replies)
        return Outcome(ctx.replies, ctx.state, ctx.effects)

    def case_said(self, text: str) -> dict[str, str]:
        """Slots a statement fills by naming one option ("프로젝트형 등록하고 있어요" -> program_type:
        project); a question ("자기주도형이랑 서비스참여형 차이가 뭐예요?") or two options of one slot fill none."""
        if asks(text, self._lexicon):
            return {}
        return self.domain.cases_named(text)

    def command_for(self, text: str) -> str | None:
        """The navigation command a typed word means (다음, 이전, 처음으로, 그만, 계속, 메뉴)."""
        return self.guides.command_for(text)

    # ------------------------------------------------------------------------------ dispatch
    def run(self, ctx: TurnContext, message: UserInput) -> None:
        for notice, text_id in MASK_NOTICES.items():
            if notice in message.notices:
                ctx.say(ctx.t(text_id))
                ctx.masked = True
        for notice in ("empty", "too_long", "no_words"):
            if notice in message.notices:
                ctx.say(ctx.t(f"input.{notice}"), ctx.where_am_i_buttons())
                return
        if message.payload is not None:
            self.on_payload(ctx, message.payload.strip())
        else:
            self.on_text(ctx, message.text or "", message.parse or {})

    def on_payload(self, ctx: TurnContext, raw: str) -> None:
        """A pressed button; malformed payloads and ids the content no longer has get 'unknown button'."""
        payload = decode(raw)
        # a button pressed since: the typed messages no longer say where someone is
        ctx.state.said = ctx.state.said_earlier = ctx.state.told = ctx.state.told_at = None
        try:
            if payload is None or type(payload) not in self._payloads:
                raise LookupError(raw)
            for part in self._observers:
                part.observe(ctx, payload)
            self.press(ctx, payload)
        except LookupError:  # an id that no longer exists: a button from another version of the content
            ctx.unknown_button()

    def press(self, ctx: TurnContext, payload: Payload) -> None:
        part = self._payloads.get(type(payload))
        if part is None:
            raise LookupError(payload)
        part.on_payload(ctx, payload)

    def on_text(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> None:
        number = squash(text)
        if number.isdigit() and 1 <= int(number) <= len(ctx.state.numbered):
            self.on_payload(ctx, ctx.state.numbered[int(number) - 1])
            return
        ctx.state.said_earlier, ctx.state.said = ctx.state.said, text[:SAID_CHARS] or None
        for entity in parse.get("entities") or []:
            if entity.get("entity") == "grade" and str(entity.get("value")) in {"1", "2", "3", "4"}:
                ctx.state.slots["grade"] = str(entity["value"])
        ctx.state.slots.update(self.case_said(text))
        for part in self._readers:  # what the messages before said, read before any part claims this one
            part.before_text(ctx, text)
        for part in self._text_hooks:
            if part.on_text(ctx, text, parse):
                return
        intent = (parse.get("intent") or {}).get("name") or "nlu_fallback"
        self.understand(ctx, intent, text, parse)

    def understand(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        """The intent path: counters and offers first, then interceptions, then the intent's part."""
        if intent != "nlu_fallback":
            ctx.state.fallbacks = 0
        ctx.offer, ctx.state.offer = ctx.state.offer, None
        for part in self._intercepts:
            if part.intercept(ctx, intent, text, parse):
                return
        self.handle_intent(ctx, intent, text, parse)

    def handle_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        part = self._intents.get(intent, self._catch_all)
        if part is None:
            raise LookupError(intent)
        part.on_intent(ctx, intent, text, parse)
