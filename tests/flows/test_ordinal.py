"""Questions asking for a list item by its position (flows.ordinal), answered from the list the
conversation holds: the three tests, a fact's numbered items, the guide's steps. Parses are given;
the ranker and content are real."""

from __future__ import annotations

from tests.flows.test_engine import Chat


def test_the_nth_test_is_the_nth_of_the_three_tests(chat: Chat) -> None:
    shown = chat.typed("잡케어까지 끝냈어요", "다음은 검사라던데", "첫번째 검사 어디서 해")
    assert "취업준비 진단 진행하기" in shown


def test_the_last_test_is_the_third(chat: Chat) -> None:
    assert "취업활동평가 등록하기" in chat.typed("세번째 검사는 어디서 해요?")


def test_the_last_step_of_a_numbered_list_just_answered(chat: Chat) -> None:
    shown = chat.typed("생애경력설계 단계가 어떻게 돼요", "마지막 단계는 뭐예요")
    assert "관리하기" in shown


def test_the_nth_step_of_the_guide_talked_about(chat: Chat) -> None:
    shown = chat.typed("워크넷 가입 어떻게 해요", "두 번째 단계는요?")
    assert "개인회원" in shown
