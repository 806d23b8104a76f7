"""How a practitioner is named in a French sentence: "le docteur Lefebvre", "Mme Lambert"."""

from __future__ import annotations

from assistant.core.model import Practice


def practitioner_phrase(practice: Practice, practitioner_id: str) -> str:
    """How a practitioner is named in a sentence: "le docteur Lefebvre", "Mme Lambert"."""
    try:
        practitioner = practice.practitioner(practitioner_id)
    except KeyError:
        return ""
    if practitioner.phone_label:
        return practitioner.phone_label
    last = practitioner.name.split()[-1]
    titles = {"dr": "le docteur", "docteur": "le docteur", "pr": "le professeur"}
    title = titles.get(practitioner.title.lower().rstrip("."), practitioner.title)
    return f"{title} {last}".strip()
