"""Where someone told us they are in a guide (flows.told): located in the guide they were last placed in,
remembered in the state from turn to turn, "X까지" past the last step naming X, and a question with a word of
its own answered by the step ahead that uses it. Content and ranker are real."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from flows.engine import Engine
from flows.payloads import Menu
from flows.state import ConversationState
from flows.told import asked_after_choice, asked_ahead, heads, not_pressed, past_intro, says_what_follows, up_to, window
from tests.flows.test_engine import Chat


@pytest.fixture
def answerer(domain):
    from flows.answers import build_answerer

    return build_answerer(domain)


def _ctx(domain, **state):
    return SimpleNamespace(state=ConversationState(**state), domain=domain, k=domain.knowledge, offer=None,
                           said_before=None, said_earlier=None)


def test_up_to_x_is_the_last_step_of_the_guide_naming_x(domain, answerer) -> None:
    ctx = _ctx(domain)
    said = "신청서 보안서약서까지 다 작성했어요"
    # the form's order lists 보안서약서 too; the 보안서약서 step itself is the last to name it
    assert up_to(ctx, answerer.ranker, said, "portal_account.form_order") == "portal_account.consent"
    assert up_to(ctx, answerer.ranker, "신청서 다 작성했어요", "portal_account.form_order") is None
    assert up_to(ctx, answerer.ranker, "보안서약서까지 쓰는 중이에요", "portal_account.form_order") is None
    # "동의" is named by a later step too, but the statement matches only the step it is at
    said = "이력서 등록하기 누르고 동의까지 했어요"
    assert up_to(ctx, answerer.ranker, said, "jobseeker.resume") == "jobseeker.resume"


def test_up_to_the_item_a_step_is_headed_with_is_past_that_step(domain, answerer) -> None:
    ctx = _ctx(domain)
    assert heads(ctx, answerer.ranker, "사업관리기관까지 골랐어요", "portal_account.mgmt_org")
    # 로그인 is a lead-in of the step, not what it is headed with: its action is still to do
    assert not heads(ctx, answerer.ranker, "워크넷에 로그인까지 마쳤어요", "program_apply.login_tab")


def test_a_next_question_with_a_word_of_its_own_gets_the_step_ahead_that_uses_it(domain, answerer) -> None:
    ctx = _ctx(domain)
    assert asked_ahead(ctx, answerer.ranker, "눌러요?", "portal_account.approver") == "portal_account.submit"
    assert asked_ahead(ctx, answerer.ranker, "뭐예요", "portal_account.approver") == "portal_account.approver"
    assert window(ctx, "portal_account.approver")[:2] == ("portal_account.approver", "portal_account.submit")


def test_up_to_x_then_where_to_press_is_the_submit_button(chat: Chat) -> None:
    shown = chat.typed("사용자계정 신청서 보안서약서 항목까지 다 채웠어요", "이제 어디 눌러야 돼요?")
    assert "오른쪽 위의 '신청'" in shown


def test_an_item_up_to_which_the_form_is_filled_is_past_that_item(chat: Chat) -> None:
    shown = chat.typed("통합포털 계정 신청서 작성 중이에요", "사업관리기관까지 골랐어요", "다음 칸은요?")
    assert "사업수탁기관" in shown


def test_the_told_place_is_kept_by_a_statement_without_one_and_forgotten_after_a_question(chat: Chat) -> None:
    chat.typed("통합포털 계정 신청서 작성 중이에요", "사업관리기관까지 입력했어요", "좀 헷갈리네요")
    assert chat.state.told_at == "portal_account.mgmt_org"
    again = type(chat.state).model_validate_json(chat.state.model_dump_json())
    assert (again.told, again.told_at) == (chat.state.told, chat.state.told_at)
    chat.typed("다음 칸은요?", "고마워요")
    assert chat.state.told_at is None
    chat.typed("사업관리기관까지 입력했어요", "좋아요")
    chat.send(payload=Menu().encode())
    assert chat.state.told is None and chat.state.told_at is None


def test_next_said_in_chat_slang_is_a_next_question(chat: Chat) -> None:
    shown = chat.typed("폰으로 워크넷 로그인하고 이력서 등록하기 눌렀어요", "다음 ㄱㄱ")
    assert "구직신청" in shown


def test_a_question_with_a_noun_of_its_own_is_answered_by_the_step_ahead_that_uses_it(chat: Chat) -> None:
    said = ("컨설턴트랑 IAP 계획서 작성 끝났어요", "DOOR에 사진 제출했어요")
    shown = chat.typed(*said, "그럼 사이트에는 어떻게 등록해요?")
    assert "IAP계획관리" in shown


def test_a_word_of_its_own_looks_only_one_step_past_the_next(domain, answerer) -> None:
    # "버튼 누르고" is said by the PDF step far on; the next step (연관직종 분석) is still what comes next
    ctx = _ctx(domain)
    assert asked_ahead(ctx, answerer.ranker, "누르는 버튼 머임", "jobcare_student.analyze") == "jobcare_student.analyze"


def test_asked_after_a_choice_is_the_step_after_the_one_that_says_to_make_it(chat: Chat) -> None:
    assert "14세 이상 개인회원" in chat.typed("워크넷 회원가입 누르면 뭐 선택해요?")
    # the option chosen picks its branch, past the question of which option
    assert "면허번호" in Chat(chat.engine).typed("사이렌24 실명등록에서 운전면허증 고르면 뭐 넣어요?")


def test_a_choice_answered_by_its_own_step_is_left_to_the_ranker(domain, answerer) -> None:
    from knowledge.answering import AnswerContext

    ctx, ranker, plain = _ctx(domain), answerer.ranker, AnswerContext()
    # the step for the option chosen says what to enter itself
    assert asked_after_choice(ctx, ranker, "사이렌24에서 운전면허증 고르면 뭐 넣어요?", plain) is None
    assert asked_after_choice(ctx, ranker, "워크넷 회원가입 어떻게 해요?", plain) is None


def test_next_into_a_guide_skips_a_first_step_that_only_restates_its_summary(domain, answerer) -> None:
    ctx, ranker = _ctx(domain), answerer.ranker
    assert past_intro(ctx, ranker, "jobcare_student.what") == domain.following_fact("jobcare_student.what")
    assert past_intro(ctx, ranker, "worknet.signup_open") == "worknet.signup_open"  # a first step to do
    assert past_intro(ctx, ranker, "jobcare_student.open") == "jobcare_student.open"  # not a first step


def test_a_filled_form_has_not_pressed_the_button_its_step_says_to_press(domain, answerer) -> None:
    ctx, ranker = _ctx(domain), answerer.ranker
    assert not_pressed(ctx, ranker, "계정 신청서 다 썼어요", "portal_account.submit")
    assert not not_pressed(ctx, ranker, "신청서 신청 버튼 눌렀어요", "portal_account.submit")
    assert not not_pressed(ctx, ranker, "신청 했어요", "portal_account.submit")  # names the button
    assert not not_pressed(ctx, ranker, "계정 신청서 다 썼어요", "portal_account.approver")  # nothing to press


def test_a_filled_form_placed_at_its_submit_step_is_still_at_it(domain, answerer) -> None:
    from flows.next_step import step_after

    ctx, ranker = _ctx(domain), answerer.ranker
    assert step_after(ctx, ranker, "계정 신청서 다 썼어요", "portal_account.submit") == "portal_account.submit"
    # the button named, spaced as the person likes: past it
    assert not not_pressed(ctx, ranker, "잡케어 상세보고서 생성 완료!", "jobcare_student.report")


def test_a_step_that_says_what_a_choice_leads_to_answers_itself(domain, answerer) -> None:
    cues = answerer.ranker.lex.chosen_words
    assert not says_what_follows("① 워크넷에 접속해서 '회원가입'을 눌러요.", "회원가입", cues)
    assert says_what_follows("더 보려면 '상세보기'를 눌러 세부 보고서로 가요.", "상세보기", cues)
    assert says_what_follows("'검색'을 누르면 목록이 보여요.", "목록", cues)
    assert "세부 보고서" in Chat(Engine(domain)).typed("잡케어 대시보드에서 상세보기 누르면 뭐 나와요?")
