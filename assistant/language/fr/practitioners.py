"""How a practitioner is named in a French sentence: "le docteur Durand", "la docteure Leroy", "Mme Roux"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.core.model import Practice, Practitioner
from assistant.core.text import normalise

#: The titles a practitioner's name is said with, by gender ("" when the file does not say).
_SPOKEN_TITLES = {
    "dr": {"f": "la docteure", "m": "le docteur", "": "le docteur"},
    "docteur": {"f": "la docteure", "m": "le docteur", "": "le docteur"},
    "docteure": {"f": "la docteure", "m": "la docteure", "": "la docteure"},
    "pr": {"f": "la professeure", "m": "le professeur", "": "le professeur"},
}
#: Titles that say the gender themselves.
_TITLE_GENDERS = {"mme": "f", "madame": "f", "mlle": "f", "m": "m", "monsieur": "m", "mr": "m"}


def practitioner_gender(practitioner: Practitioner) -> str:
    """ "f", "m", or "" when neither the file (``gender``) nor the title ("Mme", "M.") says it: never a guess
    from a first name."""
    return practitioner.gender or _TITLE_GENDERS.get(practitioner.title.lower().rstrip(".").strip(), "")


def practitioner_phrase(practice: Practice, practitioner_id: str) -> str:
    """How a practitioner is named in a sentence: the file's ``spoken_name``, else "le docteur Durand",
    "la docteure Leroy" (``gender: f``), "Mme Roux"."""
    try:
        practitioner = practice.practitioner(practitioner_id)
    except KeyError:
        return ""
    if practitioner.phone_label:
        return practitioner.phone_label
    last = practitioner.name.split()[-1]
    key = practitioner.title.lower().rstrip(".").strip()
    titles = _SPOKEN_TITLES.get(key)
    title = titles[practitioner_gender(practitioner)] if titles else practitioner.title
    return f"{title} {last}".strip()


#: Words between two practitioners named in one message that make the first the one wanted ("avec Nadège ou
#: sinon Bastien"), and those that make the last one wanted ("pas Nadège plutôt Bastien", "non pas avec Nadège,
#: je voulais dire Bastien").
_FIRST_OF_ALTERNATIVES = frozenset({"ou", "sinon"})
_LAST_AFTER_CORRECTION = frozenset({"plutot", "dire", "pas", "non"})


def preferred_practitioner(text: str, named: Sequence[tuple[int, int, str]]) -> str | None:
    """The practitioner wanted among those a message names (``named``: start, end and id of each, in any
    order): the first of alternatives, the last after a correction; None when fewer than two are named or the
    words between say neither (Rasa keeps the last entity of a message for a slot: "avec Nadège ou sinon
    Bastien" offered the second, QA)."""
    ordered = sorted(named)
    if len({pid for _start, _end, pid in ordered}) < 2:
        return None
    first, second = ordered[0], ordered[1]
    between = set(normalise(text[first[1] : second[0]]).split())
    before = normalise(text[max(0, first[0] - 12) : first[0]]).split()[-2:]
    if between & {"plutot", "dire"} or "pas" in before:
        return ordered[-1][2]
    if between & _FIRST_OF_ALTERNATIVES and not between & _LAST_AFTER_CORRECTION:
        return first[2]
    return None


#: The people a patient may ask another of: "un autre kiné", "une autre praticienne", "un autre docteur".
_PRACTITIONER_NOUNS = (
    r"(?:praticien(?:ne)?|kine(?:sitherapeute)?|medecin|docteure?|doc|dentiste|infirmier(?:e)?|radiologue|"
    r"specialiste|therapeute|osteo(?:pathe)?|orthophoniste|sage femme|podologue|collegue|intervenant(?:e)?)s?"
)
#: "un autre kiné", "n'importe quel autre praticien", "quelqu'un d'autre", "pas avec lui", "autre que lui".
_ANOTHER_PRACTITIONER = re.compile(
    rf"\b(?:autres?\s+{_PRACTITIONER_NOUNS}"
    r"|(?<!pour )(?<!parler a )(?<!moi )quelqu un d autre|n importe qui d autre|qui que ce soit d autre"
    r"|pas (?:avec|chez) (?:lui|elle|celui la|celle la|ce (?:praticien|kine|medecin|docteur)|cette (?:praticienne|kine|docteure))"
    r"|autre que (?:lui|elle|celui la|celle la))\b"
)


def asks_another_practitioner(text: str) -> bool:
    """Whether the patient asks for another practitioner than the one whose slots were read out ("n'importe quel
    autre kiné", "un autre praticien", "pas avec lui, quelqu'un d'autre"), not for another day or time ("un autre
    jour"), nor for someone else as the patient ("c'est pour quelqu'un d'autre"), nor for another person to talk
    to ("passez-moi quelqu'un d'autre")."""
    return bool(_ANOTHER_PRACTITIONER.search(normalise(text)))
