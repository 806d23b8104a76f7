"""Reading the command line's dates, times and practitioners; bad input is a :class:`UsageError` (exit 2)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from assistant.cli.base import UsageError
from assistant.cli.output import tz
from assistant.core.model import Practice
from assistant.core.windows import day_bounds


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} attend une date AAAA-MM-JJ, pas « {value} ».") from None


def parse_day(value: str, today: date) -> date:
    keywords = {"today": 0, "aujourd'hui": 0, "aujourdhui": 0, "tomorrow": 1, "demain": 1}
    if value.lower() in keywords:
        return today + timedelta(days=keywords[value.lower()])
    return parse_date(value, "--day")


def parse_local(value: str, practice: Practice, end_of_day: bool = False) -> datetime:
    """An ISO date or date-time in the practice's local time (an offset, if given, is honoured)."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            bounds = day_bounds(day, tz(practice))
            return bounds.end if end_of_day else bounds.start
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"Date-heure invalide « {value} » : attendu AAAA-MM-JJTHH:MM.") from None
    if parsed.tzinfo is None:
        from assistant.core.windows import local_datetime

        return local_datetime(parsed.date(), parsed.time(), tz(practice))
    return parsed


def check_practitioner(practice: Practice, practitioner_id: str) -> None:
    try:
        practice.practitioner(practitioner_id)
    except KeyError:
        known = ", ".join(p.id for p in practice.practitioners)
        raise UsageError(f"Praticien inconnu « {practitioner_id} » (connus : {known}).") from None
