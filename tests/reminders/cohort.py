"""A simulated cohort for the reminder tests: each student's scripted life, and the reminders the
rules call for, computed here independently of ``bot/reminders`` (the oracle).

A life is a list of timed actions (a stage ticked, a guide left midway, an appointment told,
changed or cancelled, a job, an opt-out, a deletion). ``expected`` says, from those actions alone,
which reminders must reach the student and when they may arrive.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
START = datetime(2026, 3, 2, 0, 0, tzinfo=SEOUL)  # a Monday
DAYS = 60
END = START + timedelta(days=DAYS)
STAGES = ("apply", "worknet", "jobcare", "assessments", "iap_booking")
FLOWS = {"apply": "program_apply", "worknet": "worknet_signup", "jobcare": "jobcare_student",
         "assessments": "assessments", "iap_booking": "iap_booking"}
#: the rules file's nudges: after stage -> pending stage, at +3 and +7 days; a guide left: +2 days
NEXT = {"apply": "worknet", "worknet": "jobcare", "jobcare": "assessments", "assessments": "iap_booking"}
NUDGE_DAYS = (3, 7)
LEFT_DAYS = 2
QUIET_START, QUIET_END = time(21, 0), time(8, 0)


@dataclass(order=True)
class Action:
    at: datetime
    what: str  # stage | leave | book | change | cancel | job | stop_checkins | optout | delete
    value: object = field(default=None, compare=False)


@dataclass
class Life:
    chat: int
    actions: list[Action]


def quiet(moment: datetime) -> bool:
    local = moment.astimezone(SEOUL).time()
    return local >= QUIET_START or local < QUIET_END


def local(moment: datetime) -> str:
    return moment.astimezone(SEOUL).isoformat()


def delivery(due: datetime) -> datetime:
    """The earliest a reminder due at ``due`` may be pushed: at once, or at 08:00 after quiet hours."""
    local = due.astimezone(SEOUL)
    if not quiet(local):
        return local
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=SEOUL)


def _moment(rng: random.Random, day: float) -> datetime:
    """A moment on that day at a random minute (any hour: students write at night too), 17 s past."""
    return START + timedelta(days=int(day), minutes=rng.randrange(24 * 60), seconds=17)


def life(rng: random.Random, chat: int) -> Life:
    actions: list[Action] = []
    day = rng.uniform(0, 8)
    for stage in STAGES:
        if rng.random() < 0.12:
            break
        if rng.random() < 0.2 and stage != "apply":  # opens the guide, stops midway, comes back later
            actions.append(Action(_moment(rng, day + rng.uniform(0, 1)), "leave", FLOWS[stage]))
            day += rng.uniform(1, 4)
        actions.append(Action(_moment(rng, day), "stage", stage))
        day += rng.choice((rng.uniform(0.5, 2.5), rng.uniform(4, 12)))
    if rng.random() < 0.3:
        told = _moment(rng, rng.uniform(5, 40))
        at = datetime.combine(told.date() + timedelta(days=rng.randint(1, 12)), time(rng.randint(9, 17)), SEOUL)
        actions.append(Action(told, "book", at))
        roll = rng.random()
        if roll < 0.15:
            actions.append(Action(told + timedelta(hours=rng.uniform(1, 20)), "cancel"))
        elif roll < 0.3:
            moved = at + timedelta(days=rng.randint(1, 5), hours=rng.choice((-1, 0, 1)))
            actions.append(Action(told + timedelta(hours=rng.uniform(1, 20)), "change", moved))
    if rng.random() < 0.25:
        job = _moment(rng, rng.uniform(0, 25))
        actions.append(Action(job, "job", job.date()))
        if rng.random() < 0.3:
            actions.append(Action(job + timedelta(days=rng.uniform(2, 40)), "stop_checkins"))
    if rng.random() < 0.1:
        actions.append(Action(_moment(rng, rng.uniform(3, 50)), "optout"))
    elif rng.random() < 0.06:
        actions.append(Action(_moment(rng, rng.uniform(3, 50)), "delete"))
    actions = sorted(a for a in actions if a.at < END)
    if any(a.what == "delete" for a in actions):  # nothing is scripted after a deletion
        cut = next(a.at for a in actions if a.what == "delete")
        actions = [a for a in actions if a.at <= cut]
    return Life(chat, actions)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def expected(person: Life) -> dict[str, datetime]:
    """``{reminder id: due}`` for every reminder that must reach this student by ``END``.

    Ids: ``n:STAGE:K`` (the K-th nudge slot of a pending stage), ``a:eve|soon:DUE`` (an appointment's),
    ``f:K`` (K-th check-in). A reminder is expected when it was queued before it fell due and, at
    the moment it may be pushed, its stage is not done, the appointment still stands, check-ins
    were not stopped, and the student has neither opted out nor deleted their data.
    """
    acts = person.actions
    done_at = {a.value: a.at for a in acts if a.what == "stage"}
    booked = [a.at for a in acts if a.what in ("book", "change")]
    if booked:  # confirming an appointment ticks the booking stage
        done_at["iap_booking"] = min(done_at.get("iap_booking", booked[0]), booked[0])
    gone = min((a.at for a in acts if a.what in ("optout", "delete")), default=END + timedelta(days=1))
    slots: dict[tuple[str, int], datetime] = {}  # first writer of a nudge slot wins (the dedupe key)
    for a in acts:
        if a.what == "stage" and a.value in NEXT:
            pending = NEXT[a.value]
            if done_at.get(pending, END + timedelta(days=1)) > a.at:
                for k, days in enumerate(NUDGE_DAYS, start=1):
                    slots.setdefault((pending, k), a.at + timedelta(days=days))
        elif a.what == "leave":
            stage = next(s for s, f in FLOWS.items() if f == a.value)
            if done_at.get(stage, END + timedelta(days=1)) > a.at:
                slots.setdefault((stage, 1), a.at + timedelta(days=LEFT_DAYS))
    out: dict[str, datetime] = {}
    for (stage, k), due in slots.items():
        if delivery(due) < min(done_at.get(stage, END + timedelta(days=1)), gone, END):
            out[f"n:{stage}:{k}"] = due
    bookings = [a for a in acts if a.what in ("book", "change")]
    for b in bookings:
        ends = [a.at for a in acts if a.what in ("change", "cancel") and a.at > b.at]
        valid_until = min([*ends, gone, END])
        at: datetime = b.value  # type: ignore[assignment]
        eve = datetime.combine(at.date() - timedelta(days=1), time(18), SEOUL)
        soon = at - timedelta(hours=2)
        if quiet(soon):
            began = datetime.combine(soon.date() if soon.time() >= QUIET_START else soon.date() - timedelta(days=1),
                                     QUIET_START, SEOUL)
            soon = began - timedelta(minutes=30)
        for which, due in (("eve", eve), ("soon", soon)):
            if which == "soon" and soon <= eve:
                continue
            if b.at < due and delivery(due) < valid_until:
                out[f"a:{which}:{local(due)}"] = due
    job = next((a for a in acts if a.what == "job"), None)
    if job is not None:
        stop = min([a.at for a in acts if a.what == "stop_checkins"] + [gone, END])
        for k in (1, 2, 3):
            due = datetime.combine(add_months(job.value, k), time(10), SEOUL)  # type: ignore[arg-type]
            if job.at < due and delivery(due) < stop:
                out[f"f:{k}"] = due
    return out
