"""Fact answering: a question gets the fact that answers it, then the guide it belongs to; what cannot
be placed gets a fallback that asks which of the likeliest things was meant.

Entry point: :meth:`Answers.answer` (a question and the intent the NLU gave it). The engine sends it
every intent no other part registered, and ``nlu_fallback``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flows.context import TurnContext
from flows.guides import render_step, start_button
from flows.payloads import Clarify, Handoff, Payload, StartFlow
from flows.replies import Button
from knowledge.schema import Fact

#: Confidence below which a guide intent is not trusted to pick a fact on its own.
FACT_IN_INTENT = 0.28
#: A fact this similar answers the question whatever the intent said.
FACT_ANYWHERE = 0.55
#: How much better a fact outside the intent must match to be preferred.
CLEARLY_BETTER = 0.15
#: Only a near-verbatim match to a fact outweighs an action intent or "out of scope".
FACT_OVERRULES_INTENT = 0.7
#: Intents that act rather than inform; a clear fact match wins over them (e.g. "보고서 삭제").
ACTION_INTENTS = {"out_of_scope", "help", "delete_my_data", "show_my_data", "job_search", "occupation_compare",
                  "profile_recommend", "reminder_settings", "human_handoff"}


class Answers:
    """The answering part: registered for ``nlu_fallback``, ``i:INTENT`` and every unclaimed intent."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (Clarify,)
    intents: ClassVar[tuple[str, ...]] = ("nlu_fallback",)
    catch_all: ClassVar[bool] = True

    # ---------------------------------------------------------------------------- entry points
    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        if not isinstance(payload, Clarify):
            raise LookupError(payload)
        text, ctx.state.unclear = ctx.state.unclear or "", None
        ctx.state.fallbacks = 0
        if f"intent.{payload.intent}" not in ctx.k.texts:
            raise LookupError(payload.intent)
        ctx.understand(payload.intent, text, {"intent": {"name": payload.intent, "confidence": 1.0}, "entities": []})

    def intercept(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> bool:
        """A near-verbatim fact outweighs an action intent (e.g. "보고서 삭제" is not "delete my data")."""
        fact = self.strong_fact(ctx, text) if intent in ACTION_INTENTS else None
        if fact is None:
            return False
        self.answer_fact(ctx, fact)
        return True

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        if intent == "nlu_fallback":
            self.fallback(ctx, text, parse)
        else:
            self.answer(ctx, text, intent)

    def answer(self, ctx: TurnContext, text: str, intent: str | None) -> None:
        """Answer ``text`` (which the NLU took for ``intent``) with a fact, or fall back."""
        fact = self.find_fact(ctx, text, intent)
        if fact is None:
            self.fallback(ctx, text, {})
            return
        self.answer_fact(ctx, fact)

    # ------------------------------------------------------------------------------ finding
    def find_fact(self, ctx: TurnContext, text: str, intent: str | None) -> Fact | None:
        """The intent's best fact, unless another fact matches the words clearly better."""
        index = ctx.domain.index
        if index is None:
            return None
        anywhere = index.search(text, limit=1)
        inside = index.search(text, intents={intent}, limit=1) if intent else []
        best_anywhere = anywhere[0] if anywhere and anywhere[0].score >= FACT_ANYWHERE else None
        best_inside = inside[0] if inside and inside[0].score >= FACT_IN_INTENT else None
        if best_anywhere and (best_inside is None or best_anywhere.score > best_inside.score + CLEARLY_BETTER):
            return best_anywhere.fact
        if best_inside:
            return best_inside.fact
        flow = ctx.domain.flow_for_intent(intent) if intent else None
        return ctx.k.fact(flow.about) if flow else None

    def strong_fact(self, ctx: TurnContext, text: str) -> Fact | None:
        """A near-verbatim match to a fact: it outweighs what the NLU made of the message."""
        index = ctx.domain.index
        hits = index.search(text, limit=1) if index and text else []
        return hits[0].fact if hits and hits[0].score >= FACT_OVERRULES_INTENT else None

    # ---------------------------------------------------------------------------- replying
    def answer_fact(self, ctx: TurnContext, fact: Fact) -> None:
        """The fact first; then, mid-guide, the guide again; otherwise an offer to walk the guide."""
        links = [Button(label=fact.link.label, url=str(fact.link.url))] if fact.link else []
        flow_id = ctx.domain.flow_of_fact(fact.id)
        place = ctx.state.place
        if place is not None:
            ctx.say(fact.text, links, title=fact.title)
            extra: list[Button] = []
            if flow_id is not None and flow_id != place.flow:
                extra.append(Button(label=ctx.t("nav.open_other"), payload=start_button(ctx, fact, flow_id).payload))
            render_step(ctx, place, prefix=ctx.t("step.resume"), extra=extra)
            return
        buttons = links[:]
        if flow_id is not None:
            buttons.append(start_button(ctx, fact, flow_id))
            ctx.state.offer = flow_id
            if fact.id in ctx.domain.fact_places and fact.id not in ctx.domain.about_of:
                buttons.append(ctx.button("nav.from_start", StartFlow(flow_id)))
        buttons.append(ctx.menu_button())
        ctx.say(fact.text, buttons, title=fact.title)

    def fallback(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> None:
        """Try the facts once more; then ask which of the two likeliest things was meant."""
        fact = self.find_fact(ctx, text, None)
        if fact is not None:
            ctx.state.fallbacks = 0
            self.answer_fact(ctx, fact)
            return
        ctx.state.fallbacks += 1
        ctx.state.unclear = text[:200]
        if ctx.state.fallbacks >= 2:
            ctx.say(ctx.t("fallback.again"), [ctx.button("nav.consultant", Handoff()), ctx.menu_button()])
            return
        ranking = [r.get("name") for r in parse.get("intent_ranking") or []]
        likely = [name for name in ranking if name and f"intent.{name}" in ctx.k.texts][:2]
        if likely:
            buttons = [ctx.button(f"intent.{name}", Clarify(name)) for name in likely]
            ctx.say(ctx.t("fallback.clarify"), [*buttons, ctx.menu_button()])
        else:
            ctx.say(ctx.t("fallback.plain"), [ctx.menu_button()])
