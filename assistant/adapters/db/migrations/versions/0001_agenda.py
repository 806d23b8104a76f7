"""Agenda: practices, practitioners, appointment types, patients, appointments, audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from assistant.adapters.db.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practices",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("source", sa.String(500), nullable=False, server_default=""),
        sa.Column("loaded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_practices"),
    )
    op.create_table(
        "practitioners",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("practice_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("title", sa.String(50), nullable=False, server_default=""),
        sa.Column("specialty", sa.String(200), nullable=False, server_default=""),
        sa.Column("accepts_new_patients", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.ForeignKeyConstraint(["practice_id"], ["practices.id"], name="fk_practitioners_practice_id_practices"),
        sa.PrimaryKeyConstraint("id", name="pk_practitioners"),
    )
    op.create_table(
        "appointment_types",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("practice_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.ForeignKeyConstraint(["practice_id"], ["practices.id"], name="fk_appointment_types_practice_id_practices"),
        sa.PrimaryKeyConstraint("id", name="pk_appointment_types"),
    )
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("first_name", sa.String(200), nullable=False),
        sa.Column("last_name_key", sa.String(200), nullable=False),
        sa.Column("first_name_key", sa.String(200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False, server_default=""),
        sa.Column("phone_key", sa.String(20), nullable=False, server_default=""),
        sa.Column("email", sa.String(320), nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_patients"),
    )
    op.create_index("ix_patients_birth_date_last_name_key", "patients", ["birth_date", "last_name_key"])
    op.create_index("ix_patients_phone_key", "patients", ["phone_key"])
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("practitioner_id", sa.String(64), nullable=False),
        sa.Column("appointment_type_id", sa.String(64), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("conversation_id", sa.String(100), nullable=False, server_default=""),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.ForeignKeyConstraint(
            ["appointment_type_id"],
            ["appointment_types.id"],
            name="fk_appointments_appointment_type_id_appointment_types",
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_appointments_patient_id_patients"),
        sa.ForeignKeyConstraint(
            ["practitioner_id"], ["practitioners.id"], name="fk_appointments_practitioner_id_practitioners"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_appointments"),
    )
    op.create_index("ix_appointments_practitioner_id_start_at", "appointments", ["practitioner_id", "start_at"])
    op.create_index("ix_appointments_patient_id_start_at", "appointments", ["patient_id", "start_at"])
    op.create_index(
        "uq_appointments_active_slot",
        "appointments",
        ["practitioner_id", "start_at"],
        unique=True,
        sqlite_where=sa.text("status = 'booked'"),
        postgresql_where=sa.text("status = 'booked'"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointments.id"], name="fk_audit_events_appointment_id_appointments"
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name="fk_audit_events_patient_id_patients"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_appointment_id", "audit_events", ["appointment_id"])


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("appointments")
    op.drop_table("patients")
    op.drop_table("appointment_types")
    op.drop_table("practitioners")
    op.drop_table("practices")
