"""The turn context: what every dialogue part reads and writes during one turn.

A part never talks to another part directly through the engine: it changes ``state``, adds replies
with :meth:`TurnContext.say`, records effects with :meth:`TurnContext.effect`, and hands a payload or
an intent back to the engine with :meth:`TurnContext.press` / :meth:`TurnContext.handle_intent` when
the answer belongs to another part. That is what keeps the parts free of import cycles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

from flows.loader import Domain
from flows.payloads import Menu, Payload, Resume, StartFlow
from flows.replies import Button, Reply
from flows.state import ConversationState, Effect, EffectKind


class Router(Protocol):
    """What the engine offers the parts: the handlers registered for a payload type or an intent."""

    def press(self, ctx: TurnContext, payload: Payload) -> None: ...

    def handle_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None: ...

    def understand(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None: ...


class TurnContext:
    """One turn's state, done stages, replies and effects, with the wording helpers every part uses."""

    def __init__(
        self, domain: Domain, router: Router, state: ConversationState, done: set[str], now: datetime | None
    ) -> None:
        self.domain, self.k, self.router = domain, domain.knowledge, router
        self.state, self.done = state, done
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []
        self._now = now
        # a confirmation, or free text asked for, only holds for the very next turn
        self.awaiting, state.confirm = state.confirm, None
        self.expecting, state.expecting = state.expecting, None
        #: the guide the previous answer offered (taken from the state when an intent is handled)
        self.offer: str | None = None
        #: the message typed the turn before this one (``state.said`` as the turn found it)
        self.said_before: str | None = state.said
        #: the message typed the turn before that one (``state.said_earlier`` as the turn found it)
        self.said_earlier: str | None = state.said_earlier
        #: where the messages so far placed the person in a guide (statement, step), read once a turn
        #: (``flows.told``)
        self.told: tuple[str, str] | None = None
        self.told_read = False
        #: a personal number was masked out of the message ("제 번호 ******-******* 이에요" tells, not asks)
        self.masked = False
        #: reads what storage keeps about the user (see flows/mydata.py); None when not given
        self.about_user: Callable[[], Any] | None = None

    @property
    def now(self) -> datetime:
        """The time of this turn (timezone-aware), as the Assistant's clock gave it."""
        if self._now is None:
            raise RuntimeError("this turn was stepped without now=; pass the clock's time to Engine.step")
        return self._now

    # ------------------------------------------------------------------------------ wording
    def t(self, text_id: str, **values: object) -> str:
        return self.k.text(text_id, **values)

    def say(self, text: str, buttons: Iterable[Button] = (), title: str | None = None) -> None:
        self.replies.append(Reply(type="card" if title else "text", text=text, title=title, buttons=list(buttons)))

    def button(self, text_id: str, payload: Payload, **values: object) -> Button:
        return Button(label=self.t(text_id, **values), payload=payload.encode())

    def flow_title(self, flow_id: str) -> str:
        return self.k.fact(self.domain.flows[flow_id].about).title or flow_id

    def stage_label(self, stage_id: str) -> str:
        return self.t(self.domain.stages[stage_id].label)

    def menu_button(self) -> Button:
        return self.button("nav.menu", Menu())

    def where_am_i_buttons(self) -> list[Button]:
        if self.state.place:
            return [self.button("nav.resume", Resume()), self.menu_button()]
        return [self.menu_button()]

    def unknown_button(self) -> None:
        self.say(self.t("button.unknown"), self.where_am_i_buttons())

    def stale_button(self, flow_id: str | None = None) -> None:
        buttons = self.where_am_i_buttons()
        if flow_id in self.domain.flows and not self.state.place:
            buttons.insert(0, self.button("nav.start", StartFlow(flow_id), title=self.flow_title(flow_id)))
        self.say(self.t("button.stale"), buttons)

    # ------------------------------------------------------------------------------ changes
    def effect(self, kind: EffectKind, value: str | None = None) -> None:
        self.effects.append(Effect(kind, value))

    def mark(self, stage: str, quiet: bool = False) -> None:
        """Tick a stage (an effect the Assistant stores); quietly when a guide's answer implies it."""
        if stage not in self.domain.stages:
            raise LookupError(stage)
        if stage not in self.done:
            self.done.add(stage)
            self.effect(EffectKind.STAGE_DONE, stage)
        if not quiet:
            self.say(self.t("stage.marked_done", stage=self.stage_label(stage)))

    def next_stage(self) -> str | None:
        return next((s for s in self.domain.stages if s not in self.done), None)

    # ------------------------------------------------------------------------ other parts
    def press(self, payload: Payload) -> None:
        """Run the part registered for ``payload`` as if it had been pressed (LookupError if none)."""
        self.router.press(self, payload)

    def handle_intent(self, intent: str, text: str = "", parse: dict[str, Any] | None = None) -> None:
        """Run the part registered for ``intent`` directly (no fallback counting, no interceptions)."""
        self.router.handle_intent(self, intent, text, parse or {})

    def understand(self, intent: str, text: str, parse: dict[str, Any]) -> None:
        """The whole intent path of a typed message, as if the NLU had said ``intent``."""
        self.router.understand(self, intent, text, parse)
