"""The reminder tables: what the student told us (appointment, job), their answers and their switches.

The reminders themselves are outbox rows (``bot.outbox``); these tables hold the facts they are
planned from. Every row belongs to a user and goes when the user's data is deleted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, utcnow


class Appointment(Base):
    """An IAP consultation the student booked on 워크넷 and told us about (we never book it ourselves)."""

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_status_at", "status", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: booked | cancelled | changed (replaced by a newer row)
    status: Mapped[str] = mapped_column(String(12), default="booked")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Employment(Base):
    """"취업했어요": the day a job started, which the monthly check-ins count from."""

    __tablename__ = "employments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_on: Mapped[date] = mapped_column(Date, index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CheckinAnswer(Base):
    """One answer to a follow-up check-in (ok / worry / stop), kept for the centre's statistics."""

    __tablename__ = "checkin_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    employment_id: Mapped[int | None] = mapped_column(ForeignKey("employments.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(12))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReminderPrefs(Base):
    """Which kinds of reminder a user wants; no row means all on. (The global opt-out is ``users.notifications``.)"""

    __tablename__ = "reminder_prefs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    nudges: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    appointment: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    followup: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
