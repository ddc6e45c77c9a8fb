"""Conversational query expansion (knowledge/answering/expansion.py): an under-specified question read
with the message before it, decided by the sum of both readings' scores. Real ranker and content."""

from __future__ import annotations

import pytest

from flows.answers import build_answerer
from knowledge.answering import AnswerContext
from knowledge.answering.answerer import Answerer
from knowledge.answering.expansion import combined, reread, under_specified
from knowledge.answering.ranker import Candidate
from knowledge.schema import Fact


@pytest.fixture
def answerer(domain) -> Answerer:
    return build_answerer(domain)


def _candidate(fid: str, score: float) -> Candidate:
    return Candidate(Fact(id=f"t.{fid}", text=fid), score, score)


def test_a_facts_combined_score_is_the_sum_of_both_readings() -> None:
    scores = combined([_candidate("a", 1.0), _candidate("b", 0.8)], [_candidate("b", 1.5), _candidate("c", 0.5)])
    assert scores["t.b"][1] == pytest.approx(2.3)
    # a reading that did not find a fact counts its lowest score there
    assert scores["t.a"][1] == pytest.approx(1.0 + 0.5)
    assert scores["t.c"][1] == pytest.approx(0.8 + 0.5)
    assert scores["t.b"][0].score == 1.5  # the joined reading's candidate is kept


def test_generic_and_pointing_questions_are_under_specified(answerer: Answerer) -> None:
    ranker = answerer.ranker
    assert under_specified(ranker, "여기서 고를 수 있는 게 뭐예요")
    assert under_specified(ranker, "하나하나 다 눌러야 돼요?")
    assert not under_specified(ranker, "직업심리검사 결과는 IAP 상담에서 어떻게 써요?")


def test_a_generic_question_is_read_with_the_screen_said_before(answerer: Answerer) -> None:
    before = "참여자인증번호 눌러서 자기소개 확인했어요"
    question = "여기서 누를 수 있는 버튼이 뭐뭐 있어요?"
    alone = answerer.decide(question, AnswerContext())
    decision = reread(answerer, question, before, AnswerContext(), alone)
    assert decision is not None and decision.kind == "answers"
    assert "반려" in decision.answers[0].candidate.fact.text


def test_a_question_naming_its_own_topic_is_not_pulled_to_the_topic_before(answerer: Answerer) -> None:
    before = "참여자인증번호 눌러서 자기소개 확인했어요"
    question = "그럼 IAP 상담 예약은 워크넷 어디서 해요?"
    alone = answerer.decide(question, AnswerContext())
    assert alone.kind == "answers" and "예약" in alone.answers[0].candidate.fact.text
    # read joined to the message before, the words of that message win: the reading alone would pull
    joined = answerer.ranker.rank(f"{before} {question}", AnswerContext(), limit=1)
    assert joined[0].fact.id != alone.answers[0].candidate.fact.id
    # ... but summed with the question's own reading, the question's topic keeps its answer
    assert reread(answerer, question, before, AnswerContext(), alone) is None


def test_a_statement_or_a_sure_act_is_never_reread(answerer: Answerer) -> None:
    before = "참여자인증번호 눌러서 자기소개 확인했어요"
    told = answerer.decide("알겠어요", AnswerContext())
    assert reread(answerer, "알겠어요", before, AnswerContext(), told) is None
    acting = AnswerContext(intent="job_search", confidence=0.95)
    asked = answerer.decide("여기서 뭐 할 수 있어요?", acting)
    if asked.kind == "none":
        assert reread(answerer, "여기서 뭐 할 수 있어요?", before, acting, asked) is None


def test_a_pointing_question_gets_what_it_asks_where_the_message_before_says(answerer: Answerer) -> None:
    before = "상세보고서 만들었어요"
    question = "여기서 뭘 볼 수 있어요?"
    alone = answerer.decide(question, AnswerContext())
    decision = reread(answerer, question, before, AnswerContext(), alone) or alone
    assert "보유·필요 직무역량" in decision.answers[0].candidate.fact.text
