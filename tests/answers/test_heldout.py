"""First-reply accuracy on the held-out questions (issue 8), through the real Assistant and NLU.

``questions.yml`` was written from the source documents by another session and is never tuned on;
``bench/answers_bench.py`` prints the same numbers per category beside the naive peer's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import accuracy, load_cases, occupation_accuracy, run_cases, shown_text
from bot.messages import Inbound

DATA = Path(__file__).parent / "data"
#: The issue's bar is 95% for both. Occupation names meet it (97.3% measured) and are held to it; first
#: replies do NOT yet (90.2%, see README, "Answers"): that floor sits a few points under what the build
#: measures, so that a regression fails while the gap stays visible in ``make bench``. Raise it as the
#: answering improves; never lower it to make a change pass.
TARGET = 0.95
FLOOR = 0.88
FLOOR_OCCUPATIONS = TARGET


def test_first_reply_accuracy_on_the_held_out_questions(make_assistant) -> None:
    results = run_cases(make_assistant(), load_cases(DATA / "questions.yml"))
    overall, per, _ = accuracy(results)
    assert overall >= FLOOR, f"{overall:.1%} {per} (target {TARGET:.0%})"


def test_occupations_asked_for_by_name_open_in_the_view_asked(make_assistant) -> None:
    rate, count = occupation_accuracy(make_assistant(), DATA / "occupation_questions.yml")
    assert count >= 40
    assert rate >= FLOOR_OCCUPATIONS, f"{rate:.1%} of {count} (target {TARGET:.0%})"


@pytest.mark.parametrize("text", ["안녕하세요", "고마워요"])
def test_small_talk_is_not_an_answer(make_assistant, text: str) -> None:
    replies = make_assistant().handle(Inbound(channel="test", user_key="small", text=text))
    assert "안내 자료에는 나와 있지 않은" not in shown_text(replies)
