"""One person is one patient row: a unique index on the identity (birth date, name keys).

Bookings of the same new person racing one another (several practitioners at the same moment,
on PostgreSQL) each created a patient row. The person then could no longer be identified
(identification needs one whole match) and the limit of future appointments per patient, counted
per row, was bypassed. The code already holds that the same names and birth date are the same
person (a known patient giving another number is still them); the index makes the database say so.

Existing duplicates are merged here rather than refused. They are exactly the rows the code
already treats as one person, and refusing would leave the upgrade — and so the assistant —
blocked on precisely the databases QA found broken. In each group of rows sharing
(birth_date, last_name_key, first_name_key) the oldest row (lowest id) is kept; its empty phone
or email is filled from the others (oldest first); the others' appointments (and so their SMS,
which refer to appointments), escalations and audit rows are re-pointed to it; one ``patient_merge``
audit row per merged row records the ids (never a name or a number); then the others are deleted.
No appointment is cancelled, even when the kept patient now has more future appointments than
the booking limit (it only refuses new bookings).

Downgrade drops the index; merged rows are not split again (the audit rows keep the trace).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "uq_patients_identity"
ACTOR = "migration 0006"


def _merge_duplicates() -> None:
    patients = sa.table(
        "patients",
        sa.column("id", sa.Integer),
        sa.column("last_name_key", sa.String),
        sa.column("first_name_key", sa.String),
        sa.column("birth_date", sa.Date),
        sa.column("phone", sa.String),
        sa.column("phone_key", sa.String),
        sa.column("email", sa.String),
    )
    appointments = sa.table("appointments", sa.column("id", sa.Integer), sa.column("patient_id", sa.Integer))
    escalations = sa.table("escalations", sa.column("id", sa.Integer), sa.column("patient_id", sa.Integer))
    audit_events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime),
        sa.column("actor", sa.String),
        sa.column("channel", sa.String),
        sa.column("action", sa.String),
        sa.column("patient_id", sa.Integer),
        sa.column("details", sa.JSON),
    )
    connection = op.get_bind()
    p = patients.c
    duplicated = (
        sa.select(p.birth_date, p.last_name_key, p.first_name_key)
        .group_by(p.birth_date, p.last_name_key, p.first_name_key)
        .having(sa.func.count() > 1)
    )
    keys = connection.execute(duplicated).fetchall()
    if not keys:
        return
    now = datetime.now(timezone.utc)
    at = now.replace(tzinfo=None) if connection.dialect.name == "sqlite" else now
    for key in keys:
        rows = connection.execute(
            sa.select(patients)
            .where(
                p.birth_date == key.birth_date,
                p.last_name_key == key.last_name_key,
                p.first_name_key == key.first_name_key,
            )
            .order_by(p.id)
        ).fetchall()
        kept, others = rows[0], rows[1:]
        phone, phone_key, email = kept.phone, kept.phone_key, kept.email
        for other in others:
            if not phone and other.phone:
                phone, phone_key = other.phone, other.phone_key
            if not email and other.email:
                email = other.email
            moved = [
                row.id
                for row in connection.execute(
                    sa.select(appointments.c.id)
                    .where(appointments.c.patient_id == other.id)
                    .order_by(appointments.c.id)
                )
            ]
            connection.execute(
                appointments.update().where(appointments.c.patient_id == other.id).values(patient_id=kept.id)
            )
            handed = [
                row.id
                for row in connection.execute(
                    sa.select(escalations.c.id).where(escalations.c.patient_id == other.id).order_by(escalations.c.id)
                )
            ]
            connection.execute(
                escalations.update().where(escalations.c.patient_id == other.id).values(patient_id=kept.id)
            )
            connection.execute(
                audit_events.update().where(audit_events.c.patient_id == other.id).values(patient_id=kept.id)
            )
            connection.execute(
                audit_events.insert().values(
                    at=at,
                    actor=ACTOR,
                    channel="cli",
                    action="patient_merge",
                    patient_id=kept.id,
                    details={"merged_patient_id": other.id, "appointment_ids": moved, "escalation_ids": handed},
                )
            )
            connection.execute(patients.delete().where(p.id == other.id))
        if (phone, email) != (kept.phone, kept.email):
            connection.execute(
                patients.update().where(p.id == kept.id).values(phone=phone, phone_key=phone_key, email=email)
            )


def upgrade() -> None:
    _merge_duplicates()
    op.create_index(INDEX, "patients", ["birth_date", "last_name_key", "first_name_key"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="patients")
