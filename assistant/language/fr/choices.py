"""Which of the options offered a patient picks: a proposed slot ("le deuxième", "celui de 15 h", "le mardi"),
one of their appointments, a practitioner ("avec le docteur Durand", "peu importe"), or none ("aucun")."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo

from assistant.clock import get_timezone
from assistant.core.model import Appointment, AppointmentType, Practice, Slot
from assistant.core.text import normalise
from assistant.core.windows import TimeWish
from assistant.language.fr.lexicon import ANY_ONE, MONTHS, WEEKDAYS
from assistant.language.fr.motifs import resolve_motif
from assistant.language.fr.numbers import NUMBER_WORDS, read_number
from assistant.language.fr.requests import is_hold_on

ANY_PRACTITIONER = "any"


_ORDINALS = {
    "1": 0,
    "premier": 0,
    "premiere": 0,
    "un": 0,
    "une": 0,
    "2": 1,
    "deuxieme": 1,
    "second": 1,
    "seconde": 1,
    "deux": 1,
    "3": 2,
    "troisieme": 2,
    "trois": 2,
    "4": 3,
    "quatrieme": 3,
    "5": 4,
    "cinquieme": 4,
}


def resolve_practitioner(value: str, practice: Practice, motif: AppointmentType | None = None) -> str | None:
    """A practitioner id, :data:`ANY_PRACTITIONER`, or None when ``value`` names nobody here.

    Matches ids, last names, full names and specialties ("le kiné"), accent- and
    case-insensitively; restricted to the motif's practitioners when one is known.
    """
    wanted = normalise(value)
    if not wanted:
        return None
    if wanted == ANY_PRACTITIONER or any(phrase in wanted for phrase in ANY_ONE):
        return ANY_PRACTITIONER
    candidates = [p for p in practice.practitioners if motif is None or p.id in motif.practitioner_ids]
    for practitioner in candidates:
        labels = {normalise(practitioner.id), normalise(practitioner.name), normalise(practitioner.name.split()[-1])}
        if wanted == normalise(practitioner.name.split()[0]) and len(practitioner.name.split()) > 1:
            return practitioner.id  # "avec julie": a first name alone, said for the practitioner
        if wanted in labels or any(re.search(rf"\b{re.escape(label)}\b", wanted) for label in labels if label):
            return practitioner.id
    by_specialty = [p for p in candidates if _specialty_matches(wanted, p.specialty)]
    if len(by_specialty) == 1:
        return by_specialty[0].id
    last_names = {normalise(p.name.split()[-1]): p.id for p in candidates}
    close = difflib.get_close_matches(wanted.split()[-1], list(last_names), n=1, cutoff=0.8)
    return last_names[close[0]] if close else None


_SPECIALTY_WORDS = {
    "kine": ("kine", "kinesitherapeute", "masseur"),
    "infirm": ("infirmier", "infirmiere", "infirmerie"),
    "generaliste": ("generaliste", "medecin", "docteur"),
}


def _specialty_matches(wanted: str, specialty: str) -> bool:
    spec = normalise(specialty)
    for key, words in _SPECIALTY_WORDS.items():
        if key in spec and any(re.search(rf"\b{word}", wanted) for word in words):
            return True
    return False


#: "Aucun ne me convient", "non ça va pas…": the proposals are refused, whatever number or time follows.
_REFUSES_ALL = re.compile(
    r"\b(aucun|aucune|ni l un ni l autre|rien ne|pas possible|impossible|"
    r"(ne|n) (me|nous|m) (convien\w*|va|vont|arrange\w*)|(ca|cela) (ne )?(me )?va pas|"
    r"(ca|cela) (ne )?(m )?arrange pas|pas (ca|celui|celle|ceux)|non (merci|non|c est pas|ca))\b"
)


def refuses_all(text: str) -> bool:
    """Whether an answer to the proposed slots refuses them all ("aucun des trois ne me convient")."""
    said = normalise(text)
    return bool(_REFUSES_ALL.search(said)) or said in ("non", "non non")


def states_a_preference(text: str) -> bool:
    """Whether a refusal also says what would suit ("aucun, plutôt l'après-midi")."""
    return bool(re.search(r"\b(plutot|prefere\w*|mieux|de preference|sinon|par contre)\b", normalise(text)))


def choose_slot(
    text: str,
    proposals: Sequence[Slot],
    practice: Practice,
    option: str | None = None,
    today: date | None = None,
) -> int | None:
    """Which proposal the patient picked (its index), or None if the answer does not say.

    Understands an ordinal ("le deuxième", "le 2", "la dernière"), a time ("celui de
    15 h", "quinze heures trente"), a weekday or day number ("le mardi", "le 26"),
    a practitioner ("avec le docteur Durand"), or a plain yes when only one was proposed.
    """
    if not proposals or refuses_all(text) or is_hold_on(text):
        # "aucun des trois", "attendez deux secondes": a number in them is not a choice
        return None
    said = normalise(text)
    tz = get_timezone(practice.timezone)
    dated = said_date(said)
    if dated is not None:
        # "2 mai 1960", said for the birth date, chose the second slot (QA): a date is never an ordinal;
        # it names a proposal only by that proposal's own day and month ("celui du 26 novembre")
        on_that_day = {
            i
            for i, slot in enumerate(proposals)
            if (slot.start.astimezone(tz).day, slot.start.astimezone(tz).month) == dated
        }
        year = re.search(r"\b(?:1[89]|20)\d\d\b", said)
        if not on_that_day or (
            year and all(proposals[i].start.astimezone(tz).year != int(year.group(0)) for i in on_that_day)
        ):
            return None
        option = None
    if option:
        index = _ordinal_index(normalise(option), len(proposals))
        if index is not None:
            return index
    local = [slot.start.astimezone(tz) for slot in proposals]
    matches = on_that_day if dated is not None else set(range(len(proposals)))
    offered = {slot.practitioner_id for slot in proposals}
    if any(
        _names_practitioner(said, practice, p.id) for p in practice.practitioners if p.id not in offered
    ) and not any(_names_practitioner(said, practice, pid) for pid in offered):
        return None  # "non je préfère le docteur Durand, 14 h 30 alors": someone not offered, a new search
    relative = _relative_day(said, today)
    if relative is not None:
        # "demain soir vers 17 h" while Friday was read: only a proposal on that day can be meant
        matches &= {i for i, start in enumerate(local) if start.date() == relative}
        if not matches:
            return None

    hour_minute = _spoken_time(said)
    if hour_minute is not None:
        by_time = {i for i, start in enumerate(local) if (start.hour, start.minute) == hour_minute}
        by_hour = {i for i, start in enumerate(local) if start.hour == hour_minute[0]}
        matches &= by_time or by_hour
    weekday = _weekday(said)
    if weekday is not None:
        matches &= {i for i, start in enumerate(local) if start.weekday() == weekday}
    day_number = _day_number(said)
    if day_number is not None and not any(start.day == day_number for start in local) and day_number <= len(proposals):
        day_number = None  # "le 2" with no proposal on the 2nd: the second proposal
    if day_number is not None:
        matches &= {i for i, start in enumerate(local) if start.day == day_number}
    who = {i for i, slot in enumerate(proposals) if _names_practitioner(said, practice, slot.practitioner_id)}
    if who and len({slot.practitioner_id for slot in proposals}) > 1:
        matches &= who
    specific = (
        hour_minute is not None
        or weekday is not None
        or day_number is not None
        or bool(who)
        or relative is not None
        or dated is not None
    )
    if specific:
        return matches.pop() if len(matches) == 1 else None
    index = _ordinal_index(said, len(proposals))
    if index is not None:
        return index
    if len(proposals) == 1 and re.search(
        r"\b(oui|ouais|ok|okay|d accord|parfait|tres bien|ca me va|ca va|ca marche|entendu|volontiers|je prends|c est bon)\b",
        said,
    ):
        return 0
    return None


def _ordinal_index(said: str, count: int) -> int | None:
    if re.search(r"\b(dernier|derniere|last)\b", said):
        return count - 1
    for word in re.findall(r"[a-z0-9]+", said):
        if word in _ORDINALS and _ORDINALS[word] < count:
            # "un"/"une" are too common to count alone ("un rendez-vous"): only as "le un", "la une".
            if word in ("un", "une") and not re.search(r"\b(le|la) une?\b", said):
                continue
            return _ORDINALS[word]
    return None


#: Number words around "heure(s)": "quatorze heures", "dix heures quarante cinq", "neuf heures et demie".
_CLOCK_NUMBER = "|".join(sorted(NUMBER_WORDS | {"et"}, key=len, reverse=True))


_SPOKEN_CLOCK = re.compile(
    rf"\b((?:(?:{_CLOCK_NUMBER})\s+)+)heures?\b(?:\s+(et demie|et quart|moins le quart|(?:(?:{_CLOCK_NUMBER})\b\s*)+))?"
)


def _spoken_time(said: str) -> tuple[int, int] | None:
    match = re.search(r"\b(\d{1,2})\s*(?:h|heures?)\s*(\d{2})?\b", said)
    if match:
        return int(match.group(1)), int(match.group(2) or 0)
    if re.search(r"\bmidi et demi", said):
        return 12, 30
    if re.search(r"\bmidi\b", said):
        return 12, 0
    match = _SPOKEN_CLOCK.search(said)
    if not match:
        return None
    before = match.group(1).split()
    # the longest run of words just before "heures" that is one number ("et deux heures" is 2)
    hour = next((n for i in range(len(before)) if (n := read_number(before[i:])) is not None), None)
    if hour is None:
        return None
    tail = (match.group(2) or "").strip()
    if tail == "et demie":
        return hour, 30
    if tail == "et quart":
        return hour, 15
    if tail == "moins le quart":
        return hour - 1, 45
    after = tail.split()
    minute = next((n for i in range(len(after), 0, -1) if (n := read_number(after[:i])) is not None), 0)
    return hour, minute


def _weekday(said: str) -> int | None:
    found = {day for day, word in enumerate(WEEKDAYS) if re.search(rf"\b{word}\b", said)}
    return found.pop() if len(found) == 1 else None


_DAY_OF_MONTH = re.compile(
    rf"\b(\d{{1,2}}|1er|premier|(?:(?:{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})\s*)+)\s+"
    rf"({'|'.join(MONTHS)})\b"
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s+(\d{1,2})\s+(?:\d{2}|\d{4})\b")


def said_date(said: str) -> tuple[int, int] | None:
    """The (day, month) of a date in a folded answer ("2 mai 1960", "le premier mars", "12/03/1985"), or None."""
    match = _NUMERIC_DATE.search(said)
    if match and 1 <= int(match.group(1)) <= 31 and 1 <= int(match.group(2)) <= 12:
        return int(match.group(1)), int(match.group(2))
    match = _DAY_OF_MONTH.search(said)
    if match is None:
        return None
    day_words = match.group(1).strip()
    if day_words.isdigit():
        day = int(day_words)
    elif day_words in ("1er", "premier"):
        day = 1
    else:
        day = read_number(day_words.split()) or 0
    return (day, MONTHS[match.group(2)]) if 1 <= day <= 31 else None


def _day_number(said: str) -> int | None:
    match = re.search(r"\b(?:le|du)\s+(\d{1,2})\b(?!\s*(?:h|heures?))", said)
    if match and 1 <= int(match.group(1)) <= 31:
        return int(match.group(1))
    return None


def appointments_named(
    upcoming: Sequence[Appointment],
    practice: Practice,
    text: str,
    wish: TimeWish | None,
) -> list[Appointment]:
    """The patient's appointments a request names ("mon rendez-vous chez le kiné du 23 décembre"), earliest first.

    A motif, a practitioner and a day said in the request narrow the list; what names none of them
    is not used. Phone QA: "annuler mon rendez-vous chez le kiné du 23 décembre" was answered with the
    vaccination of 26 November, the next one, and the December one could not be reached.
    """
    said = normalise(text)
    kept = list(upcoming)
    motif = resolve_motif(text, practice) if said else None
    if motif is not None:
        kept = [a for a in kept if a.appointment_type_id == motif.id] or kept
    who = {p.id for p in practice.practitioners if _names_practitioner(said, practice, p.id)}
    who |= {p.id for p in practice.practitioners if _specialty_matches(said, p.specialty)}
    if who:
        kept = [a for a in kept if a.practitioner_id in who] or kept
    if wish is not None and not wish.is_open:
        tz = get_timezone(practice.timezone)
        kept = [a for a in kept if _on_wished_day(a.start, wish, tz)] or kept
    return kept


def _on_wished_day(start: datetime, wish: TimeWish, tz: tzinfo) -> bool:
    """Whether ``start`` falls on a day the wish names (its intervals, its weekdays)."""
    local = start.astimezone(tz)
    if wish.intervals and not any(i.start <= start < i.end for i in wish.intervals):
        return False
    return not wish.weekdays or local.weekday() in wish.weekdays


def _relative_day(said: str, today: date | None) -> date | None:
    """The day "aujourd'hui", "demain" or "après-demain" names (folded text), if ``today`` is known."""
    if today is None:
        return None
    if re.search(r"\bapres demain\b", said):
        return today + timedelta(days=2)
    if re.search(r"\bdemain\b", said):
        return today + timedelta(days=1)
    if re.search(r"\baujourd hui\b|\bce (?:matin|soir|midi)\b|\bcet apres midi\b", said):
        return today
    return None


def _names_practitioner(said: str, practice: Practice, practitioner_id: str) -> bool:
    try:
        practitioner = practice.practitioner(practitioner_id)
    except KeyError:
        return False
    last = normalise(practitioner.name.split()[-1])
    return bool(last) and re.search(rf"\b{re.escape(last)}\b", said) is not None


def today_in(practice: Practice, now: datetime) -> datetime:
    return now.astimezone(get_timezone(practice.timezone))
