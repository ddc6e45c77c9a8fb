"""Direct questions in the dialogue: context-aware fact answers, several per message, and honest
"not in the guide" answers. The ranking itself is pure and lives in ``knowledge.answering``; this
module decides, per typed message, whether it is a question for the facts and says the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flows.loader import Domain
from flows.replies import Button
from knowledge.answering import AnswerContext, Candidate, FactRanker, GapFinder, load_lexicon
from knowledge.answering.occupation_names import OccupationNames
from knowledge.answering.split import split_questions, strip_greeting
from knowledge.loader import CONTENT_DIR
from knowledge.schema import Fact

if TYPE_CHECKING:
    from flows.engine import Turn

#: Texts this module uses; loading fails if one is missing from knowledge/content.
REQUIRED_TEXTS = ("answer.not_in_guide", "answer.not_in_guide.where", "answer.jobs.requirements_title",
                  "answer.jobs.requirements_intro", "answer.jobs.requirements_ncs", "answer.jobs.btn.requirements")

#: lowest score that answers a question on its own
ANSWER_AT = 0.30
#: lowest score for each part of a message cut into several questions
PART_AT = 0.36
#: a fact this close outweighs an intent that acts (menu, progress, out of scope ...)
STRONG_AT = 0.62
#: how many answered facts the conversation remembers as context
RECENT = 3

_SMALL_TALK = {"greet", "goodbye", "thanks", "affirm", "deny"}
#: intents whose own handling comes first unless a fact matches very well
#: intents under which a name like 상담사 means something else than an occupation
_NOT_OCCUPATION = {"human_handoff", "center_info", "delete_my_data", "progress_status", "step_done",
                   "reminder_settings", "help"}
_ACTING = {"help", "progress_status", "step_done", "human_handoff", "reminder_settings", "delete_my_data",
           "job_search", "occupation_compare", "profile_recommend"}


@dataclass(frozen=True)
class Answer:
    candidate: Candidate
    gap: bool


class Answers:
    """Built once per domain; holds the ranker and the gap finder. No per-turn state."""

    def __init__(self, domain: Domain) -> None:
        self.d = domain
        k = domain.knowledge
        lexicon = load_lexicon()
        areas = {fid: _area(path) for fid, path in k.origin.items()}
        guides = {fid: flow for fid in k.facts if (flow := domain.flow_of_fact(fid)) is not None}
        self.areas = areas
        self.ranker = FactRanker(k.facts.values(), areas, guides, lexicon)
        self.gaps = GapFinder(k.facts.values(), lexicon)
        self.lex = lexicon
        self._names: OccupationNames | None = None

    # ------------------------------------------------------------- context
    def context(self, turn: Turn, intent: str | None, confidence: float) -> AnswerContext:
        state = turn.state
        place = state.place or state.paused
        guide = place.flow if place else state.offer
        return AnswerContext(guide=guide, audience=state.audience, recent=tuple(state.recent),
                             intent=intent, confidence=confidence)

    def observe_payload(self, turn: Turn, verb: str, args: list[str]) -> None:
        """A menu or guide someone opens says who they are (운영기관 menu -> operator)."""
        if verb == "m" and args and args[0] in self.lex_areas:
            turn.state.audience = args[0]
        elif verb == "f" and args and args[0] in self.d.flows:
            about = self.d.flows[args[0]].about
            turn.state.audience = self.areas.get(about, turn.state.audience)

    @property
    def lex_areas(self) -> set[str]:
        return set(self.areas.values())

    # ------------------------------------------------------------ deciding
    def on_text(self, turn: Turn, text: str, parse: dict[str, Any]) -> bool:
        """Answer ``text`` from the facts if it is a question for them; ``False`` leaves it to the engine."""
        top = parse.get("intent") or {}
        intent, confidence = top.get("name"), float(top.get("confidence") or 0.0)
        rest = strip_greeting(text, self.lex)
        if rest == "":
            return False
        if rest is not None:
            text, intent, confidence = rest, None, 0.0
        elif intent in _SMALL_TALK:
            return False
        if intent not in _NOT_OCCUPATION and self.occupation(turn, text):
            return True
        named = self.ranker.audience_of(text)
        if named:
            turn.state.audience = named
        context = self.context(turn, intent, confidence)
        need = STRONG_AT if intent in _ACTING else ANSWER_AT
        answers = self.several(text, context, need)
        if answers is None:
            single = self.one(text, context)
            if single is None or single.candidate.score < need:
                if rest is not None or intent not in _ACTING:
                    return self.not_in_guide_if_uncovered(turn, text, single)
                return False
            answers = [single]
        if rest is not None:
            turn.state.greeted = True
        self.say(turn, answers)
        return True

    def occupation(self, turn: Turn, text: str) -> bool:
        """An occupation asked for by name opens it in the view the question asks for."""
        jobs = turn.e.jobs
        if jobs is None:
            return False
        if self._names is None or self._names.catalogue is not jobs.catalogue:
            self._names = OccupationNames(jobs.catalogue, self.lex)
        mention = self._names.find(text)
        if mention is None:
            return False
        jobs.open_view(turn, mention.code, mention.view)
        return True

    def one(self, text: str, context: AnswerContext) -> Answer | None:
        ranked = self.ranker.rank(text, context, limit=2)
        if not ranked:
            return None
        best = ranked[0]
        return Answer(best, self.gaps.gap_answer(text, best.fact) or bool(self.gaps.uncovered(text)))

    def several(self, text: str, context: AnswerContext, need: float) -> list[Answer] | None:
        parts = split_questions(text, self.lex)
        if len(parts) < 2:
            return None
        answers: list[Answer] = []
        for part in parts:
            answer = self.one(part, context)
            if answer is None or answer.candidate.score < max(need, PART_AT):
                return None
            if all(a.candidate.fact.id != answer.candidate.fact.id for a in answers):
                answers.append(answer)
            context = AnswerContext(guide=context.guide, audience=context.audience,
                                    recent=(*context.recent, answer.candidate.fact.id))
        return answers if len(answers) >= 2 else None

    def not_in_guide_if_uncovered(self, turn: Turn, text: str, single: Answer | None) -> bool:
        """A question about the guides' topics that asks what no fact mentions gets "not in the guide"."""
        if single is None or not self.gaps.uncovered(text) or single.candidate.lexical < ANSWER_AT / 2:
            return False
        self.say_not_in_guide(turn)
        return True

    # -------------------------------------------------------------- saying
    def say(self, turn: Turn, answers: list[Answer]) -> None:
        for answer in answers:
            fact = answer.candidate.fact
            turn.state.recent = [*[f for f in turn.state.recent if f != fact.id], fact.id][-RECENT:]
            turn.state.audience = self.areas.get(fact.id, turn.state.audience)
        *first, last = answers
        for answer in first:
            fact = self.shown(answer)
            links = [Button(label=fact.link.label, url=str(fact.link.url))] if fact.link else []
            turn.say(fact.text, links, title=fact.title)
        turn.answer_fact(self.shown(last))

    def shown(self, answer: Answer) -> Fact:
        fact = answer.candidate.fact
        if not answer.gap:
            return fact
        marker = self.d.knowledge.text("answer.not_in_guide")
        return fact.model_copy(update={"text": f"{marker}\n{fact.text}"})

    def say_not_in_guide(self, turn: Turn) -> None:
        k = self.d.knowledge
        audience = turn.state.audience
        where = f"answer.not_in_guide.where.{audience}"
        pointer = k.text(where if where in k.texts else "answer.not_in_guide.where")
        turn.say(f"{k.text('answer.not_in_guide')}\n{pointer}",
                 [turn.button("nav.consultant", "c"), turn.menu_button()])


def _area(path: Any) -> str:
    """The content area of a fact: its folder under knowledge/content (student, operator ...)."""
    try:
        parts = path.relative_to(CONTENT_DIR).parts
    except ValueError:
        parts = path.parts[-2:]
    return parts[0] if len(parts) > 1 else "general"
