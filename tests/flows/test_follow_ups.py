"""Follow-ups that ask another aspect, or another case, of the topic just talked about, answered in the
engine with the real ranker and content (parses are given)."""

from __future__ import annotations

from tests.flows.test_engine import Chat


def test_a_contrast_the_fact_just_said_speaks_of_is_answered_by_it(chat: Chat) -> None:
    # the outreach counselling's fact says "지하철역사 4회, … 도서관 1회": not the other fact on libraries
    shown = chat.typed("찾아가는 일자리상담실 지하철역에서는 월 4회 한다던데", "도서관은요")
    assert "도서관 1회" in shown


def test_a_contrast_the_fact_just_said_names_gets_that_fact_again(chat: Chat) -> None:
    shown = chat.typed("간편입력에선 내 직무역량 분석이 안된다던데", "그럼 상세입력에선 돼요?")
    assert "'상세입력'에서 돼요" in shown
