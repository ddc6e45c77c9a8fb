"""The answering decisions over the real content, without the dialogue: context, greetings, several
questions, "not in the guide"."""

from __future__ import annotations

import pytest

from flows.answers import build_answerer
from knowledge.answering import AnswerContext
from knowledge.answering.answerer import Answerer
from knowledge.answering.parts import names_only


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


def test_thanks_before_a_question_does_not_swallow_it(answerer: Answerer) -> None:
    thanks = AnswerContext(intent="thanks", confidence=0.98)
    decision = answerer.decide("감사합니다 덕분에 가입 잘 했어요! 근데 IAP가 뭐예요?", thanks)
    assert decision.kind == "answers" and "개인별취업활동계획서" in decision.answers[0].candidate.fact.text
    assert answerer.decide("감사합니다 덕분에 가입 잘 했어요!", thanks).kind == "none"


def test_who_asks_is_not_a_word_the_guide_lacks(answerer: Answerer) -> None:
    # "중반" in "50대 중반입니다" says who asks; no fact needs to mention it
    assert not answerer.gaps.uncovered("50대 중반입니다. 잡케어가 뭐예요?")
    assert not answerer.gaps.uncovered(answerer.ranker.topic_of("50대 중반입니다. 잡케어가 뭐예요?"))
    # ... whoever it is, when the clause asks nothing ("학부모입니다.", "40대 주부에요")
    assert not answerer.gaps.uncovered("학부모입니다. 아이가 재맞고 한다는데 참여하면 뭐가 좋은가요")
    assert not answerer.gaps.uncovered("40대 주부에요 면접 연습같은것도 도와주나요")
    # a clause that asks is the question: its nouns still count
    assert answerer.gaps.uncovered("수당은 세금 떼고 들어와요?")


def test_a_request_for_what_a_fact_states_is_answered_despite_an_acting_intent(answerer: Answerer) -> None:
    # "… 알려주세요" asks as a question word does: heard surely as the centre intent, it is still a fact's
    centre = AnswerContext(intent="center_info", confidence=0.99)
    decision = answerer.decide("희망일자리센터 홈페이지 주소 알려주세요", centre)
    assert decision.kind == "answers"
    assert any("job.seoul.go.kr" in a.candidate.fact.text for a in decision.answers)


def test_two_questions_get_two_answers(answerer: Answerer) -> None:
    decision = answerer.decide("DOOR가 뭐예요? 그리고 IAP 결과는 어디에 등록해요?", AnswerContext())
    assert decision.kind == "answers" and len(decision.answers) == 2
    assert _ids(decision) == ["iap.door", "iap.result_open"] or "IAP결과관리" in decision.answers[1].candidate.fact.text


@pytest.mark.parametrize("question", ["수당은 매달 며칠에 입금돼요?", "수당은 세금 떼고 들어와요?",
                                      "IAP 상담 예약 날짜 바꾸고 싶어요", "워크넷 비밀번호 잊어버렸어요 어떻게 찾아요",
                                      "잡케어 보고서 영어 버전 있어요?", "희망일자리센터 토요일에도 해요?",
                                      "성동구 주민 아니어도 이용할 수 있나요?", "졸업하고도 재맞고 할 수 있어요?",
                                      "생애경력설계 받으면 수료증 나와요?"])
def test_what_the_sources_do_not_say_is_flagged(answerer: Answerer, question: str) -> None:
    decision = answerer.decide(question, AnswerContext())
    assert decision.kind == "not_in_guide" or all(a.gap for a in decision.answers)


@pytest.mark.parametrize("question", ["워크넷 가입 어떻게 해요", "구인배수가 뭔가요", "희망일자리센터 위치",
                                      "선생님 수당 얼마예요", "수고 많으십니다 보고서는 몇 개까지 만들어요?",
                                      "일경험 수료증은 어디서 발급받아요?", "IAP 상담 예약은 어디서 해요?"])
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


def test_a_greeting_keeps_the_topic_the_nlu_heard(answerer: Answerer) -> None:
    # the NLU heard the question's topic through the greeting: the topic still counts
    context = AnswerContext(intent="jobcare_guide", confidence=1.0)
    greeted, plain = answerer.decide("ㅎㅇ 잡케어가 뭐임?", context), answerer.decide("잡케어가 뭐임?", context)
    assert greeted.greeted and _ids(greeted) == _ids(plain)


def test_the_telling_word_is_a_noun_when_one_is_telling(answerer: Answerer) -> None:
    # every inflected verb form is rare among the phrasings; what the question is about is the noun
    assert answerer.ranker.key_term("학력은 어떤 것 중에 고를 수 있어요") == "학력"


def test_a_close_runner_up_that_states_the_aspect_asked_answers(answerer: Answerer) -> None:
    # the centre's introduction is nearer in words; the fact with its floor says where it is
    decision = answerer.decide("성동구 희망일자리센터 어디있어요", AnswerContext(intent="job_center", confidence=1.0))
    assert decision.kind == "answers" and "3층" in decision.answers[0].candidate.fact.text
    assert not decision.answers[0].gap


@pytest.mark.parametrize(("text", "only"), [("장소는요?", True), ("프로젝트형은요", True),
                                            ("직원은 몇 명이에요?", False), ("로그인할 땐 뭐로 해요", False)])
def test_a_part_that_only_names_something_is_told(text: str, only: bool) -> None:
    assert names_only(text) is only


def test_a_second_question_that_only_names_something_asks_it_of_the_first(answerer: Answerer) -> None:
    # "프로젝트형은요?" after the 인턴형's attachments asks the 프로젝트형's attachments
    decision = answerer.decide("인턴형 첨부파일은 뭐 올려요? 프로젝트형은요?", AnswerContext())
    texts = [a.candidate.fact.text for a in decision.answers]
    assert len(texts) == 2 and "인턴형" in texts[0] and "프로젝트 제안서" in texts[1]


def test_a_sentence_saying_who_asks_is_no_question_of_its_own(answerer: Answerer) -> None:
    decision = answerer.decide("중장년 구직자입니다. 생애경력설계 어디서 신청해요?", AnswerContext())
    assert decision.kind == "answers" and len(decision.answers) == 1
    assert answerer.ranker.describes_self("중장년 구직자입니다") == "midcareer"
    assert answerer.ranker.describes_self("휴학생도 재맞고 돼요") is None


def test_a_question_word_and_near_verbatim_words_take_a_question_from_an_acting_intent(answerer: Answerer) -> None:
    compare = AnswerContext(intent="occupation_compare", confidence=0.95)
    assert answerer.decide("직종비교 최대 몇개", compare).kind in ("answers", "choose")
    # a request with no question word stays the intent's
    request = answerer.decide("간호사랑 물리치료사 비교해줘", compare)
    assert request.kind == "none"


def test_asking_what_something_is_connected_to_is_no_request_for_a_person(answerer: Answerer) -> None:
    handoff = AnswerContext(intent="human_handoff", confidence=0.96)
    assert answerer.decide("귀농 귀촌 하려는 사람한테는 뭐 연결해줘요", handoff).kind == "answers"
    assert answerer.decide("상담사 연결은 어떻게 해요?", handoff).kind == "none"

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


def test_a_missing_key_is_a_telling_word_the_facts_do_not_say(answerer: Answerer) -> None:
    # one syllable ("여" of "머에여"), a fragment of a word the fact says ("업무권" of 업무권한정보) or a
    # generic noun ("동안", "해당") is no missing key: the answer states what was asked
    for asked in ("고용행정통합포털 주소 머에여", "업무권한정보 어디 체크해야해요", "잡케어 민감정보 얼마동안 보관해",
                  "저 이제 2학년 올라가는데 빌드업 점프업 중에 머에 해당돼요??"):
        decision = answerer.decide(asked, AnswerContext())
        assert decision.kind == "answers" and not decision.answers[0].gap, asked
    # a telling word no fact says still is ("보험")
    decision = answerer.decide("일경험 참여자 4대보험은 누가 가입시켜요?", AnswerContext())
    assert decision.kind == "not_in_guide" or (decision.answers and decision.answers[0].gap)


def test_a_topic_named_wins_over_who_says_they_ask(answerer: Answerer) -> None:
    # "50대" makes a 중장년, but 잡케어 is another area's topic: its facts answer, not the 생애경력설계 card
    decision = answerer.decide("50대 중반입니다. 잡케어라는 게 뭔지 설명해 주실래요?", AnswerContext())
    assert _ids(decision)[0].startswith("jobcare"), _ids(decision)
    # a question the audience's own facts speak of stays theirs
    assert answerer.ranker.audience_of("50대 재직자입니다. 상담은 어디서 받아요?") == "midcareer"
    assert not answerer.ranker.names_elsewhere(answerer.ranker.morph_terms("상담은 어디서 받아요?"), "midcareer")


# --------------------------------------------------------------- follow-ups asking an aspect of the topic
def test_an_amount_asked_after_a_topic_is_that_topics(answerer: Answerer) -> None:
    # "총 얼마예요?" after the centre's 2016 budget: the student allowance's words are nearer, the centre's
    # fact just answered states the amount
    centre = AnswerContext(audience="centre", guide="job_center", recent=("job_center.status_2016",))
    assert _ids(answerer.decide("총 얼마예요?", centre))[0] == "job_center.status_2016"


def test_an_operator_asking_the_allowance_gets_the_operators_fact(answerer: Answerer) -> None:
    operator = AnswerContext(audience="operator", guide="portal_program", recent=("portal_program.about",))
    # either of the operator's facts that states the example allowance, never the student's 수당
    best = answerer.decide("수당은 얼마로 써요?", operator).answers[0].candidate.fact
    assert best.id.startswith("portal_program.") and "35만원" in best.text, best.id


def test_whether_a_field_is_required_is_asked_of_the_field_talked_about(answerer: Answerer) -> None:
    account = AnswerContext(audience="operator", guide="portal_account", recent=("portal_account.consent",))
    assert _ids(answerer.decide("그건 필수예요?", account))[0] == "portal_account.consent"


def test_a_question_naming_its_own_topic_is_not_pulled_back(answerer: Answerer) -> None:
    centre = AnswerContext(audience="centre", guide="job_center", recent=("job_center.status_2016",))
    assert _ids(answerer.decide("재맞고 신청은 어디서 해요?", centre))[0].startswith("program_apply.")
    # a word the topic's facts use only in passing ("수료증" of a student programme's examples) does not
    # make the certificate question theirs
    student = AnswerContext(audience="student", near=("iap.result_submit", "iap.points"))
    assert _ids(answerer.decide("수료증은 어디서 받아요?", student))[0] == "portal_ops.certificate"


def test_a_cost_asked_of_the_course_just_answered_is_its_own(answerer: Answerer) -> None:
    # "돈 내야 돼요?" has no word of the online course's; the course's fact says it is free
    course = AnswerContext(audience="midcareer", guide="midcareer", recent=("midcareer.online_course",))
    decision = answerer.decide("돈 내야 돼요?", course)
    assert _ids(decision) == ["midcareer.online_course"] and not decision.answers[0].gap


def test_the_words_that_ask_an_aspect_are_left_out_whole() -> None:
    from knowledge.answering.preferences import without_cues

    assert without_cues("돈 내야 돼요?", ["돈내"]) == "돼요?"
    assert without_cues("상담 받으려면 어디로 가면 돼요", ["어디로가"]) == "상담 받으려면 돼요"


def test_a_question_after_a_told_sentence_is_asked_in_its_topic(answerer: Answerer) -> None:
    # "…신청 넣었거든요." tells what was done (the account's guide); the question after it is the real one
    told = "운영기관 담당자인데 사용자계정 신청 넣었거든요. 승인은 어디서 해주는 건가요?"
    assert _ids(answerer.decide(told, AnswerContext())) == ["portal_account.approver"]
    greeted = answerer.decide("수고 많으십니다~ " + told, AnswerContext(intent="greet", confidence=0.9))
    assert _ids(greeted) == ["portal_account.approver"] and greeted.greeted


def test_a_sentence_saying_only_who_one_is_gets_no_answer_of_its_own(answerer: Answerer) -> None:
    # "올해 쉰여섯 된 사람입니다." names no audience the lexicon knows, and still asks nothing
    decision = answerer.decide("올해 쉰여섯 된 사람입니다. 잡케어 보고서는 몇 개까지 만들 수 있어요?", AnswerContext())
    assert len(decision.answers) == 1 and not decision.answers[0].candidate.fact.id.startswith("portal_")


def test_a_second_question_contrasting_a_case_asks_the_first_of_it(answerer: Answerer) -> None:
    # "서비스참여형은 몇 개예요" asks the 영역 of the other support type, not what 서비스참여형 is
    decision = answerer.decide("자기주도형은 영역이 몇 개고 서비스참여형은 몇 개예요?", AnswerContext())
    assert _ids(decision) == ["iap.plan_self", "iap.plan_service"]


def test_a_second_question_naming_only_what_it_asks_is_asked_of_the_first_ones_subject(answerer: Answerer) -> None:
    # "신청은 어디서 해요" after "재맞고 수당은 얼마예요" asks where 재맞고 is applied for
    decision = answerer.decide("재맞고 수당은 얼마예요 그리고 신청은 어디서 해요", AnswerContext())
    assert _ids(decision) == ["program.allowance", "program_apply.about"]


def test_a_part_asked_with_a_question_mark_is_no_sentence_saying_who_asks(answerer: Answerer) -> None:
    text = "잡케어는 워크넷 어디서 들어가요? 그리고 학생 말고 아무나 쓸 수 있는거에요?"
    decision = answerer.decide(text, AnswerContext())
    assert len(decision.answers) == 2 and _ids(decision)[1] == "jobcare_intro.who"


def test_an_aspect_the_nearest_fact_does_not_state_is_not_in_the_guide(answerer: Answerer) -> None:
    # too far from any fact to answer, but about the guides, asking what the nearest fact does not state
    decision = answerer.decide("잡케어 보고서 영어로도 볼 수 있나요? 외국계 지원하려구요", AnswerContext())
    assert decision.kind == "not_in_guide" or all(a.gap for a in decision.answers)
