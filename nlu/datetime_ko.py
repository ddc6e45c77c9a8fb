"""Korean date and time expressions for booking: "다음주 화요일 3시", "3월 5일 오후 2시 반", "내일".

Each entity keeps the surface text as ``value`` and adds ``normalized``: an ISO date (``2025-03-11``)
relative to today in the configured time zone, or ``HH:MM``. A bare hour from 1 to 7 is read as
afternoon because consultations run in office hours; "오전"/"아침" say otherwise. The vocabulary is in
``nlu/resources/datetime.yml``; ``nlu.when`` turns these entities into one appointment datetime.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from nlu import resources

#: A month/day without a year that has passed this year means next year only up to this far ahead.
NEXT_YEAR_WITHIN_DAYS = 183


@dataclass(frozen=True, slots=True)
class DateTimeHit:
    entity: str  # "date" or "time"
    start: int
    end: int
    normalized: str


@dataclass(slots=True)
class Scan:
    """The hits of one text, and which expressions named a day or hour that does not exist."""

    hits: list[DateTimeHit] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)  # "date", "time"


def _alt(words: object) -> str:
    items = sorted({str(w) for w in (words or [])}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in items) or "(?!)"


def _spaced_alt(words: object) -> str:
    """Alternatives where a space may appear between any two letters ("다음 주", "다음주")."""
    items = sorted({str(w).replace(" ", "") for w in (words or [])}, key=len, reverse=True)
    return "|".join(r"\s?".join(re.escape(ch) for ch in w) for w in items) or "(?!)"


@dataclass(frozen=True, slots=True)
class _Grammar:
    days: dict[str, int]
    weeks: dict[str, int]
    months: dict[str, int]
    counts: dict[str, int]
    natives: dict[str, int]
    weekdays: dict[str, int]
    morning: frozenset[str]
    afternoon: frozenset[str]
    pm_limit: int
    #: the unit that counts days in "3일 뒤" (the other is weeks)
    day_unit: str
    offset: re.Pattern[str]
    absolute: re.Pattern[str]
    relative: re.Pattern[str]
    time: re.Pattern[str]


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    res = resources.resource("datetime")
    units = res["units"]
    days = {str(k): int(v) for k, v in res["relative_days"].items()}
    weeks = {str(k).replace(" ", ""): int(v) for k, v in res["relative_weeks"].items()}
    months = {str(k).replace(" ", ""): int(v) for k, v in (res.get("relative_months") or {}).items()}
    counts = {str(k): int(v) for k, v in (res.get("day_counts") or {}).items()}
    natives = {str(k): int(v) for k, v in (res.get("native_hours") or {}).items()}
    weekdays = {str(k): int(v) for k, v in res["weekdays"].items()}
    morning = [str(w) for w in res["morning_words"]]
    afternoon = [str(w) for w in res["afternoon_words"]]
    y, mo, d, wk = (re.escape(units[k]) for k in ("year", "month", "day", "week"))
    h, mi, half = (re.escape(units[k]) for k in ("hour", "minute", "half"))
    after = _alt(res.get("after_words"))
    # One-letter day words ("낼") only count on their own, never inside a verb ("보낼게요").
    day_alt = "|".join(
        (re.escape(w) if len(w) > 1 else rf"(?<![가-힣]){re.escape(w)}") for w in sorted(days, key=len, reverse=True)
    )
    offset = re.compile(
        rf"(?<![0-9])(?P<n>[1-9][0-9]?)\s*(?P<unit>{d}|{wk}(?:{d})?)\s*(?:{after})"
        rf"|(?P<count>{_alt(counts)})\s*(?:{after})"
    )
    not_before_day = "".join(f"(?<!{re.escape(w)})(?<!{re.escape(w)}\\s)" for w in units.get("day_not_preceded_by", []))
    not_after_day = _alt(units.get("day_not_followed_by", []))
    absolute = re.compile(
        rf"(?<![0-9])(?:(?P<year>20[0-9]{{2}})\s*{y}\s*)?(?P<month>1[0-2]|0?[1-9])\s*{mo}\s*"
        rf"(?P<mday>[0-3]?[0-9])\s*{d}"
        rf"|(?<![0-9./:])(?P<smonth>1[0-2]|0?[1-9])\s*/\s*(?P<sday>[0-3]?[0-9])(?![0-9/])"
        rf"|(?:(?P<rmonth>{_spaced_alt(months)})\s*)?{not_before_day}(?<![0-9])(?P<oday>[0-3]?[0-9])\s*{d}"
        rf"(?!\s*(?:{not_after_day}))"
    )
    relative = re.compile(
        rf"(?:(?P<week>{_spaced_alt(weeks)})\s*)?(?P<weekday>{_alt(weekdays)})"
        rf"|(?P<day>{day_alt})"
    )
    not_after_hour = _alt(units.get("hour_not_followed_by", []))
    time = re.compile(
        rf"(?:(?P<period>{_alt(morning + afternoon)})\s*)?"
        rf"(?:(?:(?<![0-9])(?P<hour>[0-9]{{1,2}})|(?<![가-힣])(?P<native>{_alt(natives)}))\s*{h}(?!{not_after_hour})"
        rf"(?:\s*(?:(?P<minute>[0-9]{{1,2}})\s*{mi}|(?P<half>{half})(?![a-z가-힣])))?"
        rf"|(?<![0-9])(?P<chour>[0-9]{{1,2}}):(?P<cminute>[0-9]{{2}})(?![0-9])"
        rf"|(?P<noon>{_alt(res.get('noon_words'))}))"
    )
    return _Grammar(
        days=days, weeks=weeks, months=months, counts=counts, natives=natives, weekdays=weekdays,
        morning=frozenset(morning), afternoon=frozenset(afternoon),
        pm_limit=int(res.get("pm_if_bare_hour_at_most", 7)), day_unit=str(units["day"]),
        offset=offset, absolute=absolute, relative=relative, time=time,
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


def _add_months(ref: date, months: int) -> tuple[int, int]:
    index = ref.year * 12 + ref.month - 1 + months
    return index // 12, index % 12 + 1


def _offset(m: re.Match[str], g: _Grammar, ref: date) -> date:
    if m.group("count"):
        return ref + timedelta(days=g.counts[m.group("count")])
    n = int(m.group("n"))
    return ref + timedelta(days=n if m.group("unit") == g.day_unit else 7 * n)


def _relative(m: re.Match[str], g: _Grammar, ref: date) -> date:
    if m.group("day"):
        return ref + timedelta(days=g.days[m.group("day")])
    weekday = g.weekdays[m.group("weekday")]
    if m.group("week"):
        monday = ref - timedelta(days=ref.weekday())
        return monday + timedelta(weeks=g.weeks[re.sub(r"\s", "", m.group("week"))], days=weekday)
    return ref + timedelta(days=(weekday - ref.weekday() - 1) % 7 + 1)  # the next one after today


def _absolute(m: re.Match[str], g: _Grammar, ref: date) -> date | None:
    if m.group("month") or m.group("smonth"):
        month = int(m.group("month") or m.group("smonth"))
        day = int(m.group("mday") or m.group("sday"))
        year = int(m.group("year")) if m.group("year") else ref.year
        found = _safe_date(year, month, day)
        if found and not m.group("year") and found < ref:
            later = _safe_date(year + 1, month, day)
            if later and (later - ref).days <= NEXT_YEAR_WITHIN_DAYS:
                found = later
        return found
    day = int(m.group("oday"))
    if m.group("rmonth"):
        return _safe_date(*_add_months(ref, g.months[re.sub(r"\s", "", m.group("rmonth"))]), day)
    found = _safe_date(ref.year, ref.month, day)
    if found is None or found < ref:
        found = _safe_date(*_add_months(ref, 1), day) or found
    return found


def _time_value(m: re.Match[str], g: _Grammar) -> str | None:
    if m.group("noon"):
        return "12:00"
    if m.group("chour") is not None:
        hour, minute = int(m.group("chour")), int(m.group("cminute"))
    else:
        hour = int(m.group("hour")) if m.group("hour") is not None else g.natives[m.group("native")]
        minute = 30 if m.group("half") else int(m.group("minute") or 0)
    period = m.group("period")
    if period in g.afternoon and hour < 12:
        hour += 12
    elif period in g.morning and hour == 12:
        hour = 0
    elif period is None and 1 <= hour <= g.pm_limit:
        hour += 12
    if hour == 24 and minute == 0:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return f"{hour:02d}:{minute:02d}"


def scan(norm: str, ref: date | None = None) -> Scan:
    """Date and time entities in normalised text, plus whether any named a day or hour that cannot be."""
    g = _grammar()
    ref = ref or today()
    out = Scan()
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(entity: str, m: re.Match[str], value: str | None) -> None:
        if m.end() <= m.start() or not free(m.start(), m.end()):
            return
        taken.append((m.start(), m.end()))
        if value is None:
            out.invalid.add(entity)
        else:
            out.hits.append(DateTimeHit(entity, m.start(), m.end(), value))

    for m in g.offset.finditer(norm):
        add("date", m, _offset(m, g, ref).isoformat())
    for m in g.absolute.finditer(norm):
        found = _absolute(m, g, ref)
        add("date", m, found.isoformat() if found else None)
    for m in g.relative.finditer(norm):
        add("date", m, _relative(m, g, ref).isoformat())
    for m in g.time.finditer(norm):
        add("time", m, _time_value(m, g))
    out.hits.sort(key=lambda h: h.start)
    return out


def match(norm: str, ref: date | None = None) -> list[DateTimeHit]:
    """Date and time entities in normalised text."""
    return scan(norm, ref).hits
