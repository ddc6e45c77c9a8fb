"""When each reminder is due, and how a moment is said in Korean: pure functions over a clock.

Everything is computed in the user's time zone (``GILJABI_TIMEZONE``) and returned timezone-aware.
The quiet window is the outbox's (``bot.outbox.quiet.QuietHours``); here it only moves the
"two hours before" reminder earlier, because a reminder held until 08:00 could come after the
appointment itself.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from knowledge.reminders import ReminderRules

#: A "two hours before" reminder that would fall in quiet hours goes this long before they begin.
BEFORE_QUIET = timedelta(minutes=30)

Texts = Callable[..., str]


class QuietWindow(Protocol):
    start: time | None

    def active(self, moment: datetime) -> bool: ...


def appointment_times(
    at: datetime, rules: ReminderRules, zone: ZoneInfo, quiet: QuietWindow
) -> dict[str, datetime]:
    """``{"eve": 18:00 the day before, "soon": two hours before}`` for an appointment at ``at``.

    "soon" moves to just before the quiet window when it would fall inside it, and is dropped when
    that is no later than the evening reminder (which then already says everything).
    """
    local = at.astimezone(zone)
    eve_at = time.fromisoformat(rules.appointment.evening_before.at)
    eve = datetime.combine(local.date() - timedelta(days=1), eve_at, tzinfo=zone)
    soon = local - timedelta(hours=rules.appointment.hours_before.hours)
    if quiet.start is not None and quiet.active(soon):
        began = datetime.combine(soon.date(), quiet.start, tzinfo=zone)
        if began > soon:
            began -= timedelta(days=1)
        soon = began - BEFORE_QUIET
    out = {"eve": eve}
    if soon > eve:
        out["soon"] = soon
    return out


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has fewer days."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def checkin_times(started_on: date, rules: ReminderRules, zone: ZoneInfo) -> list[datetime]:
    """The monthly check-ins after a job that started on ``started_on`` (source 04: 3 months)."""
    at = time.fromisoformat(rules.followup.at)
    f = rules.followup
    return [
        datetime.combine(add_months(started_on, f.every_months * k), at, tzinfo=zone) for k in range(1, f.times + 1)
    ]


def say_day(day: date, text: Texts) -> str:
    """``12월 10일(목)``"""
    weekday = text(f"reminders.weekday.{day.weekday()}")
    return text("reminders.when_date", month=day.month, day=day.day, weekday=weekday)


def say_time(moment: time, text: Texts) -> str:
    """``오후 2시`` / ``오전 10시 30분``"""
    period = text("reminders.am" if moment.hour < 12 else "reminders.pm")
    hour = moment.hour % 12 or 12
    if moment.minute:
        return text("reminders.when_time_min", period=period, hour=hour, minute=moment.minute)
    return text("reminders.when_time", period=period, hour=hour)


def say_moment(at: datetime, zone: ZoneInfo, text: Texts) -> str:
    """``12월 10일(목) 오후 2시``"""
    local = at.astimezone(zone)
    return text("reminders.when", day=say_day(local.date(), text), time=say_time(local.time(), text))


def say_relative(at: datetime, sent: datetime, zone: ZoneInfo, text: Texts) -> str:
    """``오늘 오후 2시`` / ``내일 오전 9시`` as seen from the moment the reminder is sent."""
    local, then = at.astimezone(zone), sent.astimezone(zone)
    days = (local.date() - then.date()).days
    clock = say_time(local.time(), text)
    if days == 0:
        return text("reminders.today_at", time=clock)
    if days == 1:
        return text("reminders.tomorrow_at", time=clock)
    return say_moment(at, zone, text)
