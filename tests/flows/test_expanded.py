"""A generic question read with what the person said just before (flows/expanded.py), in the engine
with the real ranker and content (parses are given)."""

from __future__ import annotations

from tests.flows.test_engine import Chat


def test_a_generic_question_is_about_the_screen_said_before(chat: Chat) -> None:
    shown = chat.typed("통합포털 인터넷참여자인증 탭에서 자기소개 열어봤어요", "여기서 누를 수 있는 건 뭐예요?")
    assert "반려" in shown


def test_a_question_naming_its_own_topic_keeps_its_answer_after_another_topic(chat: Chat) -> None:
    alone = Chat(chat.engine).typed("직업심리검사는 어디서 받아요?")
    shown = chat.typed("통합포털 인터넷참여자인증 탭에서 자기소개 열어봤어요", "직업심리검사는 어디서 받아요?")
    assert shown == alone and "반려" not in shown


def test_the_message_before_that_says_which_screen_when_the_last_only_tells_a_detail(chat: Chat, domain) -> None:
    from types import SimpleNamespace

    from flows.answers import build_answerer
    from flows.expanded import said_just_before

    answerer = build_answerer(domain)
    ctx = SimpleNamespace(said_before="직무가 엄청 많이 나와요", said_earlier="상세 보고서 경력개발경로 눌렀어요")
    assert said_just_before(ctx, answerer) == "상세 보고서 경력개발경로 눌렀어요 직무가 엄청 많이 나와요"
    ctx = SimpleNamespace(said_before="IAP 상담 예약은 어디서 해요?", said_earlier="상세 보고서 경력개발경로 눌렀어요")
    assert said_just_before(ctx, answerer) == "IAP 상담 예약은 어디서 해요?"


def test_an_answer_in_the_topic_that_uses_the_questions_own_word_is_kept(chat: Chat) -> None:
    # "학교명" is the question's own word: the education step says it, the profile step the message before
    # matches does not
    shown = chat.typed("잡케어 상세입력 들어가서 프로필 쓰는 중이에요", "학교명은 검색 안 하고 직접 써도 돼요?")
    assert "실제 학교명" in shown
