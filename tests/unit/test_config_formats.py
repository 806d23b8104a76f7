"""The formats the practice file and the triage rules share read the same in both."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.core.config_formats import LANGUAGE_CODE, iso_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23", date(2026, 11, 23)),
        ("2028-02-29", date(2028, 2, 29)),
        ("2026-02-30", None),  # no such day
        ("23/11/2026", None),
        ("2026-11-23 14:00", None),
        ("20261123", None),
        ("", None),
    ],
)
def test_a_date_is_written_aaaa_mm_jj(text, expected):
    assert iso_date(text) == expected


@pytest.mark.parametrize(("text", "ok"), [("fr", True), ("ber", True), ("FR", False), ("fr-FR", False), ("f", False)])
def test_a_language_code_is_two_or_three_lowercase_letters(text, ok):
    assert bool(LANGUAGE_CODE.fullmatch(text)) is ok
