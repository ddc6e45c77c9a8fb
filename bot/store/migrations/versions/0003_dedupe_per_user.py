"""processed messages keyed on (channel, user, message id); heartbeats for readiness checks

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Kakao's requestId is not unique across users: a processed message belongs to its user. Rows
    # whose turn was forgotten (turn_id NULL) have no user to keep them under and are dropped.
    op.create_table(
        "processed_messages_new",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("message_id", sa.String(128), primary_key=True),
        sa.Column("turn_id", sa.Integer, sa.ForeignKey("turns.id", ondelete="SET NULL")),
        sa.Column("created_at", TS, nullable=False),
    )
    op.execute(
        "INSERT INTO processed_messages_new (channel, user_id, message_id, turn_id, created_at) "
        "SELECT p.channel, t.user_id, p.message_id, p.turn_id, p.created_at "
        "FROM processed_messages p JOIN turns t ON t.id = p.turn_id"
    )
    op.drop_table("processed_messages")
    op.rename_table("processed_messages_new", "processed_messages")
    op.create_table(
        "heartbeats",
        sa.Column("worker", sa.String(64), primary_key=True),
        sa.Column("at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("heartbeats")
    op.create_table(
        "processed_messages_old",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("message_id", sa.String(128), primary_key=True),
        sa.Column("turn_id", sa.Integer, sa.ForeignKey("turns.id", ondelete="SET NULL")),
        sa.Column("created_at", TS, nullable=False),
    )
    op.execute(
        "INSERT INTO processed_messages_old (channel, message_id, turn_id, created_at) "
        "SELECT channel, message_id, MIN(turn_id), MIN(created_at) FROM processed_messages "
        "GROUP BY channel, message_id"
    )
    op.drop_table("processed_messages")
    op.rename_table("processed_messages_old", "processed_messages")
