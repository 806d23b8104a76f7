"""Outbox of confirmation SMS.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from assistant.adapters.db.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("practice_id", sa.String(64), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("to_number", sa.String(20), nullable=False),
        sa.Column("body", sa.String(640), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error_code", sa.String(20), nullable=True),
        sa.Column("provider_sid", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["practice_id"], ["practices.id"], name="fk_sms_outbox_practice_id_practices"),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointments.id"], name="fk_sms_outbox_appointment_id_appointments"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sms_outbox"),
    )
    op.create_index("ix_sms_outbox_status_next_attempt_at", "sms_outbox", ["status", "next_attempt_at"])
    op.create_index("ix_sms_outbox_appointment_id", "sms_outbox", ["appointment_id"])


def downgrade() -> None:
    op.drop_table("sms_outbox")
