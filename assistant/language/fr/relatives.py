"""The relative a call is about: "c'est pour mon fils", "le bilan de ma mère", "mon bébé est encombré".

The annotation guide (docs/nlu-data.md) tags the relative the appointment, the question or the emergency
is for as ``relation`` (child, parent, spouse, other). The model finds most of them but, from one
training to the next, misses some plain ones ("mon fils ne viendra pas"), and reads "une femme" of "un
homme ou une femme" as a spouse. A relative named with a first-person possessive is an everyday
pattern, the same for every practice: a lexicon here finds the ones the model missed, and tells the
words that name nobody's relative.

Pure functions on folded text, with offsets into the original (:func:`fold_keeping_offsets`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.core.text import fold_keeping_offsets
from assistant.language.fr.lexicon import alternation

#: Relatives, folded, and their ``relation`` value (the values of data/nlu/synonyms.yml's relation block).
RELATIVES: dict[str, str] = {
    **dict.fromkeys(
        (
            "fils",
            "fille",
            "filles",
            "enfant",
            "enfants",
            "bebe",
            "bebes",
            "nourrisson",
            "ado",
            "garcon",
            "fiston",
            "gamin",
            "gamine",
            "fillette",
        ),
        "child",
    ),
    **dict.fromkeys(("mere", "pere", "maman", "papa", "parents"), "parent"),
    **dict.fromkeys(
        ("mari", "femme", "epouse", "epoux", "conjoint", "conjointe", "compagnon", "compagne", "copine", "copain"),
        "spouse",
    ),
    **dict.fromkeys(
        (
            "grand mere",
            "grand pere",
            "grands parents",
            "mamie",
            "papy",
            "soeur",
            "sœur",
            "frere",
            "voisine",
            "voisin",
            "belle mere",
            "beau pere",
            "neveu",
            "niece",
            "tante",
            "oncle",
            "petit fils",
            "petite fille",
        ),
        "other",
    ),
}

_WORDS = alternation(RELATIVES, between=r"[\s-]+")
#: A relative with a first-person possessive ("mon fils", "ma petite fille", "nos enfants"), or the baby.
_MINE = re.compile(
    rf"(?<![\w'])(?:(?:mon|ma|mes|notre|nos)\s+(?:(?:petit|petite|grand|grande|jeune|cher|chere)\s+)?({_WORDS})"
    r"|(?:le|du|au)\s+(bebe|nourrisson))(?![\w'])"
)
#: After a relative, the words that make them who sent or brought the caller, not whom the call is about:
#: "ma femme m'a dit d'appeler", "mon fils m'accompagne".
_NOT_THE_PATIENT_AFTER = re.compile(r"^\s*(?:m'a|m'avait|m'accompagne|me conduit|m'amene|me dit|m'a dit)\b")
#: Before a relative, the words that place someone else: "il est parti chez son père" is third-person and
#: not matched; "de la part de ma mère" is who sends the caller.
_NOT_THE_PATIENT_BEFORE = re.compile(r"(?:\bde la part d[e'])\s*$")
#: "un homme ou une femme", "une femme radiologue": no one's relative.
_INDEFINITE_BEFORE = re.compile(r"(?:\bun|\bune|\bdes)\s*$")


def relatives_said(text: str) -> list[tuple[int, int, str]]:
    """The relatives the caller names as theirs, as (start, end, value), in order."""
    folded = fold_keeping_offsets(text)
    found = []
    for match in _MINE.finditer(folded):
        group = 1 if match.group(1) else 2
        start, end = match.start(group), match.end(group)
        if _NOT_THE_PATIENT_AFTER.search(folded[end:]) or _NOT_THE_PATIENT_BEFORE.search(folded[: match.start()]):
            continue
        word = re.sub(r"[\s-]+", " ", match.group(group))
        found.append((start, end, RELATIVES[word]))
    return found


def is_no_relative(text: str, start: int) -> bool:
    """Whether the relative word at ``start`` is nobody's relative: "une femme radiologue", "un enfant de
    cet âge"."""
    return bool(_INDEFINITE_BEFORE.search(fold_keeping_offsets(text[:start])))


RELATION = "relation"
#: Intents in which a relative the caller names is not whom a visit or a question is for.
_NOT_ABOUT_SOMEONE = frozenset(
    {"out_of_scope", "greet", "goodbye", "thank", "bot_challenge", "speak_english", "affirm", "deny", "choose_option"}
)


def relatives_in(entities: Sequence[dict], text: str, intent: str | None) -> list[dict]:
    """The entities (as Rasa writes them) with the relative the call is about: the model's, unless it names
    nobody's ("une femme radiologue"); else, when the model found none, the first the caller names as theirs."""
    kept = [
        e
        for e in entities
        if e.get("entity") != RELATION or not isinstance(e.get("start"), int) or not is_no_relative(text, e["start"])
    ]
    if intent in _NOT_ABOUT_SOMEONE or any(e.get("entity") == RELATION for e in kept):
        return kept
    said = relatives_said(text)
    if not said:
        return kept
    start, end, value = said[0]
    relative = {"entity": RELATION, "value": value, "start": start, "end": end}
    relative |= {"confidence_entity": 1.0, "extractor": "PracticeEntities"}
    return sorted([*kept, relative], key=lambda e: int(e.get("start", 0)))
