"""Birth dates as patients say or type them, and their corrections ("non, c'est 1967").

"12 mars 1985", "le douze mars mille neuf cent quatre-vingt-cinq", "12/03/85", "1985-03-12",
"douze zéro trois quatre-vingt-cinq", keypad "12031985". Numbers are read by
:mod:`assistant.language.fr.numbers`; Duckling is not needed (spelled-out years are where it fails).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from assistant.core.text import fold_keeping_offsets as fold
from assistant.core.text import normalise
from assistant.language.fr.corrections import corrects_earlier_answer
from assistant.language.fr.lexicon import MONTHS
from assistant.language.fr.numbers import Number, Word, french_number_tokens
from assistant.language.fr.phone import NO_PHONE, parse_phone

_FILLERS = {
    "euh",
    "heu",
    "hum",
    "ben",
    "bah",
    "le",
    "la",
    "l",
    "en",
    "de",
    "du",
    "et",
    "a",
    "ne",
    "nee",
    "né",
    "suis",
    "je",
    "j",
    "ai",
}
_MAX_AGE_YEARS = 120


_TOKEN = re.compile(r"[^\s/.\-,;:'()]+")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Folded tokens with their offsets in ``text`` ("1er" is read "1")."""
    tokens = []
    for match in _TOKEN.finditer(fold(text)):
        word = re.sub(r"^(\d+)(?:er|ere)$", r"\1", match.group(0))
        tokens.append((word, match.start(), match.end()))
    return tokens


def _year(number: Number, day: int, month: int, today: date) -> int | None:
    if number.digits == 4 or number.value >= 1000:
        return number.value
    if number.value < 100 and (number.digits == 2 or not number.written):
        year = 2000 + number.value
        try:
            if date(year, month, day) <= today:
                return year
        except ValueError:
            return None
        return 1900 + number.value
    return None


def _valid_birth_date(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is None:
        return None
    try:
        candidate = date(year, month, day)
    except ValueError:
        return None  # 31 février
    if candidate > today:
        return None
    try:
        oldest = today.replace(year=today.year - _MAX_AGE_YEARS)
    except ValueError:  # 29 February
        oldest = today.replace(year=today.year - _MAX_AGE_YEARS, day=28)
    if candidate < oldest:
        return None
    return candidate


@dataclass(frozen=True)
class BirthDateMatch:
    """A birth date found in a text, with its span (offsets into the original text)."""

    value: date
    start: int
    end: int
    text: str


def find_birth_date(text: str, now: datetime | date) -> BirthDateMatch | None:
    """Like :func:`parse_birth_date`, with where the date was said."""
    today = now.date() if isinstance(now, datetime) else now
    tokens = _tokens(text)
    elements = [
        e for e in french_number_tokens([t for t, _, _ in tokens]) if not (isinstance(e, Word) and e.text in _FILLERS)
    ]

    def match(found: date | None, first: Number | Word, last: Number | Word) -> BirthDateMatch | None:
        if found is None:
            return None
        start, end = tokens[first.first][1], tokens[last.last - 1][2]
        return BirthDateMatch(found, start, end, text[start:end])

    for index, element in enumerate(elements):
        if not isinstance(element, Number):
            continue
        run_start = index == 0 or not isinstance(elements[index - 1], Number)
        if not run_start:
            continue
        # "12 mars 1985", "premier janvier quatre-vingt-dix"
        if index + 2 < len(elements):
            month_word, year_number = elements[index + 1], elements[index + 2]
            if isinstance(month_word, Word) and month_word.text in MONTHS and isinstance(year_number, Number):
                if 1 <= element.value <= 31:
                    month = MONTHS[month_word.text]
                    year = _year(year_number, element.value, month, today)
                    found = match(_valid_birth_date(element.value, month, year, today), element, year_number)
                    if found:
                        return found
        run: list[Number] = [element]
        for following in elements[index + 1 :]:
            if not isinstance(following, Number):
                break
            run.append(following)
        if len(run) == 3:  # "12 03 85", "12/03/1985", "douze zéro trois quatre-vingt-cinq", ISO
            first, second, third = run
            if first.digits == 4 and first.value >= 1000:
                candidate = _valid_birth_date(third.value, second.value, first.value, today)
            else:
                year = _year(third, first.value, second.value, today)
                candidate = _valid_birth_date(first.value, second.value, year, today)
            found = match(candidate, first, third)
            if found:
                return found
        elif len(run) == 1 and element.written and element.digits in (6, 8):  # keypad "12031985"
            digits = str(element.value).zfill(element.digits)
            day, month = int(digits[:2]), int(digits[2:4])
            year = _year(Number(int(digits[4:]), element.digits - 4, True), day, month, today)
            candidate = _valid_birth_date(day, month, year, today)
            if candidate is None and element.digits == 8:
                candidate = _valid_birth_date(int(digits[6:]), int(digits[4:6]), int(digits[:4]), today)  # 19850312
            found = match(candidate, element, element)
            if found:
                return found
    return None


def parse_birth_date(text: str, now: datetime | date) -> date | None:
    """A birth date as patients say or type it, or None.

    Accepts "12 mars 1985", "le douze mars mille neuf cent quatre-vingt-cinq",
    "12/03/1985", "12-03-1985", "1985-03-12", "12 03 85", "douze zéro trois
    quatre-vingt-cinq", keypad input "12031985" / "120385". Two-digit years are
    20xx unless that would be in the future, then 19xx. Impossible dates
    (31 février), future dates and people older than 120 years give None. A run of
    more than three numbers (a phone number) is never read as a date. Duckling is
    not needed here: spelled-out years ("mille neuf cent...") are where it fails.
    """
    found = find_birth_date(text, now)
    return found.value if found else None


_BIRTH_CUE = re.compile(r"\bne(?:e|\(e\))?\s+(?:le|en|au)\b|\bnaissance\b|\bne(?:e)?\s+\d")


def mentions_birth(text: str) -> bool:
    """Whether the utterance talks about a birth ("je suis née le...", "date de naissance")."""
    return bool(_BIRTH_CUE.search(fold(text)))


#: Where a correction starts in a message that also holds the wrong value.
_CORRECTION_START = re.compile(r"\b(?:non|pardon|je me suis trompee?|erreur|en fait|je veux dire)\b")


def birth_date_before_correction(text: str, now: datetime) -> date | None:
    """The (wrong) birth date said before a correction in the same message ("le 2 février 1976, non…")."""
    found = _CORRECTION_START.search(normalise(text))
    return parse_birth_date(text[: found.start()], now) if found and found.start() > 0 else None


def corrected_birth_date(text: str, earlier: date | None, now: datetime) -> date | None:
    """The birth date a correction gives ("non pardon quatre-vingt-onze", said when the phone is asked).

    The correction may be the whole date, or only the year or the day and month of the date
    given just before. Seen on the demo: the year corrected right after the date was read as "no
    phone", and the booking was made under the wrong date. None when it corrects nothing.
    """
    if earlier is None or not corrects_earlier_answer(text) or parse_phone(text) not in (None, NO_PHONE):
        return None
    said = normalise(text)
    # "le 2 février 1976, non attendez, je me suis trompé, c'est 1967": what follows the last
    # correction word is the correction
    last = list(_CORRECTION_START.finditer(said))
    if last and re.search(
        r"\d|\b(?:mille|cent|vingt|trente|quarante|cinquante|soixante|quatre)\b", said[last[-1].end() :]
    ):
        said = said[last[-1].end() :]
    # "1979, pas 1978": the old value after "pas" is not the new one ("pas 1978 mais 1979": after "mais")
    said = said.split(" mais ", 1)[1] if " pas " in f" {said} " and " mais " in said else re.split(r"\bpas\b", said)[0]
    rest = re.sub(
        r"\b(non|pardon|erreur|plutot|je me suis trompee?|c est|cest|en fait|ah|je suis nee?|en|attendez|euh)\b",
        " ",
        said,
    )
    candidates: list[str]
    if set(rest.split()) & set(MONTHS):  # a day and a month, perhaps a year: "le quatre septembre"
        candidates = [text, f"{rest} {earlier.year}"]
    else:  # a year alone: "quatre-vingt-onze", "1991"
        candidates = [f"{earlier.day} {tuple(MONTHS)[earlier.month - 1]} {rest}"]
    for candidate in candidates:
        found = parse_birth_date(candidate, now)
        if found is not None and found != earlier:
            return found
    return None
