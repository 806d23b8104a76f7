"""The formats the practice file and the triage rules share read the same in both."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.core.config_formats import LANGUAGE_CODE, iso_date


def test_a_date_is_written_aaaa_mm_jj():
    assert iso_date("2026-11-23") == date(2026, 11, 23)
    assert iso_date("2028-02-29") == date(2028, 2, 29)


@pytest.mark.parametrize("text", ["2026-02-30", "23/11/2026", "2026-11-23 14:00", "20261123", ""])
def test_anything_else_is_no_date(text):
    assert iso_date(text) is None  # "2026-02-30": no such day


@pytest.mark.parametrize(("text", "ok"), [("fr", True), ("ber", True), ("FR", False), ("fr-FR", False), ("f", False)])
def test_a_language_code_is_two_or_three_lowercase_letters(text, ok):
    assert bool(LANGUAGE_CODE.fullmatch(text)) is ok
