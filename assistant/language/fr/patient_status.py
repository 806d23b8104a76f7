"""Whether an answer says the patient has already consulted at the practice, or who follows them."""

from __future__ import annotations

import re
from typing import Any

from assistant.core.text import normalise

_ALREADY_HERE = re.compile(
    r"\b(deja|suivie?|un de ses patients|une de ses patientes|patiente? (du|de|chez)|je viens|on vient|"
    r"connue?|mon medecin traitant|ma medecin traitante|habitue|habituee|tout le temps|depuis des annees)\b"
)


_FIRST_TIME = re.compile(r"\b(jamais|premiere fois|premier rendez vous|premier rdv|nouveau|nouvelle|pas encore)\b")


def patient_status_of(value: Any, text: str) -> str | None:
    """Whether an answer to "Avez-vous déjà consulté au cabinet ?" says ``existing`` or ``new``.

    The entity's value when it is one of those; else the answer's words: "oui je suis suivi par lui"
    (entity "suivi") made the question come back four times.
    """
    if value in ("new", "existing"):
        return str(value)
    said = normalise(text)
    already, first = bool(_ALREADY_HERE.search(said)), bool(_FIRST_TIME.search(said))
    if already != first:
        return "existing" if already else "new"
    words = said.split()
    if words and words[0] in ("oui", "ouais", "si"):
        return "existing"
    if words and words[0] == "non":
        return "new"
    return None


_WHO_FOLLOWS = re.compile(
    r"\b(?:suivie?s?|soignee?s?)\s+(?:par|chez)\b|\bmedecin\s+traitant\b"
    r"|\bpatiente?s?\s+(?:du|de\s+la|de)\s+(?:docteur|dr|doctoresse)\b"
)


def says_who_follows(text: str) -> bool:
    """Whether ``text`` says which doctor follows the patient ("elle est suivie par le docteur Durand").

    That answers "déjà venu au cabinet ?", it does not choose who to see: a vaccination asked "avec
    l'infirmière" was moved to Dr Durand by this sentence (phone QA).
    """
    return _WHO_FOLLOWS.search(normalise(text)) is not None
