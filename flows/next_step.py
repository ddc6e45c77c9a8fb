""""그다음은요?": the step after the one someone says they are at.

People walking a procedure on another screen report where they are ("사이렌24 실명등록은 끝냈어요",
"이력서 등록하기 누르고 동의까지 했어요") and ask what comes next. The step they are at is the guide step
that this message ("인증 끝났는데 그담엔?") or the one before says is done, else the step last answered;
the answer is the step after it in its guide (``Domain.following_fact``).
"""

from __future__ import annotations

from flows.context import TurnContext
from knowledge.answering import AnswerContext, FactRanker
from knowledge.schema import Fact

#: a "what next" question with more words of its own than this asks about something else
#: ("다음 일 잡는 데이 날짜 언제예요")
NEXT_TERMS = 2


def next_fact(ctx: TurnContext, ranker: FactRanker, text: str, context: AnswerContext) -> Fact | None:
    """The following step's fact when ``text`` asks what comes next, else None."""
    lex = ranker.lex
    rest = ranker.without(text, lex.next_words)
    if rest is None:
        return None
    statement = ranker.without(rest, lex.done_words)
    if len(ranker.morph_terms(statement if statement is not None else rest)) > NEXT_TERMS:
        return None
    anchor = None
    for said in (rest if statement is not None else None, ctx.said_before):
        if said and (anchor := step_done(ctx, ranker, said, context)):
            break
    if anchor is None and context.recent and context.recent[-1] in ctx.domain.fact_places:
        anchor = context.recent[-1]
    following = ctx.domain.following_fact(anchor) if anchor else None
    return ctx.k.fact(following) if following else None



def step_done(ctx: TurnContext, ranker: FactRanker, said: str, context: AnswerContext) -> str | None:
    """The step a statement says someone is at: the guide step it matches best."""
    found = ranker.steps_at(said, context, ctx.domain.fact_places)
    return found[0] if found else None
