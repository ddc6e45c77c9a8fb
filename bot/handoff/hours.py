"""When consultants answer: honest wording from the institution file's ``consultant_hours``.

Inside the hours the bot says a consultant answers soon; outside them, when they are back; with no
hours in the file it promises no time at all.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from knowledge.loader import Knowledge

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _span(text: str) -> tuple[time, time]:
    start, end = text.split("-")
    h, m = (int(x) for x in end.split(":"))
    return time.fromisoformat(start), time(23, 59, 59) if h == 24 else time(h, m)


def is_open(hours: dict[str, str], moment: datetime) -> bool:
    span = hours.get(DAYS[moment.weekday()])
    if not span:
        return False
    start, end = _span(span)
    return start <= moment.time() < end


def next_opening(hours: dict[str, str], moment: datetime) -> datetime | None:
    """The next time the hours begin after ``moment`` (within a week), or None when no day is open."""
    for ahead in range(8):
        day = moment + timedelta(days=ahead)
        span = hours.get(DAYS[day.weekday()])
        if not span:
            continue
        opening = datetime.combine(day.date(), _span(span)[0], tzinfo=moment.tzinfo)
        if opening > moment:
            return opening
    return None


def waiting_text(knowledge: Knowledge, now: datetime, timezone: str) -> str:
    """What the student reads when the request is made."""
    hours = dict(knowledge.institution.consultant_hours)
    local = now.astimezone(ZoneInfo(timezone))
    if not hours:
        return knowledge.text("handoff.waiting_unknown")
    if is_open(hours, local):
        return knowledge.text("handoff.waiting_open")
    opening = next_opening(hours, local)
    if opening is None:
        return knowledge.text("handoff.waiting_unknown")
    at = opening.strftime("%H:%M")
    days = (opening.date() - local.date()).days
    if days == 0:
        when = knowledge.text("handoff.when_today", time=at)
    elif days == 1:
        when = knowledge.text("handoff.when_tomorrow", time=at)
    else:
        when = knowledge.text("handoff.when_day", day=knowledge.text("handoff.weekdays")[opening.weekday()], time=at)
    return knowledge.text("handoff.waiting_closed", when=when)


def contacts_text(knowledge: Knowledge) -> str:
    """The centre's phone and site for a student who waited too long; nothing invented when unset."""
    inst = knowledge.institution
    lines = [knowledge.text(f"center.{key}", value=value) for key, value in
             (("centre_name", inst.centre_name), ("phone", inst.phone), ("url", inst.url), ("hours", inst.hours))
             if value]
    return "\n".join(lines) if lines else knowledge.text("handoff.contacts_unset")
