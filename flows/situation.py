"""A question about the situation someone just told: "이럴땐 어떻게 하나요?" after "개별 신청자 프로그램
검색했더니 예전 신청내용이 뜨네요" asks what the step said to that statement says."""

from __future__ import annotations

from flows.context import TurnContext
from knowledge.answering import AnswerContext
from knowledge.answering.answerer import Answerer
from knowledge.answering.ranker import Candidate

#: the fact just said answers a question read with the statement it was said to when, read so, it leads
#: the runner-up by this much
SITUATION_LEAD = 0.3


def answers_situation(ctx: TurnContext, answerer: Answerer, before: str, asked: str, best: Candidate,
                      context: AnswerContext) -> bool:
    """Whether the fact just said, found again for a question read with the message before, answers
    it: that message told the person's situation rather than asked ("개별 신청자 프로그램 검색했더니
    예전 신청내용이 뜨네요"), so the fact said to it — a step, not a guide's introduction — was about
    their situation, and read together the two prefer that fact clearly (by ``SITUATION_LEAD``):
    "이럴땐 어떻게 하나요?" asks what it says."""
    if answerer.requests(before) or best.fact.id in ctx.domain.about_of:
        return False  # a guide's introduction says what something is, not what is asked of it ("얼마나 받아요?")
    ranked = answerer.ranker.rank(asked, context, limit=2)
    if not ranked or ranked[0].fact.id != best.fact.id:
        return False
    return len(ranked) < 2 or ranked[0].score - ranked[1].score >= SITUATION_LEAD
