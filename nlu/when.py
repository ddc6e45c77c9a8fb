"""One appointment moment from a Korean message: "내일 10시 반" → 2026-12-02T10:30+09:00.

The date and time entities of ``nlu.datetime_ko`` are combined against a clock in the configured
time zone. A message that gives no day or no hour, names a day or hour that does not exist, or
lands in the past yields no moment but says which, so the dialogue can correct the user kindly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Literal

from nlu import datetime_ko
from nlu.normalize import normalize

Problem = Literal["no_date", "no_time", "bad_date", "bad_time", "past"]


@dataclass(frozen=True, slots=True)
class When:
    """The resolved moment (aware, in ``now``'s zone), or the reason there is none.

    ``day`` / ``hour`` keep what was understood even when the other half is missing, so a dialogue
    can ask only for what is left.
    """

    at: datetime | None
    problem: Problem | None = None
    day: date | None = None
    hour: time | None = None
    #: letters of the message outside any date or time ("상담이에요" → 5): how much else it says
    rest: int = 0


def resolve(text: str, now: datetime) -> When:
    """The moment ``text`` names, relative to ``now`` (an aware datetime in the user's time zone)."""
    norm = normalize(text).text
    found = datetime_ko.scan(norm, now.date())
    dates = [h for h in found.hits if h.entity == "date"]
    times = [h for h in found.hits if h.entity == "time"]
    day = date.fromisoformat(dates[0].normalized) if dates else None
    hour = time.fromisoformat(times[0].normalized) if times else None
    covered = set().union(*(range(h.start, h.end) for h in found.hits)) if found.hits else set()
    rest = sum(1 for i, ch in enumerate(norm) if i not in covered and ch.isalnum())
    return replace(combine(day, hour, now, invalid=found.invalid), rest=rest)


def combine(
    day: date | None, hour: time | None, now: datetime, invalid: frozenset[str] | set[str] = frozenset()
) -> When:
    """``day`` at ``hour`` in ``now``'s zone, checked: both given, both real, and still ahead."""
    if day is None and "date" in invalid:
        return When(None, "bad_date", None, hour)
    if hour is None and "time" in invalid:
        return When(None, "bad_time", day, None)
    if day is None:
        return When(None, "no_date", None, hour)
    if hour is None:
        return When(None, "no_time", day, None)
    at = datetime.combine(day, hour, tzinfo=now.tzinfo)
    if at <= now:
        return When(None, "past", day, hour)
    return When(at, None, day, hour)
