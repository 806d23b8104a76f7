"""Delivery reports of confirmation SMS (Twilio status callbacks).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from assistant.adapters.db.tables import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite rebuilds the table when it cannot alter it in place (rows are kept).
    with op.batch_alter_table("sms_outbox") as batch:
        batch.add_column(sa.Column("delivery_status", sa.String(20), nullable=True))
        batch.add_column(sa.Column("delivery_error_code", sa.String(20), nullable=True))
        batch.add_column(sa.Column("delivery_updated_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_sms_outbox_provider_sid", ["provider_sid"])


def downgrade() -> None:
    with op.batch_alter_table("sms_outbox") as batch:
        batch.drop_index("ix_sms_outbox_provider_sid")
        batch.drop_column("delivery_updated_at")
        batch.drop_column("delivery_error_code")
        batch.drop_column("delivery_status")
