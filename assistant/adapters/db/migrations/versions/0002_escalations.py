"""Escalations for the secretariat, and their audit events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

from assistant.adapters.db.tables import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('open', 'taken')")


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("practice_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("urgency", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("understood", sa.JSON(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("callback_number", sa.String(40), nullable=True),
        sa.Column("callback_requested", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("callback_after", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("taken_by", sa.String(100), nullable=True),
        sa.Column("taken_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(100), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("call_outcome", sa.String(20), nullable=True),
        sa.Column("call_duration_seconds", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["practice_id"], ["practices.id"], name="fk_escalations_practice_id_practices"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_escalations_patient_id_patients"),
        sa.PrimaryKeyConstraint("id", name="pk_escalations"),
    )
    op.create_index(
        "ix_escalations_practice_id_status_created_at", "escalations", ["practice_id", "status", "created_at"]
    )
    op.create_index("ix_escalations_conversation_id", "escalations", ["conversation_id"])
    op.create_index(
        "uq_escalations_active_conversation",
        "escalations",
        ["conversation_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    # SQLite cannot add a foreign key in place: batch mode copies the table (audit rows are kept).
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("escalation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_audit_events_escalation_id_escalations", "escalations", ["escalation_id"], ["id"])
        batch.create_index("ix_audit_events_escalation_id", ["escalation_id"])


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_escalation_id")
        batch.drop_constraint("fk_audit_events_escalation_id_escalations", type_="foreignkey")
        batch.drop_column("escalation_id")
    op.drop_table("escalations")
