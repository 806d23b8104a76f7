"""Whether a message says goodbye, in the words French callers use to take leave.

The classifier must give every message an intent, and a goodbye ends a phone call. It read "bon alors
avec gregoire" (an answer to the practitioner question, a name it did not know) as a goodbye and the
line hung up (QA, 2026-12-07). A goodbye is taken only where the caller says one of these words; every
goodbye of the training data does (a unit test keeps it so).

Pure functions on folded text.
"""

from __future__ import annotations

import re

from assistant.core.text import normalise
from assistant.language.fr.lexicon import WEEKDAYS

#: Words that take leave on their own.
_PARTING_WORDS = ("au revoir", "revoir", "bye", "ciao", "tchao", "salut", "adieu", "bisous", "bisou", "au plaisir")
#: "à …": when the caller will be seen or heard again.
_UNTIL = (
    "bientot",
    "tres bientot",
    "plus",
    "toute",
    "tout a l heure",
    "la prochaine",
    "la revoyure",
    "demain",
    "la semaine",
    *WEEKDAYS,
)
#: "bon(ne) …", "bonnes …": what the caller wishes.
_WISHES = ("journee", "soiree", "nuit", "fin", "week", "we", "aprem", "apres", "continuation", "courage")
_WISHES_TOO = ("dimanche", "semaine", "fete", "fetes", "annee", "vacances", "route")
#: How a caller says they are going.
_LEAVING = (
    "je vous laisse",
    "je vais vous laisser",
    "je raccroche",
    "je coupe",
    "je file",
    "je dois y aller",
    "on se reparle",
    "on se rappelle",
    "on se dit",
    "on se voit",
    "on se verra",
    "nous nous verrons",
    "prenez soin",
    "passez un",
    "passez une",
    "je vous souhaite",
    "joyeux",
    "excellente journee",
    "excellent journee",
    "excellente soiree",
)

#: How French callers take leave (folded: no accents, apostrophes as spaces).
_FAREWELL = re.compile(
    r"\b(?:"
    + "|".join(
        (
            *_PARTING_WORDS,
            rf"a (?:(?:ce |cet |cette )?(?:{'|'.join(_UNTIL)}))",
            rf"bon(?:ne)? (?:{'|'.join(_WISHES + _WISHES_TOO)})",
            r"bonnes (?:fetes|vacances)",
            *_LEAVING,
        )
    )
    + r")(?![a-z])"
)


#: "a+", "à +": folding drops the "+".
_SEE_YOU = re.compile(r"(?<!\w)(?:a|à)\s?\+")


def says_goodbye(text: str) -> bool:
    """Whether ``text`` takes leave ("au revoir", "bonne journée", "à mardi alors", "je vous laisse", "a+")."""
    return bool(_FAREWELL.search(normalise(text)) or _SEE_YOU.search(text.lower()))
