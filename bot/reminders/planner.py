"""The planner: a pass every few minutes, in every process, that queues reminders coming due.

Turns queue reminders as things happen; the planner catches what time alone brings about or what
no turn queued (a stage ticked by an operator, rules changed, a process that died mid-turn): for
each rule it looks only at the facts whose reminder falls in the window ``[now - lookback,
now + horizon]`` (indexed range scans, so a pass costs what is due, not how many users there are),
queues those rows with one multi-row insert that skips existing ``dedupe_key`` values, and cancels
waiting nudges whose stage has since been done or whose switch is off. Any number of processes may
run it at once: the unique key makes it idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, bindparam, exists, false, literal, or_, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from bot.reminders.models import Appointment, Employment, ReminderPrefs
from bot.reminders.schedule import APPOINTMENT, CHECKIN, NUDGE, Scheduler, aware, key
from bot.store.models import OutboxMessage, Progress, User
from flows.reminder_times import add_months

#: how often the planner runs in each process
INTERVAL = timedelta(minutes=5)
#: rows are queued this far ahead of their due time (more than one interval, so none is late)
HORIZON = 2 * INTERVAL
#: a reminder whose moment passed up to this long ago is still queued (a process was down)
LOOKBACK = timedelta(hours=6)
_BATCH = 1000


@dataclass(frozen=True, slots=True)
class PassResult:
    queued: int
    cancelled: int


class Planner:
    """One ``run`` is one pass; safe to call concurrently from several processes."""

    def __init__(self, scheduler: Scheduler, horizon: timedelta = HORIZON, lookback: timedelta = LOOKBACK) -> None:
        self.scheduler, self.horizon, self.lookback = scheduler, horizon, lookback
        # The statements are built once, with the window's bounds as parameters: building them anew
        # cost more than running them, on every pass of every process.
        self._nudge_slots, self._nudge_query = self._build_nudges()
        self._appointment_query = self._build_appointments()
        self._checkin_query = self._build_checkins()
        self._moot = self._build_moot()

    def run(self, s: Session, now: datetime) -> PassResult:
        """One pass at ``now``: queue what comes due in the window, cancel what became moot."""
        now = now.astimezone(UTC)  # stored timestamps are UTC (SQLite keeps no zone)
        rows = [*self._nudges(s, now), *self._appointments(s, now), *self._checkins(s, now)]
        rows = [self.scheduler.for_channel(r["channel"], r) for r in rows]
        queued = _insert(s, rows, now)
        return PassResult(queued, self._cancel_moot(s, now))

    def _window(self, now: datetime, due: datetime) -> bool:
        return now - self.lookback <= due <= now + self.horizon

    @staticmethod
    def _allowed(switch: str):  # noqa: ANN205 - a SQL condition
        """The user has not opted out, and has not switched this kind off."""
        off = exists().where(ReminderPrefs.user_id == User.id, getattr(ReminderPrefs, switch).is_(False))
        return and_(User.notifications.is_(True), ~off)

    def _build_nudges(self) -> tuple[list[tuple], object | None]:
        """A narrow range scan per (rule, k), glued with UNION ALL: one round trip. Slot ``n`` reads
        the stages done between ``low{n}`` and ``high{n}`` (the window moved back by its offset)."""
        sched, parts, slots = self.scheduler, [], []
        for rule in sched.rules.nudges:
            pending = aliased(Progress)
            not_done = ~exists().where(pending.user_id == Progress.user_id, pending.stage == rule.pending,
                                       pending.done.is_(True))
            for k, days in enumerate(rule.offsets_days()[: sched.rules.cap(rule.pending)], start=1):
                n = len(slots)
                parts.append(
                    select(literal(n).label("slot"), Progress.user_id, User.channel, Progress.updated_at)
                    .join(User, User.id == Progress.user_id)
                    .where(Progress.stage == rule.after, Progress.done.is_(True),
                           Progress.updated_at >= bindparam(f"low{n}"), Progress.updated_at <= bindparam(f"high{n}"),
                           not_done, self._allowed("nudges"))
                )
                slots.append((rule, k, days))
        return slots, (union_all(*parts) if parts else None)

    def _nudges(self, s: Session, now: datetime) -> list[dict]:
        if self._nudge_query is None:
            return []
        bounds = {}
        for n, (_, _, days) in enumerate(self._nudge_slots):
            bounds[f"low{n}"] = now - self.lookback - timedelta(days=days)
            bounds[f"high{n}"] = now + self.horizon - timedelta(days=days)
        out = []
        for slot, user_id, channel, base in s.execute(self._nudge_query, bounds).all():
            rule, k, days = self._nudge_slots[slot]
            out.append(_row(user_id, channel, NUDGE, key(user_id, "n", rule.pending, k),
                            aware(base) + timedelta(days=days), self.scheduler.render.nudge(rule)))
        return out

    def _build_appointments(self):  # noqa: ANN202 - a statement
        # the evening before is at most ~1.5 days ahead of the appointment
        return (
            select(Appointment.id, Appointment.user_id, User.channel, Appointment.at, Appointment.created_at)
            .join(User, User.id == Appointment.user_id)
            .where(Appointment.status == "booked", Appointment.at > bindparam("after"),
                   Appointment.at <= bindparam("until"), self._allowed("appointment"))
        )

    def _appointments(self, s: Session, now: datetime) -> list[dict]:
        found = s.execute(self._appointment_query, {
            "after": now - self.lookback, "until": now + self.horizon + timedelta(days=2),
        }).all()
        out = []
        for appointment_id, user_id, channel, at, created in found:
            for r in self.scheduler.appointment_rows(user_id, appointment_id, at, aware(created)):
                if self._window(now, r["due_at"]):
                    out.append({**r, "channel": channel})
        return out

    def _build_checkins(self):  # noqa: ANN202 - a statement
        return (
            select(Employment.id, Employment.user_id, User.channel, Employment.started_on, Employment.recorded_at)
            .join(User, User.id == Employment.user_id)
            .where(Employment.started_on.in_(bindparam("starts", expanding=True)), self._allowed("followup"))
        )

    def _checkins(self, s: Session, now: datetime) -> list[dict]:
        """Only jobs that started k months (give or take a few days) before a day of the window."""
        f, zone = self.scheduler.rules.followup, self.scheduler.zone
        first, last = (now - self.lookback).astimezone(zone).date(), (now + self.horizon).astimezone(zone).date()
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        starts = {
            add_months(day, -f.every_months * k) + timedelta(days=shift)
            for day in days for k in range(1, f.times + 1) for shift in range(-3, 4)
        }
        found = s.execute(self._checkin_query, {"starts": sorted(starts)}).all()
        out = []
        for employment_id, user_id, channel, started, recorded in found:
            for r in self.scheduler.checkin_rows(user_id, employment_id, started, aware(recorded)):
                if self._window(now, r["due_at"]):
                    out.append({**r, "channel": channel})
        return out

    @staticmethod
    def _build_moot():  # noqa: ANN205 - a statement
        """Waiting reminders due by ``until`` whose reason is gone: the stage is done, or the switch is off.

        One statement whatever the number of rules (one round trip a pass): a nudge's key names its stage
        (``r:USER:n:STAGE:K``), and each kind has its switch column."""
        waiting = and_(OutboxMessage.status.in_(("pending", "held")), OutboxMessage.due_at <= bindparam("until"))
        stage_done = exists().where(
            Progress.user_id == OutboxMessage.user_id, Progress.done.is_(True),
            OutboxMessage.dedupe_key.like(literal("r:%:n:") + Progress.stage + literal(":%")),
        )
        switched_off = exists().where(ReminderPrefs.user_id == OutboxMessage.user_id, or_(*(
            and_(OutboxMessage.kind == kind, getattr(ReminderPrefs, switch).is_(false()))
            for kind, switch in ((NUDGE, "nudges"), (APPOINTMENT, "appointment"), (CHECKIN, "followup"))
        )))
        return (
            update(OutboxMessage).where(waiting, or_(and_(OutboxMessage.kind == NUDGE, stage_done), switched_off))
            .values(status="cancelled").execution_options(synchronize_session=False)
        )

    def _cancel_moot(self, s: Session, now: datetime) -> int:
        return s.execute(self._moot, {"until": now + self.horizon}).rowcount


def _row(user_id: int, channel: str, kind: str, dedupe_key: str, due: datetime, replies: list | None) -> dict:
    return {"user_id": user_id, "channel": channel, "kind": kind, "dedupe_key": dedupe_key, "due_at": due,
            "replies": replies}


def _insert(s: Session, rows: Iterable[dict], now: datetime) -> int:
    """Insert the rows whose keys are not queued yet (looked up first: a steady pass writes nothing);
    a key another process queued meanwhile is skipped by the unique index. How many were new."""
    rows = list(rows)
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    queued = 0
    for start in range(0, len(rows), _BATCH):
        batch = rows[start:start + _BATCH]
        known = set(s.scalars(select(OutboxMessage.dedupe_key)
                              .where(OutboxMessage.dedupe_key.in_([r["dedupe_key"] for r in batch]))))
        values = [
            {**r, "due_at": r["due_at"].astimezone(UTC), "template": None, "params": None, "quiet_hours": True,
             "status": "pending", "attempts": 0, "created_at": now}
            for r in batch if r["dedupe_key"] not in known
        ]
        if not values:
            continue
        statement = (
            insert(OutboxMessage).values(values).on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.id)
        )
        queued += len(s.execute(statement).all())
    return queued
