"""Where a statement puts someone inside a guide step (knowledge.answering.position), on made-up step
texts: before the step's action (a lead-in was done) or past it (an action was done)."""

from __future__ import annotations

from collections import Counter

import pytest

from knowledge.answering import load_lexicon
from knowledge.answering.position import before_action, clauses, last_clause, says_appeared, says_done
from knowledge.answering.words import Words

STEP = "② 사이트에 접속해서 로그인한 뒤 '신청서 작성'을 눌러요."
TWO_ACTIONS = "③ 항목을 빠짐없이 입력하고 '저장'을 눌러요. 저장을 마치면 '제출'이 보여요."


@pytest.fixture(scope="module")
def words() -> Words:
    return Words(load_lexicon())


class Flat(dict):
    """Every word as telling as any other: only the order of the statement's words counts."""

    def get(self, key: str, default: float | None = None) -> float:
        return 1.0


@pytest.mark.parametrize("text, done", [
    ("신청서 저장했어요", True), ("문항 다 풀었음", True), ("방금 눌렀는데", True), ("검사 끝냄", True),
    ("신청서 쓰고 있어요", False), ("저장 화면이에요", False), ("버튼이 없어요", False), ("이제 하겠어요", False),
])
def test_a_statement_says_done_by_a_done_word_or_a_past_tense(text: str, done: bool) -> None:
    assert says_done(text, load_lexicon()) is done


def test_the_last_clause_is_what_was_done_last() -> None:
    assert last_clause("사이트 들어가서 로그인하고 신청서 작성 눌렀어요") == "신청서 작성 눌렀어요"
    assert last_clause("신청서 저장했어요") == "신청서 저장했어요"


def test_a_step_is_cut_into_lead_ins_and_actions() -> None:
    kinds = [lead for _, lead in clauses(TWO_ACTIONS)]
    assert kinds == [True, False, True, False]
    assert [lead for _, lead in clauses(STEP)] == [True, False]


def test_a_done_lead_in_puts_someone_before_the_step_action(words: Words) -> None:
    assert before_action("사이트 로그인 했어요", STEP, words.terms, Flat())
    assert before_action("항목 입력은 다 했어요", TWO_ACTIONS, words.terms, Flat())


def test_a_done_action_puts_someone_past_the_step(words: Words) -> None:
    assert not before_action("로그인하고 신청서 작성 눌렀어요", STEP, words.terms, Flat())
    assert not before_action("항목 입력하고 저장 눌렀어요", "③ '저장'을 눌러요.", words.terms, Flat())


def test_nothing_in_common_is_not_a_lead_in(words: Words) -> None:
    assert not before_action("점심 먹었어요", STEP, lambda text: Counter(words.terms(text)), Flat())


def test_a_screen_that_appeared_meets_the_condition_a_step_starts_from(words: Words) -> None:
    step = "④ '완료' 창이 뜨면 '닫기'를 눌러요."
    assert says_appeared("완료 창이 떴어요", load_lexicon()) and not says_appeared("완료 눌렀어요", load_lexicon())
    assert before_action("완료 창이 떴어요", step, words.terms, Flat(), on_screen=True)
    assert not before_action("완료 창이 떴어요", step, words.terms, Flat())  # an action done, not a screen seen


def test_a_past_conditional_is_a_lead_in() -> None:
    assert [lead for _, lead in clauses("⑤ 주소까지 적었으면 '다음'을 눌러요.")] == [True, False]


def test_a_quoted_screen_stays_with_the_verb_that_says_it_appeared() -> None:
    assert last_clause("마이페이지 들어가니까 접수완료라고 나와요") == "접수완료라고 나와요"
    assert last_clause("신청 누르고 저장했어요") == "저장했어요"


def test_an_action_with_numbered_actions_after_it_leaves_someone_at_the_step(words: Words) -> None:
    numbered = "① '접수' 탭에서 번호를 눌러 열어요.\n② 서류를 확인해요.\n③ '승인'이나 '반려'를 골라요."
    assert before_action("접수 탭에서 번호 눌렀어요", numbered, words.terms, Flat())
    assert not before_action("승인 골랐어요", numbered, words.terms, Flat())


def test_a_word_said_on_its_own_beats_the_same_word_inside_a_compound(words: Words) -> None:
    # both clauses share "동의" and "누르": the lead-in has '동의' as a word, the action only inside '전체동의'
    step = "④ 약관 화면에서 '동의'를 누르고, 주소를 입력한 뒤 '전체동의'를 눌러요."
    assert before_action("동의 눌렀어요", step, words.terms, Flat())
    assert not before_action("전체동의 눌렀어요", step, words.terms, Flat())

