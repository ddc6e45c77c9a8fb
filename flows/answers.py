"""Fact answering: a question gets the fact that answers it — in the context of the conversation — then
the guide it belongs to; a greeting before it, or two or three questions in one message, are answered
too; what the sources do not say gets "not in the guide"; close candidates are offered as buttons;
what cannot be placed gets a fallback that asks which of the likeliest things was meant.

The ranking and the decision are pure (``knowledge.answering``); this part builds their context from
the conversation (the guide being walked or just offered, the audience, the facts answered last) and
says the result. The engine sends it typed text (``on_text``) after the guides, progress and jobs
parts, every intent no other part registered, and ``nlu_fallback``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import nlu
from flows.context import TurnContext
from flows.expanded import decide_in_context
from flows.follow_up import follow_up
from flows.guide_start import first_of_named_guide
from flows.guides import render_step, start_button
from flows.loader import Domain
from flows.next_step import asked_of_before, next_fact, steps_near, told_position
from flows.ordinal import ordinal_answer
from flows.payloads import Clarify, Handoff, Menu, Payload, StartFlow
from flows.replies import Button
from knowledge.answering import PERSON_SLOT, AnswerContext, FactRanker, GapFinder, load_lexicon
from knowledge.answering.answerer import Answer, Answerer, Decision
from knowledge.loader import CONTENT_DIR
from knowledge.schema import Fact

#: Texts this part uses; loading fails if one is missing from knowledge/content.
REQUIRED_TEXTS = ("answer.not_in_guide", "answer.not_in_guide.where", "answer.choose")
#: how many answered facts the conversation remembers as context
RECENT = 3
#: areas whose "센터" is not the university's (희망일자리센터, 고용센터 ...): there "센터 어디예요" asks the facts
OTHER_CENTRES = frozenset({"centre", "midcareer", "operator"})
#: acting intents about the student programme's own checklist, which do not act in those areas
STUDENT_ONLY = frozenset({"progress_status"})


class Answers:
    """The answering part: registered for ``nlu_fallback``, ``i:INTENT`` and every unclaimed intent."""

    payloads: ClassVar[tuple[type[Payload], ...]] = (Clarify,)
    #: "not understood", and a question about what is being talked about ("그건 어디서 해요?"): both are
    #: the facts' to answer in context, else asked back with the likeliest topics
    intents: ClassVar[tuple[str, ...]] = ("nlu_fallback", "ask_detail")
    catch_all: ClassVar[bool] = True

    def __init__(self, domain: Domain) -> None:
        self.answerer = build_answerer(domain)
        self.ranker = self.answerer.ranker
        self.areas = self.ranker.areas

    # ---------------------------------------------------------------------------- entry points
    def observe(self, ctx: TurnContext, payload: Payload) -> None:
        """A menu or guide someone opens says who they are (the 운영기관 menu -> operator)."""
        if isinstance(payload, Menu) and payload.menu in set(self.areas.values()):
            ctx.state.audience = payload.menu
        elif isinstance(payload, StartFlow) and payload.flow in ctx.domain.flows:
            ctx.state.audience = self.areas.get(ctx.domain.flows[payload.flow].about, ctx.state.audience)

    def on_payload(self, ctx: TurnContext, payload: Payload) -> None:
        if not isinstance(payload, Clarify):
            raise LookupError(payload)
        text, ctx.state.unclear = ctx.state.unclear or "", None
        ctx.state.fallbacks = 0
        if f"intent.{payload.intent}" not in ctx.k.texts:
            raise LookupError(payload.intent)
        ctx.understand(payload.intent, text, {"intent": {"name": payload.intent, "confidence": 1.0}, "entities": []})

    def on_text(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> bool:
        """Claim a typed message the facts answer (or honestly cannot); ``False`` leaves it to the intents."""
        top = parse.get("intent") or {}
        intent, confidence = top.get("name"), float(top.get("confidence") or 0.0)
        named, person = self.ranker.audience_of(text), self.ranker.person_of(text)
        ctx.state.audience = named or ctx.state.audience
        ctx.state.slots.update({PERSON_SLOT: person} if person else {})  # the kind of person said outlasts the turn
        context = answer_context(ctx, self.ranker, intent, confidence, text)
        if self.only_tells_a_number(ctx, text):
            return False
        following = next_fact(ctx, self.ranker, text, context) or first_of_named_guide(ctx, self.ranker, text)
        if following is not None:
            ctx.state.fallbacks = 0
            answer_fact(ctx, following)
            return True
        # "첫번째 검사 어디서 해?"; "장소가 어디예요?", "자기주도형은요?"
        followed = ordinal_answer(ctx, self.answerer, text, context) or follow_up(ctx, self.answerer, text, context)
        if followed is not None:
            ctx.state.fallbacks = 0
            self.say(ctx, followed)
            return True
        elsewhere = ctx.state.audience in OTHER_CENTRES or self.area_of_guide(ctx, context.guide) in OTHER_CENTRES
        # the checklist is the student programme's: elsewhere "다음 순서는?" asks about that procedure
        not_checklist = elsewhere and intent in STUDENT_ONLY and self.ranker.asks(text)
        acting_ok = elsewhere and (intent == "center_info" or not_checklist)
        decision = decide_in_context(ctx, self.answerer, text, context, acting_ok=acting_ok)
        if decision.kind == "none":
            inherited = asked_of_before(ctx, self.answerer, text, context)  # "어디어디서 해요?" after a topic
            if inherited is not None:
                ctx.state.fallbacks = 0
                answer_fact(ctx, inherited)
                return True
            if not_checklist or self.answerer.ask_back(text, context):
                self.fallback(ctx, text, parse)
                return True
            return False
        if decision.greeted:
            ctx.state.greeted = True
        ctx.state.fallbacks = 0
        self.say(ctx, decision)
        if named:  # who someone says they are outlasts the area of the fact just answered
            ctx.state.audience = named
        return True

    def on_intent(self, ctx: TurnContext, intent: str, text: str, parse: dict[str, Any]) -> None:
        if intent in self.intents:
            self.fallback(ctx, text, parse)
        else:
            self.answer(ctx, text, intent)

    def answer(self, ctx: TurnContext, text: str, intent: str | None) -> None:
        """Answer ``text`` (which the NLU took for ``intent``) with a fact, or fall back."""
        fact = self.find_fact(ctx, text, intent)
        if fact is None:
            self.fallback(ctx, text, {})
            return
        answer_fact(ctx, fact)

    # ------------------------------------------------------------------------------ context
    def only_tells_a_number(self, ctx: TurnContext, text: str) -> bool:
        """A personal number sent with no question: it gets the warning, not a fact its words resemble."""
        return ctx.masked and not self.ranker.asks(text)

    def area_of_guide(self, ctx: TurnContext, flow_id: str | None) -> str | None:
        flow = ctx.domain.flows.get(flow_id or "")
        return self.areas.get(flow.about) if flow else None

    def find_fact(self, ctx: TurnContext, text: str, intent: str | None) -> Fact | None:
        """The best fact for ``text`` in this conversation's context; else the intent's guide summary."""
        best = self.answerer.best(text, answer_context(ctx, self.ranker, intent, 1.0 if intent else 0.0))
        if best is not None:
            return best.fact
        flow = ctx.domain.flow_for_intent(intent) if intent else None
        return ctx.k.fact(flow.about) if flow else None

    # ------------------------------------------------------------------------------ replying
    def say(self, ctx: TurnContext, decision: Decision) -> None:
        if decision.kind == "not_in_guide":
            say_not_in_guide(ctx)
        elif decision.kind == "choose":
            buttons = [Button(label=_label(a.candidate.fact), payload=start_button(ctx, a.candidate.fact, flow).payload)
                       for a in decision.answers if (flow := ctx.domain.flow_of_fact(a.candidate.fact.id))]
            if len(buttons) < 2:  # nothing to choose between that a button can open: the best answer
                self.say_answers(ctx, decision.answers[:1])
                return
            ctx.say(ctx.t("answer.choose"), [*buttons, ctx.menu_button()])
        else:
            self.say_answers(ctx, decision.answers)

    def say_answers(self, ctx: TurnContext, answers: list[Answer]) -> None:
        """One card per answer; the last one also brings the guide's buttons (or the guide back)."""
        *first, last = answers
        for answer in first:
            fact = shown(ctx, answer)
            remember(ctx, answer.candidate.fact)
            ctx.say(fact.text, _links(fact), title=fact.title)
        answer_fact(ctx, shown(ctx, last))

    def fallback(self, ctx: TurnContext, text: str, parse: dict[str, Any]) -> None:
        """Try the facts once more; then ask which of the two likeliest things was meant."""
        fact = None if self.only_tells_a_number(ctx, text) else self.find_fact(ctx, text, None)
        if fact is not None:
            ctx.state.fallbacks = 0
            answer_fact(ctx, fact)
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


#: answerers already built, by domain (an Assistant per test or worker must not rebuild the indexes)
_BUILT: dict[int, tuple[Domain, Answerer]] = {}


def build_answerer(domain: Domain) -> Answerer:
    """The ranker, gap finder and rules over ``domain``'s facts; built once per domain."""
    built = _BUILT.get(id(domain))
    if built is not None and built[0] is domain:
        return built[1]
    k = domain.knowledge
    lexicon = load_lexicon()
    areas = {fid: area_of(path) for fid, path in k.origin.items()}
    guides = {fid: flow for fid in k.facts if (flow := domain.flow_of_fact(fid)) is not None}
    ranker = FactRanker(k.facts.values(), areas, guides, lexicon, cache_dir=nlu.cache_dir(),
                        conditions=domain.fact_when,
                        details={fid: flow.details for fid, flow in domain.flows.items() if flow.details})
    answerer = Answerer(ranker, GapFinder(k.facts.values(), lexicon), lexicon)
    if len(_BUILT) >= 8:
        _BUILT.clear()
    _BUILT[id(domain)] = (domain, answerer)
    return answerer


def answer_context(ctx: TurnContext, ranker: FactRanker, intent: str | None, confidence: float,
                   text: str = "") -> AnswerContext:
    """The conversation around a question: the guide, the audience, the facts answered last, the
    person's case, and where their previous message said they are in a guide (``near``). A question
    that names another case than the one said is asked for it ("프로젝트형은 어떻게 등록해요?" after
    "인턴형은 등록했어요"); a case it only mentions does not become the person's."""
    state = ctx.state
    place = state.place or state.paused
    guide = place.flow if place else (state.offer or ctx.offer)
    if guide is None and state.recent:  # no guide open or offered: the one last answered from
        guide = ctx.domain.flow_of_fact(state.recent[-1])
    context = AnswerContext(guide=guide, audience=state.audience, recent=tuple(state.recent),
                            intent=intent, confidence=confidence,
                            slots={**state.slots, **{k: v for k, v in ctx.domain.cases_named(text).items()
                                                     if k in state.slots}})
    told = told_position(ctx, ranker, context)
    if told:  # the messages before said where the person is (flows.told)
        context = replace(context, near=steps_near(ctx, ranker, *told))
    if context.near and context.guide is None:
        # a statement no fact was said to ("취업능력평가 문항 다 체크했어요" ticked a test): the guide of
        # the step it placed the person at is the one the conversation is in, and its area their audience
        context = replace(context, guide=ctx.domain.flow_of_fact(context.near[0]),
                          audience=context.audience or ranker.areas.get(context.near[0]))
    return context


def remember(ctx: TurnContext, fact: Fact) -> None:
    """An answered fact is context for the next question: its guide, and who it is for."""
    ctx.state.recent = [*[f for f in ctx.state.recent if f != fact.id], fact.id][-RECENT:]
    origin = ctx.k.origin.get(fact.id)
    if origin is not None:
        ctx.state.audience = area_of(origin)


def answer_fact(ctx: TurnContext, fact: Fact) -> None:
    """The fact first; then, mid-guide, the guide again; otherwise an offer to walk the guide."""
    remember(ctx, fact)
    links = _links(fact)
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

def shown(ctx: TurnContext, answer: Answer) -> Fact:
    """The fact as said: with the "not in the guide" line first when that is what it answers."""
    fact = answer.candidate.fact
    if not answer.gap:
        return fact
    return fact.model_copy(update={"text": f"{ctx.t('answer.not_in_guide')}\n{fact.text}"})

def say_not_in_guide(ctx: TurnContext) -> None:
    where = f"answer.not_in_guide.where.{ctx.state.audience}"
    pointer = ctx.t(where if where in ctx.k.texts else "answer.not_in_guide.where")
    ctx.say(f"{ctx.t('answer.not_in_guide')}\n{pointer}", [ctx.button("nav.consultant", Handoff()),
                                                           ctx.menu_button()])

def area_of(path: Any) -> str:
    """The content area of a fact: its folder under knowledge/content (student, operator ...)."""
    try:
        parts = path.relative_to(CONTENT_DIR).parts
    except ValueError:
        parts = path.parts[-2:]
    return parts[0] if len(parts) > 1 else "general"

def _links(fact: Fact) -> list[Button]:
    return [Button(label=fact.link.label, url=str(fact.link.url))] if fact.link else []


def _label(fact: Fact) -> str:
    """A button label for a fact: its title, else its first words (within Kakao's quick-reply width)."""
    text = fact.title or fact.text.split("\n", 1)[0].lstrip("①②③④⑤⑥⑦⑧⑨⑩⑪ ")
    return text if len(text) <= 14 else text[:13] + "…"
