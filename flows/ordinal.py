"""Questions that ask for an item of a list by its position ("첫번째 검사 어디서 해?", "마지막 단계는
뭐예요"): the list is the one the conversation holds, the item is named and the question asked of it.

Which list, first found: the stage's parts the list noun names ("검사" -> the three tests); the
numbered items (①, ②, …) of a fact just answered, the latest first; the steps of the guide being
walked or last answered from. The words are ``knowledge.answering.ordinal``'s.
"""

from __future__ import annotations

from dataclasses import replace

from flows.context import TurnContext
from knowledge.answering import AnswerContext
from knowledge.answering.answerer import Answer, Answerer, Decision
from knowledge.answering.ordinal import Ordinal, asked, naming, numbered_items, pick
from knowledge.answering.ranker import Candidate


def ordinal_answer(ctx: TurnContext, answerer: Answerer, text: str, context: AnswerContext) -> Decision | None:
    """The answer to a question about the n-th item of the list in context: the question asked of the
    item named, or the item's own fact (a guide step; the list's fact when only it says the item);
    None when the question names no position or no list in context is long enough."""
    found = asked(text, answerer.ranker.lex)
    if found is None:
        return None
    free = replace(context, intent=None, confidence=0.0)  # the NLU heard the ordinal's words, not the item
    listed: str | None = None
    label = _stage_part(answerer, found)
    if label is None:
        label, listed = _numbered(ctx, found, context)
    if label is None:
        step = _guide_step(ctx, found, context)
        return _chosen(ctx, text, step)
    decision = answerer.decide(naming(text, found, label), free)
    if decision.kind == "answers":
        return decision
    return _chosen(ctx, text, listed)  # the item is only said in the list


def _stage_part(answerer: Answerer, found: Ordinal) -> str | None:
    """The n-th part of the stage the list noun names ("검사" -> 취업준비도검사, 취업능력평가, …)."""
    if not found.stage:
        return None
    labels = dict(answerer.ranker.lex.part_labels).get(found.stage, ())
    return pick(labels, found.position)


def _numbered(ctx: TurnContext, found: Ordinal, context: AnswerContext) -> tuple[str | None, str | None]:
    """The n-th numbered item of the latest fact answered that numbers its items, and that fact."""
    for fact_id in reversed(context.recent):
        fact = ctx.k.facts.get(fact_id)
        items = numbered_items(fact.text) if fact is not None else []
        if len(items) >= 2:
            return pick(items, found.position), fact_id
    return None, None


def _guide_step(ctx: TurnContext, found: Ordinal, context: AnswerContext) -> str | None:
    """The fact of the n-th step of the guide in context, among the steps for the person's case."""
    flow = ctx.domain.flows.get(context.guide or "")
    if flow is None:
        return None
    slots = context.slots
    facts = [s.fact_id for s in flow.steps
             if s.fact_id and not any(slots.get(k, v[0]) not in v for k, v in s.when.items())]
    return pick(list(dict.fromkeys(facts)), found.position)


def _chosen(ctx: TurnContext, text: str, fact_id: str | None) -> Decision | None:
    """An answer with the fact the list chose: the position picked it, not the question's words."""
    fact = ctx.k.facts.get(fact_id or "")
    return Decision("answers", [Answer(Candidate(fact, score=1.0, lexical=0.0, reasons=("position",)))], text) \
        if fact is not None else None
