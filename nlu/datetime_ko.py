"""Korean date and time expressions for booking: "다음주 화요일 3시", "3월 5일 오후 2시 반", "내일".

Each entity keeps the surface text as ``value`` and adds ``normalized``: an ISO date (``2025-03-11``)
relative to today in the configured time zone, or ``HH:MM``. A bare hour from 1 to 7 is read as
afternoon because consultations run in office hours; "오전"/"아침" say otherwise.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from nlu import resources


@dataclass(frozen=True, slots=True)
class DateTimeHit:
    entity: str  # "date" or "time"
    start: int
    end: int
    normalized: str


def _alt(words: object) -> str:
    items = sorted({str(w) for w in (words or [])}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in items) or "(?!)"


@dataclass(frozen=True, slots=True)
class _Grammar:
    days: dict[str, int]
    weeks: dict[str, int]
    weekdays: dict[str, int]
    morning: frozenset[str]
    afternoon: frozenset[str]
    pm_limit: int
    relative: re.Pattern[str]
    absolute: re.Pattern[str]
    time: re.Pattern[str]


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    res = resources.resource("datetime")
    units = res["units"]
    days = {str(k): int(v) for k, v in res["relative_days"].items()}
    weeks = {str(k).replace(" ", ""): int(v) for k, v in res["relative_weeks"].items()}
    weekdays = {str(k): int(v) for k, v in res["weekdays"].items()}
    morning = [str(w) for w in res["morning_words"]]
    afternoon = [str(w) for w in res["afternoon_words"]]
    week_alt = "|".join(r"\s?".join(re.escape(ch) for ch in w) for w in sorted(weeks, key=len, reverse=True))
    relative = re.compile(
        rf"(?:(?P<week>{week_alt})\s*)?(?P<weekday>{_alt(weekdays)})"
        rf"|(?P<day>{_alt(days)})"
    )
    y, mo, d = (re.escape(units[k]) for k in ("year", "month", "day"))
    not_before_day = "".join(f"(?<!{re.escape(w)})(?<!{re.escape(w)}\\s)" for w in units.get("day_not_preceded_by", []))
    not_after_day = _alt(units.get("day_not_followed_by", []))
    absolute = re.compile(
        rf"(?<![0-9])(?:(?P<year>20[0-9]{{2}})\s*{y}\s*)?(?P<month>1[0-2]|0?[1-9])\s*{mo}\s*"
        rf"(?P<mday>3[01]|[12][0-9]|0?[1-9])\s*{d}"
        rf"|(?<![0-9./])(?P<smonth>1[0-2]|0?[1-9])\s*/\s*(?P<sday>3[01]|[12][0-9]|0?[1-9])(?![0-9/])"
        rf"|{not_before_day}(?<![0-9])(?P<oday>3[01]|[12][0-9]|0?[1-9])\s*{d}(?!\s*(?:{not_after_day}))"
    )
    h, mi, half = (re.escape(units[k]) for k in ("hour", "minute", "half"))
    not_after_hour = _alt(units.get("hour_not_followed_by", []))
    time = re.compile(
        rf"(?:(?P<period>{_alt(morning + afternoon)})\s*)?"
        rf"(?:(?<![0-9])(?P<hour>2[0-4]|1[0-9]|0?[0-9])\s*{h}(?!{not_after_hour})"
        rf"(?:\s*(?:(?P<minute>[0-5]?[0-9])\s*{mi}|(?P<half>{half})(?![a-z가-힣])))?"
        rf"|(?<![0-9])(?P<chour>2[0-3]|1[0-9]|0?[0-9]):(?P<cminute>[0-5][0-9])(?![0-9]))"
    )
    return _Grammar(
        days=days,
        weeks=weeks,
        weekdays=weekdays,
        morning=frozenset(morning),
        afternoon=frozenset(afternoon),
        pm_limit=int(res.get("pm_if_bare_hour_at_most", 7)),
        relative=relative,
        absolute=absolute,
        time=time,
    )


def today() -> date:
    """Today in ``GILJABI_TIMEZONE`` (default Asia/Seoul)."""
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(os.environ.get("GILJABI_TIMEZONE", "Asia/Seoul"))).date()
    except Exception:  # unknown zone or no tz database: the local date is close enough
        return date.today()


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _relative(m: re.Match[str], g: _Grammar, ref: date) -> date | None:
    if m.group("day"):
        return ref + timedelta(days=g.days[m.group("day")])
    weekday = g.weekdays[m.group("weekday")]
    if m.group("week"):
        monday = ref - timedelta(days=ref.weekday())
        return monday + timedelta(weeks=g.weeks[re.sub(r"\s", "", m.group("week"))], days=weekday)
    return ref + timedelta(days=(weekday - ref.weekday()) % 7)


def _absolute(m: re.Match[str], ref: date) -> date | None:
    if m.group("month") or m.group("smonth"):
        month = int(m.group("month") or m.group("smonth"))
        day = int(m.group("mday") or m.group("sday"))
        year = int(m.group("year")) if m.group("year") else ref.year
        found = _safe_date(year, month, day)
        if found and not m.group("year") and found < ref:
            found = _safe_date(year + 1, month, day) or found
        return found
    day = int(m.group("oday"))
    found = _safe_date(ref.year, ref.month, day)
    if found is None or found < ref:
        nxt = (ref.replace(day=1) + timedelta(days=32)).replace(day=1)
        found = _safe_date(nxt.year, nxt.month, day) or found
    return found


def _time_value(m: re.Match[str], g: _Grammar) -> str | None:
    if m.group("chour") is not None:
        hour, minute = int(m.group("chour")), int(m.group("cminute"))
    elif m.group("hour") is not None:
        hour = int(m.group("hour"))
        minute = 30 if m.group("half") else int(m.group("minute") or 0)
    else:
        return None
    period = m.group("period")
    if period in g.afternoon and hour < 12:
        hour += 12
    elif period in g.morning and hour == 12:
        hour = 0
    elif period is None and 1 <= hour <= g.pm_limit:
        hour += 12
    if hour == 24:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return f"{hour:02d}:{minute:02d}"


def match(norm: str, ref: date | None = None) -> list[DateTimeHit]:
    """Date and time entities in normalised text."""
    g = _grammar()
    ref = ref or today()
    hits: list[DateTimeHit] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in g.absolute.finditer(norm):
        found = _absolute(m, ref)
        if found and free(m.start(), m.end()):
            hits.append(DateTimeHit("date", m.start(), m.end(), found.isoformat()))
            taken.append((m.start(), m.end()))
    for m in g.relative.finditer(norm):
        found = _relative(m, g, ref)
        if found and free(m.start(), m.end()):
            hits.append(DateTimeHit("date", m.start(), m.end(), found.isoformat()))
            taken.append((m.start(), m.end()))
    for m in g.time.finditer(norm):
        value = _time_value(m, g)
        if value and m.end() > m.start() and free(m.start(), m.end()):
            start = m.start()
            hits.append(DateTimeHit("time", start, m.end(), value))
            taken.append((start, m.end()))
    return sorted(hits, key=lambda h: h.start)
