"""Questions asking for a list item by its position (knowledge.answering.ordinal): which position
and list noun they name, and the item named in its place. The lexicon's lists are real."""

from __future__ import annotations

import pytest

from knowledge.answering import load_lexicon
from knowledge.answering.lexicon import AnswerLexicon
from knowledge.answering.ordinal import asked, naming, numbered_items, pick


@pytest.fixture(scope="module")
def lex() -> AnswerLexicon:
    return load_lexicon()


@pytest.mark.parametrize("question, position, noun", [
    ("첫번째 검사 어디서 해", 1, "검사"),
    ("첫 번째 단계는요?", 1, "단계"),
    ("두 번째 단계는요?", 2, "단계"),
    ("세번째 검사는?", 3, "검사"),
    ("마지막 단계는 뭐예요", -1, "단계"),
    ("맨 마지막 순서가 뭐죠", -1, "순서"),
])
def test_an_ordinal_before_a_list_noun_asks_for_that_position(lex: AnswerLexicon, question: str,
                                                              position: int, noun: str) -> None:
    found = asked(question, lex)
    assert found is not None and (found.position, found.noun) == (position, noun)


@pytest.mark.parametrize("question", ["검사 어디서 해", "생애경력설계 4단계 알려줘", "단계가 어떻게 돼요",
                                      "처음 가입하는데 뭐 해요", "마지막으로 하나만 물어볼게요"])
def test_without_an_ordinal_right_before_a_list_noun_nothing_is_asked_by_position(lex: AnswerLexicon,
                                                                                 question: str) -> None:
    assert asked(question, lex) is None


def test_the_test_noun_names_the_stage_of_the_three_tests(lex: AnswerLexicon) -> None:
    found = asked("세번째 검사는?", lex)
    assert found is not None and found.stage == "assessments"
    assert pick(dict(lex.part_labels)["assessments"], found.position) == "취업활동평가"


def test_positions_count_from_one_and_minus_one_is_the_last() -> None:
    assert [pick("abc", p) for p in (1, 3, -1, 4, -4)] == ["a", "c", "c", None, None]


def test_a_facts_numbered_items_are_its_labels_in_order() -> None:
    text = "흐름은 3단계예요.\n① 알아가기: 자가진단\n② 접근하기: 적성 평가\n③ 실행하기"
    assert numbered_items(text) == ["알아가기", "접근하기", "실행하기"]


def test_the_item_is_named_in_place_of_its_position(lex: AnswerLexicon) -> None:
    question = "그럼 첫 번째 검사 어디서 해요"
    found = asked(question, lex)
    assert found is not None and naming(question, found, "취업준비도검사") == "그럼 취업준비도검사 어디서 해요"
