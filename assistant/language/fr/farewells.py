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

_WEEKDAYS = r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"

#: How French callers take leave (folded: no accents, apostrophes as spaces).
_FAREWELL = re.compile(
    r"\b(?:au revoir|revoir|bye|ciao|tchao|salut|adieu|bisous?"
    r"|a (?:bientot|plus|toute|tout a l heure|la prochaine|la revoyure|demain|tres bientot|la semaine"
    rf"|(?:ce |cet |cette )?(?:{_WEEKDAYS}))"
    r"|au plaisir|bon(?:ne)? (?:journee|soiree|nuit|fin|week|we|aprem|apres|continuation|courage|dimanche|semaine"
    r"|fete|fetes|annee|vacances|route)|bonnes (?:fetes|vacances)|joyeux|excellente? (?:journee|soiree)"
    r"|je vous laisse|je raccroche|je coupe|je file|je dois y aller|je vais vous laisser|on se (?:reparle|rappelle|dit|voit)"
    r"|nous nous verrons|on se verra|prenez soin|passez (?:un|une)|je vous souhaite)"
    r"(?![a-z])"
)


#: "a+", "à +": folding drops the "+".
_SEE_YOU = re.compile(r"(?<!\w)(?:a|à)\s?\+")


def says_goodbye(text: str) -> bool:
    """Whether ``text`` takes leave ("au revoir", "bonne journée", "à mardi alors", "je vous laisse", "a+")."""
    return bool(_FAREWELL.search(normalise(text)) or _SEE_YOU.search(text.lower()))
