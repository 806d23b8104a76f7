"""Moving policy: where an appointment goes, from the wish said with the request."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

from assistant.conversation.booking import BOOKING_SLOTS
from assistant.core.model import Appointment, TimeRange
from assistant.core.text import normalise
from assistant.core.windows import TimeWish


def move_target(wish: TimeWish | None, start: datetime, tz: tzinfo, same_time: bool) -> TimeWish | None:
    """The new time the patient gave with the request ("du jeudi 3 au vendredi 4 à la même heure").

    Said before identity was checked, it was asked again. A day that is the appointment's own is where
    it is now, not where it goes; "à la même heure" (``same_time``) is the appointment's time.
    """
    if wish is None or (wish.is_open and not wish.earliest):
        return None
    local = start.astimezone(tz)
    days = {interval.start.astimezone(tz).date() for interval in wish.intervals}
    if days == {local.date()}:
        return None
    if same_time and not wish.day_parts:
        at = local.time().replace(second=0, microsecond=0, tzinfo=None)
        until = (local + timedelta(minutes=1)).time().replace(second=0, microsecond=0, tzinfo=None)
        return replace(wish, day_parts=(TimeRange(at, until),))
    return wish


_SAME_TIME = re.compile(r"\b(meme heure|meme horaire)\b")


def says_same_time(text: str) -> bool:
    """ "à la même heure", "même horaire": the appointment's own time."""
    return bool(_SAME_TIME.search(normalise(text)))


def move_search(appointment: Appointment, target: TimeWish | None) -> dict[str, Any]:
    """The search for a new slot: same motif and practitioner, the new time (asked when None)."""
    return {
        **dict.fromkeys(BOOKING_SLOTS),
        "motif": appointment.appointment_type_id,
        "practitioner": appointment.practitioner_id,
        "patient_status": "existing",
        "time_wish": target,
    }
