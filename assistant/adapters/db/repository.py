"""Repositories: turn rows into domain values and back. They never commit.

Each repository works on the connection its unit of work opened, so everything
done in one unit of work is one transaction. Locking reads (``lock_*``) use
``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the whole write transaction is
already exclusive (``BEGIN IMMEDIATE``), so they are plain reads there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import Select

from assistant.adapters.db import tables as t
from assistant.adapters.db.rows import DomainObject, columns, field_names, from_row, insert_row
from assistant.core.escalation import ACTIVE_STATUSES, Escalation
from assistant.core.identity import IdentityClaim, name_key, phone_key
from assistant.core.model import Appointment, AppointmentStatus, AuditEvent, Channel, Interval, Patient
from assistant.core.sms import PENDING, SENDING, OutboxMessage

ACTIVE = AppointmentStatus.BOOKED.value
MAX_APPOINTMENT = timedelta(hours=12)  # longer than any motif (the configuration caps them at 8 hours)
#: The current practice first: the one loaded last (then, for rows no load numbered, the latest stamp).
_CURRENT_FIRST = (t.practices.c.load_number.desc(), t.practices.c.loaded_at.desc(), t.practices.c.id)


class PracticeRepository:
    """The practices loaded; the current one is the one loaded last (the highest ``load_number``), never the
    one with the latest ``loaded_at``: that is the clock's time, the same for every load when it is frozen."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def current_config(self) -> tuple[str, dict[str, Any]] | None:
        """The current practice's hash and configuration, read together (one row, never two loads mixed)."""
        row = self.connection.execute(
            select(t.practices.c.config_hash, t.practices.c.config).order_by(*_CURRENT_FIRST)
        ).first()
        return None if row is None else (row.config_hash, dict(row.config))

    def current_hash(self) -> str | None:
        return self.connection.execute(select(t.practices.c.config_hash).order_by(*_CURRENT_FIRST)).scalar()

    def save_config(
        self, practice_id: str, name: str, config: dict[str, Any], config_hash: str, source: str, at: datetime
    ) -> None:
        """Store the practice as the one loaded last; ``at`` is only recorded (``loaded_at``)."""
        c = t.practices.c
        # Loads at the same moment (PostgreSQL) number themselves one after the other: each first locks the
        # practices' rows. NO KEY UPDATE: a booking, whose foreign key only shares the key, is not held up.
        existing = self.connection.execute(select(c.id).order_by(c.id).with_for_update(key_share=True)).scalars().all()
        number = (self.connection.execute(select(func.max(c.load_number))).scalar() or 0) + 1
        values = {
            "name": name,
            "config": config,
            "config_hash": config_hash,
            "source": source,
            "loaded_at": at,
            "load_number": number,
        }
        if practice_id in existing:
            self.connection.execute(update(t.practices).where(c.id == practice_id).values(**values))
        else:
            self.connection.execute(insert(t.practices).values(id=practice_id, **values))

    def upsert_practitioner(self, practice_id: str, values: dict[str, Any]) -> None:
        self._upsert(t.practitioners, practice_id, values)

    def upsert_appointment_type(self, practice_id: str, values: dict[str, Any]) -> None:
        self._upsert(t.appointment_types, practice_id, values)

    def deactivate_missing(self, table_name: str, keep_ids: Iterable[str]) -> list[str]:
        table = t.practitioners if table_name == "practitioners" else t.appointment_types
        keep = set(keep_ids)
        gone = [row_id for row_id in self.connection.execute(select(table.c.id).where(table.c.active)).scalars()]
        gone = [row_id for row_id in gone if row_id not in keep]
        if gone:
            self.connection.execute(update(table).where(table.c.id.in_(gone)).values(active=False))
        return gone

    def _upsert(self, table: Any, practice_id: str, values: dict[str, Any]) -> None:
        exists = self.connection.execute(select(table.c.id).where(table.c.id == values["id"])).first()
        row = {**values, "practice_id": practice_id, "active": True}
        if exists:
            self.connection.execute(update(table).where(table.c.id == values["id"]).values(**row))
        else:
            self.connection.execute(insert(table).values(**row))

    def lock_practitioners(self, practitioner_ids: Iterable[str]) -> None:
        """Serialise bookings per practitioner; always in id order, so no deadlock."""
        for practitioner_id in sorted(set(practitioner_ids)):
            self.connection.execute(
                select(t.practitioners.c.id).where(t.practitioners.c.id == practitioner_id).with_for_update()
            ).first()


def _first(
    connection: Connection, query: Select, lock: bool, to_domain: Callable[[Row], DomainObject]
) -> DomainObject | None:
    """The query's first row as a domain object; with ``lock``, the row stays locked until the commit."""
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).first()
    return None if row is None else to_domain(row)


def _by_id(
    connection: Connection, table: Table, row_id: int, lock: bool, to_domain: Callable[[Row], DomainObject]
) -> DomainObject | None:
    return _first(connection, select(table).where(table.c.id == row_id), lock, to_domain)


def _reassign_patient(
    connection: Connection, table: Table, from_patient_id: int, to_patient_id: int, **also: Any
) -> list[int]:
    """Give every row of one patient in ``table`` to another (``also``: other columns to set); the ids moved."""
    c = table.c
    ids = list(connection.execute(select(c.id).where(c.patient_id == from_patient_id).order_by(c.id)).scalars())
    if ids:
        connection.execute(update(table).where(c.id.in_(ids)).values(patient_id=to_patient_id, **also))
    return ids


def _patient(row: Row) -> Patient:
    return from_row(Patient, row, field_names(Patient))


class PatientRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, patient: Patient, at: datetime) -> Patient:
        result = self.connection.execute(insert(t.patients).values(**self._values(patient, at)))
        new_id = result.inserted_primary_key[0]
        return Patient(new_id, patient.last_name, patient.first_name, patient.birth_date, patient.phone, patient.email)

    def add_if_absent(self, patient: Patient, at: datetime) -> int | None:
        """Insert unless this person (names keys and birth date) is already on file: the new id, or None.

        ``INSERT … ON CONFLICT DO NOTHING`` on the identity's unique index: a booking racing another one
        for the same new person waits for it on PostgreSQL, then inserts nothing (read the row then).
        """
        dialect_insert = postgresql.insert if self.connection.dialect.name == "postgresql" else sqlite.insert
        query = dialect_insert(t.patients).values(**self._values(patient, at))
        query = query.on_conflict_do_nothing(index_elements=["birth_date", "last_name_key", "first_name_key"])
        if self.connection.execute(query).rowcount != 1:
            return None
        return self.connection.execute(
            select(t.patients.c.id).where(
                t.patients.c.birth_date == patient.birth_date,
                t.patients.c.last_name_key == name_key(patient.last_name),
                t.patients.c.first_name_key == name_key(patient.first_name),
            )
        ).scalar_one()

    @staticmethod
    def _values(patient: Patient, at: datetime) -> dict[str, Any]:
        return {
            "last_name": patient.last_name.strip(),
            "first_name": patient.first_name.strip(),
            "last_name_key": name_key(patient.last_name),
            "first_name_key": name_key(patient.first_name),
            "birth_date": patient.birth_date,
            "phone": patient.phone.strip(),
            "phone_key": phone_key(patient.phone) if patient.phone else "",
            "email": patient.email.strip(),
            "created_at": at,
        }

    def get(self, patient_id: int) -> Patient | None:
        return _by_id(self.connection, t.patients, patient_id, False, _patient)

    def lock(self, patient_id: int) -> bool:
        """Lock the patient's row until the commit; False if there is no such patient (merged away meanwhile)."""
        query = select(t.patients.c.id).where(t.patients.c.id == patient_id).with_for_update()
        return self.connection.execute(query).first() is not None

    def all(self) -> list[Patient]:
        rows = self.connection.execute(select(t.patients).order_by(t.patients.c.id))
        return [_patient(row) for row in rows]

    def update_contact(self, patient_id: int, phone: str, email: str) -> None:
        self.connection.execute(
            update(t.patients)
            .where(t.patients.c.id == patient_id)
            .values(phone=phone, phone_key=phone_key(phone) if phone else "", email=email)
        )

    def delete(self, patient_id: int) -> None:
        """Remove a patient row; whatever referred to it must have been re-pointed first (foreign keys)."""
        self.connection.execute(delete(t.patients).where(t.patients.c.id == patient_id))

    def candidates(self, claim: IdentityClaim) -> list[Patient]:
        """Patients sharing the claim's birth date and last name key (the indexed part)."""
        rows = self.connection.execute(
            select(t.patients).where(
                and_(
                    t.patients.c.birth_date == claim.birth_date, t.patients.c.last_name_key == name_key(claim.last_name)
                )
            )
        )
        return [_patient(row) for row in rows]

    def update_phone(self, patient_id: int, phone: str) -> None:
        self.connection.execute(
            update(t.patients).where(t.patients.c.id == patient_id).values(phone=phone, phone_key=phone_key(phone))
        )


def _appointment(row: Row) -> Appointment:
    return from_row(
        Appointment,
        row,
        field_names(Appointment),
        start=row.start_at,
        end=row.end_at,
        status=AppointmentStatus(row.status),
        channel=Channel(row.channel),
    )


class AppointmentRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, appointment: Appointment, at: datetime) -> Appointment:
        result = self.connection.execute(
            insert(t.appointments).values(
                practitioner_id=appointment.practitioner_id,
                appointment_type_id=appointment.appointment_type_id,
                patient_id=appointment.patient_id,
                start_at=appointment.start,
                end_at=appointment.end,
                status=appointment.status.value,
                channel=appointment.channel.value,
                conversation_id=appointment.conversation_id,
                created_by=appointment.created_by,
                updated_by=appointment.updated_by or appointment.created_by,
                created_at=at,
                updated_at=at,
                version=1,
            )
        )
        return self.get(result.inserted_primary_key[0])  # type: ignore[return-value]

    def get(self, appointment_id: int, lock: bool = False) -> Appointment | None:
        return _by_id(self.connection, t.appointments, appointment_id, lock, _appointment)

    def update(self, appointment_id: int, at: datetime, **changes: Any) -> None:
        values: dict[str, Any] = {"updated_at": at, "version": t.appointments.c.version + 1}
        mapping = {"start": "start_at", "end": "end_at"}
        for key, value in changes.items():
            column = mapping.get(key, key)
            if isinstance(value, (AppointmentStatus, Channel)):
                value = value.value
            values[column] = value
        self.connection.execute(update(t.appointments).where(t.appointments.c.id == appointment_id).values(**values))

    def busy_intervals(
        self, practitioner_ids: Sequence[str], start: datetime, end: datetime, exclude_id: int | None = None
    ) -> dict[str, list[Interval]]:
        """Active appointments overlapping [start, end), per practitioner, sorted.

        The lower bound on ``start_at`` (no appointment lasts longer than
        :data:`MAX_APPOINTMENT`) turns the read into a tight range scan of the
        (practitioner_id, start_at) index instead of a scan of all earlier rows.
        """
        a = t.appointments.c
        query = (
            select(a.practitioner_id, a.start_at, a.end_at)
            .where(
                a.practitioner_id.in_(list(practitioner_ids)),
                a.start_at >= start - MAX_APPOINTMENT,
                a.start_at < end,
                a.end_at > start,
                a.status == ACTIVE,
            )
            .order_by(a.practitioner_id, a.start_at)
        )
        if exclude_id is not None:
            query = query.where(a.id != exclude_id)
        busy: dict[str, list[Interval]] = defaultdict(list)
        for practitioner_id, start_at, end_at in self.connection.execute(query).all():
            busy[practitioner_id].append(Interval(start_at, end_at))
        return dict(busy)

    def count_future_for_patient(self, patient_id: int, now: datetime) -> int:
        a = t.appointments.c
        return int(
            self.connection.execute(
                select(func.count()).where(a.patient_id == patient_id, a.status == ACTIVE, a.start_at >= now)
            ).scalar_one()
        )

    def for_patient(self, patient_id: int, since: datetime | None = None) -> list[Appointment]:
        a = t.appointments.c
        query = select(t.appointments).where(a.patient_id == patient_id, a.status == ACTIVE).order_by(a.start_at)
        if since is not None:
            query = query.where(a.start_at >= since)
        return [_appointment(row) for row in self.connection.execute(query)]

    def between(
        self, start: datetime, end: datetime, practitioner_id: str | None = None, active_only: bool = True
    ) -> list[Appointment]:
        a = t.appointments.c
        query = select(t.appointments).where(a.start_at < end, a.end_at > start).order_by(a.start_at, a.practitioner_id)
        if practitioner_id:
            query = query.where(a.practitioner_id == practitioner_id)
        if active_only:
            query = query.where(a.status == ACTIVE)
        return [_appointment(row) for row in self.connection.execute(query)]

    def reassign_patient(self, from_patient_id: int, to_patient_id: int) -> list[int]:
        """Give every appointment of one patient (any status) to another; the ids moved."""
        version = t.appointments.c.version + 1
        return _reassign_patient(self.connection, t.appointments, from_patient_id, to_patient_id, version=version)

    def future_active(self, now: datetime) -> list[Appointment]:
        a = t.appointments.c
        query = select(t.appointments).where(a.status == ACTIVE, a.start_at >= now).order_by(a.start_at)
        return [_appointment(row) for row in self.connection.execute(query)]


class AuditRepository:
    """Who changed what, when, through which channel. Ids and times only: no names, no phone numbers."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def record(self, event: AuditEvent) -> None:
        """Inserts ``event``: its fields are the table's columns (the channel by its value)."""
        row = {**columns(event, field_names(event)), "channel": event.channel.value}
        self.connection.execute(insert(t.audit_events).values(row))

    def reassign_patient(self, from_patient_id: int, to_patient_id: int) -> int:
        """Point one patient's audit rows at another (their history stays, on the kept record); how many."""
        result = self.connection.execute(
            update(t.audit_events)
            .where(t.audit_events.c.patient_id == from_patient_id)
            .values(patient_id=to_patient_id)
        )
        return int(result.rowcount)

    def for_appointment(self, appointment_id: int) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            select(t.audit_events)
            .where(t.audit_events.c.appointment_id == appointment_id)
            .order_by(t.audit_events.c.id)
        )
        return [dict(row._mapping) for row in rows]

    def all(self) -> list[dict[str, Any]]:
        rows = self.connection.execute(select(t.audit_events).order_by(t.audit_events.c.id))
        return [dict(row._mapping) for row in rows]

    def for_escalation(self, escalation_id: int) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            select(t.audit_events).where(t.audit_events.c.escalation_id == escalation_id).order_by(t.audit_events.c.id)
        )
        return [dict(row._mapping) for row in rows]


ESCALATION_FIELDS = list(field_names(Escalation))
# Written once, at the hand-over; the other fields follow the escalation's life (update).
ESCALATION_CREATION = ("id", "practice_id", "channel", "conversation_id", "created_at")


def _escalation(row: Row) -> Escalation:
    return from_row(
        Escalation,
        row,
        ESCALATION_FIELDS,
        channel=Channel(row.channel),
        understood={str(key): str(value) for key, value in (row.understood or {}).items()},
        transcript=tuple((str(speaker), str(text)) for speaker, text in (row.transcript or [])),
        callback_requested=bool(row.callback_requested),
    )


def _escalation_values(escalation: Escalation) -> dict[str, Any]:
    """Every stored column but the id and the creation facts (practice, channel, conversation, created_at)."""
    return {
        **columns(escalation, (name for name in ESCALATION_FIELDS if name not in ESCALATION_CREATION)),
        "understood": dict(escalation.understood),
        "transcript": [list(line) for line in escalation.transcript],
        "updated_at": escalation.updated_at or escalation.created_at,
    }


class EscalationRepository:
    """Hand-overs to the secretariat. ``lock=True`` reads use ``FOR UPDATE`` on PostgreSQL."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, escalation: Escalation) -> Escalation:
        values = {**columns(escalation, ESCALATION_CREATION[1:]), **_escalation_values(escalation)}
        return self.get(insert_row(self.connection, t.escalations, {**values, "channel": escalation.channel.value}))  # type: ignore[return-value]

    def get(self, escalation_id: int, lock: bool = False) -> Escalation | None:
        return _by_id(self.connection, t.escalations, escalation_id, lock, _escalation)

    def active_for_conversation(self, conversation_id: str, lock: bool = False) -> Escalation | None:
        """The escalation still in progress (open or taken) for a conversation; at most one exists."""
        e = t.escalations.c
        query = (
            select(t.escalations)
            .where(e.conversation_id == conversation_id, e.status.in_(ACTIVE_STATUSES))
            .order_by(e.id.desc())
        )
        return _first(self.connection, query, lock, _escalation)

    def latest_for_conversation(self, conversation_id: str, lock: bool = False) -> Escalation | None:
        e = t.escalations.c
        query = select(t.escalations).where(e.conversation_id == conversation_id).order_by(e.id.desc()).limit(1)
        return _first(self.connection, query, lock, _escalation)

    def by_status(self, practice_id: str, statuses: Sequence[str] | None = None) -> list[Escalation]:
        """A practice's escalations with one of ``statuses`` (all when None), oldest first."""
        e = t.escalations.c
        query = select(t.escalations).where(e.practice_id == practice_id).order_by(e.created_at, e.id)
        if statuses is not None:
            query = query.where(e.status.in_(list(statuses)))
        return [_escalation(row) for row in self.connection.execute(query)]

    def reassign_patient(self, from_patient_id: int, to_patient_id: int) -> list[int]:
        """Give one patient's escalations to another; the ids moved."""
        return _reassign_patient(self.connection, t.escalations, from_patient_id, to_patient_id)

    def update(self, escalation: Escalation) -> None:
        if escalation.id is None:
            raise ValueError("cannot update an escalation that was never stored")
        self.connection.execute(
            update(t.escalations).where(t.escalations.c.id == escalation.id).values(**_escalation_values(escalation))
        )


OUTBOX_FIELDS = list(field_names(OutboxMessage))
# What a worker or a delivery report changes; the rest is written once, when the message is queued.
OUTBOX_STATE = [
    "status",
    "attempts",
    "next_attempt_at",
    "last_error_code",
    "provider_sid",
    "sent_at",
    "delivery_status",
    "delivery_error_code",
    "delivery_updated_at",
]


def _outbox_message(row: Row) -> OutboxMessage:
    return from_row(OutboxMessage, row, OUTBOX_FIELDS)


class OutboxRepository:
    """Confirmation SMS waiting or sent. Claims use ``FOR UPDATE SKIP LOCKED`` on PostgreSQL.

    On SQLite the write transaction is exclusive (``BEGIN IMMEDIATE``): workers claim one after the other.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, message: OutboxMessage) -> OutboxMessage:
        values = columns(message, (name for name in OUTBOX_FIELDS if name != "id"))
        return self.get(insert_row(self.connection, t.sms_outbox, values))  # type: ignore[return-value]

    def get(self, message_id: int, lock: bool = False) -> OutboxMessage | None:
        return _by_id(self.connection, t.sms_outbox, message_id, lock, _outbox_message)

    def by_provider_sid(self, provider_sid: str, lock: bool = False) -> OutboxMessage | None:
        """The message Twilio knows by this id (the latest, should a fake provider ever reuse one)."""
        o = t.sms_outbox.c
        query = select(t.sms_outbox).where(o.provider_sid == provider_sid).order_by(o.id.desc()).limit(1)
        return _first(self.connection, query, lock, _outbox_message)

    def claimable(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Due messages, oldest due first, locked for this transaction; rows another worker holds are skipped.

        Due: pending and their time has come, or sending whose lease expired (the worker died).
        """
        o = t.sms_outbox.c
        query = (
            select(t.sms_outbox)
            .where(o.status.in_((PENDING, SENDING)), o.next_attempt_at <= now)
            .order_by(o.next_attempt_at, o.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_outbox_message(row) for row in self.connection.execute(query)]

    def has_newer(self, message: OutboxMessage) -> bool:
        """A later message about the same appointment exists (it makes this one stale)."""
        if message.appointment_id is None:
            return False
        o = t.sms_outbox.c
        query = select(o.id).where(o.appointment_id == message.appointment_id, o.id > message.id).limit(1)
        return self.connection.execute(query).first() is not None

    def has_older_in_flight(self, message: OutboxMessage) -> bool:
        """An earlier message about the same appointment is being sent: wait, so that they arrive in order."""
        if message.appointment_id is None:
            return False
        o = t.sms_outbox.c
        query = (
            select(o.id)
            .where(o.appointment_id == message.appointment_id, o.id < message.id, o.status == SENDING)
            .limit(1)
        )
        return self.connection.execute(query).first() is not None

    def save(self, message: OutboxMessage, expected_status: str, expected_attempts: int) -> bool:
        """Store the new state if the row is still as read (status and attempts); False if it changed meanwhile."""
        if message.id is None:
            raise ValueError("cannot update a message that was never stored")
        o = t.sms_outbox.c
        result = self.connection.execute(
            update(t.sms_outbox)
            .where(o.id == message.id, o.status == expected_status, o.attempts == expected_attempts)
            .values(**self._state(message))
        )
        return bool(result.rowcount == 1)

    def save_delivery(self, message: OutboxMessage, expected_delivery_status: str | None) -> bool:
        """Store a delivery report if the last one is still as read; False if another report came meanwhile."""
        if message.id is None:
            raise ValueError("cannot update a message that was never stored")
        o = t.sms_outbox.c
        unchanged = (
            o.delivery_status.is_(None)
            if expected_delivery_status is None
            else o.delivery_status == expected_delivery_status
        )
        result = self.connection.execute(
            update(t.sms_outbox)
            .where(o.id == message.id, unchanged)
            .values(
                delivery_status=message.delivery_status,
                delivery_error_code=message.delivery_error_code,
                delivery_updated_at=message.delivery_updated_at,
            )
        )
        return bool(result.rowcount == 1)

    def latest(
        self,
        statuses: Sequence[str] | None = None,
        limit: int = 50,
        delivery_statuses: Sequence[str] | None = None,
    ) -> list[OutboxMessage]:
        """The most recent messages, newest first; filtered by outbox status and/or delivery report."""
        o = t.sms_outbox.c
        query = select(t.sms_outbox).order_by(o.id.desc()).limit(limit)
        if statuses:
            query = query.where(o.status.in_(list(statuses)))
        if delivery_statuses:
            query = query.where(o.delivery_status.in_(list(delivery_statuses)))
        return [_outbox_message(row) for row in self.connection.execute(query)]

    def for_appointment(self, appointment_id: int) -> list[OutboxMessage]:
        o = t.sms_outbox.c
        query = select(t.sms_outbox).where(o.appointment_id == appointment_id).order_by(o.id)
        return [_outbox_message(row) for row in self.connection.execute(query)]

    def ids_for_appointments(self, appointment_ids: Sequence[int]) -> list[int]:
        o = t.sms_outbox.c
        if not appointment_ids:
            return []
        query = select(o.id).where(o.appointment_id.in_(list(appointment_ids))).order_by(o.id)
        return list(self.connection.execute(query).scalars())

    def count_by_status(self) -> dict[str, int]:
        o = t.sms_outbox.c
        rows = self.connection.execute(select(o.status, func.count()).group_by(o.status))
        return {status: int(count) for status, count in rows}

    def count_by_delivery_status(self) -> dict[str, int]:
        """Messages per delivery report (those without one are not counted)."""
        o = t.sms_outbox.c
        rows = self.connection.execute(
            select(o.delivery_status, func.count()).where(o.delivery_status.is_not(None)).group_by(o.delivery_status)
        )
        return {status: int(count) for status, count in rows}

    @staticmethod
    def _state(message: OutboxMessage) -> dict[str, Any]:
        return columns(message, OUTBOX_STATE)


def iso(value: datetime | date) -> str:
    return value.isoformat()
