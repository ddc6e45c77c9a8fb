"""The answering decisions over the real content, without the dialogue: context, greetings, several
questions, "not in the guide"."""

from __future__ import annotations

import pytest

from flows.answers import build_answerer
from knowledge.answering import AnswerContext
from knowledge.answering.answerer import Answerer


@pytest.fixture(scope="module")
def answerer(domain) -> Answerer:
    return build_answerer(domain)


def _ids(decision) -> list[str]:
    return [a.candidate.fact.id for a in decision.answers]


def test_the_same_question_is_answered_for_the_audience_asking(answerer: Answerer) -> None:
    operator = answerer.decide("승인은 누가 해줘요?", AnswerContext(audience="operator", guide="portal_account"))
    student = answerer.decide("승인은 누가 해줘요?", AnswerContext(audience="student"))
    assert _ids(operator)[0].startswith("portal_account.")
    assert _ids(student)[0] == "student_faq.approval"


def test_a_greeting_does_not_swallow_the_question(answerer: Answerer) -> None:
    decision = answerer.decide("안녕하세요~ 수당 얼마 받을수 있나요", AnswerContext(intent="greet", confidence=0.9))
    assert decision.kind == "answers" and decision.greeted
    assert "20만원" in decision.answers[0].candidate.fact.text
    assert answerer.decide("안녕하세요", AnswerContext(intent="greet", confidence=0.9)).kind == "none"


def test_a_greeting_in_chat_spelling_does_not_swallow_the_question(answerer: Answerer) -> None:
    decision = answerer.decide("안녕하세여 구인배수는 무슨 뜻이에요?", AnswerContext(intent="greet", confidence=0.9))
    assert decision.kind == "answers" and decision.greeted
    assert "구인배수" in decision.answers[0].candidate.fact.text


def test_two_questions_get_two_answers(answerer: Answerer) -> None:
    decision = answerer.decide("DOOR가 뭐예요? 그리고 IAP 결과는 어디에 등록해요?", AnswerContext())
    assert decision.kind == "answers" and len(decision.answers) == 2
    assert _ids(decision) == ["iap.door", "iap.result_open"] or "IAP결과관리" in decision.answers[1].candidate.fact.text


@pytest.mark.parametrize("question", ["수당은 매달 며칠에 입금돼요?", "수당은 세금 떼고 들어와요?",
                                      "IAP 상담 예약 날짜 바꾸고 싶어요"])
def test_what_the_sources_do_not_say_is_flagged(answerer: Answerer, question: str) -> None:
    decision = answerer.decide(question, AnswerContext())
    assert decision.kind == "not_in_guide" or all(a.gap for a in decision.answers)


@pytest.mark.parametrize("question", ["워크넷 가입 어떻게 해요", "구인배수가 뭔가요", "희망일자리센터 위치"])
def test_what_the_sources_say_is_not_flagged(answerer: Answerer, question: str) -> None:
    decision = answerer.decide(question, AnswerContext())
    assert decision.kind == "answers" and not any(a.gap for a in decision.answers)


def test_a_sure_acting_intent_keeps_its_turn(answerer: Answerer) -> None:
    sure = AnswerContext(intent="progress_status", confidence=0.99)
    assert answerer.decide("다음에 뭐 해야 돼?", sure).kind == "none"


def test_a_question_only_half_heard_as_goodbye_is_answered(answerer: Answerer) -> None:
    unsure = AnswerContext(intent="goodbye", confidence=0.4)
    decision = answerer.decide("보고서 이름은 몇 바이트까지 쓸 수 있어요?", unsure)
    assert decision.kind == "answers" and "200Byte" in decision.answers[0].candidate.fact.text
    assert answerer.decide("안녕히 계세요", unsure).kind == "none"
    sure = AnswerContext(intent="goodbye", confidence=0.95)
    assert answerer.decide("수고 많으셨어요 안녕히 계세요", sure).kind == "none"


def test_a_question_about_what_is_talked_about_is_answered_in_its_guide(answerer: Answerer) -> None:
    asked = AnswerContext(intent="ask_detail", confidence=0.95, guide="iap_register", audience="student")
    decision = answerer.decide("희망진로는 어디에 적어요?", asked)
    assert decision.kind == "answers" and "희망진로" in decision.answers[0].candidate.fact.text


@pytest.mark.parametrize("request_", ["상담사 연결 가능?", "상담사님 계세요?"])
def test_a_person_asked_for_is_not_answered_by_a_fact(answerer: Answerer, request_: str) -> None:
    assert answerer.decide(request_, AnswerContext(intent="human_handoff", confidence=0.99)).kind == "none"

def test_a_question_clearly_about_one_fact_is_answered_despite_an_acting_intent(answerer: Answerer) -> None:
    heard = AnswerContext(intent="profile_recommend", confidence=0.8)
    decision = answerer.decide("부전공은 어느 칸에 쓰나요?", heard)
    assert decision.kind == "answers" and _ids(decision) == ["jobcare_detail.major"]


@pytest.mark.parametrize("request_", ["경영학 전공인데 직종 추천해줘", "경영학 전공인데 어떤 직업이 맞을까요?"])
def test_a_request_the_facts_do_not_clearly_own_stays_with_the_acting_intent(answerer: Answerer, request_: str) -> None:
    assert answerer.decide(request_, AnswerContext(intent="profile_recommend", confidence=0.9)).kind == "none"


def test_a_generic_question_goes_to_the_audience_whose_facts_can_answer_it(answerer: Answerer) -> None:
    """No guide open: the audience alone turns "승인은 누가 해요?" to the operator's facts."""
    ranked = answerer.ranker.rank("승인은 누가 해요?", AnswerContext(audience="operator"), limit=1)
    assert answerer.ranker.areas[ranked[0].fact.id] == "operator"
    # a question naming another area's topic is not pulled over ("통합포털" is the operator's word)
    ranked = answerer.ranker.rank("통합포털 계정 승인 누가 해줘요", AnswerContext(audience="student"), limit=1)
    assert answerer.ranker.areas[ranked[0].fact.id] == "operator"


def test_a_close_runner_up_with_the_telling_word_answers(answerer: Answerer) -> None:
    heard = AnswerContext(intent="assessment_guide", confidence=1.0)
    decision = answerer.decide("취업준비도검사 다시 볼 수 있나요?", heard)
    assert decision.kind == "answers" and decision.answers[0].gap


def test_the_persons_case_picks_between_branch_facts_whatever_their_words(answerer: Answerer) -> None:
    question = "참여 유형 정보는 뭐 골라요?"
    for grade, want in (("1", "program_apply.type_buildup"), ("4", "program_apply.type_jumpup")):
        context = AnswerContext(guide="program_apply", audience="student", slots={"grade": grade})
        assert _ids(answerer.decide(question, context)) == [want]


def test_an_unsure_small_talk_intent_in_a_question_leaves_it_to_the_facts(answerer: Answerer) -> None:
    question = "그럼 이제 잡케어 상세 보고서는 어떻게 만들어요?"
    assert answerer.decide(question, AnswerContext(intent="goodbye", confidence=0.4)).kind == "answers"
    assert answerer.decide("고마워요 잘 가요", AnswerContext(intent="goodbye", confidence=0.4)).kind == "none"


def test_asking_how_the_two_support_types_differ_gets_the_difference(answerer: Answerer) -> None:
    decision = answerer.decide("자기주도형과 서비스참여형의 차이점 좀 알려주세요", AnswerContext())
    text = decision.answers[0].candidate.fact.text
    assert "구직기술향상" in text and "직업훈련/일경험" in text


def test_asking_who_provides_the_midcareer_service_names_the_provider(answerer: Answerer) -> None:
    decision = answerer.decide("생애경력설계를 맡아 하는 기관은 어디예요?", AnswerContext())
    assert decision.kind == "answers" and "노사발전재단" in decision.answers[0].candidate.fact.text



def test_a_question_in_a_short_guide_reaches_the_guide_that_says_it_in_detail(answerer: Answerer) -> None:
    context = AnswerContext(guide="jobcare_student", audience="student", recent=("jobcare_student.profile",),
                            near=("jobcare_student.profile", "jobcare_student.basic"))
    decision = answerer.decide("학교명은 직접 적어요?", context)
    assert _ids(decision) == ["jobcare_detail.education"] and "detail" in decision.answers[0].candidate.reasons


def test_a_best_only_the_context_put_first_gives_way_to_one_the_words_support(answerer: Answerer) -> None:
    context = AnswerContext(guide="midcareer", audience="midcareer", recent=("midcareer.path_reemploy",),
                            near=("midcareer.path_reemploy",), slots={"midcareer_goal": "reemploy"})
    decision = answerer.decide("잡케어도 저한테 도움 돼요?", context)
    assert decision.kind == "answers" and _ids(decision) == ["jobcare_faq.seeker50"]
