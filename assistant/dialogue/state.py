"""Dialogue state as JSON-safe values: Rasa slots hold dicts, the core wants dataclasses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from assistant.core.model import Slot


def slot_to_dict(slot: Slot) -> dict[str, str]:
    return {
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
        "practitioner_id": slot.practitioner_id,
        "appointment_type_id": slot.appointment_type_id,
    }


def slot_from_dict(data: dict[str, Any]) -> Slot:
    return Slot(
        start=datetime.fromisoformat(data["start"]),
        end=datetime.fromisoformat(data["end"]),
        practitioner_id=str(data["practitioner_id"]),
        appointment_type_id=str(data["appointment_type_id"]),
    )


def slots_from_value(value: Any) -> list[Slot]:
    """Proposals stored in a slot; anything malformed reads as no proposal."""
    if not isinstance(value, list):
        return []
    slots = []
    for item in value:
        try:
            slots.append(slot_from_dict(item))
        except (KeyError, TypeError, ValueError):
            return []
    return slots
