"""The secretaries' console: accounts, sessions, notes on hand-overs, conversations taken over by a person.

Only new tables: nothing existing is touched, so downgrade drops them (accounts and notes are lost).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from assistant.adapters.db.tables import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTIVE_TAKEOVER = sa.text("ended_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "secretaries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_secretaries"),
    )
    op.create_index("uq_secretaries_login", "secretaries", ["login"], unique=True)
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["secretary_id"], ["secretaries.id"], name="fk_console_sessions_secretary_id_secretaries"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_console_sessions"),
    )
    op.create_index("ix_console_sessions_secretary_id", "console_sessions", ["secretary_id"])
    op.create_table(
        "escalation_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalations.id"], name="fk_escalation_notes_escalation_id_escalations"
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"], ["secretaries.id"], name="fk_escalation_notes_secretary_id_secretaries"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_escalation_notes"),
    )
    op.create_index("ix_escalation_notes_escalation_id", "escalation_notes", ["escalation_id"])
    op.create_table(
        "conversation_takeovers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("secretary_name", sa.String(100), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_how", sa.String(20), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalations.id"], name="fk_conversation_takeovers_escalation_id_escalations"
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"], ["secretaries.id"], name="fk_conversation_takeovers_secretary_id_secretaries"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_conversation_takeovers"),
    )
    op.create_index("ix_conversation_takeovers_conversation_id", "conversation_takeovers", ["conversation_id"])
    op.create_index(
        "uq_conversation_takeovers_active",
        "conversation_takeovers",
        ["conversation_id"],
        unique=True,
        sqlite_where=ACTIVE_TAKEOVER,
        postgresql_where=ACTIVE_TAKEOVER,
    )


def downgrade() -> None:
    op.drop_table("conversation_takeovers")
    op.drop_table("escalation_notes")
    op.drop_table("console_sessions")
    op.drop_table("secretaries")
