"""The rules file is checked at load (path and field on error); reminder moments around quiet hours,
month ends, and how a moment is said."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.outbox.quiet import QuietHours as Quiet
from flows.reminder_times import add_months, appointment_times, checkin_times, say_moment, say_relative
from knowledge.loader import ContentError, load_knowledge
from knowledge.reminders import RULES_FILE, load_rules

SEOUL = ZoneInfo("Asia/Seoul")
QUIET = Quiet(time(21), time(8), SEOUL)
STAGES = ("apply", "worknet", "jobcare", "assessments", "iap_booking", "iap_register")
RULES = load_rules(stages=STAGES)
TEXT = load_knowledge().text


def _broken(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "reminders.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["nudges"][0].update(pending="nowhere"), "nudges[0].pending"),
    (lambda d: d["nudges"][1].update(first_after_days=0), "nudges[1](id=worknet_then_jobcare).first_after_days"),
    (lambda d: d["nudges"][0].update(button="가" * 15), "nudges[0](id=apply_then_worknet).button"),
    (lambda d: d["appointment"]["evening_before"].update(at="25:00"), "appointment.evening_before.at"),
    (lambda d: d["followup"].pop("times"), "followup.times"),
    (lambda d: d["nudges"].append(dict(d["nudges"][0])), "nudges[4].id"),
])
def test_a_broken_rules_file_names_its_path_and_field(tmp_path: Path, change, where: str) -> None:
    path = _broken(tmp_path, change)
    with pytest.raises(ContentError) as err:
        load_rules(path, stages=STAGES)
    assert str(path) in str(err.value) and where in str(err.value)


def _seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


@pytest.mark.parametrize(("at", "expected"), [
    (_seoul(2026, 12, 10, 14), {"eve": _seoul(2026, 12, 9, 18), "soon": _seoul(2026, 12, 10, 12)}),
    (_seoul(2026, 12, 10, 10), {"eve": _seoul(2026, 12, 9, 18), "soon": _seoul(2026, 12, 10, 8)}),  # 08:00 is open
    (_seoul(2026, 12, 10, 9), {"eve": _seoul(2026, 12, 9, 18), "soon": _seoul(2026, 12, 9, 20, 30)}),
    (_seoul(2026, 12, 10, 22), {"eve": _seoul(2026, 12, 9, 18), "soon": _seoul(2026, 12, 10, 20)}),
    (_seoul(2027, 1, 1, 9, 30), {"eve": _seoul(2026, 12, 31, 18), "soon": _seoul(2026, 12, 31, 20, 30)}),
])
def test_appointment_reminders_step_around_quiet_hours(at: datetime, expected: dict) -> None:
    assert appointment_times(at, RULES, SEOUL, QUIET) == expected


def test_without_quiet_hours_two_hours_before_is_two_hours_before() -> None:
    assert appointment_times(_seoul(2026, 12, 10, 9), RULES, SEOUL, Quiet(None, None, SEOUL))["soon"] == _seoul(
        2026, 12, 10, 7)


def test_checkins_are_monthly_and_clamped_to_month_ends() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert checkin_times(date(2026, 11, 30), RULES, SEOUL) == [
        _seoul(2026, 12, 30, 10), _seoul(2027, 1, 30, 10), _seoul(2027, 2, 28, 10),
    ]


def test_moments_are_said_in_korean() -> None:
    assert say_moment(_seoul(2026, 12, 10, 14), SEOUL, TEXT) == "12월 10일(목) 오후 2시"
    assert say_moment(_seoul(2026, 12, 10, 10, 30), SEOUL, TEXT) == "12월 10일(목) 오전 10시 30분"
    assert say_moment(_seoul(2026, 12, 10, 12), SEOUL, TEXT) == "12월 10일(목) 오후 12시"
    sent = _seoul(2026, 12, 9, 20, 30)
    assert say_relative(_seoul(2026, 12, 10, 9), sent, SEOUL, TEXT) == "내일 오전 9시"
    assert say_relative(_seoul(2026, 12, 9, 22), sent, SEOUL, TEXT) == "오늘 오후 10시"
