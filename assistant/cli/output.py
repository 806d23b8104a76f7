"""Printing for people (French, local times) and for scripts (JSON)."""

from __future__ import annotations

import json
from datetime import date, datetime, tzinfo
from typing import Any

from assistant.clock import get_timezone
from assistant.core.model import Appointment, Patient, Practice, Slot
from assistant.language.fr.dates import say_date


def tz(practice: Practice) -> tzinfo:
    return get_timezone(practice.timezone)


def local(value: datetime, practice: Practice) -> datetime:
    return value.astimezone(tz(practice))


def local_iso(value: datetime | None, practice: Practice) -> str | None:
    """A stored instant as the practice's local ISO date-time (None stays None), for JSON."""
    return None if value is None else local(value, practice).isoformat()


def print_json(data: object) -> None:
    """JSON for scripts: indented, accents as they are (dates and other objects as text)."""
    print(json.dumps(data, default=str, ensure_ascii=False, indent=2))


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def slot_json(slot: Slot, practice: Practice) -> dict[str, Any]:
    return {
        "start": local(slot.start, practice).isoformat(),
        "end": local(slot.end, practice).isoformat(),
        "practitioner_id": slot.practitioner_id,
        "appointment_type_id": slot.appointment_type_id,
    }


def appointment_json(appointment: Appointment, practice: Practice, patient: Patient | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": appointment.id,
        "start": local(appointment.start, practice).isoformat(),
        "end": local(appointment.end, practice).isoformat(),
        "practitioner_id": appointment.practitioner_id,
        "appointment_type_id": appointment.appointment_type_id,
        "patient_id": appointment.patient_id,
        "status": appointment.status.value,
        "channel": appointment.channel.value,
        "created_by": appointment.created_by,
        "updated_by": appointment.updated_by,
    }
    if patient is not None:
        data["patient"] = {"last_name": patient.last_name, "first_name": patient.first_name}
    return data


def print_change(title: str, appointment: Appointment, practice: Practice, as_json: bool) -> None:
    if as_json:
        print_json(appointment_json(appointment, practice))
        return
    practitioner = practice.practitioner(appointment.practitioner_id)
    motif = practice.appointment_type(appointment.appointment_type_id).name
    print(
        f"{title} : n°{appointment.id}, {french_datetime(local(appointment.start, practice))}, {practitioner.title} {practitioner.name}, {motif}."
    )


def french_day(day: date) -> str:
    return say_date(day, with_year=True)


def french_datetime(value: datetime) -> str:
    return f"{french_day(value.date())} à {value:%H:%M}"
