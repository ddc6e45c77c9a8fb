"""Storage: one SQLAlchemy engine, one transaction per turn, Alembic for the schema.

SQLite (WAL, ``BEGIN IMMEDIATE``) is the zero-setup default; PostgreSQL is for several workers,
where the conversation row is locked ``FOR UPDATE`` so two workers never interleave one user's turns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, delete, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import Conversation, ProcessedMessage, Progress, Turn, User

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below be the only one
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock up front: no upgrade deadlocks

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Store:
    """All persistence the Assistant needs, as small methods used inside ``unit()``."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    # ---------------------------------------------------------------- schema
    def migrate(self) -> None:
        """Bring the schema to the newest revision (a no-op when it already is)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        with self.engine.connect() as conn:
            if MigrationContext.configure(conn).get_current_revision() == head:
                return
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - health checks report, never raise
            return False

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------- transactions
    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    def user(self, s: Session, channel: str, user_key: str) -> User:
        user = s.scalar(select(User).where(User.channel == channel, User.user_key == user_key))
        if user is None:
            try:
                with s.begin_nested():
                    user = User(channel=channel, user_key=user_key)
                    s.add(user)
            except IntegrityError:  # another worker created it a moment ago
                user = s.scalars(select(User).where(User.channel == channel, User.user_key == user_key)).one()
        user.last_seen_at = datetime.now(UTC)
        return user

    def conversation(self, s: Session, user: User) -> Conversation:
        """The user's conversation, locked until the transaction ends."""
        query = select(Conversation).where(Conversation.user_id == user.id).with_for_update()
        conv = s.scalar(query)
        if conv is None:
            conv = Conversation(user_id=user.id, state={})
            s.add(conv)
            s.flush()
        return conv

    def replies_for(self, s: Session, channel: str, message_id: str) -> list[dict[str, Any]] | None:
        """The replies already sent for this platform message, if it was handled before."""
        seen = s.get(ProcessedMessage, (channel, message_id))
        if seen is None:
            return None
        turn = s.get(Turn, seen.turn_id) if seen.turn_id else None
        return list(turn.replies) if turn else []

    def done_stages(self, s: Session, user: User) -> set[str]:
        rows = s.scalars(select(Progress.stage).where(Progress.user_id == user.id, Progress.done.is_(True)))
        return set(rows)

    def set_stage(self, s: Session, user: User, stage: str, done: bool) -> None:
        row = s.get(Progress, (user.id, stage))
        if row is None:
            s.add(Progress(user_id=user.id, stage=stage, done=done))
        else:
            row.done = done

    def record_turn(
        self,
        s: Session,
        user: User,
        *,
        channel: str,
        message_id: str | None,
        text: str | None,
        payload: str | None,
        parse: dict[str, Any] | None,
        replies: list[dict[str, Any]],
    ) -> Turn:
        intent = (parse or {}).get("intent") or {}
        turn = Turn(
            user_id=user.id,
            text=text,
            payload=payload,
            parse=parse,
            intent=intent.get("name"),
            confidence=intent.get("confidence"),
            fallback=intent.get("name") == "nlu_fallback",
            replies=replies,
        )
        s.add(turn)
        s.flush()
        if message_id is not None:
            s.add(ProcessedMessage(channel=channel, message_id=message_id, turn_id=turn.id))
        return turn

    def forget(self, s: Session, user: User) -> None:
        """Delete what a user asked us to forget: their turns, progress and conversation state."""
        turn_ids = select(Turn.id).where(Turn.user_id == user.id)
        s.execute(delete(ProcessedMessage).where(ProcessedMessage.turn_id.in_(turn_ids)))
        s.execute(delete(Turn).where(Turn.user_id == user.id))
        s.execute(delete(Progress).where(Progress.user_id == user.id))

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
            user = s.scalar(select(User).where(User.channel == channel, User.user_key == user_key))
            return self.done_stages(s, user) if user else set()
