"""Who someone said they are in an earlier message decides the answer to a short question after it."""

from __future__ import annotations

from knowledge.answering import PERSON_SLOT
from tests.flows.test_engine import Chat


def test_the_kind_of_person_said_is_kept_for_the_next_questions(chat: Chat) -> None:
    chat.typed("공공근로 하는 중인데요")
    assert chat.state.slots[PERSON_SLOT] == "public_worker"
    assert chat.state.audience == "centre"
    assert "구청 3층" in chat.typed("취업컨설팅은 어디서 받아요?")
    assert chat.state.slots[PERSON_SLOT] == "public_worker"  # a question naming no kind keeps it


def test_a_newcomer_asking_if_jobcare_helps_gets_the_newcomers_answer(chat: Chat) -> None:
    shown = chat.typed("졸업하고 처음 취업 준비하는데 뭘 해야할지 모르겠어요", "잡케어가 도움돼요?")
    assert "직무능력을 탐색" in shown and "50대" not in shown


def test_a_goal_said_with_some_thing_is_the_persons_case(chat: Chat) -> None:
    chat.typed("은퇴하면 사회공헌 쪽으로 뭔가 하고 싶어요")
    assert chat.state.slots.get("midcareer_goal") == "social"
    assert "노노케어" in chat.typed("어르신 돌봄 같은 것도 연계돼요?")


def test_who_someone_is_is_not_what_they_ask_next(chat: Chat) -> None:
    # the words of the self-description ("주차관리") found a fact: the next question is not asked of it
    shown = chat.typed("저 성동구 사는 58세인데요 경비나 주차관리 쪽 일 알아보고 있어요",
                       "상담 받으려면 어디로 가면 돼요")
    assert "성동구청 3층" in shown
