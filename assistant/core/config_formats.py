"""The value formats the configuration files share: the practice file and the triage rules.

Both files are written by people, not developers, and both are checked when they are read
(:mod:`assistant.core.practice_config`, :mod:`assistant.core.triage`). A date or a language code must
read the same way in either file, so each such format is defined once, here. Pure.
"""

from __future__ import annotations

import re
from datetime import date

#: A calendar date as the files write it: ``AAAA-MM-JJ`` (``2026-11-23``).
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A language code: ``fr``, ``en``, ``ber`` (ISO 639-1 or 639-2, lowercase).
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def iso_date(text: str) -> date | None:
    """The date ``text`` writes as ``AAAA-MM-JJ``, or None: another form, or no such day (``2026-02-30``)."""
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
