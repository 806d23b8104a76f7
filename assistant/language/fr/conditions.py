"""Conditions and pains that patients give as the reason for a visit, and the body parts they name.

The annotation guide (docs/nlu-data.md) makes "a symptom or illness given as the reason" a motif that
keeps its words ("j'ai une [sciatique]", "pour mon [torticolis]", "[mal au dos]"), which books the
practice's motif for symptoms. The trained model learns that role from a few hundred examples, but
it cannot know every condition's name: "lumbago", "scoliose" or "maladie d'Osgood" look like nothing
it has seen. These are everyday French words, the same for every practice, so they are a lexicon
here, not training data nor a practice's file.

A body part alone is no reason ("la rééducation de mon [genou]" is a rééducation): the model often
cuts one out of a longer phrase, and :func:`names_no_reason` tells such a span.

Pure functions on folded text, with offsets into the original (:func:`fold_keeping_offsets`).
"""

from __future__ import annotations

import functools
import re

from assistant.core.text import fold_keeping_offsets, normalise
from assistant.language.fr.lexicon import ARTICLES, alternation

#: Conditions a patient names as the reason for a visit (folded; a space stands for any separator).
CONDITIONS = (
    "sciatique",
    "sciatalgie",
    "cruralgie",
    "lumbago",
    "lombalgie",
    "lombalgies",
    "cervicalgie",
    "cervicalgies",
    "dorsalgie",
    "torticolis",
    "scoliose",
    "hernie discale",
    "hernie",
    "arthrose",
    "arthrite",
    "polyarthrite",
    "tendinite",
    "tendinites",
    "tendinopathie",
    "capsulite",
    "bursite",
    "epicondylite",
    "periarthrite",
    "fasciite plantaire",
    "aponevrosite plantaire",
    "canal carpien",
    "syndrome du canal carpien",
    "hallux valgus",
    "entorse",
    "foulure",
    "luxation",
    "fracture",
    "claquage",
    "elongation",
    "contracture",
    "dechirure musculaire",
    "rupture des ligaments croises",
    "rupture du ligament croise",
    "lymphoedeme",
    "lymphœdeme",
    "bronchiolite",
    "bronchite",
    "pneumonie",
    "sinusite",
    "rhinopharyngite",
    "otite",
    "angine",
    "laryngite",
    "conjonctivite",
    "cystite",
    "infection urinaire",
    "infection",
    "gastro",
    "gastro enterite",
    "grippe",
    "rhume",
    "toux",
    "fievre",
    "migraine",
    "migraines",
    "vertiges",
    "eczema",
    "psoriasis",
    "urticaire",
    "zona",
    "varicelle",
    "verrue",
    "verrues",
    "mycose",
    "kyste",
    "nodule",
    "ganglion",
    "incontinence",
    "fuites urinaires",
    "descente d organes",
    "constipation",
    "brulures d estomac",
    "brulure",
    "brulures",
    "reflux",
    "insomnie",
    "acouphenes",
)

#: Body parts, folded, as a reason names them ("mal au [genou]", "une entorse de la [cheville]").
BODY_PARTS = frozenset(
    {
        "tete",
        "cou",
        "nuque",
        "gorge",
        "oreille",
        "oreilles",
        "oeil",
        "œil",
        "yeux",
        "nez",
        "dent",
        "dents",
        "machoire",
        "epaule",
        "epaules",
        "bras",
        "coude",
        "coudes",
        "poignet",
        "poignets",
        "main",
        "mains",
        "doigt",
        "doigts",
        "pouce",
        "dos",
        "lombaires",
        "cervicales",
        "dorsales",
        "colonne",
        "reins",
        "rein",
        "thorax",
        "poitrine",
        "sein",
        "seins",
        "ventre",
        "abdomen",
        "estomac",
        "vessie",
        "bassin",
        "hanche",
        "hanches",
        "fesse",
        "cuisse",
        "cuisses",
        "genou",
        "genoux",
        "jambe",
        "jambes",
        "mollet",
        "mollets",
        "tibia",
        "cheville",
        "chevilles",
        "pied",
        "pieds",
        "talon",
        "orteil",
        "orteils",
        "tendon",
        "tendon d achille",
        "achille",
        "menisque",
        "ligament",
        "ligaments",
        "muscle",
        "muscles",
        "peau",
        "perinee",
        "plancher pelvien",
    }
)

#: Words that say a pain without saying where: a reason only with the body part that follows them.
PAIN_WORDS = frozenset({"mal", "douleur", "douleurs", "maux"})
#: Words that name a condition only with the body part that follows them: "une bosse au cou", "une rupture du
#: tendon d'Achille" ("une boule" alone, "une rupture" alone may be anything).
_NEEDS_A_PLACE = frozenset({*PAIN_WORDS, "bosse", "boule", "grosseur", "rupture", "gonflement", "raideur"})

#: Words between a condition or a pain and the body part it concerns: "de la", "au", "à l'", "dans le".
_LINKS = r"(?:(?:du|des|de\s+la|de\s+l'|de|d'|au|aux|a\s+la|a\s+l'|a|dans\s+(?:le|la|l'|les)|sur\s+(?:le|la|l'))\s*)"
_POSSESSIVES = r"(?:(?:mon|ma|mes|son|sa|ses)\s+)?"
_SIDES = r"(?:\s+(?:droit|droite|gauche|gauches|droits|droites))?"


_BODY_PART = rf"(?:{alternation(BODY_PARTS)})"
#: A condition, then where it is if the patient says so: "une entorse de la cheville droite".
_CONDITION = re.compile(
    rf"(?<![\w'])(?:{alternation(CONDITIONS)})(?:\s+{_LINKS}{_POSSESSIVES}{_BODY_PART}{_SIDES})?(?![\w'])"
)
#: A pain and where: "mal au dos", "des douleurs dans la jambe", "mal aux genoux".
_PAIN = re.compile(
    rf"(?<![\w'])(?:{alternation(_NEEDS_A_PLACE)})\s+{_LINKS}{_POSSESSIVES}{_BODY_PART}{_SIDES}(?![\w'])"
)
#: An illness named after someone: "une maladie d'Osgood", "la maladie de Parkinson", "maladie d'Osgood-Schlatter".
_NAMED_ILLNESS = re.compile(r"(?<![\w'])maladie\s+(?:de\s+|d')([^\W\d_]+)(?:[\s-]+([^\W\d_]+))?")
#: Words that are no one's name: "maladie de la peau", "maladie depuis hier" name nobody.
_NOT_A_NAME = frozenset({"la", "le", "les", "l", "depuis", "qui", "et", "mais", "donc", "pour", "avec", "je", "il"})


#: What a vaccine is against is no condition of the patient's: "le vaccin contre la grippe", "vaccin de la grippe".
_PROTECTED_AGAINST = re.compile(
    r"(?:\bcontre|\banti|\bvaccins?\s+(?:de\s+la|du|de\s+l'|de|d'))[\s-]*(?:la\s+|le\s+|les\s+|l')?$"
)


def protected_against(text: str, start: int) -> bool:
    """Whether the words of ``text`` from ``start`` are what a vaccine protects against ("un rappel de vaccin
    contre le [tétanos]"): no condition of the patient's, no reason of its own."""
    return bool(_PROTECTED_AGAINST.search(fold_keeping_offsets(text[:start])))


def condition_spans(text: str) -> list[tuple[int, int]]:
    """The character spans of ``text`` that name a condition or a pain given with where it hurts.

    Longest first where they overlap; in the order of the text. Cached: the practice extractor asks it of the
    same message several times (its mentions, the model's entities, the intent's evidence).
    """
    return list(_condition_spans(text))


@functools.lru_cache(maxsize=256)
def _condition_spans(text: str) -> tuple[tuple[int, int], ...]:
    folded = fold_keeping_offsets(text)
    found: list[tuple[int, int]] = []
    for pattern in (_CONDITION, _PAIN):
        found += [
            (m.start(), m.end()) for m in pattern.finditer(folded) if not _PROTECTED_AGAINST.search(folded[: m.start()])
        ]
    for match in _NAMED_ILLNESS.finditer(folded):
        if match.group(1) in _NOT_A_NAME:
            continue
        second = match.group(2)
        found.append((match.start(), match.end(2) if second and second not in _NOT_A_NAME else match.end(1)))
    found.sort(key=lambda span: (-(span[1] - span[0]), span[0]))
    kept: list[tuple[int, int]] = []
    for start, end in found:
        if all(end <= other_start or start >= other_end for other_start, other_end in kept):
            kept.append((start, end))
    return tuple(sorted(kept))


#: Ordinals the model reads as a motif ("premier" of "le premier avril", of "le premier rendez-vous").
_ORDINALS = frozenset({"premier", "premiere", "1er", "1ere", "deuxieme", "second", "seconde", "troisieme", "dernier"})

#: Words that carry no meaning of their own in a span the model read as a motif.
_EMPTY = ARTICLES | {"au", "aux", "a", "dans", "sur", "mon", "ma", "mes", "son", "sa", "ses", "tres", "trop"}
_EMPTY |= {"droit", "droite", "gauche"}  # the side


def names_no_reason(span: str) -> bool:
    """Whether a span read as a motif is only a body part, or a pain without where ("genou", "dans la jambe",
    "mal"), or a phrase cut from its head ("du sport", "de la coiffe"), or an ordinal ("premier"): no reason for a visit on
    its own."""
    words = normalise(span).split()
    if not words:
        return False
    if words[0] in ("de", "d", "du", "des", "dans", "sur", "depuis"):
        return True
    meaningful = [w for w in words if w not in _EMPTY]
    if not meaningful:
        return False
    if all(w in _ORDINALS for w in meaningful):
        return True
    return all(w in BODY_PARTS for w in meaningful) or all(w in PAIN_WORDS for w in meaningful)
