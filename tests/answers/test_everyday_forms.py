"""Everyday forms people type for the guides' words (lexicon ``synonyms``, ``audiences``,
``question_ends``): abbreviations, typos and plain words are read as the facts' own."""

from __future__ import annotations

import pytest

from flows.answers import build_answerer
from knowledge.answering import AnswerContext
from knowledge.answering.answerer import Answerer
from knowledge.answering.lexicon import asks, load_lexicon
from knowledge.answering.words import Words

LEX = load_lexicon()


@pytest.fixture(scope="module")
def answerer(domain) -> Answerer:
    return build_answerer(domain)


@pytest.mark.parametrize(("typed", "canonical"), [
    ("취준도검사 언제 해요", "취업준비도검사"),
    ("취능평가 몇 문항이에요", "취업능력평가"),
    ("취활평가 결과", "취업활동평가"),
    ("면허증으로 실명등록", "운전면허증"),
    ("주민증 발급일", "주민등록증"),
    ("검사 잘 보는 팁", "요령"),
    ("끝난 뒤 관리도 해줘요?", "사후관리"),
    ("이용자 불만은 뭐였어요", "문제점"),
    ("예약하면 연락은 뭘로 와요", "문자"),
    ("워크냇 가입", "워크넷"),
    ("행정포털 계정", "고용행정통합포털"),
])
def test_an_everyday_form_gets_the_facts_word(typed: str, canonical: str) -> None:
    assert canonical in Words(LEX).expand(typed)


def test_the_facts_word_is_not_added_twice() -> None:
    assert Words(LEX).expand("운전면허증으로 실명등록") == "운전면허증으로 실명등록"


@pytest.mark.parametrize(("typed", "written"), [
    ("취준도검사 어디서 해요", "취업준비도 검사"),  # 취+준+도: the pieces of a shortening
    ("취능평가 결과", "취업능력평가 결과"),
])
def test_a_shortening_of_several_morphemes_is_read_as_the_facts_word(typed: str, written: str) -> None:
    words = Words(LEX)
    assert {"취", "준", "능"}.isdisjoint(words.terms(typed))  # would match 취준생
    assert set(words.terms(written)) <= set(words.terms(typed))


def test_a_phrase_mapped_keeps_its_own_words() -> None:
    terms = Words(LEX).terms("연락이 와요?")  # "연락이 와" -> 문자; 와요 only partly covered: kept
    assert {"연락", "문자", "와요"} <= set(terms)
    assert Words(LEX).terms("취업준비도 검사") == Words(LEX).terms("취업준비도검사")  # counted once


def test_a_phrase_without_a_noun_is_not_mapped() -> None:
    # "어디 있" is how a question asks, not a thing: no 위치 term (the char n-grams still get it)
    assert "위치" not in Words(LEX).terms("어디 있어요?")
    assert "위치" in Words(LEX).expand("어디 있어요?")


@pytest.mark.parametrize("text", ["사회공헌 쪽으로 가고 싶은 사람은요", "그럼 휴학생이면요", "프로젝트형은요",
                                  "다른 건요"])
def test_an_elliptical_ending_asks(text: str) -> None:
    assert asks(text, LEX)


@pytest.mark.parametrize("text", ["저는 52세 구직자예요", "보고서 다 만들었어요", "저는요 학생이에요"])
def test_a_statement_still_does_not_ask(text: str) -> None:
    assert not asks(text, LEX)


@pytest.mark.parametrize(("text", "audience"), [
    ("50대 성동구민인데 상담 받을 곳 있어요", "centre"),  # the district said outweighs the age
    ("교수님이 잡케어 해 오래요", "student"),
    ("저 50대인데요", "midcareer"),
])
def test_who_asks_from_everyday_cues(answerer: Answerer, text: str, audience: str) -> None:
    assert answerer.ranker.audience_of(text) == audience


@pytest.mark.parametrize(("text", "fact"), [
    ("준비도검사 잘 보는 팁 있어요?", "assessments.readiness_answer"),
    ("취준도검사 결과 점수는 어디서 봐요", "assessments.readiness_score"),
    ("취준도검사 어디서 하는거임", "assessments.readiness_open"),
    ("면허증 고르면 뭐 입력해요", "jobseeker.id_license"),
    ("생애경력설계 이용자들 불만은 뭐였어요", "midcareer.pain_points"),
])
def test_everyday_forms_reach_the_fact(answerer: Answerer, text: str, fact: str) -> None:
    decision = answerer.decide(text, AnswerContext())
    assert decision.kind == "answers" and decision.answers[0].candidate.fact.id == fact


def test_a_told_clause_before_the_question_sets_its_topic(answerer: Answerer) -> None:
    # "…들었는데 | 나이 제한이 있나요?": what one heard tells the topic (잡케어), the rest is what is asked
    assert answerer.background_clause("잡케어라는 걸 처음 들었는데 나이 제한이 있나요?") == \
        ["잡케어라는 걸 처음 들었는데", "나이 제한이 있나요?"]
    assert answerer.background_clause("아이가 결과를 올린다는데 수료증이 꼭 있어야 해요?") == \
        ["아이가 결과를 올린다는데", "수료증이 꼭 있어야 해요?"]
    # what one does is what is asked about; a clause that asks is no told one
    for whole in ["전공이 검색이 안 되는데 어떡해요", "신청했는데 다음엔 뭐 해요?", "어디서 한다는데 언제 해요?",
                  "동의하라고 하는데 해도 되는 거죠?"]:
        assert answerer.background_clause(whole) == [whole]
    decision = answerer.decide("58살 재직자입니다. 잡케어라는 걸 들어봤는데 누가 쓸 수 있어요?", AnswerContext())
    assert decision.kind == "answers" and decision.answers[0].candidate.fact.id == "jobcare_intro.who"
