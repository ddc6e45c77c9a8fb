"""Occupations asked for by everyday name, on the dev cases (``data/occupation_dev.yml``, tuned on;
the held-out ``occupation_questions.yml`` is measured in test_heldout.py only)."""

from __future__ import annotations

from pathlib import Path

from bot.evaluation import occupation_accuracy

DEV = Path(__file__).parent / "data" / "occupation_dev.yml"


def test_occupations_by_everyday_name_on_the_dev_cases(make_assistant) -> None:
    rate, count = occupation_accuracy(make_assistant(), DEV)
    assert count >= 40
    assert rate >= 0.95, f"{rate:.1%} of {count}"
