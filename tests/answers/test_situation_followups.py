"""Follow-ups to a statement of where someone is: a statement that only names the case chosen at a
guide's choice, and a content-poor question about the situation just told (flows/next_step.py).
Parses are given; the ranker and content are real."""

from __future__ import annotations

from tests.flows.test_engine import Chat


def test_a_statement_that_only_names_the_case_chosen_is_at_that_cases_step(chat: Chat) -> None:
    # "주민등록증으로 선택했구요" chose the case: its step (the 발급일자) is still to do, not the phone login
    shown = chat.typed("사이렌24 실명등록 들어갔어요", "주민등록증으로 선택했구요", "그다음에 뭐 적어요?")
    assert "발급일자" in shown


def test_a_statement_that_names_the_cases_action_is_past_that_step(chat: Chat) -> None:
    shown = chat.typed("사이렌24 실명등록 들어갔어요", "주민등록증 발급일자 넣었구요", "그다음은요?")
    assert "발급일자" not in shown and "로그인" in shown


def test_a_question_about_a_mistake_just_told_gets_the_fact_said_to_it(chat: Chat) -> None:
    # the statement placed the operator past the 선발관리 step, but the question asks about what it told
    shown = chat.typed("선발관리에서 한명을 비선발로 처리했는데 실수였어요", "되돌릴 수 있어요?")
    assert "대기자 명단" in shown


def test_a_question_about_a_screen_just_told_gets_the_fact_said_to_it(chat: Chat) -> None:
    shown = chat.typed("대시보드 들어갔는데 보고서가 없습니다 라고만 떠요", "그럼 뭐부터 눌러야 돼요?")
    assert "My 데이터 입력" in shown


def test_where_to_start_asks_the_first_step_of_the_guide_named_before(chat: Chat) -> None:
    # "간편입력" names one guide by the first word of its title; "처음에 뭐부터" asks where it starts
    shown = chat.typed("간편입력으로 해보려구요", "처음에 뭐부터 해요?")
    assert "STEP 1 관심 키워드" in shown


def test_where_to_start_names_no_guide_when_two_are_named(chat: Chat, domain) -> None:
    from types import SimpleNamespace

    from flows.answers import build_answerer
    from flows.guide_start import guide_names

    ctx = SimpleNamespace(domain=domain, k=domain.knowledge,
                          flow_title=lambda f: domain.knowledge.fact(domain.flows[f].about).title)
    names = guide_names(ctx, build_answerer(domain).ranker)
    assert names.get("간편입력") == "jobcare_easy" and names.get("상세입력") == "jobcare_detail"
    assert not any(name[0].isdigit() for name in names)


def test_where_to_start_gives_way_to_a_statement_past_the_start(chat: Chat) -> None:
    # "프로필 작성 눌렀어요" says where in the 상세입력 guide the person is: not its first step
    shown = chat.typed("잡케어 들어와서 상세입력에 프로필 작성 눌렀어요", "뭐부터 입력해요")
    assert "학력사항" in shown


def test_a_button_pressed_is_past_the_fact_said_to_it(chat: Chat) -> None:
    # "등록 눌렀어요" pressed the step's button: "뭐 입력해요" asks about the screen after it
    shown = chat.typed("재맞고 사이트 IAP계획관리에서 등록 눌렀어요", "뭐 입력하는거예요")
    assert "희망진로" in shown
