"""Greetings before a question, and several questions in one message."""

from __future__ import annotations

import pytest

from knowledge.answering.lexicon import asks, load_lexicon
from knowledge.answering.split import question_start, split_questions, strip_greeting, strip_thanks, subject

LEX = load_lexicon()


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("안녕하세요~ 수당 얼마 받을수 있나요", "수당 얼마 받을수 있나요"),
        ("안녕하세요!! 실명인증 하는 법", "실명인증 하는 법"),
        ("안녕 잡케어 뭐야", "잡케어 뭐야"),
        ("안녕하세요수당얼마예요", "수당얼마예요"),
        ("안녕하세요", ""),
        ("하이브리드 자동차", None),
        ("수당 얼마예요", None),
        # a greeting in other words, and what only opens a question after it
        ("좋은 아침입니다. 보고서 몇 개까지 돼요?", "보고서 몇 개까지 돼요?"),
        ("안녕하세요 ^^ 문의드립니다. 보고서 몇 개까지 돼요?", "보고서 몇 개까지 돼요?"),
        ("ㅎㅇㅎㅇ 워크넷 가입", "워크넷 가입"),
        ("궁금한 게 있는데요 수당 얼마예요", "수당 얼마예요"),
        ("선생님 되려면 뭐 해야 돼요", None),  # 선생님 is an occupation, not an opener
    ],
)
def test_strip_greeting(text: str, rest: str | None) -> None:
    assert strip_greeting(text, LEX) == rest


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("수당은 얼마고 언제 신청해요?", ["수당은 얼마고", "언제 신청해요"]),
        ("워크넷 가입은 어떻게 하고 잡케어는 어디서 해요?", ["워크넷 가입은 어떻게 하고", "잡케어는 어디서 해요"]),
        ("DOOR가 뭐예요? 그리고 IAP 결과는 어디에 등록해요?", ["DOOR가 뭐예요", "IAP 결과는 어디에 등록해요"]),
        ("워크넷 가입하고 잡케어 하면 돼요?", ["워크넷 가입하고 잡케어 하면 돼요"]),
        ("www.work.go.kr 주소 맞아요?", ["www.work.go.kr 주소 맞아요"]),
        ("하나요? 둘이요? 셋이요? 넷이요?", ["하나요", "둘이요", "셋이요 넷이요"]),
        # two questions typed without a question mark between them
        ("빌드업은 몇학년이에요 수당은 얼마까지 나와요", ["빌드업은 몇학년이에요", "수당은 얼마까지 나와요"]),
        ("저 3학년인데요 수당 얼마예요", ["저 3학년인데요 수당 얼마예요"]),  # says, then asks: one question
        ("수당 얼마나 나와요", ["수당 얼마나 나와요"]),
        # a casual "-구" for "-고" closes a question the same way
        ("잡케어는 어디서 하구 보고서는 몇 개까지 돼요", ["잡케어는 어디서 하구", "보고서는 몇 개까지 돼요"]),
        ("성동구 센터는 어디예요", ["성동구 센터는 어디예요"]),
        # saying one wonders leads to the question
        ("뭘 써야 할지 모르겠어요 키워드 추천 되나요", ["뭘 써야 할지 모르겠어요 키워드 추천 되나요"]),
        ("보고서 저장 방법 알려주고 인쇄는 어떻게 해요", ["보고서 저장 방법 알려주고", "인쇄는 어떻게 해요"]),
        # two things with one predicate: each gets it; one word before "랑" gets the shared words too
        ("수당 금액이랑 지급 조건 알려주세요", ["수당 금액", "지급 조건 알려주세요"]),
        ("빌드업이랑 점프업 대상 각각 알려줘", ["빌드업 대상 알려줘", "점프업 대상 알려줘"]),
        # ... but not when the two are compared, nor "with someone", nor a single word without "각각"
        ("간편입력이랑 상세입력 뭐가 달라요", ["간편입력이랑 상세입력 뭐가 달라요"]),
        ("결과 나오면 컨설턴트랑 상담해야 돼요?", ["결과 나오면 컨설턴트랑 상담해야 돼요"]),
        ("워크넷이랑 잡케어 연동돼요?", ["워크넷이랑 잡케어 연동돼요"]),
        # "-는데" right after a question word closes a question; after a statement it leads to one
        ("IAP가 뭔데 어디서 작성해요?", ["IAP가 뭔데", "어디서 작성해요"]),
        ("워크넷 가입은 어떻게 하는데 전환은 왜 해요?", ["워크넷 가입은 어떻게 하는데", "전환은 왜 해요"]),
        ("워크넷 가입하려는데 어떻게 해요", ["워크넷 가입하려는데 어떻게 해요"]),
    ],
)
def test_split_questions(text: str, parts: list[str]) -> None:
    assert split_questions(text, LEX) == parts


@pytest.mark.parametrize(("text", "asking"), [
    ("어떤 직종을 고르는 게 좋아요", True),   # 어떤: a question word
    ("이제 어케해요", True),                   # chat spelling of 어떻게
    ("프로그램 등록할 때 정기모집으로 해도 되나요", True),  # an ending that asks, no question mark
    ("저 올해 52세 직장인이에요", False),
    ("워크넷 가입 다 했어요", False),
])
def test_a_question_is_told_from_a_statement(text: str, asking: bool) -> None:
    assert asks(text, LEX) is asking


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("감사합니다 덕분에 가입 잘 했어요! 근데 IAP가 뭐예요?", "덕분에 가입 잘 했어요! 근데 IAP가 뭐예요?"),
        ("고마워요~ 수당은 얼마예요?", "수당은 얼마예요?"),
        ("감사합니다", None),  # thanks alone is small talk
        ("고마워요 덕분에 잘 끝냈어요", None),  # ... and so is thanks with a statement that asks nothing
        ("수당 얼마예요? 감사합니다", None),  # thanks that does not open the message
    ],
)
def test_strip_thanks(text: str, rest: str | None) -> None:
    assert strip_thanks(text, LEX) == rest


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # small talk before a question that turns to its topic with a joining word is left out
        ("덕분에 가입 잘 했어요! 근데 IAP가 뭐예요?", "IAP가 뭐예요?"),
        ("학과에서 안내받고 왔어요. 그리고 수당은 얼마예요?", "수당은 얼마예요?"),
        # without one, the sentences before are the question's topic
        ("잡케어 프로필 쓰다가 로그아웃돼서 다 날아갔어요. 다음엔 어떻게 안 날리죠?",
         "잡케어 프로필 쓰다가 로그아웃돼서 다 날아갔어요. 다음엔 어떻게 안 날리죠?"),
        ("IAP가 뭐예요? 근데 수당은요?", "IAP가 뭐예요? 근데 수당은요?"),  # the first sentence asks
        ("가입 잘 했어요", "가입 잘 했어요"),  # nothing asks
    ],
)
def test_question_start(text: str, start: str) -> None:
    assert question_start(text, LEX) == start


def test_question_start_keeps_a_sentence_saying_who_asks() -> None:
    text = "50대예요. 근데 잡케어 써도 돼요?"
    assert question_start(text, LEX, keep=lambda s: s.startswith("50대")) == text


def test_sentences_keep_the_mark_that_ends_them() -> None:
    from knowledge.answering.split import split_sentences

    assert split_sentences("낮으면 나빠요? 그 숫자 어디예요") == ["낮으면 나빠요?", "그 숫자 어디예요"]
    assert split_sentences("신청 넣었거든요. 승인은 어디서 해요?\n") == ["신청 넣었거든요.", "승인은 어디서 해요?"]


@pytest.mark.parametrize(("text", "named"), [
    ("재맞고 수당은 얼마예요", "재맞고"),
    ("IAP 상담 신청은 어디서 하고", "IAP 상담"),
    ("수당은 얼마고", "수당"),
    ("어디서 신청해요", ""),
])
def test_the_subject_is_what_the_first_words_name(text: str, named: str) -> None:
    assert subject(text, LEX) == named
