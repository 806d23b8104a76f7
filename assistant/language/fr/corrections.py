"""Whether a message sets an earlier answer right ("non c'est Durand", "pardon, Dupond")."""

from __future__ import annotations

import re

from assistant.core.text import normalise

#: Words that set an earlier answer right: "non c'est Durand", "mon prénom c'est Léa", "pardon, Dupond".
_CORRECTION = re.compile(
    r"\b(non|pas|pardon|erreur|plutot|corrige\w*|rectifie\w*|je m appelle|(?:mon|son) (?:nom|prenom)|prenom)\b"
)


def corrects_earlier_answer(text: str) -> bool:
    """Whether a message says that an answer given earlier was wrong (folded, see core.text.normalise)."""
    return _CORRECTION.search(normalise(text)) is not None
