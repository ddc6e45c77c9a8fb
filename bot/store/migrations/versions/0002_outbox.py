"""outbox, and users' notification opt-out and reachability

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("notifications", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("unreachable_since", TS))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("replies", sa.JSON),
        sa.Column("template", sa.String(64)),
        sa.Column("params", sa.JSON),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("quiet_hours", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_expires_at", TS),
        sa.Column("provider_message_id", sa.String(128)),
        sa.Column("last_error", sa.String(200)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
    )
    op.create_index("ix_outbox_user_id", "outbox", ["user_id"])
    op.create_index("ix_outbox_status_due", "outbox", ["status", "due_at"])


def downgrade() -> None:
    op.drop_table("outbox")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("unreachable_since")
        batch.drop_column("notifications")
