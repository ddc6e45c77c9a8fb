"""A question about what the conversation is on is not heard as an acting intent (the menu, goodbye,
thanks, a person, the progress checklist), while the acting intents' own requests still are.

The wordings here are written for this test (not training lines, not development questions)."""

from __future__ import annotations

import pytest

import nlu

#: intents that act (or decline) instead of answering: a question must not be heard most as one of these
ACTING = {"help", "goodbye", "thanks", "greet", "human_handoff", "progress_status", "step_done", "show_my_data",
          "out_of_scope"}


@pytest.mark.parametrize("question", [
    "이 입력칸에는 뭐 써야 해요?",
    "그 서류는 어디로 제출하나요?",
    "그 화면에서는 뭐가 보여요?",
    "최대 몇 자까지 써져요?",
    "왜 아무것도 안 나오죠?",
    "그 행사는 어디서 열려요?",
    "무슨 기관이랑 연결되는 거예요?",
    "그 아래 칸은 뭐 적어요?",
    "다른 보고서로는 어떻게 넘어가요?",
])
def test_a_question_about_the_thing_talked_about_does_not_act(question: str) -> None:
    heard = nlu.parse(question)["intent_ranking"][0]["name"]  # the likeliest, even below the fallback line
    assert heard not in ACTING, (question, heard)


@pytest.mark.parametrize(("text", "intent"), [
    ("메뉴 좀 띄워 줘", "help"),
    ("정말 고마워요 길잡이", "thanks"),
    ("상담사 선생님 연결 부탁드려요", "human_handoff"),
    ("사람이랑 바로 통화하고 싶어요", "human_handoff"),
    ("내 진행 현황 좀 보여 줘", "progress_status"),
    ("나 지금 어디까지 끝냈지?", "progress_status"),
    ("안녕하세요 반가워요", "greet"),
    ("오늘은 이만 갈게요", "goodbye"),
])
def test_the_acting_intents_still_hear_their_own_requests(text: str, intent: str) -> None:
    assert nlu.parse(text)["intent"]["name"] == intent
