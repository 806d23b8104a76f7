"""Recognising a patient from what they say: name, birth date, maybe a phone number.

Spoken and typed names vary in accents, case, hyphens and spacing ("Lefèvre",
"LEFEVRE", "jean pierre" for "Jean-Pierre"), so comparison is on a normalised key.
A partial match (right name, wrong birth date) is *no* match: the caller learns
nothing about who is or is not a patient here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from assistant.core.model import Patient

_SEPARATORS = re.compile(r"[\s\-'’._]+")


def name_key(name: str) -> str:
    """Accent-, case-, hyphen-, apostrophe- and space-insensitive key of a name.

    The separators are dropped, not kept as spaces: "N'Diaye" and "Ndiaye", "Le Gall" and "Legall"
    are the same patient whichever way the name was typed or transcribed (migration 0005 recomputed
    the stored keys).
    """
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    return _SEPARATORS.sub("", stripped.casefold())


def phone_key(phone: str) -> str:
    """French national form of a phone number ("+33 6 12…" and "06 12…" compare equal)."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def is_valid_french_phone(phone: str) -> bool:
    key = phone_key(phone)
    return len(key) == 10 and key.startswith("0") and key[1] != "0"


def is_mobile(phone: str) -> bool:
    key = phone_key(phone)
    return is_valid_french_phone(phone) and key[:2] in ("06", "07")


@dataclass(frozen=True)
class IdentityClaim:
    """What the caller says about who they are."""

    last_name: str
    first_name: str
    birth_date: date
    phone: str = ""


def matches(patient: Patient, claim: IdentityClaim) -> bool:
    """Whole match: names (normalised) and birth date, and the phone when both sides have one."""
    if patient.birth_date != claim.birth_date:
        return False
    if name_key(patient.last_name) != name_key(claim.last_name):
        return False
    if name_key(patient.first_name) != name_key(claim.first_name):
        return False
    return not (claim.phone and patient.phone and phone_key(claim.phone) != phone_key(patient.phone))


def identify(candidates: Iterable[Patient], claim: IdentityClaim) -> Patient | None:
    """The single patient matching ``claim`` wholly, or None (no match, or ambiguous)."""
    found = [patient for patient in candidates if matches(patient, claim)]
    return found[0] if len(found) == 1 else None
