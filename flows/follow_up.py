"""Follow-ups that lean on the message before: "장소가 어디예요?" (an aspect only), "자기주도형은요?"
after "서비스참여형은 …라던데" (the word contrasted), "몇 회 운영했어요?" after a named topic."""

from __future__ import annotations

from dataclasses import replace

from flows.context import TurnContext
from flows.next_step import asks_an_aspect, candidate_asked_of_before, carried_topic, topicless
from knowledge.answering import AnswerContext, FactRanker, ellipsis
from knowledge.answering.answerer import CHOICES, Answer, Answerer, Decision
from knowledge.answering.ranker import NOUN_TAGS, Candidate
from knowledge.retrieval import squash

#: an elliptical follow-up's answer uses at least this (IDF-weighted) share of the word it contrasts
NAMED = 0.5
#: ... preferring to the best a candidate this close that does
NAMED_MARGIN = 0.3
#: how many candidates the fact just answered is looked for among (the ranker always adds it)
SAID_POOL = 100


def follow_up(ctx: TurnContext, answerer: Answerer, text: str, context: AnswerContext) -> Decision | None:
    """A question that leans on the message before: one naming only an aspect ("장소가 어디예요?"),
    ranked with it; or "자기주도형은요?" after "서비스참여형은 …라던데", the message before asked again of the word
    contrasted (``knowledge.answering.ellipsis``), for the case it names ("프로젝트형은요?" ->
    program_type: project), whatever the NLU heard in so few words, and answered by a fact about
    that word; None unless one is found."""
    if asks_an_aspect(answerer.ranker, text):  # "장소가 어디예요?" asks about what the message before was about
        inherited = candidate_asked_of_before(ctx, answerer, text, context)
        if inherited is not None:
            return Decision("answers", [Answer(inherited)], text)
    found = ellipsis.contrasted(text, answerer.ranker.lex)
    if found is None:
        carried = carried_topic(ctx, answerer, text, context)
        # "몇 회 운영했어요?" after "2015년 일자리발굴단 실적이 궁금해요"
        return Decision("answers", [Answer(carried)], text) if carried is not None else None
    if not ctx.said_before:
        return None
    ranker = answerer.ranker
    terms = ranker.morph_terms
    # a thing (a noun, or a number such as "2015년"), not "찾아가는"
    asked = ellipsis.follow_up(text, ctx.said_before, ranker.lex, has_topic=lambda tail: not topicless(ranker, tail),
                               noun=lambda word: bool(terms(word, NOUN_TAGS)) or not terms(word))
    if asked is None:
        return None
    slots = {**context.slots, **ctx.domain.cases_named(text)}
    context = replace(context, intent=None, confidence=0.0, slots=slots)
    decision = answerer.decide(asked, context)
    if decision.kind != "answers":
        return None
    said = said_of(ranker, asked, found[0], context)
    if said is not None and all(a.candidate.fact.id != said.fact.id for a in decision.answers):
        # "도서관은요?" after the outreach counselling's "지하철역에서는 월 4회": the fact just said speaks of
        # 도서관 too ("도서관 1회"), so it is the answer, not another fact about libraries
        return Decision("answers", [answerer.answer(asked, said)], asked)
    named = terms(found[0])
    if not named or all(ranker.coverage(named, a.candidate.fact.id) >= NAMED for a in decision.answers):
        return decision
    # "여자는?" after "… 남자가 85.3%라던데": the close candidate that speaks of 여자, if any
    ranked = ranker.rank(asked, context, limit=CHOICES)
    for c in ranked:
        if c.score >= ranked[0].score - NAMED_MARGIN and ranker.coverage(named, c.fact.id) >= NAMED:
            return Decision("answers", [answerer.answer(asked, c)], asked)
    return None  # "주민증이면요?" is not answered by the 면허번호 fact: the question as it stands


def said_of(ranker: FactRanker, asked: str, word: str, context: AnswerContext) -> Candidate | None:
    """The fact just answered, when its text names ``word``, the one an elliptical follow-up contrasts:
    it says the same thing of both ("지하철역사 4회, … 도서관 1회")."""
    last = context.recent[-1] if context.recent else None
    fact = ranker.facts.get(last) if last else None
    if fact is None or squash(word) not in squash(f"{fact.title or ''} {fact.text}"):
        return None
    return next((c for c in ranker.rank(asked, context, limit=SAID_POOL) if c.fact.id == last), None)
