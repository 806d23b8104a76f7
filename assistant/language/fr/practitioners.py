"""How a practitioner is named in a French sentence: "le docteur Durand", "la docteure Leroy", "Mme Roux"."""

from __future__ import annotations

from assistant.core.model import Practice, Practitioner

#: The titles a practitioner's name is said with, by gender ("" when the file does not say).
_SPOKEN_TITLES = {
    "dr": {"f": "la docteure", "m": "le docteur", "": "le docteur"},
    "docteur": {"f": "la docteure", "m": "le docteur", "": "le docteur"},
    "docteure": {"f": "la docteure", "m": "la docteure", "": "la docteure"},
    "pr": {"f": "la professeure", "m": "le professeur", "": "le professeur"},
}
#: Titles that say the gender themselves.
_TITLE_GENDERS = {"mme": "f", "madame": "f", "mlle": "f", "m": "m", "monsieur": "m", "mr": "m"}


def practitioner_gender(practitioner: Practitioner) -> str:
    """ "f", "m", or "" when neither the file (``gender``) nor the title ("Mme", "M.") says it: never a guess
    from a first name."""
    return practitioner.gender or _TITLE_GENDERS.get(practitioner.title.lower().rstrip(".").strip(), "")


def practitioner_phrase(practice: Practice, practitioner_id: str) -> str:
    """How a practitioner is named in a sentence: the file's ``spoken_name``, else "le docteur Durand",
    "la docteure Leroy" (``gender: f``), "Mme Roux"."""
    try:
        practitioner = practice.practitioner(practitioner_id)
    except KeyError:
        return ""
    if practitioner.phone_label:
        return practitioner.phone_label
    last = practitioner.name.split()[-1]
    key = practitioner.title.lower().rstrip(".").strip()
    titles = _SPOKEN_TITLES.get(key)
    title = titles[practitioner_gender(practitioner)] if titles else practitioner.title
    return f"{title} {last}".strip()
