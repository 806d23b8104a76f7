"""French wording of dates and times, for the ear and for SMS: "jeudi 26 novembre", "15 h 30", "midi".

No digits-with-colons ("15:30" is read "quinze deux-points trente" by a voice). Pure functions of
their arguments: the conversation (:mod:`assistant.dialogue.speech`, which re-exports them) and the
confirmation SMS (:mod:`assistant.language.fr.sms`) say dates the same way.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from assistant.language.fr.lexicon import WEEKDAYS as DAYS

#: Written with their accents (the lexicon's are folded, for reading).
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def say_time(value: time) -> str:
    """15:30 → "15 h 30", 9:00 → "9 h", 12:00 → "midi", 12:30 → "midi et demi"."""
    if value.hour == 12 and value.minute in (0, 30):
        return "midi" if value.minute == 0 else "midi et demi"
    if value.minute == 0:
        return f"{value.hour} h"
    return f"{value.hour} h {value.minute:02d}"


def say_date(day: date, today: date | None = None, with_year: bool = False) -> str:
    """ "aujourd'hui", "demain", or "jeudi 26 novembre" ("lundi 1er décembre")."""
    if today is not None:
        if day == today:
            return "aujourd'hui"
        if day == today + timedelta(days=1):
            return "demain"
    text = f"{DAYS[day.weekday()]} {say_day_month(day)}"
    if with_year:
        text += f" {day.year}"
    return text


def say_day_month(day: date) -> str:
    """ "9 janvier", "1er mars"."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]}"
