"""Identity policy: which questions identify the patient, and what a name, a birth date or a number answer keeps.

The French toolkit reads the words (``assistant.language.fr.names``, ``phone``, ``birth_dates``); this
module decides what is kept: a surname said with the first name keeps the surname only, a name given
earlier is not overwritten by an answer to another question, a practitioner's first name in a name
answer is the patient's, and a short name answer is a name, not an emergency no red-flag rule matched.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from assistant.conversation.decision import Decision, not_understood
from assistant.conversation.replies import reply
from assistant.core.model import Practice, Slot
from assistant.core.text import normalise
from assistant.dialogue.speech import say_birth_date, say_slot
from assistant.language.fr.birth_dates import mentions_birth
from assistant.language.fr.names import (
    PARTICLES,
    clean_name,
    labelled_names,
    name_in_answer,
    name_without_other,
    never_a_name,
    own_name_in,
    split_full_name,
    split_said_name,
)

NAME_SLOTS = ("last_name", "first_name")
#: The value of the phone slot when the patient has none ("aucun").
NO_PHONE = "none"


def identity_questions(task: str | None) -> list[str]:
    """A phone number is collected for a new booking (confirmation, callback); moving or cancelling
    checks it only when the channel gives one (the caller's number)."""
    if task in (None, "book"):
        return ["last_name", "first_name", "birth_date", "phone"]
    return ["last_name", "first_name", "birth_date"]


def is_a_name_answer(requested: str | None, rules_matched: bool, text: str) -> bool:
    """A short answer to "your name?" that the NLU took for an emergency but no red-flag rule matched.

    A lone first name ("Manon") can look like anything to a statistical model; the red-flag rules
    are what recall rests on, so without a rule match a plausible name answering a name question is
    a name. Anything else stays an emergency.
    """
    if requested not in NAME_SLOTS or rules_matched or len(text.split()) > 4:
        return False
    labelled = labelled_names(text)  # "nom Dubois prénom Marc", "prénom Marc"
    if labelled is not None:
        return labelled.last_name is not None or labelled.first_name is not None
    return clean_name(text) is not None


def earlier_name_kept(requested: str | None, slot: str, new: str | None, earlier: Any, corrects: bool) -> str | None:
    """The name given earlier for ``slot``, when an answer to another question would overwrite it by mistake.

    The NLU sometimes labels the answer to one question as another name: "louis", said for the first
    name, also as the last name; "février", in a birth date, as a first name. A name already given
    changes only when the message says it corrects it (``corrects``: "non, c'est Durand") or answers
    its question.
    """
    if requested in (None, slot):
        return None
    if new is None:  # not a name at all ("février"): the earlier one stays
        return str(earlier) if earlier else None
    if not earlier or normalise(str(earlier)) == normalise(new) or corrects:
        return None
    return str(earlier)


#: Intents the model reads in a name answer it does not understand: "nom Dubois prénom Marc" taken for
#: out of scope, "non pardon, nom Durant" for a change of mind. Labelled names in them are names.
MISREAD_NAME_ANSWERS = frozenset({"out_of_scope", "change_mind"})


def labelled_name(
    text: str,
    slot: str,
    requested: str | None,
    intent: str | None = None,
    interruptions: Iterable[str] = (),
    corrects: bool = False,
) -> str | None:
    """The ``slot`` name an answer to a name question labels, whichever name was asked: "nom Dubois
    prénom Marc" said for the surname gives the first name too (QA: "Et le prénom ?" was asked again and
    the surname stored « Dubois Prénom Marc »). None without a label, away from the names (but for a
    correction at a later question of the form, ``corrects``: :func:`corrects_names`), or in a
    message that interrupts (``intent`` among ``interruptions``, the intents the name slots never take a
    message of: "je veux parler à la secrétaire, nom Dubois" goes to the secretariat)."""
    if not corrects_names(requested, corrects) or (intent in set(interruptions) - MISREAD_NAME_ANSWERS):
        return None
    labelled = labelled_names(text)
    if labelled is None:
        return None
    return labelled.last_name if slot == "last_name" else labelled.first_name


def corrects_names(requested: str | None, corrects: bool) -> bool:
    """Whether an answer that labels its names sets them, at ``requested``: at a name question, or at a later
    question of the identity form when it corrects ("non Bernard c'est le nom, Julien le prénom" when the birth
    date is asked: QA kept the names it set right the other way round)."""
    return requested in NAME_SLOTS or (corrects and requested in identity_questions(None))


def _labelled_answer(slot: str, text: str, requested: str | None, earlier: Any) -> Decision | None:
    """What an answer that labels its names keeps for ``slot``: the name of its label (an answer to its
    question, whichever was asked), or the name as it was when only the other name is labelled ("prénom
    Marc" said for the surname: the first name is taken, the surname asked again, not stored « Marc »).
    None when the answer labels no name: it is read whole.

    A surname given earlier changes at the first-name question only with the first name ("prénom Marc
    nom Dubois") or set right ("mon nom c'est Durant" after Durand): "non, Marc", heard "nom Marc", is
    not the surname Marc."""
    labelled = labelled_names(text)
    if labelled is None:
        return None
    name = labelled.last_name if slot == "last_name" else labelled.first_name
    other = labelled.first_name if slot == "last_name" else labelled.last_name
    if (
        name is not None
        and slot == "last_name"
        and requested == "first_name"
        and earlier
        and other is None
        and not _sounds_like(name, str(earlier))
    ):
        return Decision({slot: str(earlier)})
    if name is not None:
        return Decision({slot: name})
    if other is not None:
        return Decision({slot: str(earlier) if earlier else None})
    return None  # "nom 😀": no name in it, read as any answer (not understood)


def _kept(slot: str, name: str | None, requested: str | None, earlier: Any, corrects: bool) -> Decision:
    kept = earlier_name_kept(requested, slot, name, earlier, corrects)
    if kept is not None:
        return Decision({slot: kept})
    if name is None:  # asked again with a hint, then handed over
        return not_understood(slot)
    return Decision({slot: name})


def refused_name(slot: str, requested: str | None, earlier: Any) -> Decision:
    """An answer nothing of which is a name (code, an insult, "null", an emergency): the question asked
    is not understood, and the other name stays as it was (QA kept « Robert » from
    "Robert'); DROP TABLE appointments;--" while saying the surname was not understood)."""
    if requested == slot:
        return not_understood(slot)
    return Decision({slot: str(earlier) if earlier else None})


def no_name_in(text: str, rules_matched: bool) -> bool:
    """Whether nothing of ``text`` may be kept as a name: a red-flag rule matched it ("mal a la poitrine"
    was stored as a surname), or it holds code, an insult or a placeholder (``never_a_name``)."""
    return rules_matched or never_a_name(text)


def last_name_answer(
    said: str,
    text: str,
    requested: str | None,
    first_names: Iterable[str],
    earlier: Any,
    corrects: bool,
    rules_matched: bool = False,
) -> Decision:
    """``said``: the words of the last-name entity; ``text``: the whole message; ``first_names``: the
    first name said or given (what the surname is not); ``earlier``: the surname before this message;
    ``rules_matched``: a red-flag rule matched the message."""
    if no_name_in(text, rules_matched):
        return refused_name("last_name", requested, earlier)
    labelled = _labelled_answer("last_name", text, requested, earlier) if corrects_names(requested, corrects) else None
    if labelled is not None:
        return labelled
    whole = name_in_answer(text, "last_name") if requested == "last_name" else None
    split = split_said_name(whole)
    if split is not None:  # "julien bernard": the first name first, as French callers say it
        return _kept("last_name", split[1], requested, earlier, corrects)
    name = name_in_answer(said, "last_name")  # "dubois prénom": the entity ran over a label
    part = normalise(name) if name else normalise(said)  # a lone particle ("Da") is no name on its own
    if part and whole and len(whole.split()) <= 3 and part in normalise(whole):
        name = whole  # "Le Gall", "Da Costa": the particle the entity left out (stored "Gall", "Da")
    name = name_without_other(name, first_names)  # "Petit. Léa Petit.": the surname only
    return _kept("last_name", name, requested, earlier, corrects)


def first_name_answer(
    said: str,
    text: str,
    requested: str | None,
    last_names: Iterable[str],
    earlier: Any,
    corrects: bool,
    rules_matched: bool = False,
) -> Decision:
    """As :func:`last_name_answer`, for the first name. "Bernard.", said for the surname, is not the
    first name too ("Bernard Bernard" was read back and "Et le prénom ?" never asked: phone QA)."""
    if no_name_in(text, rules_matched):
        return refused_name("first_name", requested, earlier)
    labelled = _labelled_answer("first_name", text, requested, earlier) if corrects_names(requested, corrects) else None
    if labelled is not None:
        return labelled
    name = name_in_answer(said, "first_name")
    whole = name_in_answer(text, "last_name") if requested == "last_name" else None
    split = split_said_name(whole)
    if split is not None:  # "julien bernard" said for the surname: QA stored it the other way round
        return Decision({"first_name": split[0]})
    if name and whole and normalise(name) == normalise(whole):
        return Decision({"first_name": str(earlier) if earlier else None})
    if (
        name
        and corrects
        and requested == "first_name"
        and any(_sounds_like(name, other) for other in last_names if other)
    ):
        # "non pardon c'est Durant" after "Durand": the surname set right, not the first name
        return Decision({"first_name": str(earlier) if earlier else None})
    name = name_without_other(name, last_names)
    decision = _kept("first_name", name, requested, earlier, corrects)
    surname = _surname_without_first_name(last_names, decision.changes.get("first_name"), requested)
    return Decision({**decision.changes, "last_name": surname}) if surname else decision


def first_name_with_surname(text: str, requested: str | None) -> str | None:
    """The first name of a whole name said for the surname, first name first as French callers say it
    ("julien bernard" to « C'est à quel nom ? »: Julien), where the NLU read no first name in it; None when the
    answer labels its names or its words do not tell which is which (:func:`split_said_name`)."""
    if requested != "last_name" or labelled_names(text) is not None:
        return None
    split = split_said_name(clean_name(text))
    return split[0] if split else None


def _surname_without_first_name(last_names: Iterable[str], first_name: Any, requested: str | None) -> str | None:
    """The surname kept before, without the first name the caller has just given, where the whole name was
    said for the surname ("Nadège Leroux" to "C'est à quel nom ?", then "Nadège"): QA stored the surname
    « Nadège Leroux » and read back « Nadège Nadège Leroux ». None where nothing is to change."""
    if requested != "first_name" or not first_name or len(str(first_name).split()) != 1:
        return None
    given = normalise(str(first_name))
    for surname in last_names:
        words = str(surname or "").split()
        if len(words) < 2 or given not in (normalise(words[0]), normalise(words[-1])):
            continue
        rest = words[1:] if normalise(words[0]) == given else words[:-1]
        if all(normalise(word) in PARTICLES for word in rest):
            continue  # "Le Gall" is no first name and a surname
        return " ".join(rest)
    return None


def _sounds_like(name: str, other: str) -> bool:
    """ "Durant" and "Durand": one name said twice, set right."""
    return difflib.SequenceMatcher(None, normalise(name), normalise(other)).ratio() >= 0.7


def corrected_last_name(
    text: str, requested: str | None, earlier: Any, corrects: bool, rules_matched: bool
) -> str | None:
    """The surname a correction gives at a name question: "non pardon c'est Durant avec un t" after
    "Durand" (QA: read as a change of mind, « D'accord, j'abandonne cette demande. »; on the phone as out
    of scope, then the first name taken for the surname). At the first-name question only a name that
    sounds like the surname given is the surname set right."""
    if requested not in NAME_SLOTS or not corrects or rules_matched:
        return None
    name = name_in_answer(text, "last_name")
    if name is None:
        return None
    if requested == "last_name" or (earlier and _sounds_like(name, str(earlier))):
        return name
    return None


_TITLE_BEFORE = re.compile(r"\b(?:docteur|docteure|doctoresse|dr|avec|chez|madame|monsieur)\s*$")


def practitioner_word_as_name(
    text: str, entities: Sequence[Mapping[str, Any]], requested: str | None, practice: Practice
) -> str | None:
    """A practitioner entity that is the patient's own first name ("Garnier Julie", "Hamid Julien").

    Without a title before it ("docteur", "avec"), such a word in a name answer is a name. Only a
    practitioner's first name: a patient called Durand is not given the first name Durand.
    """
    if requested not in NAME_SLOTS:
        return None
    first_names = {normalise(p.name.split()[0]) for p in practice.practitioners if len(p.name.split()) > 1}
    for entity in entities:
        start, end = entity.get("start"), entity.get("end")
        if entity.get("entity") != "practitioner" or not isinstance(start, int) or not isinstance(end, int):
            continue
        if _TITLE_BEFORE.search(normalise(text[:start])):
            continue
        name = clean_name(text[start:end])
        if name is not None and normalise(name) in first_names:
            return name
    return None


#: The entities that read a person's name: the NLU's, and spaCy's hint (``PER``).
NAME_ENTITIES = ("first_name", "last_name", "PER")


def names_in_request(text: str, entities: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The names a message that answers no name question gives as the caller's own ("bonjour c'est Nadège
    Bastien, née le 3 mars 1980, je voudrais annuler mon rendez-vous"), first name then surname, where the NLU
    read only one of them (QA: it read "Nadège" and "Bastien" as two first names, the first name was stored
    « Nadège Bastien » and the surname asked again; in "c'est Alex Carpentier, né le…" it read the surname
    only, and "Et le prénom ?" was asked). Empty when the NLU read both, or nothing to add: what the NLU read
    is kept as it read it, and one word is no full name. ``entities``: the message's, as the NLU gave them."""
    spanned = [e for e in entities if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
    practitioners = [(e["start"], e["end"]) for e in spanned if e.get("entity") == "practitioner"]
    # a practitioner's name is nobody's own ("Alex Carpentier a de la place demain ?", spaCy's person over it)
    spanned = [e for e in spanned if not any(e["start"] < end and start < e["end"] for start, end in practitioners)]
    surnames = [text[e["start"] : e["end"]] for e in spanned if e.get("entity") == "last_name"]
    has_first_name = any(e.get("entity") == "first_name" for e in spanned)
    if surnames and has_first_name:
        return {}
    own = own_name_in(text, [(e["start"], e["end"]) for e in spanned if e.get("entity") in NAME_ENTITIES])
    if not surnames:
        split = split_full_name(own)
        return {"first_name": split[0], "last_name": split[1]} if split else {}
    words, surname = (own or "").split(), surnames[0].split()
    before = words[: len(words) - len(surname)]
    if before and normalise(" ".join(words[len(before) :])) == normalise(surnames[0]):
        return {"first_name": " ".join(before)}  # "Alex Carpentier", the surname read: Alex is the first name
    return {}


def callers_names_in(text: str, entities: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The first name and surname a message gives as the caller's own, as the NLU labelled them or as
    :func:`names_in_request` completes them, for the secretary's summary of a hand-over the message itself makes
    ("c'est Lemaire Agnès, je serai en retard, prévenez Nadège": QA read no name on the request). A practitioner
    named is nobody's own name, nor a name asked for ("je voudrais parler à Nadège")."""
    completed = names_in_request(text, entities)
    spanned = [e for e in entities if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
    practitioners = [(e["start"], e["end"]) for e in spanned if e.get("entity") == "practitioner"]
    spanned = [e for e in spanned if not any(e["start"] < end and start < e["end"] for start, end in practitioners)]
    # the NLU's names only: spaCy's person may run over a hesitation ("Sandrine euh"), which is no name
    own = own_name_in(text, [(e["start"], e["end"]) for e in spanned if e.get("entity") in NAME_SLOTS])
    if own is None:
        return {}
    own_words = normalise(own).split()
    names: dict[str, str] = {}
    for e in spanned:
        said = clean_name(text[e["start"] : e["end"]])
        if e.get("entity") in NAME_SLOTS and said and all(w in own_words for w in normalise(said).split()):
            names.setdefault(str(e["entity"]), said)
    return {**names, **completed}


def sets_names_right(text: str, requested: str | None, corrects: bool) -> bool:
    """Whether an answer to a later question of the identity form sets the names right with their labels ("non
    Bernard c'est le nom, Julien le prénom" when the birth date is asked): no failed answer to that question."""
    if requested in NAME_SLOTS or not corrects_names(requested, corrects):
        return False
    labelled = labelled_names(text)
    return labelled is not None and (labelled.last_name is not None or labelled.first_name is not None)


def birth_date_answer(born: date | None, said_unasked: str | None = None, names_set_right: bool = False) -> Decision:
    """QA: asked up to ten times in a row; now once again, then the secretariat.

    ``said_unasked``: the message that gave the date while nothing asked for it (the request itself, a
    greeting: "bonjour c'est Nadège Bastien née le 3 mars 1980, je voudrais annuler mon rendez-vous"). It is
    the birth date only when said as one ("née le", "date de naissance"): "annuler mon rendez-vous du 20
    novembre 2026" gives the appointment's date, and the birth date is asked, not checked against it.
    ``names_set_right``: the answer sets the names right instead (:func:`sets_names_right`)."""
    if born is not None and said_unasked is not None and not mentions_birth(said_unasked):
        return Decision({"birth_date": None})
    if born is None and names_set_right:  # the names set right: noted, and the birth date asked again
        return Decision({"birth_date": None}, (reply("noted_but_not_this"),))
    return Decision({"birth_date": born}) if born is not None else not_understood("birth_date")


def corrected_birth_date_answer(fixed: date) -> Decision:
    """ "non pardon quatre-vingt-onze" right after the date: the date is fixed, the number asked again."""
    return Decision(
        {"birth_date": fixed, "phone": None}, (reply("birth_date_corrected", birth_date=say_birth_date(fixed)),)
    )


def phone_answer(
    in_text: str | None,
    in_value: str | None,
    caller: str | None,
    requested: str | None,
    fixed_birth_date: date | None = None,
) -> Decision:
    """The number read in the whole message (DIET may tag each group of "06 01 02 03 04" apart, and the
    slot got "04" alone), else in the entity, else the caller's (on the phone).

    Digits said for something else (a birth date keyed "12031985") are not a wrong answer; a birth
    year corrected when the number is asked (``fixed_birth_date``) fixes the date.
    """
    if fixed_birth_date is not None and requested == "phone":
        return corrected_birth_date_answer(fixed_birth_date)
    phone = in_text if in_text not in (None, NO_PHONE) else in_value
    if phone is not None:
        return Decision({"phone": phone})
    if requested != "phone" or caller:
        return Decision({"phone": caller})
    return not_understood("phone")


def identity_interruption(
    intent: str | None, name_answer: bool, task: str | None, motif_said: bool, time_said: bool = False
) -> Decision | None:
    """What ends the identity form before any answer is read: an emergency (names are taken from the
    whole text, emergencies included), or a symptom as a first message ("J'ai mal au dos depuis une
    semaine": no request to check an appointment was made, and a lookup followed, QA), which is a booking;
    so is a time wished with no request made ("bonjour c'est Nadège Bastien née le 3 mars 1980 pour prendre
    rdv demain", read as a mere answer: QA got « C'est à quel nom ? » and no booking)."""
    if intent == "emergency" and not name_answer:
        return Decision({"requested_slot": None}, follow="action_handle_emergency", stop_form=True)
    if task is None and (motif_said or time_said):
        return Decision({"requested_slot": None, "task": "book"}, follow="booking_form", stop_form=True)
    return None


def other_choice(
    proposals: Sequence[Slot],
    index: int | None,
    chosen: Slot | None,
    requested: str | None,
    practice: Practice,
    today: date,
) -> Decision | None:
    """ "non pardon le deuxième" when the name is asked: another of the proposed slots (``index``), not a
    name; None when it names no other one."""
    if index is None or proposals[index] == chosen:
        return None
    chosen = proposals[index]
    changes: dict[str, Any] = {"chosen_slot": chosen}
    if requested:
        changes[requested] = None
    return Decision(changes, (reply("ok_then", slot=say_slot(chosen, practice, today)),))
