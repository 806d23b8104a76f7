"""Booking rules as pure checks.

The unit of work takes the locks and reads the facts (busy intervals, the
patient's future appointments); these functions decide. Patients (phone, chat,
SMS) are held to every rule; the secretariat may book at short notice, beyond the
horizon or past the per-patient limit, but never outside opening hours (unless
forced) and never on a taken slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from assistant.core.errors import AgendaError
from assistant.core.model import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Channel,
    Interval,
    Practice,
    Practitioner,
)
from assistant.core.slots import fits_opening_hours, search_bounds

PATIENT_CHANNELS = frozenset({Channel.PHONE, Channel.CHAT, Channel.SMS})


@dataclass(frozen=True)
class BookingRequest:
    appointment_type_id: str
    practitioner_id: str
    start: datetime
    channel: Channel
    new_patient: bool = False
    force_outside_hours: bool = False  # secretariat only: an extra slot outside the schedule


def resolve_type_and_practitioner(
    practice: Practice, appointment_type_id: str, practitioner_id: str
) -> tuple[AppointmentType, Practitioner]:
    try:
        appointment_type = practice.appointment_type(appointment_type_id)
    except KeyError:
        raise AgendaError("unknown_appointment_type", type_id=appointment_type_id) from None
    try:
        practitioner = practice.practitioner(practitioner_id)
    except KeyError:
        raise AgendaError("unknown_practitioner", practitioner_id=practitioner_id) from None
    if practitioner.id not in appointment_type.practitioner_ids:
        raise AgendaError("practitioner_not_eligible")
    return appointment_type, practitioner


def check_booking(
    practice: Practice,
    request: BookingRequest,
    now: datetime,
    busy: Sequence[Interval],
    patient_future_count: int,
) -> Interval:
    """Validate a booking; return the appointment's interval or raise :class:`AgendaError`.

    ``busy`` holds the practitioner's active appointments around the requested
    time (without the one being moved, for a reschedule).
    """
    appointment_type, practitioner = resolve_type_and_practitioner(
        practice, request.appointment_type_id, request.practitioner_id
    )
    by_patient = request.channel in PATIENT_CHANNELS
    start = request.start.astimezone(timezone.utc)  # exact arithmetic across DST changes
    slot = Interval(start, start + appointment_type.duration)
    if slot.start < now:
        raise AgendaError("in_the_past")
    if by_patient:
        if not appointment_type.bookable_online:
            raise AgendaError("not_bookable_online")
        if request.new_patient and not (appointment_type.new_patients and practitioner.accepts_new_patients):
            raise AgendaError("new_patients_not_accepted")
        bounds = search_bounds(practice, now)
        if slot.start < bounds.start:
            raise AgendaError("too_soon", minutes=practice.rules.min_notice_minutes)
        if slot.start >= bounds.end:
            raise AgendaError("beyond_horizon", days=practice.rules.horizon_days)
        limit = practice.rules.max_future_appointments_per_patient
        if limit and patient_future_count >= limit:
            raise AgendaError("too_many_appointments", count=patient_future_count)
    forced = request.force_outside_hours and not by_patient
    if not forced and not fits_opening_hours(practice, practitioner, slot.start, slot.end):
        raise AgendaError("outside_hours")
    buffer = timedelta(minutes=practice.rules.buffer_minutes)
    guarded = Interval(slot.start - buffer, slot.end + buffer)
    if any(guarded.overlaps(other) for other in busy):
        raise AgendaError("slot_taken")
    return slot


def check_change_allowed(practice: Practice, appointment: Appointment, now: datetime, channel: Channel) -> None:
    """Whether an appointment may still be cancelled or moved through ``channel``."""
    if appointment.status is not AppointmentStatus.BOOKED:
        raise AgendaError("appointment_not_active")
    if appointment.start < now:
        raise AgendaError("in_the_past")
    if channel in PATIENT_CHANNELS:
        notice = timedelta(hours=practice.rules.cancel_notice_hours)
        if appointment.start - now < notice:
            raise AgendaError("too_late_to_cancel", hours=practice.rules.cancel_notice_hours)
