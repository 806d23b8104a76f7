"""The agenda's relational schema (SQLAlchemy Core), shared by SQLite and PostgreSQL.

Alembic migrations (``migrations/versions``) create exactly this schema; a test
compares the two. Times are stored in UTC and come back timezone-aware.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    text,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _rows(name: str, *columns_and_indexes: Any) -> Table:
    """A table whose rows are known by an integer ``id``, its primary key."""
    return Table(name, metadata, Column("id", Integer, primary_key=True, autoincrement=True), *columns_and_indexes)


def _unique_where(name: str, *columns: str, where: str) -> Index:
    """A partial unique index, on SQLite and PostgreSQL alike: unique among the rows where ``where`` holds."""
    return Index(name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where))


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no timezone type and would hand back naive values; storing UTC and
    re-attaching it on the way out keeps comparisons and DST arithmetic honest.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        utc = value.astimezone(timezone.utc)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        # SQLite returns the stored text ("2026-11-23 09:00:00.000000"): parsing it with an explicit
        # UTC offset is five times faster than parse-then-replace, and busy-interval reads are hot.
        def parse_utc(value: Any) -> Any:
            if value is None:
                return None
            return datetime.fromisoformat(value + "+00:00")

        return parse_utc

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


practices = Table(
    "practices",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("config", JSON, nullable=False),
    Column("config_hash", String(64), nullable=False),
    Column("source", String(500), nullable=False, server_default=""),
    Column("loaded_at", UTCDateTime(), nullable=False),  # the clock's time of the load, for the audit
    # Which load came last: the current practice is the row with the highest number, whatever the clock said
    # (a frozen ASSISTANT_NOW stamps every load with the same loaded_at). 0: a row no load numbered.
    Column("load_number", Integer, nullable=False, server_default="0"),
)


def _of_the_practice(name: str, *columns: Column) -> Table:
    """Practitioners and motifs: known by the practice file's ids, deactivated (never deleted) when it drops them."""
    return Table(
        name,
        metadata,
        Column("id", String(64), primary_key=True),
        Column("practice_id", String(64), ForeignKey("practices.id"), nullable=False),
        *columns,
        Column("active", Boolean, nullable=False, server_default=text("true")),
    )


practitioners = _of_the_practice(
    "practitioners",
    Column("name", String(200), nullable=False),
    Column("title", String(50), nullable=False, server_default=""),
    Column("specialty", String(200), nullable=False, server_default=""),
    Column("accepts_new_patients", Boolean, nullable=False, server_default=text("true")),
)

appointment_types = _of_the_practice(
    "appointment_types",
    Column("name", String(200), nullable=False),
    Column("duration_minutes", Integer, nullable=False),
)

patients = _rows(
    "patients",
    Column("last_name", String(200), nullable=False),
    Column("first_name", String(200), nullable=False),
    Column("last_name_key", String(200), nullable=False),
    Column("first_name_key", String(200), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("phone", String(40), nullable=False, server_default=""),
    Column("phone_key", String(20), nullable=False, server_default=""),
    Column("email", String(320), nullable=False, server_default=""),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_patients_birth_date_last_name_key", "birth_date", "last_name_key"),
    Index("ix_patients_phone_key", "phone_key"),
    # One person is one row: names (keys) and birth date are who the patient is; another phone number is still
    # them (``AgendaService._resolve_patient``). Bookings racing to create the same person meet here (0006).
    Index("uq_patients_identity", "birth_date", "last_name_key", "first_name_key", unique=True),
)

appointments = _rows(
    "appointments",
    Column("practitioner_id", String(64), ForeignKey("practitioners.id"), nullable=False),
    Column("appointment_type_id", String(64), ForeignKey("appointment_types.id"), nullable=False),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False),
    Column("start_at", UTCDateTime(), nullable=False),
    Column("end_at", UTCDateTime(), nullable=False),
    Column("status", String(20), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("conversation_id", String(100), nullable=False, server_default=""),
    Column("created_by", String(100), nullable=False),
    Column("updated_by", String(100), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Index("ix_appointments_practitioner_id_start_at", "practitioner_id", "start_at"),
    Index("ix_appointments_patient_id_start_at", "patient_id", "start_at"),
    # Last line of defence: two active appointments can never share a practitioner and a start.
    _unique_where("uq_appointments_active_slot", "practitioner_id", "start_at", where="status = 'booked'"),
)

audit_events = _rows(
    "audit_events",
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("action", String(40), nullable=False),
    Column("appointment_id", Integer, ForeignKey("appointments.id"), nullable=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=True),
    Column("details", JSON, nullable=False),
    Column("escalation_id", Integer, ForeignKey("escalations.id"), nullable=True),
    Index("ix_audit_events_appointment_id", "appointment_id"),
    Index("ix_audit_events_escalation_id", "escalation_id"),
)

# Hand-overs to the secretariat (``assistant.core.escalation``). ``understood`` and ``transcript`` hold what
# the patient said: they are shown to the secretariat, never copied into the audit trail or the logs.
escalations = _rows(
    "escalations",
    Column("practice_id", String(64), ForeignKey("practices.id"), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("conversation_id", String(100), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("category", String(20), nullable=False),
    Column("urgency", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("understood", JSON, nullable=False),
    Column("transcript", JSON, nullable=False),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=True),
    Column("callback_number", String(40), nullable=True),
    Column("callback_requested", Boolean, nullable=False, server_default=text("false")),
    Column("callback_after", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("taken_by", String(100), nullable=True),
    Column("taken_at", UTCDateTime(), nullable=True),
    Column("closed_by", String(100), nullable=True),
    Column("closed_at", UTCDateTime(), nullable=True),
    Column("outcome", String(20), nullable=True),
    Column("call_outcome", String(20), nullable=True),
    Column("call_duration_seconds", Integer, nullable=True),
    Index("ix_escalations_practice_id_status_created_at", "practice_id", "status", "created_at"),
    Index("ix_escalations_conversation_id", "conversation_id"),
    # At most one escalation in progress per conversation: a second hand-over updates it (the service merges).
    _unique_where("uq_escalations_active_conversation", "conversation_id", where="status IN ('open', 'taken')"),
)

# Confirmation SMS waiting to be sent, or sent (``assistant.core.sms``): the transactional outbox. A row is
# written in the same transaction as the booking, move or cancellation it confirms; a worker sends it later.
# ``last_error_code`` (and ``delivery_error_code``) hold a Twilio error code or an HTTP status, never the
# provider's message (it quotes the number). ``body`` and ``to_number`` are never copied into the audit trail or the logs.
sms_outbox = _rows(
    "sms_outbox",
    Column("practice_id", String(64), ForeignKey("practices.id"), nullable=False),
    Column("appointment_id", Integer, ForeignKey("appointments.id"), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("to_number", String(20), nullable=False),
    Column("body", String(640), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("last_error_code", String(20), nullable=True),
    Column("provider_sid", String(64), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    # Twilio's delivery reports (status callbacks) once sent: its status word, error code (30003…), and when.
    Column("delivery_status", String(20), nullable=True),
    Column("delivery_error_code", String(20), nullable=True),
    Column("delivery_updated_at", UTCDateTime(), nullable=True),
    # The worker's query: due messages (pending, or sending with an expired lease) in time order.
    Index("ix_sms_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_sms_outbox_appointment_id", "appointment_id"),
    # Delivery reports name the message by Twilio's id.
    Index("ix_sms_outbox_provider_sid", "provider_sid"),
)

# The secretaries' console (``assistant.services.secretaries``, migration 0007). Passwords are argon2 hashes;
# a session is known by the SHA-256 of its cookie (a stolen table does not open sessions). ``display_name`` is
# what the audit trail and the patient see ("Nadia"); notes and takeovers keep the name at the time.
secretaries = _rows(
    "secretaries",
    Column("login", String(64), nullable=False),
    Column("display_name", String(100), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("failed_logins", Integer, nullable=False, server_default=text("0")),
    Column("locked_until", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("uq_secretaries_login", "login", unique=True),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("secretary_id", Integer, ForeignKey("secretaries.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Index("ix_console_sessions_secretary_id", "secretary_id"),
)

# What a secretary wrote on a hand-over (shown in the console; like the transcript, never audited nor logged).
escalation_notes = _rows(
    "escalation_notes",
    Column("escalation_id", Integer, ForeignKey("escalations.id"), nullable=False),
    Column("secretary_id", Integer, ForeignKey("secretaries.id"), nullable=False),
    Column("author", String(100), nullable=False),
    Column("text", String(2000), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_escalation_notes_escalation_id", "escalation_id"),
)

# A person answering a conversation instead of the assistant. While ``ended_at`` is empty the assistant stays
# silent in it (the turn guard asks); at most one secretary holds a conversation at a time (the partial index).
conversation_takeovers = _rows(
    "conversation_takeovers",
    Column("conversation_id", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("escalation_id", Integer, ForeignKey("escalations.id"), nullable=True),
    Column("secretary_id", Integer, ForeignKey("secretaries.id"), nullable=False),
    Column("secretary_name", String(100), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("ended_at", UTCDateTime(), nullable=True),
    Column("ended_how", String(20), nullable=True),
    Index("ix_conversation_takeovers_conversation_id", "conversation_id"),
    _unique_where("uq_conversation_takeovers_active", "conversation_id", where="ended_at IS NULL"),
)
