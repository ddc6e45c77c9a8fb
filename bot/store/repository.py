"""Storage: one SQLAlchemy engine, one transaction per turn, Alembic for the schema.

SQLite (WAL, ``BEGIN IMMEDIATE``) is the zero-setup default; PostgreSQL is for several workers,
where the conversation row is locked ``FOR UPDATE`` so two workers never interleave one user's turns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, bindparam, delete, exists, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.health import StorageHealth, storage_reason
from bot.store import migrating, ready
from bot.store.engine import DbTimeouts, make_engine
from bot.store.models import Conversation, OutboxMessage, ProcessedMessage, Progress, Turn, User, aware

log = logging.getLogger("giljabi.store")

#: ``users.last_seen_at`` is refreshed at most this often: one write fewer on most turns.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


@dataclass(slots=True)
class OpenConversation:
    user_id: int
    conversation_id: int
    state: dict[str, Any]
    #: outbox rows wait for this user (held, or due and unsent): the turn puts them on top of its answer
    outbox_waiting: bool = False
    #: the platform said the user could not be reached; writing again clears it
    unreachable: bool = False
    #: bot, waiting, human or closed (bot/handoff): read with the state, so a turn knows it at once
    mode: str = "bot"


# The statements every turn runs, built once, on the tables (Core) rather than the mapped classes, and
# run on the session's connection: the ORM's execution path (autoflush, bulk persistence, compile
# state) cost more than the statements themselves on SQLite (measured: half the store's CPU per turn).
_USERS, _CONVERSATIONS = User.__table__, Conversation.__table__
_OUTBOX, _PROGRESS, _TURNS = OutboxMessage.__table__, Progress.__table__, Turn.__table__
_WAITING = (
    exists()
    .where(_OUTBOX.c.user_id == _USERS.c.id)
    .where(or_(_OUTBOX.c.status == "held",
               (_OUTBOX.c.status == "pending") & (_OUTBOX.c.due_at <= bindparam("now"))))
)
_OPEN = (
    select(_USERS.c.id, _USERS.c.last_seen_at, _CONVERSATIONS.c.id, _CONVERSATIONS.c.state, _WAITING,
           _USERS.c.unreachable_since.is_not(None), _CONVERSATIONS.c.mode)
    .join(_CONVERSATIONS, _CONVERSATIONS.c.user_id == _USERS.c.id)
    .where(_USERS.c.channel == bindparam("channel"), _USERS.c.user_key == bindparam("user_key"))
    .with_for_update(of=_CONVERSATIONS)
)
_TOUCH = update(_USERS).where(_USERS.c.id == bindparam("uid")).values(last_seen_at=bindparam("now"))
_SAVE_STATE = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.id == bindparam("cid"))
    .values(state=bindparam("state", type_=JSON), updated_at=bindparam("now"))
)
_DONE = select(_PROGRESS.c.stage).where(_PROGRESS.c.user_id == bindparam("uid"), _PROGRESS.c.done.is_(True))
_INSERT_USER = insert(_USERS).returning(_USERS.c.id)
_INSERT_CONVERSATION = insert(_CONVERSATIONS)
_INSERT_TURN = insert(_TURNS)
_INSERT_TURN_ID = insert(_TURNS).returning(_TURNS.c.id)
_INSERT_PROCESSED = insert(ProcessedMessage.__table__)


class Store:
    """All persistence the Assistant needs, as small methods used inside ``unit()``."""

    def __init__(self, url: str, *, migrate: bool = True, timeouts: DbTimeouts | None = None) -> None:
        self.url = url
        self.timeouts = timeouts or DbTimeouts()
        self.engine = make_engine(url, self.timeouts)
        self.health = StorageHealth()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    # ---------------------------------------------------------------- schema
    def migrate(self) -> None:
        """Bring the schema to the newest revision (a no-op when it already is)."""
        migrating.migrate(self.engine)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - health checks report, never raise
            return False

    def check_ready(self, deadline: float = 1.5) -> str | None:
        """Can a turn be stored now? None if so, else the reason (a real write, see ``ready``)."""
        return ready.check(self.engine, self.health, deadline)

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------- transactions
    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        While the database is known to be failing this raises ``StorageUnavailable`` at once (see
        ``StorageHealth``); after a deletion the SQLite WAL is checkpointed so the text leaves the disk."""
        self.health.allow()
        try:
            with self._sessions() as session, session.begin():
                yield session
        except BaseException as exc:
            reason = storage_reason(exc)
            if reason is None:
                self.health.settle()
            else:
                self.health.failed(reason)
            raise
        self.health.succeeded()
        if session.info.get("forgot") and self.url.startswith("sqlite"):
            self.checkpoint()

    def checkpoint(self) -> None:
        """Copy the WAL into the database file and empty it (deleted rows are then gone from disk)."""
        raw = self.engine.raw_connection()  # outside any transaction: a checkpoint cannot run in one
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except Exception:  # noqa: BLE001 - the deletion is committed; SQLite's next checkpoint copies it
            log.warning("database: checkpoint after a deletion failed; SQLite's next one will do it")
        finally:
            raw.close()

    def open_conversation(self, s: Session, channel: str, user_key: str,
                          due_by: datetime | None = None) -> OpenConversation:
        """The user's ids and state, the conversation row locked until the transaction ends; whether
        a row waits for them: held, or pending and due by ``due_by`` (the turn's clock; now if None).

        Core statements rather than ORM objects: this runs on every message, and a turn's cost is
        mostly round trips and unit-of-work bookkeeping.
        """
        now = datetime.now(UTC)
        who = {"channel": channel, "user_key": user_key, "now": (due_by or now).astimezone(UTC)}
        conn = s.connection()
        row = conn.execute(_OPEN, who).first()
        if row is None:
            created = self._create_user(s, channel, user_key, now)
            if created is not None:  # a new user: nothing waits for them, nothing to read back
                return OpenConversation(*created, {}, False, False, "bot")
            row = conn.execute(_OPEN, who).one()
        user_id, last_seen, conversation_id, state, waiting, unreachable, mode = row
        if last_seen is None or now - aware(last_seen) > LAST_SEEN_RESOLUTION:
            conn.execute(_TOUCH, {"uid": user_id, "now": now})
        return OpenConversation(
            user_id, conversation_id, dict(state or {}), bool(waiting), bool(unreachable), mode or "bot"
        )

    def _create_user(self, s: Session, channel: str, user_key: str, now: datetime) -> tuple[int, int] | None:
        """The new user's and conversation's ids, or None if another worker created them a moment ago
        (the caller reads them). On SQLite no one can: ``BEGIN IMMEDIATE`` took the write lock before
        the caller looked, so no savepoint is needed there."""
        values = {"channel": channel, "user_key": user_key, "created_at": now, "last_seen_at": now}
        conn = s.connection()
        if self.url.startswith("sqlite"):
            user_id = conn.execute(_INSERT_USER, values).scalar_one()
            conversation_id = conn.execute(_INSERT_CONVERSATION, {"user_id": user_id, "state": {}, "updated_at": now})
            return user_id, conversation_id.inserted_primary_key[0]
        try:
            with s.begin_nested():
                user_id = conn.execute(_INSERT_USER, values).scalar_one()
                conversation_id = conn.execute(
                    _INSERT_CONVERSATION, {"user_id": user_id, "state": {}, "updated_at": now}
                ).inserted_primary_key[0]
                return user_id, conversation_id
        except IntegrityError:  # another worker created them a moment ago; the caller reads them again
            return None

    def user_id(self, s: Session, channel: str, user_key: str) -> int | None:
        return s.scalar(select(User.id).where(User.channel == channel, User.user_key == user_key))

    def save_state(self, s: Session, conversation_id: int, state: dict[str, Any]) -> None:
        s.connection().execute(_SAVE_STATE, {"cid": conversation_id, "state": state, "now": datetime.now(UTC)})

    def replies_for(self, s: Session, channel: str, user_id: int, message_id: str) -> list[dict[str, Any]] | None:
        """The replies already sent for this user's platform message, if it was handled before."""
        seen = s.execute(
            select(ProcessedMessage.turn_id, Turn.replies)
            .outerjoin(Turn, Turn.id == ProcessedMessage.turn_id)
            .where(
                ProcessedMessage.channel == channel, ProcessedMessage.user_id == user_id,
                ProcessedMessage.message_id == message_id,
            )
        ).first()
        if seen is None:
            return None
        return list(seen.replies or [])

    def done_stages(self, s: Session, user_id: int) -> set[str]:
        return set(s.connection().execute(_DONE, {"uid": user_id}).scalars())

    def set_stage(self, s: Session, user_id: int, stage: str, done: bool, now: datetime | None = None) -> None:
        """Tick or untick a stage; ``now`` (the turn's clock) is when, which reminders count from."""
        now = (now or datetime.now(UTC)).astimezone(UTC)
        upsert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert  # one round trip
        statement = upsert(Progress).values(user_id=user_id, stage=stage, done=done, updated_at=now)
        s.execute(statement.on_conflict_do_update(index_elements=[Progress.user_id, Progress.stage],
                                                  set_={"done": done, "updated_at": now}))

    def record_turn(
        self,
        s: Session,
        user_id: int,
        *,
        channel: str,
        message_id: str | None,
        text: str | None,
        payload: str | None,
        parse: dict[str, Any] | None,
        replies: list[dict[str, Any]],
    ) -> None:
        intent = (parse or {}).get("intent") or {}
        values = {
            "user_id": user_id, "created_at": datetime.now(UTC), "text": text, "payload": payload, "parse": parse,
            "intent": intent.get("name"), "confidence": intent.get("confidence"),
            "fallback": intent.get("name") == "nlu_fallback", "replies": replies,
        }
        conn = s.connection()
        if message_id is None:
            conn.execute(_INSERT_TURN, values)
            return
        turn_id = conn.execute(_INSERT_TURN_ID, values).scalar_one()
        conn.execute(_INSERT_PROCESSED, {
            "channel": channel, "user_id": user_id, "message_id": message_id, "turn_id": turn_id,
            "created_at": values["created_at"],
        })

    def forget(self, s: Session, user_id: int) -> None:
        """Delete what a user asked us to forget: their turns, progress and conversation state."""
        turn_ids = select(Turn.id).where(Turn.user_id == user_id)
        s.execute(delete(ProcessedMessage).where(ProcessedMessage.turn_id.in_(turn_ids)))
        s.execute(delete(Turn).where(Turn.user_id == user_id))
        s.execute(delete(Progress).where(Progress.user_id == user_id))
        s.info["forgot"] = True

    # ----------------------------------------------------------------- reads
    def review_turns(self, limit: int = 50, below: float = 0.6) -> list[Turn]:
        """Fallback and low-confidence turns, newest first, to be turned into training data."""
        with self._sessions() as s:
            query = (
                select(Turn)
                .where(Turn.text.is_not(None), (Turn.fallback.is_(True)) | (Turn.confidence < below))
                .order_by(Turn.id.desc())
                .limit(limit)
            )
            return list(s.scalars(query))

    def progress_of(self, channel: str, user_key: str) -> set[str]:
        with self._sessions() as s:
            user_id = self.user_id(s, channel, user_key)
            return self.done_stages(s, user_id) if user_id is not None else set()
