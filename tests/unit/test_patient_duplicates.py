"""Probable duplicates among patient records (pure): what the secretariat is shown before a merge."""

from __future__ import annotations

from datetime import date

from assistant.core.identity import (
    BIRTH_DATE_TYPO,
    SAME_IDENTITY,
    SAME_LAST_NAME,
    SWAPPED_NAMES,
    birth_dates_one_typo_apart,
    probable_duplicates,
)
from assistant.core.model import Patient

BIRTH = date(1967, 2, 3)


def found(patients):
    return [(group.reason, [p.id for p in group.patients]) for group in probable_duplicates(patients)]


def test_same_birth_date_and_surname_is_a_probable_duplicate_whatever_the_first_name():
    patients = [
        Patient(1, "Le Gall", "Anne", BIRTH),
        Patient(2, "LEGALL", "Anne-Marie", BIRTH),
        Patient(3, "Le Gall", "Anne", date(1968, 2, 3)),  # another year, one digit apart: a typo
        Patient(4, "Durand", "Anne", BIRTH),
    ]
    assert found(patients) == [(SAME_LAST_NAME, [1, 2]), (BIRTH_DATE_TYPO, [1, 3])]


def test_exact_identities_come_first_then_inverted_names():
    patients = [
        Patient(5, "Bernard", "Martin", BIRTH),
        Patient(6, "Martin", "Bernard", BIRTH),
        Patient(7, "Ndiaye", "Awa", BIRTH),
        Patient(8, "N'Diaye", "Awa", BIRTH),
        Patient(9, "Bernard", "Bernard", BIRTH),
    ]
    assert found(patients) == [(SAME_IDENTITY, [7, 8]), (SAME_LAST_NAME, [5, 9]), (SWAPPED_NAMES, [5, 6])]


def test_nothing_in_common_is_no_duplicate():
    assert found([Patient(1, "Durand", "Léa", BIRTH), Patient(2, "Durand", "Léa", date(1976, 2, 3))]) == []
    assert found([]) == []


def test_birth_dates_one_typo_apart():
    assert birth_dates_one_typo_apart(date(1967, 2, 3), date(1967, 2, 8))
    assert birth_dates_one_typo_apart(date(1967, 2, 3), date(1967, 3, 2))  # day and month inverted
    assert not birth_dates_one_typo_apart(date(1967, 2, 3), date(1976, 2, 3))  # two digits
    assert not birth_dates_one_typo_apart(date(1967, 2, 3), date(1967, 2, 3))
