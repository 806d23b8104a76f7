"""Recognising a patient from what they say: name, birth date, maybe a phone number.

Spoken and typed names vary in accents, case, hyphens and spacing ("Lefèvre",
"LEFEVRE", "jean pierre" for "Jean-Pierre"), so comparison is on a normalised key.
A partial match (right name, wrong birth date) is *no* match: the caller learns
nothing about who is or is not a patient here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from assistant.core.model import Patient
from assistant.core.text import strip_accents

_SEPARATORS = re.compile(r"[\s\-'’._]+")


def name_key(name: str) -> str:
    """Accent-, case-, hyphen-, apostrophe- and space-insensitive key of a name.

    The separators are dropped, not kept as spaces: "N'Diaye" and "Ndiaye", "Le Gall" and "Legall"
    are the same patient whichever way the name was typed or transcribed (migration 0005 recomputed
    the stored keys).
    """
    return _SEPARATORS.sub("", strip_accents(name))


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


# -- probable duplicates -------------------------------------------------------------------------

SAME_IDENTITY = "same_identity"  # same names and birth date (the unique index forbids these since migration 0006)
SAME_LAST_NAME = "same_last_name"  # same surname and birth date, another first name: a typo, or twins
SWAPPED_NAMES = "swapped_names"  # surname and first name inverted ("Bernard Martin" / "Martin Bernard")
BIRTH_DATE_TYPO = "birth_date_typo"  # same names, birth dates one digit apart or day and month inverted


@dataclass(frozen=True)
class DuplicateGroup:
    """Patients that are probably one person, and why; the secretariat decides (``assistant patient merge``)."""

    reason: str
    patients: tuple[Patient, ...]


def birth_dates_one_typo_apart(first: date, second: date) -> bool:
    """One digit differs (1967 / 1976 is two), or the day and the month are inverted (03/02 / 02/03)."""
    if first == second:
        return False
    a, b = first.strftime("%Y%m%d"), second.strftime("%Y%m%d")
    if sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return True
    return (first.year, first.month, first.day) == (second.year, second.day, second.month)


def probable_duplicates(patients: Iterable[Patient]) -> list[DuplicateGroup]:
    """Groups of patients that are probably one person, by the sure-est reason first, then by id.

    Same birth date and surname key (whatever the first name: the secretariat tells twins apart),
    names inverted with the same birth date, or the same names with birth dates one typo apart.
    """
    people = sorted(patients, key=lambda p: p.id or 0)
    keys = {id(p): (name_key(p.last_name), name_key(p.first_name)) for p in people}
    groups: list[DuplicateGroup] = []
    by_birth_and_last: dict[tuple[date, str], list[Patient]] = {}
    by_names: dict[tuple[str, str], list[Patient]] = {}
    for patient in people:
        last, first = keys[id(patient)]
        by_birth_and_last.setdefault((patient.birth_date, last), []).append(patient)
        by_names.setdefault((last, first), []).append(patient)
    for same in by_birth_and_last.values():
        if len(same) > 1:
            exact = len({keys[id(p)][1] for p in same}) == 1
            groups.append(DuplicateGroup(SAME_IDENTITY if exact else SAME_LAST_NAME, tuple(same)))
    for patient in people:
        last, first = keys[id(patient)]
        if last == first:
            continue
        for other in by_names.get((first, last), []):
            if other.birth_date == patient.birth_date and (other.id or 0) > (patient.id or 0):
                groups.append(DuplicateGroup(SWAPPED_NAMES, (patient, other)))
    for same_names in by_names.values():
        for i, patient in enumerate(same_names):
            for other in same_names[i + 1 :]:
                if birth_dates_one_typo_apart(patient.birth_date, other.birth_date):
                    groups.append(DuplicateGroup(BIRTH_DATE_TYPO, (patient, other)))
    order = [SAME_IDENTITY, SAME_LAST_NAME, SWAPPED_NAMES, BIRTH_DATE_TYPO]
    return sorted(groups, key=lambda g: (order.index(g.reason), [p.id or 0 for p in g.patients]))
