"""Where someone says they are in a guide, and what comes after it: the domain's step order
(``Domain.following_fact``), stated cases (``Domain.cases_named``) and the engine's answers to
"what next" and in-context questions. Parses are given; the ranker and content are real."""

from __future__ import annotations

import pytest

from tests.flows.test_engine import Chat, parse


def test_after_one_branch_of_a_choice_comes_the_step_after_the_choice(domain) -> None:
    assert domain.following_fact("jobseeker.id_resident") == "jobseeker.mobile_login"
    assert domain.following_fact("jobseeker.id_license") == "jobseeker.mobile_login"


def test_a_choice_with_no_known_answer_has_no_next_step_but_a_known_one_leads_to_its_branch(domain) -> None:
    assert domain.following_fact("program_apply.grade") is None
    assert domain.following_fact("program_apply.grade", {"grade": "1"}) == "program_apply.type_buildup"
    assert domain.following_fact("program_apply.grade", {"grade": "4"}) == "program_apply.type_jumpup"


def test_a_question_asked_once_per_person_is_skipped_when_its_answer_is_known(domain) -> None:
    assert domain.following_fact("program_apply.category") == "program_apply.grade"
    assert domain.following_fact("program_apply.category", {"grade": "3"}) == "program_apply.type_jumpup"


def test_a_case_is_named_only_when_one_option_of_its_slot_is(domain) -> None:
    assert domain.cases_named("저는 서비스참여형이래요") == {"support_type": "service"}
    assert domain.cases_named("자기주도형이랑 서비스참여형 중에 뭐가 나아요") == {}


def _ask(chat: Chat, *texts: str) -> str:
    for text in texts:
        chat.send(text, p=parse("nlu_fallback", text))
    return chat.shown


def test_a_finished_lead_in_makes_that_steps_action_next(chat: Chat) -> None:
    shown = _ask(chat, "재맞고 하려고 워크넷에 로그인까지 마쳤어요", "그 다음엔 뭐 눌러요?")
    assert "고용복지정책" in shown


def test_a_finished_action_makes_the_following_step_next(chat: Chat) -> None:
    shown = _ask(chat, "재맞고 홈페이지에서 더보기 버튼 눌렀어요", "그다음은?")
    assert "학교 검색" in shown


def test_a_finished_activity_skips_its_own_choice_and_branches(chat: Chat) -> None:
    shown = _ask(chat, "사이렌24 가서 실명등록 다 했어요", "그다음엔 뭐 해요?")
    assert "흰 줄 3개" in shown and "신분증" not in shown


def test_the_persons_grade_picks_the_branch_answer(chat: Chat) -> None:
    chat.send("전 1학년이에요", p=parse("nlu_fallback", "전 1학년이에요", grade="1"))
    shown = _ask(chat, "참여 유형 정보는 뭐 골라요?")
    assert "빌드업" in shown and "3·4학년은" not in shown


def test_a_question_after_saying_where_one_is_leans_to_that_step(chat: Chat) -> None:
    shown = _ask(chat, "IAP 계획관리에서 등록 눌렀어요", "유형은 어디에 체크해요?")
    assert "내 유형에 체크" in shown


def test_a_case_is_named_by_each_part_of_its_label(domain) -> None:
    assert domain.cases_named("창업 쪽으로 생각하고 있어요") == {"midcareer_goal": "startup"}


def test_an_elliptical_follow_up_asks_the_message_before_of_the_word_it_contrasts(chat: Chat) -> None:
    shown = _ask(chat, "IAP 쓸 때 서비스참여형은 다섯 개 영역으로 계획 세운다면서요", "자기주도형은요?")
    assert "4가지 영역" in shown


def test_a_question_with_no_topic_of_its_own_asks_about_the_message_before(chat: Chat) -> None:
    shown = _ask(chat, "구청 직업심리검사 받아 보고 싶어요", "장소는 어디예요?")
    assert "9층" in shown


def test_what_comes_after_a_named_activity_is_its_next_step(chat: Chat) -> None:
    shown = _ask(chat, "IAP 상담 예약 신청했어요", "상담 받은 후에는 뭐 해요?")
    assert "DOOR" in shown


def test_steps_for_another_case_are_no_part_of_a_finished_activity(chat: Chat) -> None:
    shown = _ask(chat, "프로젝트형으로 프로그램 등록하고 있어요", "참여기업 담당자 정보 입력 다 했어요",
                 "그다음엔 뭐 해요?")
    assert "직무를 선택한 뒤" in shown


def test_a_question_that_names_another_case_is_asked_for_it(chat: Chat) -> None:
    shown = _ask(chat, "인턴형은 등록 마쳤어요", "프로젝트형은 어떻게 등록해요?")
    assert "프로젝트형 프로그램등록" in shown


@pytest.fixture
def answerer(domain):
    from flows.answers import build_answerer

    answerer = build_answerer(domain)
    _DOMAINS[id(answerer)] = domain
    return answerer


_DOMAINS: dict[int, object] = {}


def _carried(answerer, before: str, text: str, **context) -> str | None:
    from types import SimpleNamespace

    from flows.next_step import carried_topic
    from knowledge.answering import AnswerContext

    ctx = SimpleNamespace(said_before=before, domain=_DOMAINS[id(answerer)])
    found = carried_topic(ctx, answerer, text, AnswerContext(**context))
    return found.fact.id if found is not None else None


def test_a_question_naming_no_topic_is_asked_of_the_topic_said_before(answerer) -> None:
    assert _carried(answerer, "2015년 구인구직 발굴단 성과 알고 싶어요", "몇 번 했어요?") \
        == "job_center.programme_results_2015"
    assert _carried(answerer, "생애경력설계 가이드맵 얘기 들었어요", "그건 언제 만들어져요?") == "midcareer.guide_map"


def test_a_question_with_topics_of_its_own_or_after_no_topic_carries_nothing(answerer) -> None:
    assert _carried(answerer, "2015년 구인구직 발굴단 성과 알고 싶어요", "IAP 결과관리 메뉴는 어디예요?") is None
    assert _carried(answerer, "네 알겠어요", "몇 번 했어요?") is None
    assert _carried(answerer, "2015년 구인구직 발굴단 성과 알고 싶어요", "그렇구나") is None  # asks nothing


def test_the_fact_just_said_is_not_repeated_for_an_aspect_it_does_not_state(answerer) -> None:
    before = "재학생맞춤형고용서비스라는 걸 들었어요"
    assert _carried(answerer, before, "그거 하면 얼마나 받는 건가요", recent=("program.about",)) is None


def test_at_a_guide_step_only_that_step_or_the_few_after_answer(answerer) -> None:
    before, question = "선발 메뉴에서 프로그램을 찾는데 목록에 없네요", "왜 그렇죠?"
    assert _carried(answerer, before, question) == "portal_select.pick"
    assert _carried(answerer, before, question, near=("portal_select.pick",)) == "portal_select.pick"
    assert _carried(answerer, before, question, near=("iap.type_goal",)) is None


def test_a_pressed_button_is_no_activity_whose_later_steps_are_done(chat: Chat) -> None:
    # "검색" is the button pressed: the step after the keyword search is next, not the one after every
    # step that mentions a search
    shown = _ask(chat, "간편입력 관심 키워드 칸에 파이썬 넣고 검색 눌렀어요", "그다음엔 뭐 해요?")
    assert "추천 직종" in shown


def test_a_question_about_the_situation_just_told_gets_the_fact_said_to_it(chat: Chat) -> None:
    # the statement was answered with the step about it; "이럴 땐 어떻게 해요?" asks what that step says
    shown = _ask(chat, "개별 신청한 청년 프로그램을 검색하니까 예전에 신청한 내용이 나와요", "이럴 땐 어떻게 해요?")
    assert "신규신청" in shown


def test_the_fact_just_said_to_a_question_is_not_repeated_for_the_next_one(chat: Chat) -> None:
    # after a request the fact said introduced the topic: "어디 있어요?" asks what it does not say
    shown = _ask(chat, "성동구 희망일자리센터 알려줘", "어디 있어요?")
    assert "3층" in shown


def test_a_topic_said_two_messages_back_carries_over_a_statement_that_names_none(chat: Chat) -> None:
    # "재취업" said two messages back; the message before only says what the person wants to know
    shown = _ask(chat, "재취업 알아보고 있어요", "직무에 필요한 능력이 뭔지 알고싶어요",
                 "그런거 알아볼 수 있는 데 있어요?")
    assert "NCS" in shown


def test_the_message_two_back_is_kept_in_the_state_and_a_button_forgets_it(chat: Chat) -> None:
    from flows.payloads import Menu

    _ask(chat, "재취업 알아보고 있어요", "직무 능력이 궁금해요")
    assert (chat.state.said_earlier, chat.state.said) == ("재취업 알아보고 있어요", "직무 능력이 궁금해요")
    assert type(chat.state).model_validate_json(chat.state.model_dump_json()).said_earlier == "재취업 알아보고 있어요"
    chat.send(payload=Menu().encode())
    assert chat.state.said_earlier is None and chat.state.said is None


def test_a_statement_no_fact_was_said_to_sets_the_guide_of_the_step_it_names(domain, answerer) -> None:
    from types import SimpleNamespace

    from flows.answers import answer_context
    from flows.state import ConversationState

    ctx = SimpleNamespace(state=ConversationState(), domain=domain, k=domain.knowledge, offer=None,
                          said_before="취업능력평가 문항 다 체크했어요", said_earlier=None)
    context = answer_context(ctx, answerer.ranker, None, 0.0, "저장은 어떻게 해요")
    assert context.near and context.guide == domain.flow_of_fact(context.near[0]) == "assessments"
    assert context.audience == "student"


def test_a_message_only_saying_who_asks_tells_no_topic(answerer) -> None:
    from flows.next_step import what_was_told

    ranker = answerer.ranker
    assert what_was_told(ranker, "저 올해 52세 직장인이에요") is None
    assert what_was_told(ranker, "저 성동구 사는 58세인데요 경비 일 알아보고 있어요") == "경비 일 알아보고 있어요"
    assert what_was_told(ranker, "2015년 구인구직 발굴단 성과 알고 싶어요") == "2015년 구인구직 발굴단 성과 알고 싶어요"
    # what one is about to do is a topic, said with the same ending
    doing = "퇴직하고 프리랜서로 일해볼까 생각 중이에요"
    assert what_was_told(ranker, doing) == doing


def test_a_self_description_is_not_carried_as_the_topic(answerer) -> None:
    assert _carried(answerer, "저 올해 52세 직장인이에요", "어떤 서비스 받을 수 있어요?") is None
