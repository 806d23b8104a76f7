"""What a caller asks of the conversation itself: to hear it again, a moment, the secretariat, goodbye."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.core.text import normalise
from assistant.language.fr.lexicon import WEEKDAYS

#: "Attendez deux secondes", "je regarde mon agenda": the patient asks for a moment, not a choice.
_HOLD_ON = re.compile(
    r"\b(attendez|attends|attendre|patientez|un instant|une seconde|deux secondes|une minute|deux minutes|"
    r"je regarde|je vais regarder|je verifie|je reflechis|laissez moi|laisse moi|ne quittez pas|bougez pas)\b"
)


#: What a change of mind says ("finalement non", "laissez tomber", "je me suis trompé", "en fait plutôt
#: jeudi"): every example of the intent has one. "je me suis fait vomir", read as one, has none (QA, issue 16).
_CHANGE_OF_MIND = re.compile(
    r"\b(?:non|finalement|en fait|tout compte fait|plutot|pardon|oups|mince|zut|oula|erreur|rectification|"
    r"corrig\w*|correction|faute|mal tape|mauvais\w*|effac\w*|tenez pas compte|"
    r"tromp\w*|plant\w*|embrouill\w*|emmel\w*|confondu|mal (?:dit|exprime\w*)|betise|"
    r"laiss\w* tomber|oubli\w*|tant pis|chang\w*|modifi\w*|retir\w*|reviens|revenir|reprend\w*|recommenc\w*|"
    r"abandonn\w*|annul\w*|stop|arret\w*|voulais|prefer\w*|garde\w*|plus|rappel\w*|reflechi\w*|"
    r"pas (?:ca|celui|le bon|la bonne|si vite|ce que)|c est pas|ce n est pas|ah bah|attend\w*)\b"
)


def says_change_of_mind(text: str) -> bool:
    """Whether a message read as a change of mind has the words of one (folded, see core.text.normalise)."""
    return _CHANGE_OF_MIND.search(normalise(text)) is not None


_REPEAT = re.compile(
    r"(?:(?:euh|oui|allo|pardon|excusez moi|desole|desolee)\s+)*"
    r"(?:(?:est ce que\s+)?(?:vous\s+)?pouvez\s+(?:vous\s+)?(?:me\s+)?(?:le\s+|la\s+|les\s+)?(?:repeter|redire)"
    r"|repetez|redites|pardon|comment|quoi|encore une fois|vous avez dit quoi"
    r"|(?:j ai|je n ai)\s+pas\s+(?:bien\s+)?(?:compris|entendu|saisi))"
    r"(?:\s+(?:s il vous plait|svp|le dernier|la derniere|ce que vous avez dit|encore|moi|ca"
    r"|je n ai pas bien entendu|j ai pas entendu|je n ai pas entendu))*"
)


_GOODBYE_END = re.compile(r"\b(?:au revoir|bonne journee|bonne soiree|bonne fin de journee|a bientot)(?:\s+merci)?$")


def asks_to_repeat(text: str) -> bool:
    """Whether the patient only asks to hear the last answer again ("Pardon ?", "vous pouvez répéter ?").

    On the phone it is the commonest request of all; it got "Pardon, je n'ai pas bien compris" and
    counted as a misunderstanding (two, and the call was handed over).
    """
    return bool(_REPEAT.fullmatch(normalise(text)))


def ends_with_goodbye(text: str) -> bool:
    """Whether a message closes with a goodbye ("non laissez tomber, au revoir"): the caller is leaving."""
    return bool(_GOODBYE_END.search(normalise(text)))


#: What makes "attendez" the start of an answer rather than a moment asked: a correction, a date, a time.
_HOLD_ON_THEN_ANSWER = re.compile(
    r"\b(?:je me suis trompee?|c est|cest|plutot|non c est|en fait|demain|aujourd hui|"
    + "|".join(WEEKDAYS)
    + r"|matin|soir|apres midi|heures?)\b|\d"
)


def is_hold_on(text: str) -> bool:
    """Whether the patient only asks for a moment ("euh attendez je regarde mon agenda").

    Not when an answer follows: "non attendez, je me suis trompé, c'est 1967" and "euh attendez, demain
    soir vers 17h plutôt" got "Je vous en prie, prenez votre temps." and lost what they said (phone QA).
    """
    said = normalise(text)
    return bool(_HOLD_ON.search(said)) and not _HOLD_ON_THEN_ANSWER.search(said)


#: The word the phone greeting tells callers to say to reach a person, with what comes around it when said.
_SECRETARIAT_ONLY = re.compile(
    r"(?:(?:oui|euh|ben|bah|alors|allo|bonjour|bonsoir|je veux|je voudrais|passez moi|mettez moi)\s+)*"
    r"(?:(?:le|la|au|a la|un|une)\s+)?(?:secretariat|secretaire|standard|accueil|standardiste)"
    r"(?:\s+(?:s il vous plait|s il te plait|svp|merci|please|oui))*"
)


def asks_for_the_secretariat(text: str) -> bool:
    """Whether ``text`` is only the keyword the greeting gives for a person ("le secrétariat !", "secrétaire svp").

    Said alone, it is too short for the classifiers (they read "le secrétariat" as not understood), yet the
    caller did exactly what the greeting asked.
    """
    return bool(_SECRETARIAT_ONLY.fullmatch(normalise(text)))


#: Words right before a name that ask for that person: "parler à", "passez-moi", "joindre", "avoir", "en relation
#: avec", with what may come between ("parler directement au docteur", "passez-moi madame").
_ASKS_FOR_SOMEONE = re.compile(
    r"\b(?:parler|parle|causer|passer|passez|passe|joindre|avoir|voir|relation)"
    r"(?: (?:moi|me|nous|directement|juste|seulement|plutot|bien|a|au|avec|le|la|l|madame|monsieur|mme|mlle"
    r"|mademoiselle|m|mr|docteur|docteure|doctoresse|dr))*$"
)
#: Words that ask for the desk, nobody in particular: "parler à la secrétaire", "à quelqu'un".
_THE_DESK = frozenset(
    {"secretariat", "secretaire", "secretaires", "standard", "standardiste", "accueil", "quelqu"}
    | {"personne", "humain", "conseiller", "conseillere", "operateur", "operatrice", "vrai", "vraie"}
)


def name_asked_for(text: str, spans: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """Where ``text`` names the person asked for, among the name ``spans`` (character offsets of the names
    read in it): the first one right after words asking for someone ("je voudrais parler à Nadège",
    "passez-moi madame Bastien"), with the names that follow it directly ("parler à Nadège Bastien").

    A name given as the caller's own ("c'est Alex, je voudrais parler au secrétariat") asks for nobody.
    """
    ordered = sorted((start, end) for start, end in spans if 0 <= start < end <= len(text))
    for index, (start, end) in enumerate(ordered):
        if not _ASKS_FOR_SOMEONE.search(normalise(text[:start])):
            continue
        for next_start, next_end in ordered[index + 1 :]:
            if next_start >= end and text[end:next_start].strip(" -"):
                break
            end = max(end, next_end)  # the next name, or one read twice ("Nadège", and "Nadège Bastien")
        return start, end
    return None


def asks_for_the_desk(words: str) -> bool:
    """Whether ``words``, read as a person asked for, are the desk or anyone ("la secrétaire", "quelqu'un")."""
    folded = normalise(words)
    return not folded or any(word in _THE_DESK for word in folded.split())
