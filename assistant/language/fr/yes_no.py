"""Yes at the start of an answer that goes on ("oui c'est ça, je dois apporter quoi ?")."""

from __future__ import annotations

import re

from assistant.core.text import normalise

_YES_OPENING = re.compile(
    r"(?:(?:euh|ben|bah|alors)\s+)*(?:oui|ouais|okay|ok|d accord|daccord|parfait|exactement|tout a fait|tres bien"
    r"|ca marche|ca me va|c est ca|c est bon|c est parfait|c est tres bien|je confirme|confirme|allez y|volontiers)"
    r"(?:\s+(?:oui|c est ca|c est bon|parfait|merci|je confirme|d accord))*"
)


_BUT = re.compile(r"(?:mais|non|sauf|pas|attendez|euh non)\b")


def opens_with_yes(text: str) -> bool:
    """Whether ``text`` begins with a plain yes followed by something else ("Oui. Et il y a un parking ?").

    A read-back answered "oui c'est ça, je dois apporter quoi ?" is classified as the question: the
    yes must not be lost (the booking was never made, and the caller believed it was). A yes followed
    by "mais", "non" or "pas" is not a plain yes.
    """
    said = normalise(text)
    match = _YES_OPENING.match(said)
    if match is None or match.end() == len(said) or said[match.end()] != " ":
        return False
    return _BUT.match(said[match.end() :].strip()) is None
