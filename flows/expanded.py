"""A question whose own words name no topic, read with what the person said just before
(``knowledge.answering.expansion``): "하나하나 다 눌러야 돼요?" after "상세 보고서 보는 중인데
경력개발경로 눌렀어요" / "직무가 엄청 많이 나와요" asks about that screen."""

from __future__ import annotations

from flows.context import TurnContext
from knowledge.answering import AnswerContext
from knowledge.answering.answerer import Answerer, Decision
from knowledge.answering.expansion import MAX_OWN, reread, rereadable, telling_words


def said_just_before(ctx: TurnContext, answerer: Answerer) -> str | None:
    """What the question is read with: the message before it, after the one before that when both only
    tell ("상세 보고서 보는 중인데 경력개발경로 눌렀어요", "직무가 엄청 많이 나와요") and the later one
    names no more than ``MAX_OWN`` telling word of its own (the earlier one says which screen)."""
    before, earlier = ctx.said_before, ctx.said_earlier
    ranker = answerer.ranker
    if (before and earlier and not ranker.asks(before) and not ranker.asks(earlier)
            and len(telling_words(ranker, before)) <= MAX_OWN):
        return f"{earlier} {before}"
    return before


def decide_in_context(ctx: TurnContext, answerer: Answerer, text: str, context: AnswerContext, *,
                      acting_ok: bool = False) -> Decision:
    """The answerer's decision for the question, or the one it gets read with the message before when
    its own words are too generic to decide."""
    decision = answerer.decide(text, context, acting_ok=acting_ok)
    if not ctx.said_before or not rereadable(answerer, text, context, decision):
        return decision  # the cheap tests first: most questions are read as they stand
    before = said_just_before(ctx, answerer)
    if not before:
        return decision
    return reread(answerer, text, before, context, decision) or decision
