"""French numbers, in words and in digits: one reader for birth dates, clock times and choices.

"mille neuf cent quatre-vingt-cinq", "soixante et onze", the Belgian and Swiss "septante",
"octante"/"huitante", "nonante"; words are folded first (lowercase, no accents:
:func:`assistant.core.text.normalise`). Phone numbers need digit strings instead ("zéro six" is
"06", not 6): :mod:`assistant.language.fr.phone` reads them with ``text_to_num.alpha2digit``, and
takes from here only :data:`DIGIT_WORDS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NUMBER_UNITS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
}
NUMBER_TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
#: Tens, with the Belgian and Swiss ones ("septante", "octante"/"huitante", "nonante") that
#: patients from there say, and the plural "vingts" of "quatre-vingts".
NUMBER_TENS = {
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "octante": 80,
    "huitante": 80,
    "nonante": 90,
}
#: Every word of a number ("un"/"une" included: callers that take them for articles leave them out).
NUMBER_WORDS = frozenset({*NUMBER_UNITS, *NUMBER_TEENS, *NUMBER_TENS, "cent", "cents", "mille"})
#: The digits in words, as a phone number is read digit by digit ("une" is never a digit there).
DIGIT_WORDS = {word: str(value) for word, value in NUMBER_UNITS.items() if word != "une"}
#: "le premier", "1er": one, as a day of the month.
ORDINAL_ONE = frozenset({"premier", "1er", "1ere", "premiere"})


@dataclass(frozen=True)
class Number:
    value: int
    digits: int  # how many digits it was said/written with (2 for "zéro trois", "85")
    written: bool  # written in digits (not words)
    first: int = 0  # token indexes covered: [first, last)
    last: int = 0


@dataclass(frozen=True)
class Word:
    text: str
    first: int
    last: int


def french_number_tokens(words: Sequence[str]) -> list[Number | Word]:
    """Group French number words into numbers; other tokens pass through as words.

    "mille neuf cent quatre vingt cinq" → 1985, "dix neuf cent" → 1900,
    "douze zero trois quatre vingt cinq" → 12, 03, 85 (a zero followed by a unit is a
    two-digit group, as when reading a date digit by digit). Words are folded
    (lowercase, no accents), as :func:`assistant.core.text.fold_keeping_offsets` makes them.
    """
    out: list[Number | Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.isdigit():
            out.append(Number(int(word), len(word), True, i, i + 1))
            i += 1
            continue
        if word in ORDINAL_ONE:
            out.append(Number(1, 1, False, i, i + 1))
            i += 1
            continue
        if word == "zero":
            if i + 1 < len(words) and words[i + 1] in NUMBER_UNITS and words[i + 1] != "zero":
                out.append(Number(NUMBER_UNITS[words[i + 1]], 2, False, i, i + 2))
                i += 2
            else:
                out.append(Number(0, 1, False, i, i + 1))
                i += 1
            continue
        total, current, last, j = 0, 0, None, i
        while j < len(words):
            w = words[j]
            if w == "et" and last == "tens" and j + 1 < len(words) and words[j + 1] in ("un", "une", "onze"):
                j += 1
                continue
            if w in NUMBER_UNITS and w != "zero":
                unit = NUMBER_UNITS[w]
                if last is None or last in ("cent", "mille"):
                    current += unit
                elif last == "tens" and current % 10 == 0:
                    current += unit
                elif last == "dix" and current % 100 in (10, 70, 90) and unit in (7, 8, 9):
                    current += unit
                else:
                    break
                last = "unit"
            elif w in NUMBER_TEENS:
                teen = NUMBER_TEENS[w]
                if last is None or last in ("cent", "mille"):
                    current += teen
                elif last == "tens" and current % 100 in (60, 80):
                    current += teen
                else:
                    break
                last = "dix" if w == "dix" else "teen"
            elif w in NUMBER_TENS:
                if w.startswith("vingt") and last == "unit" and current % 100 == 4:
                    current += 76  # quatre vingt(s)
                elif last is None or last in ("cent", "mille"):
                    current += NUMBER_TENS[w]
                else:
                    break
                last = "tens"
            elif w in ("cent", "cents"):
                if current >= 100 and last != "mille":
                    break
                small = current % 1000
                current = current - small + (small or 1) * 100
                last = "cent"
            elif w in ("mille", "mil"):
                if total or current >= 1000:
                    break
                total += (current or 1) * 1000
                current = 0
                last = "mille"
            else:
                break
            j += 1
        if j == i:
            out.append(Word(word, i, i + 1))
            i += 1
            continue
        value = total + current
        out.append(Number(value, len(str(value)), False, i, j))
        i = j
    return out


def read_number(words: Sequence[str]) -> int | None:
    """The number ``words`` say, all of them together ("quarante cinq" → 45), or None."""
    tokens = french_number_tokens(words)
    if len(tokens) == 1 and isinstance(tokens[0], Number) and not tokens[0].written:
        return tokens[0].value
    return None
