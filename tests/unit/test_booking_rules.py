"""Booking rules as pure checks: what patients may do, what the secretariat may do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.core.booking import BookingRequest, check_booking, check_change_allowed
from assistant.core.errors import AgendaError
from assistant.core.model import Appointment, AppointmentStatus, BookingRules, Channel, Interval
from tests.builders import at, make_practice

NOW = at(2026, 11, 23, 10, 0)
PRACTICE = make_practice(
    rules=BookingRules(
        min_notice_minutes=60,
        horizon_days=30,
        slot_step_minutes=20,
        max_future_appointments_per_patient=2,
        cancel_notice_hours=24,
    )
)


def request(start, channel=Channel.CHAT, **kwargs):
    return BookingRequest(
        kwargs.pop("type_id", "consultation"), kwargs.pop("practitioner", "dupont"), start, channel, **kwargs
    )


def refusal(req, busy=(), count=0, practice=PRACTICE):
    with pytest.raises(AgendaError) as caught:
        check_booking(practice, req, NOW, list(busy), count)
    return caught.value.code


def test_valid_booking_returns_the_interval_with_the_motif_duration():
    slot = check_booking(PRACTICE, request(at(2026, 11, 24, 9, 0)), NOW, [], 0)
    assert slot.start == at(2026, 11, 24, 9, 0) and slot.end - slot.start == timedelta(minutes=20)


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (at(2026, 11, 23, 9, 0), "in_the_past"),
        (at(2026, 11, 23, 10, 30), "too_soon"),
        (at(2026, 12, 31, 9, 0), "beyond_horizon"),
        (at(2026, 11, 24, 12, 30), "outside_hours"),  # lunch break
        (at(2026, 11, 24, 11, 50), "outside_hours"),  # would run past noon
        (at(2026, 11, 28, 9, 0), "outside_hours"),  # Saturday
    ],
)
def test_patient_booking_refusals(start, code):
    assert refusal(request(start)) == code


def test_overlap_with_busy_interval_is_slot_taken():
    busy = [Interval(at(2026, 11, 24, 9, 10), at(2026, 11, 24, 9, 30))]
    assert refusal(request(at(2026, 11, 24, 9, 0)), busy) == "slot_taken"
    # Touching intervals do not overlap.
    check_booking(
        PRACTICE, request(at(2026, 11, 24, 8, 50)), NOW, [Interval(at(2026, 11, 24, 8, 30), at(2026, 11, 24, 8, 50))], 0
    )


def test_per_patient_limit_applies_to_patients_not_to_the_secretariat():
    start = at(2026, 11, 24, 9, 0)
    assert refusal(request(start), count=2) == "too_many_appointments"
    check_booking(PRACTICE, request(start, Channel.SECRETARIAT), NOW, [], 2)


def test_secretariat_may_book_at_short_notice_but_not_on_a_taken_slot():
    start = at(2026, 11, 23, 10, 30)
    check_booking(PRACTICE, request(start, Channel.SECRETARIAT), NOW, [], 0)
    assert refusal(request(start, Channel.SECRETARIAT), [Interval(start, start + timedelta(minutes=5))]) == "slot_taken"


def test_secretariat_can_force_outside_hours_patients_cannot():
    lunch = at(2026, 11, 24, 12, 30)
    check_booking(PRACTICE, request(lunch, Channel.SECRETARIAT, force_outside_hours=True), NOW, [], 0)
    assert refusal(request(lunch, Channel.PHONE, force_outside_hours=True)) == "outside_hours"


def test_motif_and_practitioner_checks():
    assert refusal(request(at(2026, 11, 24, 9), type_id="nope")) == "unknown_appointment_type"
    assert refusal(request(at(2026, 11, 24, 9), practitioner="nobody")) == "unknown_practitioner"
    assert refusal(request(at(2026, 11, 24, 9), type_id="long", practitioner="martin")) == "practitioner_not_eligible"
    assert refusal(request(at(2026, 11, 24, 9), type_id="secretariat-only")) == "not_bookable_online"
    assert refusal(request(at(2026, 11, 24, 9), practitioner="martin", new_patient=True)) == "new_patients_not_accepted"


def appointment(start, status=AppointmentStatus.BOOKED):
    return Appointment(1, "dupont", "consultation", 7, start, start + timedelta(minutes=20), status)


def test_cancellation_notice_for_patients_only():
    tomorrow_9h = appointment(at(2026, 11, 24, 9, 0))  # 23 hours away
    with pytest.raises(AgendaError) as caught:
        check_change_allowed(PRACTICE, tomorrow_9h, NOW, Channel.PHONE)
    assert caught.value.code == "too_late_to_cancel" and "24 heures" in caught.value.message
    check_change_allowed(PRACTICE, tomorrow_9h, NOW, Channel.SECRETARIAT)
    check_change_allowed(PRACTICE, appointment(at(2026, 11, 24, 11, 0)), NOW, Channel.PHONE)


def test_cancelled_or_past_appointments_cannot_change():
    with pytest.raises(AgendaError, match="plus actif"):
        check_change_allowed(
            PRACTICE, appointment(at(2026, 11, 30, 9), AppointmentStatus.CANCELLED), NOW, Channel.SECRETARIAT
        )
    with pytest.raises(AgendaError) as caught:
        check_change_allowed(PRACTICE, appointment(at(2026, 11, 20, 9)), NOW, Channel.SECRETARIAT)
    assert caught.value.code == "in_the_past"
