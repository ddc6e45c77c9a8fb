"""Appointment date/time resolution: our own dev phrasings, and the held-out set (≥ 95%)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from nlu.when import resolve

DATA = Path(__file__).parent / "data"


def _cases(name: str) -> list[dict]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["cases"]


def _got(case: dict) -> str | None:
    when = resolve(case["text"], datetime.fromisoformat(case["now"]))
    return when.at.isoformat() if when.at else None


@pytest.mark.parametrize("case", _cases("datetime_dev.yml"), ids=lambda c: f"{c['now'][:10]} {c['text']}")
def test_dev_phrasings(case: dict) -> None:
    assert _got(case) == case["expect"]


def test_heldout_accuracy_at_least_95_percent() -> None:
    cases = _cases("datetime_heldout.yml")
    right = sum(_got(c) == c["expect"] for c in cases)
    assert len(cases) >= 60
    assert right / len(cases) >= 0.95, f"{right}/{len(cases)}"


def test_problems_are_named() -> None:
    now = datetime.fromisoformat("2026-11-18T09:30:00+09:00")
    assert resolve("내일", now).problem == "no_time"
    assert resolve("3시", now).problem == "no_date"
    assert resolve("2월 30일 3시", now).problem == "bad_date"
    assert resolve("내일 27시", now).problem == "bad_time"
    assert resolve("오늘 9시", now).problem == "past"
    assert resolve("서류 보낼게요", now).problem == "no_date"
