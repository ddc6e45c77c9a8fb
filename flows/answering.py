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
from knowledge.answering.progress_words import stages_said_done
from knowledge.answering.split import split_questions, strip_greeting
from knowledge.loader import CONTENT_DIR
from knowledge.schema import Fact

if TYPE_CHECKING:
    from flows.engine import Turn

#: Texts this module uses; loading fails if one is missing from knowledge/content.
REQUIRED_TEXTS = ("answer.not_in_guide", "answer.not_in_guide.where", "answer.jobs.requirements_title",
                  "answer.jobs.requirements_intro", "answer.jobs.requirements_ncs", "answer.jobs.btn.requirements",
                  "answer.progress.confirm", "answer.progress.marked", "answer.progress.btn_yes")
#: prefix of ``state.confirm`` while stages said done in words wait for a yes
_STAGES = "stages:"

#: lowest score that answers a question on its own
ANSWER_AT = 0.30
#: lowest score for each part of a message cut into several questions
PART_AT = 0.36
#: a fact this close outweighs an intent that acts (menu, progress, out of scope ...)
STRONG_AT = 0.75
#: how much more an acting intent's confidence asks of a fact (a sure "진행상황" stays progress)
SURE_INTENT = 0.25
#: how many answered facts the conversation remembers as context
RECENT = 3

_SMALL_TALK = {"greet", "goodbye", "thanks", "affirm", "deny"}
#: intents whose own handling comes first unless a fact matches very well
#: intents under which a name like 상담사 means something else than an occupation
_NOT_OCCUPATION = {"human_handoff", "center_info", "delete_my_data", "progress_status", "step_done",
                   "reminder_settings", "help"}
#: areas whose "센터" is not the university's (희망일자리센터, 고용센터 ...): there "센터 어디예요" asks the facts
_OTHER_CENTRES = {"centre", "midcareer", "operator"}
_ACTING = {"help", "progress_status", "step_done", "human_handoff", "reminder_settings", "delete_my_data",
           "job_search", "occupation_compare", "profile_recommend", "out_of_scope"}


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
        if self.progress_in_words(turn, text, intent):
            return True
        if intent not in _NOT_OCCUPATION and self.occupation(turn, text):
            return True
        named = self.ranker.audience_of(text)
        if named:
            turn.state.audience = named
        context = self.context(turn, intent, confidence)
        need = STRONG_AT + SURE_INTENT * confidence if intent in _ACTING else ANSWER_AT
        elsewhere = turn.state.audience in _OTHER_CENTRES or self.context_is(context, _OTHER_CENTRES)
        if intent == "center_info" and not elsewhere:
            need = STRONG_AT + SURE_INTENT * confidence
        answers = self.several(text, context, need)
        if answers is None:
            single = self.one(text, context)
            if single is None or single.candidate.score < need:
                if rest is not None or intent not in _ACTING:
                    return self.not_in_guide_if_uncovered(turn, text, single, ANSWER_AT / 2)
                return False
            answers = [single]
        if rest is not None:
            turn.state.greeted = True
        self.say(turn, answers)
        return True

    # ------------------------------------------------------------ progress
    def progress_in_words(self, turn: Turn, text: str, intent: str | None) -> bool:
        """"워크넷이랑 잡케어는 다 했어요": ask to confirm, then mark each stage named. One stage the NLU
        also heard as "done" is the engine's (marked at once, as a button would)."""
        stages = [s for s in stages_said_done(text, self.lex) if s in self.d.stages]
        if not stages or (len(stages) == 1 and intent == "step_done"):
            return False
        todo = [s for s in stages if s not in turn.done] or stages
        turn.state.confirm = _STAGES + ",".join(todo)
        turn.say(turn.t("answer.progress.confirm", stages=self.stage_list(turn, todo)),
                 [turn.button("answer.progress.btn_yes", "dd:" + ":".join(todo)), turn.button("nav.no", "dn")])
        return True

    def stage_list(self, turn: Turn, stages: list[str]) -> str:
        return ", ".join(f"'{turn.stage_label(s)}'" for s in stages)

    def on_confirmation(self, turn: Turn, intent: str) -> bool:
        """A typed yes or no to the stages waiting for confirmation."""
        if not (turn.awaiting or "").startswith(_STAGES) or intent not in ("affirm", "deny"):
            return False
        stages = (turn.awaiting or "").removeprefix(_STAGES).split(",")
        if intent == "affirm":
            self.mark_stages(turn, stages)
        else:
            turn.keep_stages()
        return True

    def mark_stages(self, turn: Turn, stages: list[str]) -> None:
        if not stages or any(s not in self.d.stages for s in stages):
            raise LookupError(",".join(stages))
        for stage in stages:
            turn.mark(stage, quiet=True)
        turn.say(turn.t("answer.progress.marked", stages=self.stage_list(turn, stages)))
        turn.show_progress()

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

    def best_fact(self, turn: Turn, text: str, intent: str | None) -> Fact | None:
        """The fact a question means when its topic is already known (a pressed "I meant" button)."""
        ranked = self.ranker.rank(text, self.context(turn, intent, 1.0 if intent else 0.0), limit=1)
        if ranked and ranked[0].score >= ANSWER_AT and (intent is None or ranked[0].fact.intent == intent):
            return ranked[0].fact
        return None

    def context_is(self, context: AnswerContext, areas: set[str]) -> bool:
        guide = self.d.flows.get(context.guide or "")
        return guide is not None and self.areas.get(guide.about) in areas

    def one(self, text: str, context: AnswerContext) -> Answer | None:
        ranked = self.ranker.rank(text, context, limit=2)
        if not ranked:
            return None
        best = ranked[0]
        gap = self.gaps.gap_answer(self.ranker.expand(text), best.fact) or bool(self.gaps.uncovered(text))
        return Answer(best, gap)

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

    def not_in_guide_if_uncovered(self, turn: Turn, text: str, single: Answer | None, topical: float) -> bool:
        """A question on the guides' topics (a fact matches at least ``topical``) that asks what no fact
        mentions gets "not in the guide"."""
        if single is None or not self.gaps.uncovered(text) or single.candidate.lexical < topical:
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
