"""consultants: conversation modes, handoffs and their history, console accounts, sessions, audit

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "consultants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("claimed_at", TS),
        sa.Column("first_reply_at", TS),
        sa.Column("ended_at", TS),
        sa.Column("end", sa.String(12)),
        sa.Column("consultant_id", sa.Integer, sa.ForeignKey("consultants.id", ondelete="SET NULL")),
        sa.Column("timeout_notice_at", TS),
    )
    op.create_index("ix_handoffs_user_id", "handoffs", ["user_id"])
    op.create_index("ix_handoffs_requested_at", "handoffs", ["requested_at"])
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("handoff_id", sa.Integer, sa.ForeignKey("handoffs.id", ondelete="CASCADE")),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("consultant_id", sa.Integer, sa.ForeignKey("consultants.id", ondelete="SET NULL")),
        sa.Column("text", sa.Text),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_handoff_events_user_id", "handoff_events", ["user_id"])
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("mode", sa.String(10), nullable=False, server_default="bot"))
        batch.add_column(sa.Column("handoff_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("consultant_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("handoff_told", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.create_foreign_key("fk_conversations_handoff", "handoffs", ["handoff_id"], ["id"], ondelete="SET NULL")
        batch.create_foreign_key(
            "fk_conversations_consultant", "consultants", ["consultant_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_conversations_mode", ["mode"])
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("consultant_id", sa.Integer, sa.ForeignKey("consultants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_console_sessions_consultant_id", "console_sessions", ["consultant_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_login_attempts_email_at", "login_attempts", ["email", "created_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("consultant_id", sa.Integer, sa.ForeignKey("consultants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_audit_log_consultant_id", "audit_log", ["consultant_id"])
    op.create_index("ix_audit_log_user_id", "audit_log", ["user_id"])
    # the roster sorts and filters by last activity; statistics count turns per day
    op.create_index("ix_users_last_seen_at", "users", ["last_seen_at"])
    if op.get_bind().dialect.name == "postgresql":  # statistics read a fortnight of turns from the index alone
        op.create_index("ix_turns_created_cover", "turns", ["created_at"],
                        postgresql_include=["user_id", "fallback", "confidence"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_turns_created_cover", "turns")
    op.drop_index("ix_users_last_seen_at", "users")
    op.drop_table("audit_log")
    op.drop_table("login_attempts")
    op.drop_table("console_sessions")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_mode")
        batch.drop_constraint("fk_conversations_consultant", type_="foreignkey")
        batch.drop_constraint("fk_conversations_handoff", type_="foreignkey")
        batch.drop_column("handoff_told")
        batch.drop_column("consultant_id")
        batch.drop_column("handoff_id")
        batch.drop_column("mode")
    op.drop_table("handoff_events")
    op.drop_table("handoffs")
    op.drop_table("consultants")
