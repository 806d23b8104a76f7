"""Turning what a patient said into the agenda's terms: what is left here reads Rasa's messages and slots.

The reading of French answers moved to the language toolkit (issue 17), one module a job:
:mod:`assistant.language.fr.choices` (slots, appointments, practitioners offered),
:mod:`~assistant.language.fr.motifs`, :mod:`~assistant.language.fr.requests` (repeat, hold on,
goodbye, the secretariat), :mod:`~assistant.language.fr.patient_status`,
:mod:`~assistant.language.fr.yes_no`, :mod:`~assistant.language.fr.bare_answers`,
:mod:`~assistant.language.fr.corrections`, :mod:`~assistant.language.fr.phone`,
:mod:`~assistant.language.fr.names` and :mod:`~assistant.language.fr.birth_dates`. Import them from
there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


def narrowed_wish(earlier: Any, new: Any) -> Any:
    """A time of day said after a day narrows that day: "celui de quinze heures" after "jeudi".

    Both are time wishes as stored in the slot (see language.fr.time_wishes.to_serializable). Taken alone,
    the hour searched every day again, and Thursday's patient was offered Monday.
    """
    if not isinstance(earlier, dict) or not isinstance(new, dict):
        return new
    if new.get("intervals") or new.get("weekdays") or not new.get("day_parts"):
        return new
    if not (earlier.get("intervals") or earlier.get("weekdays")):
        return new
    return {**new, "intervals": earlier.get("intervals") or [], "weekdays": earlier.get("weekdays") or []}


def spoken_entity_text(message: Mapping[str, Any], entity: str, value: str) -> str:
    """The words the patient said for an entity, not its value after synonym mapping.

    Rasa's synonym mapper rewrites a value whatever the entity type: a synonym meant
    for one entity ("petit" → the relation "child") would rename a patient called
    Petit. Names are therefore taken from the message at the entity's offsets; a
    value that no entity of that type carries (typed text, a form's whole answer)
    is returned as is.
    """
    text = str(message.get("text") or "")
    spans = sorted(
        (found["start"], found["end"], found.get("value"))
        for found in message.get("entities") or ()
        if found.get("entity") == entity
        and isinstance(found.get("start"), int)
        and isinstance(found.get("end"), int)
        and 0 <= found["start"] < found["end"] <= len(text)
    )
    for index, (_, _, found_value) in enumerate(spans):
        if found_value != value:
            continue
        # A compound name cut in two ("jean" + "pierre", "le" + "goff"): the neighbours joined only
        # by spaces or a hyphen are the same name.
        first, last = index, index
        while first > 0 and re.fullmatch(r"[\s-]*", text[spans[first - 1][1] : spans[first][0]]):
            first -= 1
        while last + 1 < len(spans) and re.fullmatch(r"[\s-]*", text[spans[last][1] : spans[last + 1][0]]):
            last += 1
        return text[spans[first][0] : spans[last][1]]
    return value
