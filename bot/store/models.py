"""The tables. Text is stored only after masking; nothing here ever holds a resident number."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """The current time, timezone-aware (UTC): what every timestamp column holds."""
    return datetime.now(UTC)


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    """A person on one channel (Telegram chat id, Kakao bot user key, or a CLI name)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "user_key", name="uq_users_channel_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: False once the user said "알림 끄기" (or /stop): answers still work, proactive messages do not.
    notifications: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Set when the platform says the user cannot be reached (Telegram 403); cleared when they write again.
    unreachable_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Conversation(Base):
    """The dialogue state of a user: one row each, locked for the length of a turn."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    #: bot, waiting (asked for a person), human (a consultant holds it) or closed; see bot/handoff
    mode: Mapped[str] = mapped_column(String(10), default="bot", server_default="bot", index=True)
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="SET NULL"))
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("consultants.id", ondelete="SET NULL"))
    #: whether the bot already said, in this handoff, that a consultant will answer
    handoff_told: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Turn(Base):
    """One message and what was answered, kept for review (fallbacks) and for replaying duplicates."""

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    text: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(String(128))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    parse: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    replies: Mapped[list[Any]] = mapped_column(default=list)


class Progress(Base):
    """One row per (user, stage) that was ever marked; ``done`` says its current value."""

    __tablename__ = "progress"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ProcessedMessage(Base):
    """Platform message ids already handled, per user, so a redelivered update is answered once."""

    __tablename__ = "processed_messages"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turns.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Heartbeat(Base):
    """One row per server process, rewritten by each readiness check: the cheapest real write."""

    __tablename__ = "heartbeats"

    worker: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxMessage(Base):
    """A message the bot sends first (a notice, a reminder, a consultant's reply).

    Written in the same transaction as the change that caused it; the dispatcher claims due rows
    under a lease and records the outcome. ``replies`` holds rendered ``Reply`` dicts, or ``template``
    + ``params`` name knowledge texts (params never hold personal data). ``dedupe_key`` makes writing
    the same message twice a no-op.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
        Index("ix_outbox_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    replies: Mapped[list[Any] | None] = mapped_column(JSON)
    template: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    quiet_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# ------------------------------------------------------------------------------------ consultants
class Handoff(Base):
    """One request for a person, from asking to hand-back: the numbers the statistics page needs."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_reply_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end: Mapped[str | None] = mapped_column(String(12))
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("consultants.id", ondelete="SET NULL"))
    timeout_notice_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HandoffEvent(Base):
    """Who did what, when: transitions, relayed student messages, replies and private notes.

    The console's live updates read this table by id, so every process sees every change.
    """

    __tablename__ = "handoff_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("consultants.id", ondelete="SET NULL"))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Consultant(Base):
    """A console account; ``password_hash`` is Argon2id, ``role`` is consultant or admin."""

    __tablename__ = "consultants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(12), default="consultant")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsoleSession(Base):
    """A logged-in browser: the cookie holds a random token, the row only its SHA-256."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("consultants.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """Failed logins by email and address, counted for the rate limit (shared by every process)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_email_at", "email", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who opened which student's record (and other console actions worth answering for)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("consultants.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
