"""Answers that are nothing but a phone number or a time, whatever the classifier guessed."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.core.text import normalise
from assistant.language.fr.lexicon import HESITATIONS, is_hesitation
from assistant.language.fr.numbers import NUMBER_TEENS, NUMBER_TENS, NUMBER_UNITS
from assistant.language.fr.phone import NO_PHONE, parse_phone

#: Words around a bare answer that add nothing to it: "euh c'est le zéro six…", "plutôt vendredi
#: dans l'après-midi". Kept short on purpose: any other word makes the message more than an answer.
_ANSWER_FILLERS = HESITATIONS | frozenset(
    [
        "alors",
        "donc",
        "voila",
        "bon",
        "c",
        "est",
        "ce",
        "le",
        "la",
        "l",
        "les",
        "de",
        "d",
        "du",
        "des",
        "dans",
        "en",
        "a",
        "au",
        "plutot",
        "disons",
        "si",
        "possible",
        "par",
        "exemple",
        "ou",
        "bien",
        "et",  # a follow-up: "et samedi ?", "et pour demain"
        "pour",
        "bonne",  # "mercredi matin de bonne heure"
        "heure",
        "tot",
    ]
)


#: Words that may surround or make up a spoken phone number.
_PHONE_WORDS = frozenset(
    ["mon", "numero", "portable", "telephone", "tel", "et", "plus", *NUMBER_UNITS, *NUMBER_TEENS, *NUMBER_TENS]
)


def _is_filler(word: str, extra: frozenset[str] | set[str] = frozenset()) -> bool:
    return word in _ANSWER_FILLERS or word in extra or is_hesitation(word)


def is_bare_phone_answer(text: str) -> bool:
    """True when a message is a phone number and nothing else ("euh zéro six douze…", "06 12 34 56 78").

    Such a message answers "à quel numéro ?" whatever intent the classifier guessed for a string
    of number words; anything more ("je voudrais parler à quelqu'un, c'est le 06…") is not bare.
    """
    phone = parse_phone(text)
    if phone is None or phone == NO_PHONE:
        return False
    return all(word.isdigit() or _is_filler(word, _PHONE_WORDS) for word in normalise(text).split())


def is_bare_time_answer(text: str, spans: Sequence[tuple[int, int]]) -> bool:
    """True when, besides the time expressions at ``spans`` (start, end offsets), a message holds only fillers.

    "vendredi après-midi", "euh jeudi dans l'après-midi" answer "quand ?": they are not a question
    about the opening hours, whatever the classifier guessed.
    """
    if not spans:
        return False
    rest, cursor = [], 0
    for start, end in sorted(spans):
        if not (0 <= start < end <= len(text)) or start < cursor:
            return False
        rest.append(text[cursor:start])
        cursor = end
    rest.append(text[cursor:])
    return all(_is_filler(word) for word in normalise(" ".join(rest)).split())
