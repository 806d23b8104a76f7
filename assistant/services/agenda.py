"""The agenda service: every booking, move and cancellation goes through here.

It is the imperative shell around the pure core: it opens a unit of work, takes
the locks that make the check-then-write race-free (the practitioner's row, then
the patient's), reads the facts, lets the pure rules decide, writes, audits and
commits. Any refusal raises :class:`AgendaError` before the commit, so the agenda
is left as it was. Dialogue actions, the CLI and the secretariat console all call
this class; none of them queries the database itself.

Confirmation SMS (transactional outbox): a booking, move or cancellation made by
the patient (phone, chat, SMS) queues a confirmation in ``sms_outbox`` in the same
transaction, when the patient's number is a French mobile. The secretariat's own
changes (CLI, console) queue one only when asked (``notify=True``); ``notify=False``
never queues one. Nothing is sent here: a worker sends later, so an SMS outage
never delays or refuses a booking, and a refused change queues nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from assistant.clock import Clock, get_timezone
from assistant.core.booking import BookingRequest, check_booking, check_change_allowed
from assistant.core.errors import AgendaError
from assistant.core.identity import DuplicateGroup, IdentityClaim, identify, is_valid_french_phone, probable_duplicates
from assistant.core.model import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    Channel,
    Interval,
    Patient,
    Practice,
    Slot,
)
from assistant.core.practice_config import practice_from_dict, practice_to_dict
from assistant.core.slots import OpeningCalendar, SlotQuery, fits_opening_hours, search_bounds, search_slots
from assistant.core.sms import BOOKED, CANCELLED, MOVED, should_notify
from assistant.core.windows import day_bounds
from assistant.language.fr.sms import new_confirmation
from assistant.services.unit_of_work import ConstraintViolation, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

Found = TypeVar("Found")

FIRST_SEARCH_CHUNK = timedelta(days=1)  # most searches end on the first open day; read more only if needed


@dataclass(frozen=True)
class Actor:
    """Who acts, for the audit trail: ``assistant`` on a conversation, or a named secretary."""

    name: str
    channel: Channel
    conversation_id: str = ""


@dataclass(frozen=True)
class MergeReport:
    """What a merge of patient ``merged_id`` into ``kept_id`` moved (ids only)."""

    kept_id: int
    merged_id: int
    appointment_ids: tuple[int, ...]
    escalation_ids: tuple[int, ...]
    sms_outbox_ids: tuple[int, ...]  # they follow their appointments
    audit_rows: int
    future_appointments: int  # the kept patient's, now (may exceed the booking limit: nothing is cancelled)


@dataclass(frozen=True)
class LoadReport:
    practice_id: str
    practitioners: int
    appointment_types: int
    deactivated: tuple[str, ...]
    conflicts: tuple[Appointment, ...]  # future appointments that no longer fit the schedule
    changed: bool


class AgendaService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self._practice_cache: tuple[str, Practice, OpeningCalendar] | None = None

    # -- practice -----------------------------------------------------------------

    def practice(self) -> Practice:
        """The applied practice configuration (cached until it changes)."""
        with self.uow_factory() as uow:
            return self._practice(uow)

    def _practice(self, uow: UnitOfWork) -> Practice:
        current_hash = uow.practices.current_hash()
        if current_hash is None:
            raise AgendaError("practice_not_loaded")
        if self._practice_cache and self._practice_cache[0] == current_hash:
            return self._practice_cache[1]
        current = uow.practices.current_config()  # hash and file of one row: a load may have committed since
        assert current is not None
        current_hash, config = current
        practice = practice_from_dict(config)
        self._practice_cache = (current_hash, practice, OpeningCalendar(practice))
        return practice

    def _calendar(self, practice: Practice) -> OpeningCalendar:
        if self._practice_cache and self._practice_cache[1] is practice:
            return self._practice_cache[2]
        return OpeningCalendar(practice)

    def apply_practice(self, practice: Practice, source: str, actor: Actor) -> LoadReport:
        """Store a validated configuration; never delete an appointment, report those that no longer fit."""
        now = self.clock.now()
        config = practice_to_dict(practice)
        config_hash = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
        with self.uow_factory() as uow:
            changed = uow.practices.current_hash() != config_hash
            uow.practices.save_config(practice.id, practice.name, config, config_hash, source, now)
            for practitioner in practice.practitioners:
                uow.practices.upsert_practitioner(
                    practice.id,
                    {
                        "id": practitioner.id,
                        "name": practitioner.name,
                        "title": practitioner.title,
                        "specialty": practitioner.specialty,
                        "accepts_new_patients": practitioner.accepts_new_patients,
                    },
                )
            for appointment_type in practice.appointment_types:
                uow.practices.upsert_appointment_type(
                    practice.id,
                    {
                        "id": appointment_type.id,
                        "name": appointment_type.name,
                        "duration_minutes": appointment_type.duration_minutes,
                    },
                )
            deactivated = uow.practices.deactivate_missing(
                "practitioners", [p.id for p in practice.practitioners]
            ) + uow.practices.deactivate_missing("appointment_types", [a.id for a in practice.appointment_types])
            conflicts = tuple(
                appointment
                for appointment in uow.appointments.future_active(now)
                if not self._still_fits(practice, appointment)
            )
            uow.audit.record(
                AuditEvent(
                    now,
                    actor.name,
                    actor.channel,
                    "practice_load",
                    {
                        "practice_id": practice.id,
                        "config_hash": config_hash,
                        "source": source,
                        "deactivated": deactivated,
                        "conflicting_appointments": [a.id for a in conflicts],
                    },
                )
            )
            uow.commit()
        self._practice_cache = (config_hash, practice, OpeningCalendar(practice))
        return LoadReport(
            practice.id,
            len(practice.practitioners),
            len(practice.appointment_types),
            tuple(deactivated),
            conflicts,
            changed,
        )

    @staticmethod
    def _still_fits(practice: Practice, appointment: Appointment) -> bool:
        try:
            practitioner = practice.practitioner(appointment.practitioner_id)
            practice.appointment_type(appointment.appointment_type_id)
        except KeyError:
            return False
        return fits_opening_hours(practice, practitioner, appointment.start, appointment.end)

    # -- searching ----------------------------------------------------------------

    def find_slots(self, query: SlotQuery, now: datetime | None = None) -> list[Slot]:
        """Free slots for ``query``.

        Busy intervals are read in growing chunks (1 day, then 2, 4, 8… days):
        at 80 % occupancy the first day usually holds three free slots, so most
        searches read a few dozen rows instead of a month of agenda.
        """
        now = now or self.clock.now()
        with self.uow_factory() as uow:
            practice = self._practice(uow)
            try:
                appointment_type = practice.appointment_type(query.appointment_type_id)
            except KeyError:
                raise AgendaError("unknown_appointment_type", type_id=query.appointment_type_id) from None
            practitioner_ids = [
                pid
                for pid in appointment_type.practitioner_ids
                if (not query.practitioner_ids or pid in query.practitioner_ids)
                and pid not in query.excluded_practitioner_ids
            ]
            calendar = self._calendar(practice)
            bounds = search_bounds(practice, now)
            first_wished = _first_wished_instant(query, bounds)
            # Spread choices need as many open days as choices: start with that many.
            chunk = FIRST_SEARCH_CHUNK * (query.count if query.spread_days else 1)
            chunk_end = first_wished
            read_until = first_wished - timedelta(hours=12)
            busy: dict[str, list[Interval]] = {pid: [] for pid in practitioner_ids}
            found: list[Slot] = []
            while chunk_end < bounds.end:
                chunk_end = min(_end_of_local_day(chunk_end + chunk, calendar), bounds.end)
                chunk *= 2
                # Only the part not read yet; an interval straddling the seam may come twice, which is harmless.
                more = uow.appointments.busy_intervals(practitioner_ids, read_until, chunk_end + timedelta(hours=12))
                read_until = chunk_end + timedelta(hours=12)
                for practitioner_id, intervals in more.items():
                    busy[practitioner_id].extend(intervals)
                found = search_slots(practice, query, busy, now, until=chunk_end, calendar=calendar)
                if len(found) >= query.count:
                    break
            return found

    # -- patients -----------------------------------------------------------------

    def identify_patient(self, claim: IdentityClaim) -> Patient | None:
        """The one patient matching the claim wholly, else None (never a hint on partial matches)."""
        with self.uow_factory() as uow:
            return identify(uow.patients.candidates(claim), claim)

    def patient_appointments(self, patient_id: int) -> list[Appointment]:
        now = self.clock.now()
        with self.uow_factory() as uow:
            return uow.appointments.for_patient(patient_id, since=now)

    def get_appointment(self, appointment_id: int) -> Appointment:
        with self.uow_factory() as uow:
            return _found(uow.appointments.get(appointment_id), "appointment_not_found")

    def get_patient(self, patient_id: int) -> Patient:
        with self.uow_factory() as uow:
            return _found(uow.patients.get(patient_id), "patient_not_found")

    def probable_duplicates(self) -> list[tuple[DuplicateGroup, dict[int, int]]]:
        """Groups of patients that are probably one person, with each one's number of future appointments."""
        now = self.clock.now()
        with self.uow_factory() as uow:
            groups = probable_duplicates(uow.patients.all())
            ids = {p.id for group in groups for p in group.patients if p.id is not None}
            counts = {pid: uow.appointments.count_future_for_patient(pid, now) for pid in sorted(ids)}
        return [(group, {p.id: counts[p.id] for p in group.patients if p.id is not None}) for group in groups]

    def merge_patients(self, kept_id: int, merged_id: int, actor: Actor, force: bool = False) -> MergeReport:
        """Make two records of one person one: everything of ``merged_id`` goes to ``kept_id``, then it is deleted.

        One transaction: appointments (any status, and so their SMS), escalations and audit rows are re-pointed,
        the kept record's empty phone or email is filled from the other, one ``patient_merge`` audit row says who
        did it (ids only). Refused for two different birth dates unless ``force``. Nothing is cancelled.
        """
        if kept_id == merged_id:
            raise AgendaError("merge_same_patient")
        now = self.clock.now()
        with self.uow_factory() as uow:
            for patient_id in sorted((kept_id, merged_id)):  # in id order, so two merges never deadlock
                if not uow.patients.lock(patient_id):
                    raise AgendaError("patient_not_found")
            kept, merged = uow.patients.get(kept_id), uow.patients.get(merged_id)
            assert kept is not None and merged is not None
            if kept.birth_date != merged.birth_date and not force:
                raise AgendaError("merge_birth_dates_differ")
            appointment_ids = uow.appointments.reassign_patient(merged_id, kept_id)
            escalation_ids = uow.escalations.reassign_patient(merged_id, kept_id)
            audit_rows = uow.audit.reassign_patient(merged_id, kept_id)
            sms_ids = uow.outbox.ids_for_appointments(appointment_ids)
            phone, email = kept.phone or merged.phone, kept.email or merged.email
            if (phone, email) != (kept.phone, kept.email):
                uow.patients.update_contact(kept_id, phone, email)
            uow.patients.delete(merged_id)
            uow.audit.record(
                AuditEvent(
                    now,
                    actor.name,
                    actor.channel,
                    "patient_merge",
                    {
                        "merged_patient_id": merged_id,
                        "appointment_ids": appointment_ids,
                        "escalation_ids": escalation_ids,
                        "sms_outbox_ids": sms_ids,
                        "audit_rows": audit_rows,
                        "forced": bool(force and kept.birth_date != merged.birth_date),
                        **({"contact_completed": True} if (phone, email) != (kept.phone, kept.email) else {}),
                    },
                    patient_id=kept_id,
                )
            )
            future = uow.appointments.count_future_for_patient(kept_id, now)
            uow.commit()
        log.info("merged patient %s into %s (%d appointments)", merged_id, kept_id, len(appointment_ids))
        return MergeReport(
            kept_id, merged_id, tuple(appointment_ids), tuple(escalation_ids), tuple(sms_ids), audit_rows, future
        )

    # -- changing the agenda -----------------------------------------------------

    def book(
        self, request: BookingRequest, patient: Patient | int, actor: Actor, notify: bool | None = None
    ) -> Appointment:
        """Book ``request`` for a known patient (id) or a described one (found or created).

        ``notify``: queue a confirmation SMS (None: only for the patient's own channels; see the module).
        """
        now = self.clock.now()
        try:
            with self.uow_factory() as uow:
                practice = self._practice(uow)
                uow.practices.lock_practitioners([request.practitioner_id])
                patient_id, created, other_phone = self._resolve_patient(uow, patient, now)
                if not uow.patients.lock(patient_id):  # merged into another record meanwhile
                    raise AgendaError("patient_not_found")
                future_count = uow.appointments.count_future_for_patient(patient_id, now)
                busy = self._busy_around(uow, request.practitioner_id, request.start)
                slot = check_booking(practice, request, now, busy, future_count)
                appointment = uow.appointments.add(
                    Appointment(
                        id=None,
                        practitioner_id=request.practitioner_id,
                        appointment_type_id=request.appointment_type_id,
                        patient_id=patient_id,
                        start=slot.start,
                        end=slot.end,
                        status=AppointmentStatus.BOOKED,
                        channel=actor.channel,
                        created_by=actor.name,
                        updated_by=actor.name,
                        conversation_id=actor.conversation_id,
                    ),
                    now,
                )
                if created:
                    uow.audit.record(
                        AuditEvent(now, actor.name, actor.channel, "patient_create", {}, patient_id=patient_id)
                    )
                sms_id = self._queue_confirmation(
                    uow, practice, appointment, BOOKED, actor, notify, now, phone=other_phone
                )
                uow.audit.record(
                    AuditEvent(
                        now,
                        actor.name,
                        actor.channel,
                        "book",
                        {
                            "practitioner_id": appointment.practitioner_id,
                            "appointment_type_id": appointment.appointment_type_id,
                            "start": appointment.start.isoformat(),
                            "end": appointment.end.isoformat(),
                            "conversation_id": actor.conversation_id,
                            **_sms_detail(sms_id),
                            # the patient gave another number than the file's: the secretariat checks it
                            **({"other_phone_given": True} if other_phone else {}),
                        },
                        appointment_id=appointment.id,
                        patient_id=patient_id,
                    )
                )
                uow.commit()
        except ConstraintViolation:
            raise AgendaError("slot_taken") from None
        log.info(
            "booked appointment %s (practitioner %s, via %s)",
            appointment.id,
            appointment.practitioner_id,
            actor.channel.value,
        )
        return appointment

    def move(
        self,
        appointment_id: int,
        new_start: datetime,
        actor: Actor,
        new_practitioner_id: str | None = None,
        notify: bool | None = None,
    ) -> Appointment:
        """Reschedule atomically: the old slot is freed only if the new one is taken (``notify``: see :meth:`book`)."""
        now = self.clock.now()
        try:
            with self.uow_factory() as uow:
                practice = self._practice(uow)
                current = _found(uow.appointments.get(appointment_id), "appointment_not_found")
                target_practitioner = new_practitioner_id or current.practitioner_id
                uow.practices.lock_practitioners({current.practitioner_id, target_practitioner})
                locked = _found(uow.appointments.get(appointment_id, lock=True), "appointment_not_found")
                if locked.practitioner_id != current.practitioner_id:
                    # Moved to another practitioner meanwhile: our lock does not cover it; let the caller retry.
                    raise AgendaError("slot_taken")
                check_change_allowed(practice, locked, now, actor.channel)
                busy = self._busy_around(uow, target_practitioner, new_start, exclude_id=appointment_id)
                request = BookingRequest(
                    appointment_type_id=locked.appointment_type_id,
                    practitioner_id=target_practitioner,
                    start=new_start,
                    channel=actor.channel,
                )
                # The patient's own appointment is moving, not added: it does not count against the limit.
                slot = check_booking(practice, request, now, busy, patient_future_count=0)
                uow.appointments.update(
                    appointment_id,
                    now,
                    start=slot.start,
                    end=slot.end,
                    practitioner_id=target_practitioner,
                    updated_by=actor.name,
                )
                moved = uow.appointments.get(appointment_id)
                assert moved is not None
                sms_id = self._queue_confirmation(
                    uow, practice, moved, MOVED, actor, notify, now, previous_start=locked.start
                )
                uow.audit.record(
                    AuditEvent(
                        now,
                        actor.name,
                        actor.channel,
                        "move",
                        {
                            "from_start": locked.start.isoformat(),
                            "from_practitioner_id": locked.practitioner_id,
                            "to_start": slot.start.isoformat(),
                            "to_practitioner_id": target_practitioner,
                            "conversation_id": actor.conversation_id,
                            **_sms_detail(sms_id),
                        },
                        appointment_id=appointment_id,
                        patient_id=locked.patient_id,
                    )
                )
                uow.commit()
        except ConstraintViolation:
            raise AgendaError("slot_taken") from None
        log.info("moved appointment %s (via %s)", appointment_id, actor.channel.value)
        return moved

    def cancel(self, appointment_id: int, actor: Actor, reason: str = "", notify: bool | None = None) -> Appointment:
        """Cancel (``notify``: see :meth:`book`)."""
        now = self.clock.now()
        with self.uow_factory() as uow:
            practice = self._practice(uow)
            appointment = _found(uow.appointments.get(appointment_id, lock=True), "appointment_not_found")
            check_change_allowed(practice, appointment, now, actor.channel)
            uow.appointments.update(appointment_id, now, status=AppointmentStatus.CANCELLED, updated_by=actor.name)
            cancelled = replace(appointment, status=AppointmentStatus.CANCELLED, updated_by=actor.name)
            sms_id = self._queue_confirmation(uow, practice, cancelled, CANCELLED, actor, notify, now)
            uow.audit.record(
                AuditEvent(
                    now,
                    actor.name,
                    actor.channel,
                    "cancel",
                    {
                        "start": appointment.start.isoformat(),
                        "reason": reason[:200],
                        "conversation_id": actor.conversation_id,
                        **_sms_detail(sms_id),
                    },
                    appointment_id=appointment_id,
                    patient_id=appointment.patient_id,
                )
            )
            uow.commit()
        log.info("cancelled appointment %s (via %s)", appointment_id, actor.channel.value)
        return cancelled

    # -- reading the agenda ------------------------------------------------------

    def agenda(self, day: date, practitioner_id: str | None = None) -> list[tuple[Appointment, Patient]]:
        with self.uow_factory() as uow:
            practice = self._practice(uow)
            bounds = day_bounds(day, get_timezone(practice.timezone))
            appointments = uow.appointments.between(bounds.start, bounds.end, practitioner_id)
            rows = []
            for appointment in appointments:
                patient = uow.patients.get(appointment.patient_id)
                assert patient is not None
                rows.append((appointment, patient))
            return rows

    def audit_trail(self, appointment_id: int | None = None) -> list[dict[str, Any]]:
        with self.uow_factory() as uow:
            if appointment_id is None:
                return uow.audit.all()
            return uow.audit.for_appointment(appointment_id)

    # -- internals ---------------------------------------------------------------

    @staticmethod
    def _busy_around(
        uow: UnitOfWork, practitioner_id: str, start: datetime, exclude_id: int | None = None
    ) -> list[Interval]:
        window_start, window_end = start - timedelta(days=1), start + timedelta(days=1)
        busy = uow.appointments.busy_intervals([practitioner_id], window_start, window_end, exclude_id=exclude_id)
        return busy.get(practitioner_id, [])

    @staticmethod
    def _queue_confirmation(
        uow: UnitOfWork,
        practice: Practice,
        appointment: Appointment,
        kind: str,
        actor: Actor,
        notify: bool | None,
        now: datetime,
        previous_start: datetime | None = None,
        phone: str | None = None,
    ) -> int | None:
        """Queue the confirmation SMS in this transaction (id), or None: not asked, or no French mobile.

        ``phone``: the number given for this booking, when it is not the one on file.
        """
        if not should_notify(actor.channel, notify):
            return None
        patient = uow.patients.get(appointment.patient_id)
        if patient is None:
            return None
        message = new_confirmation(
            practice=practice,
            appointment=appointment,
            kind=kind,
            phone=phone or patient.phone,
            now=now,
            previous_start=previous_start,
        )
        if message is None:
            return None
        return uow.outbox.add(message).id

    @staticmethod
    def _resolve_patient(uow: UnitOfWork, patient: Patient | int, now: datetime) -> tuple[int, bool, str | None]:
        """(patient id, whether created, the number given when it is not the file's).

        A described patient is the one on file with the same names and birth date. When the number
        given differs from the file's, it is still that patient (a second record made them
        unfindable: "Je ne retrouve pas de rendez-vous"); the file's number is not changed by a
        caller, but this booking's confirmation goes to the number given, and the audit says so.
        """
        if isinstance(patient, int):
            if uow.patients.get(patient) is None:
                raise AgendaError("patient_not_found")
            return patient, False, None
        problems = validate_patient(patient, now.date())
        if problems:
            raise AgendaError("invalid_patient", detail=", ".join(problems))
        claim = IdentityClaim(patient.last_name, patient.first_name, patient.birth_date, patient.phone)
        # One person is one row (unique index on names keys and birth date): if a booking racing this one
        # creates the person first, the insert does nothing (after waiting for it on PostgreSQL) and the
        # second reading finds that record; the patient's lock then serialises the rest, limit included.
        for _attempt in range(3):
            candidates = uow.patients.candidates(claim)
            existing = identify(candidates, claim)
            if existing is not None and existing.id is not None:
                if patient.phone and not existing.phone:
                    uow.patients.update_phone(existing.id, patient.phone)
                return existing.id, False, None
            same_person = identify(candidates, replace(claim, phone=""))
            if same_person is not None and same_person.id is not None:
                return same_person.id, False, patient.phone
            created_id = uow.patients.add_if_absent(patient, now)
            if created_id is not None:
                return created_id, True, None
        raise AgendaError("patient_busy")  # created then merged away, three times over: let the caller retry


def _found(value: Found | None, code: str) -> Found:
    """``value``, or the refusal ``code`` when there is none."""
    if value is None:
        raise AgendaError(code)
    return value


def _sms_detail(sms_id: int | None) -> dict[str, int]:
    """The audit trail's trace of a queued confirmation: its id only (never the number or the text)."""
    return {} if sms_id is None else {"sms_outbox_id": sms_id}


def _first_wished_instant(query: SlotQuery, bounds: Interval) -> datetime:
    """Where the search can start: the bounds, or the start of the earliest wished interval."""
    if query.wish.intervals:
        return max(bounds.start, min(interval.start for interval in query.wish.intervals))
    return bounds.start


def _end_of_local_day(instant: datetime, calendar: OpeningCalendar) -> datetime:
    return day_bounds(instant.astimezone(calendar.tz).date(), calendar.tz).end


def validate_patient(patient: Patient, today: date) -> list[str]:
    """What is wrong with a patient description (French, for the error sentence)."""
    problems = []
    if not patient.last_name.strip():
        problems.append("nom manquant")
    if not patient.first_name.strip():
        problems.append("prénom manquant")
    if patient.birth_date > today:
        problems.append("date de naissance dans le futur")
    elif patient.birth_date.year < today.year - 120:
        problems.append("date de naissance improbable")
    if patient.phone and not is_valid_french_phone(patient.phone):
        problems.append("numéro de téléphone invalide")
    return problems
