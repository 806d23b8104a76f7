"""The shared French lexicons, one copy each: weekdays, months, parts of day, hesitations, "any" words.

Every word here is folded as the readers fold what they read (lowercase, no accents:
:func:`assistant.core.text.normalise`, or :func:`assistant.core.text.fold_keeping_offsets` for the
patterns that keep apostrophes and offsets).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time

from assistant.core.model import TimeRange
from assistant.core.text import normalise
from assistant.core.windows import AFTERNOON, EVENING, LATE_AFTERNOON, LUNCHTIME, MORNING

#: Monday first, as ``date.weekday()`` numbers them.
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
#: Month names, folded ("février" → "fevrier"), with their numbers.
MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}

# -- parts of day (on fold_keeping_offsets text: apostrophes and dashes kept)

EARLY_MORNING = TimeRange(time(7, 0), time(10, 0))
LATE_MORNING = TimeRange(time(10, 0), time(12, 0))
EARLY_AFTERNOON = TimeRange(time(13, 0), time(15, 0))
EARLY_EVENING = TimeRange(time(18, 0), time(20, 0))

_DET = r"(?:(?:dans|en|pour|vers|pendant|durant|sur|au|tout)\s+)?(?:(?:le|la|les|ce|cet|cette|du|de la|de l'|l')\s*)?"
_APREM = r"(?:apres[- ]?midis?|apres[- ]m\b|aprem(?:s)?\b|apm\b)"

#: Parts of day, most specific first. Spans include their determiner ("dans l'après-midi").
PARTS_OF_DAY: tuple[tuple[re.Pattern[str], TimeRange], ...] = tuple(
    (re.compile(pattern), wall)
    for pattern, wall in (
        (rf"\b{_DET}(?:tout\s+)?debut\s+(?:de\s+|d'|d\s+)(?:la\s+)?mat(?:in|inee)\b", EARLY_MORNING),
        (r"\b(?:tres\s+)?(?:tot|de bonne heure)\s+(?:le|dans la|en)\s+mat(?:in|inee)\b", EARLY_MORNING),
        (rf"\b{_DET}mat(?:in|inee)\s+(?:tres\s+)?(?:tot|de\s+bonne\s+heure)\b", EARLY_MORNING),
        (r"\b(?:tres\s+)?de\s+bonne\s+heure\b", EARLY_MORNING),
        (r"\b(?:a\s+la\s+|en\s+)?premiere\s+heure\b", EARLY_MORNING),
        (rf"\b{_DET}fin\s+(?:de\s+|d'|d\s+)(?:la\s+)?mat(?:in|inee)\b", LATE_MORNING),
        (rf"\b{_DET}(?:tout\s+)?debut\s+(?:d'|d\s+|de\s+l'|de\s+l\s+|de\s+)\s*{_APREM}", EARLY_AFTERNOON),
        (rf"\b{_DET}(?:tout\s+)?fin\s+(?:d'|d\s+|de\s+l'|de\s+l\s+|de\s+)\s*{_APREM}", LATE_AFTERNOON),
        (rf"\b{_DET}fin\s+de\s+(?:la\s+)?journee\b", LATE_AFTERNOON),
        (rf"\b{_DET}debut\s+de\s+(?:la\s+)?soiree\b", EARLY_EVENING),
        (r"\bentre\s+midi\s+et\s+(?:deux|2|14\s*h(?:eures)?|quatorze\s+heures)\b", LUNCHTIME),
        (
            r"\b(?:a\s+|sur\s+|pendant\s+)?(?:l'heure|la\s+pause|le\s+temps)\s+(?:du\s+|de\s+|de\s+la\s+)?(?:midi|dejeuner)\b",
            LUNCHTIME,
        ),
        (r"\bpause\s+(?:de\s+)?(?:midi|dejeuner)\b", LUNCHTIME),
        (rf"\b{_DET}mat(?:in|inee)s?\b", MORNING),
        (rf"\b{_DET}{_APREM}", AFTERNOON),
        (rf"\b{_DET}soir(?:ee)?s?\b", EVENING),
    )
)


# -- "any time", "anyone"

#: "N'importe quand", "peu importe", "ça m'est égal"...: an open time wish (fold_keeping_offsets text).
ANY_TIME = re.compile(
    r"\b(?:n'?importe\s+(?:quand|quel\s+(?:jour|moment|creneau|horaire))|quand\s+vous\s+(?:voulez|pouvez)"
    r"|peu\s+importe(?:\s+(?:le\s+jour|l'heure|quand))?|ca\s+m'est\s+(?:egal|indifferent)|comme\s+vous\s+(?:voulez|preferez)"
    r"|je\s+suis\s+(?:tres\s+)?(?:flexible|disponible\s+tout\s+le\s+temps|dispo\s+tout\s+le\s+temps)"
    r"|a\s+tout\s+moment|(?:pas\s+de|aucune)\s+preference|quel\s+que\s+soit\s+le\s+(?:jour|moment))"
)

#: "Peu importe", "le premier disponible", "n'importe lequel"...: any of the people or options offered
#: (normalised text; a phrase found anywhere in the answer).
ANY_ONE = (
    "any",
    "importe",  # "n'importe …", "peu importe …", even when only that word was extracted
    "peu importe",
    "pas de preference",
    "le premier disponible",
    "le plus tot",
    "premier dispo",
    "egal",
    "qui vous voulez",
    "indifferent",
    "aucune preference",
    "n importe lequel",
    "n importe laquelle",
)


# -- hesitations


def alternation(words: Iterable[str], between: str = r"[\s'-]+") -> str:
    """A regex alternation of folded ``words``, longest first (so that "grand mere" wins over "mere"), each space
    in a word matching ``between`` (spaces, a dash, an apostrophe: "belle-mère", "grand'mère")."""
    return "|".join(re.escape(word).replace(r"\ ", between) for word in sorted(words, key=lambda w: (-len(w), w)))


#: Articles, folded ("l'" and "d'" as "l" and "d"): words that name nothing on their own.
ARTICLES = frozenset({"le", "la", "les", "l", "un", "une", "des", "du", "de", "d"})

#: Sounds of a phone transcript that carry no meaning on their own (letters repeated any number
#: of times are read once: "euuuh", "hmmm", "pfff").
HESITATIONS = frozenset({"euh", "eu", "heu", "hum", "hm", "m", "mh", "ben", "bah", "beh", "hein", "pf"})


def is_only_hesitation(text: str) -> bool:
    """True when a message is nothing but hesitations ("hmm euh ben", "hein ?"): not understood.

    Such a message must count as a misunderstanding whatever the classifier guesses; two in a
    row hand the conversation to the secretariat.
    """
    words = normalise(text).split()
    return bool(words) and all(is_hesitation(word) for word in words)


def is_hesitation(word: str) -> bool:
    """True for one normalised word that is a hesitation, its letters repeated any number of times."""
    return re.sub(r"(.)\1+", r"\1", word) in HESITATIONS


#: Words of a motif phrase or answer that name no motif ("c'est pour un bilan", "un rendez-vous pour une …").
MOTIF_FILLERS = frozenset(
    (
        "a",
        "alors",
        "au",
        "aux",
        "avec",
        "avoir",
        "ben",
        "besoin",
        "c",
        "ce",
        "d",
        "de",
        "des",
        "du",
        "en",
        "est",
        "et",
        "euh",
        "faire",
        "fait",
        "juste",
        "l",
        "la",
        "le",
        "les",
        "ma",
        "mes",
        "mon",
        "ou",
        "oui",
        "petit",
        "petite",
        "plutot",
        "pour",
        "rdv",
        "rendez",
        "sa",
        "sera",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "vous",
    )
)
