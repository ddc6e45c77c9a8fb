"""Elliptical follow-ups (knowledge.answering.ellipsis): which word a "X은요?" contrasts, and the
message before asked again of it. Made-up messages; the lexicon's particle lists are real."""

from __future__ import annotations

import pytest

from knowledge.answering import load_lexicon
from knowledge.answering.ellipsis import contrasted, follow_up, parallel
from knowledge.answering.lexicon import AnswerLexicon


@pytest.fixture(scope="module")
def lex() -> AnswerLexicon:
    return load_lexicon()


@pytest.mark.parametrize("question, word, tail", [
    ("인턴형은요?", "인턴형", []),
    ("그럼 2017년엔요", "2017년", []),
    ("오프라인에선 돼요?", "오프라인", ["돼요?"]),
    ("서비스참여형은 몇 시간", "서비스참여형", ["몇", "시간"]),
])
def test_a_follow_up_starts_with_the_word_it_contrasts(lex: AnswerLexicon, question: str, word: str,
                                                       tail: list[str]) -> None:
    assert contrasted(question, lex) == (word, tail)


@pytest.mark.parametrize("question", ["인턴형 신청은 어디서 하고 서류는 뭐가 필요해요?", "수당 얼마예요?", "난요?"])
def test_a_question_of_its_own_or_a_bare_syllable_contrasts_nothing(lex: AnswerLexicon, question: str) -> None:
    assert contrasted(question, lex) is None


def test_the_word_of_the_same_kind_is_replaced(lex: AnswerLexicon) -> None:
    assert follow_up("여자는?", "취업한 남자가 40%라던데", lex) == "취업한 여자가 40%라던데"
    assert follow_up("프로젝트형은요?", "인턴형 서류는 합쳐서 올리죠", lex) == "프로젝트형 서류는 합쳐서 올리죠"
    assert follow_up("2017년엔요?", "박람회 2016년엔 매달 했다던데", lex) == "박람회 2017년엔 매달 했다던데"


def test_else_the_word_the_message_was_about_is_replaced(lex: AnswerLexicon) -> None:
    assert follow_up("도서관은요", "상담실은 지하철역에서 네 번 한대요", lex) == "도서관은 지하철역에서 네 번 한대요"


def test_the_follow_ups_tail_is_kept_unless_it_names_a_topic(lex: AnswerLexicon) -> None:
    asked = follow_up("자기주도형은 몇개", "서비스참여형은 영역이 다섯이라던데", lex)
    assert asked == "자기주도형은 영역이 다섯이라던데 몇개"
    assert follow_up("자기주도형은 수당 얼마", "서비스참여형은 영역이 다섯이라던데", lex,
                     has_topic=lambda tail: "수당" in tail) is None


def test_a_word_that_is_no_thing_is_not_contrasted(lex: AnswerLexicon) -> None:
    tokens = ["찾아가는", "상담실", "지하철역에서는", "열린대요"]
    assert parallel("도서관", tokens, lex, noun=lambda word: word != "찾아가") == (2, "지하철역")


def test_repeating_the_word_or_having_none_to_replace_is_no_follow_up(lex: AnswerLexicon) -> None:
    assert follow_up("인턴형은요?", "인턴형 서류는 두 개예요", lex) is None
    assert follow_up("인턴형은요?", "", lex) is None
    assert follow_up("인턴형은요?", "좋아요", lex) is None


def test_also_asks_the_same_of_another_thing(lex: AnswerLexicon) -> None:
    assert follow_up("휴학생도요?", "재학생은 참여할 수 있다던데", lex) == "휴학생은 참여할 수 있다던데"
