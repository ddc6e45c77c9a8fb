"""Reading and writing the reminder tables inside the caller's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from bot.reminders.models import Appointment, CheckinAnswer, Employment, ReminderPrefs
from bot.store.models import User

#: the switchable kinds, as columns of ``reminder_prefs``
KINDS = ("nudges", "appointment", "followup")


def is_on(s: Session, user_id: int, kind: str) -> bool:
    """Whether this kind of reminder may be planned for the user (their switch, and the global opt-out)."""
    row = s.execute(
        select(User.notifications, getattr(ReminderPrefs, kind))
        .outerjoin(ReminderPrefs, ReminderPrefs.user_id == User.id)
        .where(User.id == user_id)
    ).first()
    return row is not None and bool(row[0]) and row[1] is not False


def set_switch(s: Session, user_id: int, kind: str, on: bool, now: datetime) -> None:
    if kind not in KINDS:
        raise ValueError(kind)
    changed = s.execute(
        update(ReminderPrefs).where(ReminderPrefs.user_id == user_id).values({kind: on, "updated_at": now})
    ).rowcount
    if not changed:
        s.execute(insert(ReminderPrefs).values(user_id=user_id, updated_at=now, **{kind: on}))


def book(s: Session, user_id: int, at: datetime, now: datetime) -> int:
    """Record a new appointment; an earlier booked one becomes 'changed'. Returns the new row's id."""
    s.execute(
        update(Appointment).where(Appointment.user_id == user_id, Appointment.status == "booked")
        .values(status="changed")
    )
    return s.execute(
        insert(Appointment)
        .values(user_id=user_id, at=at.astimezone(UTC), status="booked", created_at=now)
        .returning(Appointment.id)
    ).scalar_one()


def cancel_booking(s: Session, user_id: int) -> None:
    s.execute(
        update(Appointment).where(Appointment.user_id == user_id, Appointment.status == "booked")
        .values(status="cancelled")
    )


def booked(s: Session, user_id: int) -> tuple[int, datetime, datetime] | None:
    """The user's booked appointment: (id, at, created_at)."""
    row = s.execute(
        select(Appointment.id, Appointment.at, Appointment.created_at)
        .where(Appointment.user_id == user_id, Appointment.status == "booked")
        .order_by(Appointment.id.desc()).limit(1)
    ).first()
    return (row[0], row[1], row[2]) if row else None


def employ(s: Session, user_id: int, started_on: date, now: datetime) -> int:
    return s.execute(
        insert(Employment).values(user_id=user_id, started_on=started_on, recorded_at=now).returning(Employment.id)
    ).scalar_one()


def employment(s: Session, user_id: int) -> tuple[int, date] | None:
    row = s.execute(
        select(Employment.id, Employment.started_on).where(Employment.user_id == user_id)
        .order_by(Employment.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def answer(s: Session, user_id: int, number: int, value: str, now: datetime) -> None:
    job = employment(s, user_id)
    s.execute(insert(CheckinAnswer).values(
        user_id=user_id, employment_id=job[0] if job else None, number=number, answer=value, answered_at=now
    ))


def forget(s: Session, user_id: int) -> None:
    """Delete what the user told us about appointments and jobs, their answers and switches."""
    for table in (CheckinAnswer, Employment, Appointment, ReminderPrefs):
        s.execute(delete(table).where(table.user_id == user_id))
