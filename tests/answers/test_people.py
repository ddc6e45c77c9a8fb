"""The kind of person someone says they are (lexicon ``people``): the facts written for them come
first, before the facts for another kind of person; and what reads as saying rather than asking."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.answers import build_answerer
from knowledge.answering import PERSON_SLOT, AnswerContext, load_lexicon
from knowledge.answering.answerer import Answerer
from knowledge.answering.lexicon import asks


@pytest.fixture(scope="module")
def answerer(domain) -> Answerer:
    return build_answerer(domain)


def test_what_someone_says_of_themselves_names_the_kind_of_person(answerer: Answerer) -> None:
    ranker = answerer.ranker
    assert ranker.person_of("저 공공근로 하고 있는 사람인데요") == "public_worker"
    assert ranker.person_of("졸업하고 처음 취업 준비하는데 뭘 해야할지 모르겠어요") == "newcomer"
    assert ranker.person_of("저는 52살이고 회사 그만두고 재취업 준비 중입니다") == "reemployer"
    assert ranker.person_of("성수동 지식산업센터 입주한 IT회사 인사담당자입니다") == "employer"
    assert ranker.person_of("50대 초반인데 아직 뭘 할지 정하지 못했어요") == "undecided"
    assert ranker.person_of("수당은 언제 들어와요?") is None


def test_a_fact_is_written_for_the_person_its_first_line_names(answerer: Answerer) -> None:
    written = answerer.ranker.written_for
    assert written["job_center.public_workers"] == "public_worker"
    assert written["jobcare_faq.new2"] == "newcomer"
    assert written["jobcare_faq.seeker50"] == "reemployer"
    assert "job_center.overview" not in written


def test_the_fact_for_the_person_comes_first_and_one_for_another_person_after(answerer: Answerer) -> None:
    ranker = answerer.ranker
    assert ranker.fits_person("jobcare_faq.new2", "newcomer") == 1
    assert ranker.fits_person("jobcare_faq.seeker50", "newcomer") == -1
    assert ranker.fits_person("jobcare_faq.seeker50", None) == 0
    assert ranker.fits_person("job_center.overview", "newcomer") == 0
    faq = AnswerContext(guide="jobcare_faq", audience="jobcare", recent=("jobcare_faq.new2",))
    # the same short question, by a newcomer and by a 50대 looking for work again
    newcomer = answerer.decide("잡케어가 도움돼요?", replace(faq, slots={PERSON_SLOT: "newcomer"}))
    assert newcomer.answers[0].candidate.fact.id == "jobcare_faq.new2"
    reemployer = answerer.decide("잡케어가 도움돼요?",
                                 AnswerContext(audience="jobcare", slots={PERSON_SLOT: "reemployer"}))
    assert reemployer.answers[0].candidate.fact.id == "jobcare_faq.seeker50"


def test_a_public_worker_asking_where_to_get_consulting_gets_their_own_consultations(answerer: Answerer) -> None:
    context = AnswerContext(guide="job_center", audience="centre", recent=("job_center.public_workers",))
    asked = "취업컨설팅은 어디서 받아요?"
    plain = answerer.decide(asked, context).answers[0].candidate.fact.id
    theirs = answerer.decide(asked, replace(context, slots={PERSON_SLOT: "public_worker"}))
    assert plain != "job_center.public_workers"
    assert theirs.answers[0].candidate.fact.id == "job_center.public_workers"


def test_a_question_about_the_asker_leans_on_who_they_are(answerer: Answerer) -> None:
    ranker = answerer.ranker
    assert ranker.about_asker("저같은 사람한테도 쓸모가 있을까요")
    assert ranker.about_asker("저 같은 사람도 취업 상담 받을 수 있어요?")
    assert not ranker.about_asker("잡케어는 누가 쓸 수 있어요?")
    context = AnswerContext(guide="jobcare_intro", audience="jobcare", recent=("jobcare_intro.about",),
                            slots={PERSON_SLOT: "reemployer"})
    decision = answerer.decide("저같은 사람한테도 쓸모가 있을까요", context)
    assert decision.answers[0].candidate.fact.id == "jobcare_faq.seeker50"


def test_a_question_word_meaning_some_says_rather_than_asks() -> None:
    lex = load_lexicon()
    assert not asks("은퇴하면 사회공헌 쪽으로 뭔가 하고 싶어요", lex)
    assert not asks("누군가 도와줬으면 좋겠어요", lex)
    assert asks("생애경력설계서비스가 뭔가요", lex)
    assert asks("이게 뭔가요", lex)
    assert asks("뭔가 이상한데 왜 그래요", lex)


def test_a_facts_source_section_says_whom_it_is_written_for(answerer: Answerer) -> None:
    written = answerer.ranker.written_for
    assert written["portal_select.indiv_check"] == "individual_applicants"  # "이용 6.1 개별 신청 참여자"
    assert written["portal_select.online_docs"] == "online_applicants"
    assert answerer.ranker.person_of("통합포털 사이트로 인터넷 신청한 참여자들이 있는데요") == "online_applicants"


def test_a_topic_named_in_a_question_is_not_who_asks(answerer: Answerer) -> None:
    # the 입주 기업 asked about are the topic ("어떤 사람을 원한대요?"), not an employer asking
    assert answerer.ranker.person_of("지식산업센터 입주 기업들은 어떤 사람을 원한대요?") is None
