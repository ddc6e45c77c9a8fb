"""reminders: appointments, employments, check-in answers, reminder switches; planner index on progress

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _user() -> sa.Column:
    return sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer, primary_key=True),
        _user(),
        sa.Column("at", TS, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_appointments_user_id", "appointments", ["user_id"])
    op.create_index("ix_appointments_status_at", "appointments", ["status", "at"])
    op.create_table(
        "employments",
        sa.Column("id", sa.Integer, primary_key=True),
        _user(),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
    )
    op.create_index("ix_employments_user_id", "employments", ["user_id"])
    op.create_index("ix_employments_started_on", "employments", ["started_on"])
    op.create_table(
        "checkin_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        _user(),
        sa.Column("employment_id", sa.Integer, sa.ForeignKey("employments.id", ondelete="CASCADE")),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("answer", sa.String(12), nullable=False),
        sa.Column("answered_at", TS, nullable=False),
    )
    op.create_index("ix_checkin_answers_user_id", "checkin_answers", ["user_id"])
    op.create_table(
        "reminder_prefs",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("nudges", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("appointment", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("followup", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_progress_stage_updated", "progress", ["stage", "done", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_progress_stage_updated", "progress")
    op.drop_table("reminder_prefs")
    op.drop_table("checkin_answers")
    op.drop_table("employments")
    op.drop_table("appointments")
