"""Turning what a patient said into the agenda's terms, purely.

The NLU gives intents and entity values; patients give "le deuxième", "celui de
15 h", "avec le docteur Benali", "euh Dupont", "zéro six douze…". These
functions map such answers to a motif, a practitioner, a proposed slot, a name
or a phone number, or say they could not (None), so the form asks again.
Names themselves are read in ``assistant.language.fr.names``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from assistant.clock import get_timezone
from assistant.core.model import Appointment, AppointmentType, Practice, Slot
from assistant.core.text import normalise
from assistant.core.windows import TimeWish
from assistant.language.fr.birth_dates import parse_birth_date
from assistant.language.fr.lexicon import ANY_ONE, HESITATIONS, MONTHS, WEEKDAYS, is_hesitation
from assistant.language.fr.numbers import NUMBER_TEENS, NUMBER_TENS, NUMBER_UNITS, NUMBER_WORDS, read_number
from assistant.language.fr.phone import read_phone

ANY_PRACTITIONER = "any"
NO_PHONE = "none"

_ORDINALS = {
    "1": 0,
    "premier": 0,
    "premiere": 0,
    "un": 0,
    "une": 0,
    "2": 1,
    "deuxieme": 1,
    "second": 1,
    "seconde": 1,
    "deux": 1,
    "3": 2,
    "troisieme": 2,
    "trois": 2,
    "4": 3,
    "quatrieme": 3,
    "5": 4,
    "cinquieme": 4,
}


def resolve_motif(value: str, practice: Practice) -> AppointmentType | None:
    """The motif meant by ``value`` (an id, a name, a synonym, or close to one)."""
    wanted = normalise(value)
    if not wanted:
        return None
    table: dict[str, AppointmentType] = {}
    for motif in practice.appointment_types:
        for label in (motif.id, motif.id.replace("-", " "), motif.name, *motif.synonyms):
            table.setdefault(normalise(label), motif)
    if wanted in table:
        return table[wanted]
    # A longer answer containing a known label ("c'est pour une prise de sang à jeun").
    contained = [label for label in table if label and re.search(rf"\b{re.escape(label)}\b", wanted)]
    if contained:
        return table[max(contained, key=len)]
    close = difflib.get_close_matches(wanted, list(table), n=1, cutoff=0.82)
    return table[close[0]] if close else None


#: Words of a short motif answer that name nothing ("c'est pour un bilan" → "bilan").
_MOTIF_FILLERS = frozenset(
    [
        "euh",
        "ben",
        "alors",
        "oui",
        "c",
        "est",
        "pour",
        "un",
        "une",
        "le",
        "la",
        "les",
        "l",
        "de",
        "d",
        "du",
        "des",
        "a",
        "au",
        "plutot",
        "ce",
        "sera",
        "juste",
    ]
)


def motif_named_in(answer: str, motifs: Sequence[AppointmentType]) -> AppointmentType | None:
    """The one motif among ``motifs`` whose name or synonym holds every word of a short answer.

    "bilan", after "c'est pour un bilan de kinésithérapie ou une séance de kinésithérapie ?", is the
    first; :func:`resolve_motif` wants a whole label. None when no motif or several match.
    """
    words = set(normalise(answer).split()) - _MOTIF_FILLERS
    if not words or len(words) > 3:
        return None
    found = [
        motif
        for motif in motifs
        if any(words <= set(normalise(label).split()) for label in (motif.name, *motif.synonyms))
    ]
    return found[0] if len(found) == 1 else None


def first_visit_instead(motif: AppointmentType, practice: Practice) -> AppointmentType | None:
    """What a new patient can book instead of ``motif`` (kept for patients already followed), with the same people.

    A kinésithérapie session follows a kinésithérapie assessment, not a doctor's first consultation.
    A motif whose id starts with "premiere" is preferred (the practice's first consultation).
    """
    same_people = [
        m
        for m in practice.appointment_types
        if m.new_patients and m.bookable_online and set(m.practitioner_ids) & set(motif.practitioner_ids)
    ]
    return next((m for m in same_people if m.id.startswith("premiere")), same_people[0] if same_people else None)


def _is_generic(motif: AppointmentType) -> bool:
    """A consultation with no particular reason, or the practice's first visit ("premiere-…")."""
    return motif.id == "consultation" or motif.id.startswith("premiere")


def motif_among(
    named: Sequence[AppointmentType], practitioner_id: str | None, practice: Practice
) -> AppointmentType | None:
    """The motif a message means when it names several ("des séances de kiné… un premier rendez-vous avec le kiné").

    Rasa keeps the last motif entity only, and the generic one often comes last: a caller who asked the
    physiotherapist for a first appointment was given a doctor's first consultation. The motifs the named
    practitioner gives come first, then a specific one over a generic one; "premier rendez-vous" said with
    a motif kept for patients already followed means that motif's first visit (the assessment before sessions).
    """
    unique = list(dict.fromkeys(named))
    if not unique:
        return None
    first_visit_said = any(motif.id.startswith("premiere") for motif in unique)
    if practitioner_id is not None:
        theirs = [motif for motif in unique if practitioner_id in motif.practitioner_ids]
        if not theirs and first_visit_said:
            theirs = [
                motif
                for motif in practice.appointment_types
                if practitioner_id in motif.practitioner_ids and motif.new_patients and motif.bookable_online
            ][:1]
        unique = theirs or unique
    chosen = next((motif for motif in unique if not _is_generic(motif)), unique[0])
    if first_visit_said and not chosen.new_patients:
        chosen = first_visit_instead(chosen, practice) or chosen
    return chosen


def resolve_practitioner(value: str, practice: Practice, motif: AppointmentType | None = None) -> str | None:
    """A practitioner id, :data:`ANY_PRACTITIONER`, or None when ``value`` names nobody here.

    Matches ids, last names, full names and specialties ("le kiné"), accent- and
    case-insensitively; restricted to the motif's practitioners when one is known.
    """
    wanted = normalise(value)
    if not wanted:
        return None
    if wanted == ANY_PRACTITIONER or any(phrase in wanted for phrase in ANY_ONE):
        return ANY_PRACTITIONER
    candidates = [p for p in practice.practitioners if motif is None or p.id in motif.practitioner_ids]
    for practitioner in candidates:
        labels = {normalise(practitioner.id), normalise(practitioner.name), normalise(practitioner.name.split()[-1])}
        if wanted == normalise(practitioner.name.split()[0]) and len(practitioner.name.split()) > 1:
            return practitioner.id  # "avec sophie": a first name alone, said for the practitioner
        if wanted in labels or any(re.search(rf"\b{re.escape(label)}\b", wanted) for label in labels if label):
            return practitioner.id
    by_specialty = [p for p in candidates if _specialty_matches(wanted, p.specialty)]
    if len(by_specialty) == 1:
        return by_specialty[0].id
    last_names = {normalise(p.name.split()[-1]): p.id for p in candidates}
    close = difflib.get_close_matches(wanted.split()[-1], list(last_names), n=1, cutoff=0.8)
    return last_names[close[0]] if close else None


_SPECIALTY_WORDS = {
    "kine": ("kine", "kinesitherapeute", "masseur"),
    "infirm": ("infirmier", "infirmiere", "infirmerie"),
    "generaliste": ("generaliste", "medecin", "docteur"),
}


def _specialty_matches(wanted: str, specialty: str) -> bool:
    spec = normalise(specialty)
    for key, words in _SPECIALTY_WORDS.items():
        if key in spec and any(re.search(rf"\b{word}", wanted) for word in words):
            return True
    return False


#: "Aucun ne me convient", "non ça va pas…": the proposals are refused, whatever number or time follows.
_REFUSES_ALL = re.compile(
    r"\b(aucun|aucune|ni l un ni l autre|rien ne|pas possible|impossible|"
    r"(ne|n) (me|nous|m) (convien\w*|va|vont|arrange\w*)|(ca|cela) (ne )?(me )?va pas|"
    r"(ca|cela) (ne )?(m )?arrange pas|pas (ca|celui|celle|ceux)|non (merci|non|c est pas|ca))\b"
)
#: "Attendez deux secondes", "je regarde mon agenda": the patient asks for a moment, not a choice.
_HOLD_ON = re.compile(
    r"\b(attendez|attends|attendre|patientez|un instant|une seconde|deux secondes|une minute|deux minutes|"
    r"je regarde|je vais regarder|je verifie|je reflechis|laissez moi|laisse moi|ne quittez pas|bougez pas)\b"
)


def refuses_all(text: str) -> bool:
    """Whether an answer to the proposed slots refuses them all ("aucun des trois ne me convient")."""
    said = normalise(text)
    return bool(_REFUSES_ALL.search(said)) or said in ("non", "non non")


def narrowed_wish(earlier: Any, new: Any) -> Any:
    """A time of day said after a day narrows that day: "celui de quinze heures" after "jeudi".

    Both are time wishes as stored in the slot (see nlu.time_wish.to_serializable). Taken alone,
    the hour searched every day again, and Thursday's patient was offered Monday.
    """
    if not isinstance(earlier, dict) or not isinstance(new, dict):
        return new
    if new.get("intervals") or new.get("weekdays") or not new.get("day_parts"):
        return new
    if not (earlier.get("intervals") or earlier.get("weekdays")):
        return new
    return {**new, "intervals": earlier.get("intervals") or [], "weekdays": earlier.get("weekdays") or []}


_ALREADY_HERE = re.compile(
    r"\b(deja|suivie?|un de ses patients|une de ses patientes|patiente? (du|de|chez)|je viens|on vient|"
    r"connue?|mon medecin traitant|ma medecin traitante|habitue|habituee|tout le temps|depuis des annees)\b"
)
_FIRST_TIME = re.compile(r"\b(jamais|premiere fois|premier rendez vous|premier rdv|nouveau|nouvelle|pas encore)\b")


def patient_status_of(value: Any, text: str) -> str | None:
    """Whether an answer to "Avez-vous déjà consulté au cabinet ?" says ``existing`` or ``new``.

    The entity's value when it is one of those; else the answer's words: "oui je suis suivi par lui"
    (entity "suivi") made the question come back four times.
    """
    if value in ("new", "existing"):
        return str(value)
    said = normalise(text)
    already, first = bool(_ALREADY_HERE.search(said)), bool(_FIRST_TIME.search(said))
    if already != first:
        return "existing" if already else "new"
    words = said.split()
    if words and words[0] in ("oui", "ouais", "si"):
        return "existing"
    if words and words[0] == "non":
        return "new"
    return None


def states_a_preference(text: str) -> bool:
    """Whether a refusal also says what would suit ("aucun, plutôt l'après-midi")."""
    return bool(re.search(r"\b(plutot|prefere\w*|mieux|de preference|sinon|par contre)\b", normalise(text)))


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
    r"\b(?:je me suis trompee?|c est|cest|plutot|non c est|en fait|demain|aujourd hui|lundi|mardi|mercredi|jeudi"
    r"|vendredi|samedi|dimanche|matin|soir|apres midi|heures?)\b|\d"
)


def is_hold_on(text: str) -> bool:
    """Whether the patient only asks for a moment ("euh attendez je regarde mon agenda").

    Not when an answer follows: "non attendez, je me suis trompé, c'est 1967" and "euh attendez, demain
    soir vers 17h plutôt" got "Je vous en prie, prenez votre temps." and lost what they said (phone QA).
    """
    said = normalise(text)
    return bool(_HOLD_ON.search(said)) and not _HOLD_ON_THEN_ANSWER.search(said)


def choose_slot(
    text: str,
    proposals: Sequence[Slot],
    practice: Practice,
    option: str | None = None,
    today: date | None = None,
) -> int | None:
    """Which proposal the patient picked (its index), or None if the answer does not say.

    Understands an ordinal ("le deuxième", "le 2", "la dernière"), a time ("celui de
    15 h", "quinze heures trente"), a weekday or day number ("le mardi", "le 26"),
    a practitioner ("avec le docteur Benali"), or a plain yes when only one was proposed.
    """
    if not proposals or refuses_all(text) or is_hold_on(text):
        # "aucun des trois", "attendez deux secondes": a number in them is not a choice
        return None
    said = normalise(text)
    if option:
        index = _ordinal_index(normalise(option), len(proposals))
        if index is not None:
            return index
    tz = get_timezone(practice.timezone)
    local = [slot.start.astimezone(tz) for slot in proposals]
    matches = set(range(len(proposals)))
    offered = {slot.practitioner_id for slot in proposals}
    if any(
        _names_practitioner(said, practice, p.id) for p in practice.practitioners if p.id not in offered
    ) and not any(_names_practitioner(said, practice, pid) for pid in offered):
        return None  # "non je préfère le docteur Benali, 14 h 30 alors": someone not offered, a new search
    relative = _relative_day(said, today)
    if relative is not None:
        # "demain soir vers 17 h" while Friday was read: only a proposal on that day can be meant
        matches &= {i for i, start in enumerate(local) if start.date() == relative}
        if not matches:
            return None

    hour_minute = _spoken_time(said)
    if hour_minute is not None:
        by_time = {i for i, start in enumerate(local) if (start.hour, start.minute) == hour_minute}
        by_hour = {i for i, start in enumerate(local) if start.hour == hour_minute[0]}
        matches &= by_time or by_hour
    weekday = _weekday(said)
    if weekday is not None:
        matches &= {i for i, start in enumerate(local) if start.weekday() == weekday}
    day_number = _day_number(said)
    if day_number is not None and not any(start.day == day_number for start in local) and day_number <= len(proposals):
        day_number = None  # "le 2" with no proposal on the 2nd: the second proposal
    if day_number is not None:
        matches &= {i for i, start in enumerate(local) if start.day == day_number}
    who = {i for i, slot in enumerate(proposals) if _names_practitioner(said, practice, slot.practitioner_id)}
    if who and len({slot.practitioner_id for slot in proposals}) > 1:
        matches &= who
    specific = (
        hour_minute is not None or weekday is not None or day_number is not None or bool(who) or relative is not None
    )
    if specific:
        return matches.pop() if len(matches) == 1 else None
    index = _ordinal_index(said, len(proposals))
    if index is not None:
        return index
    if len(proposals) == 1 and re.search(
        r"\b(oui|ouais|ok|okay|d accord|parfait|tres bien|ca me va|ca va|ca marche|entendu|volontiers|je prends|c est bon)\b",
        said,
    ):
        return 0
    return None


def _ordinal_index(said: str, count: int) -> int | None:
    if re.search(r"\b(dernier|derniere|last)\b", said):
        return count - 1
    for word in re.findall(r"[a-z0-9]+", said):
        if word in _ORDINALS and _ORDINALS[word] < count:
            # "un"/"une" are too common to count alone ("un rendez-vous"): only as "le un", "la une".
            if word in ("un", "une") and not re.search(r"\b(le|la) une?\b", said):
                continue
            return _ORDINALS[word]
    return None


#: Number words around "heure(s)": "quatorze heures", "dix heures quarante cinq", "neuf heures et demie".
_CLOCK_NUMBER = "|".join(sorted(NUMBER_WORDS | {"et"}, key=len, reverse=True))
_SPOKEN_CLOCK = re.compile(
    rf"\b((?:(?:{_CLOCK_NUMBER})\s+)+)heures?\b(?:\s+(et demie|et quart|moins le quart|(?:(?:{_CLOCK_NUMBER})\b\s*)+))?"
)


def _spoken_time(said: str) -> tuple[int, int] | None:
    match = re.search(r"\b(\d{1,2})\s*(?:h|heures?)\s*(\d{2})?\b", said)
    if match:
        return int(match.group(1)), int(match.group(2) or 0)
    if re.search(r"\bmidi et demi", said):
        return 12, 30
    if re.search(r"\bmidi\b", said):
        return 12, 0
    match = _SPOKEN_CLOCK.search(said)
    if not match:
        return None
    before = match.group(1).split()
    # the longest run of words just before "heures" that is one number ("et deux heures" is 2)
    hour = next((n for i in range(len(before)) if (n := read_number(before[i:])) is not None), None)
    if hour is None:
        return None
    tail = (match.group(2) or "").strip()
    if tail == "et demie":
        return hour, 30
    if tail == "et quart":
        return hour, 15
    if tail == "moins le quart":
        return hour - 1, 45
    after = tail.split()
    minute = next((n for i in range(len(after), 0, -1) if (n := read_number(after[:i])) is not None), 0)
    return hour, minute


def _weekday(said: str) -> int | None:
    found = {day for day, word in enumerate(WEEKDAYS) if re.search(rf"\b{word}\b", said)}
    return found.pop() if len(found) == 1 else None


def _day_number(said: str) -> int | None:
    match = re.search(r"\b(?:le|du)\s+(\d{1,2})\b(?!\s*(?:h|heures?))", said)
    if match and 1 <= int(match.group(1)) <= 31:
        return int(match.group(1))
    return None


def appointments_named(
    upcoming: Sequence[Appointment],
    practice: Practice,
    text: str,
    wish: TimeWish | None,
) -> list[Appointment]:
    """The patient's appointments a request names ("mon rendez-vous chez le kiné du 23 décembre"), earliest first.

    A motif, a practitioner and a day said in the request narrow the list; what names none of them
    is not used. Phone QA: "annuler mon rendez-vous chez le kiné du 23 décembre" was answered with the
    vaccination of 26 November, the next one, and the December one could not be reached.
    """
    said = normalise(text)
    kept = list(upcoming)
    motif = resolve_motif(text, practice) if said else None
    if motif is not None:
        kept = [a for a in kept if a.appointment_type_id == motif.id] or kept
    who = {p.id for p in practice.practitioners if _names_practitioner(said, practice, p.id)}
    who |= {p.id for p in practice.practitioners if _specialty_matches(said, p.specialty)}
    if who:
        kept = [a for a in kept if a.practitioner_id in who] or kept
    if wish is not None and not wish.is_open:
        tz = get_timezone(practice.timezone)
        kept = [a for a in kept if _on_wished_day(a.start, wish, tz)] or kept
    return kept


def _on_wished_day(start: datetime, wish: TimeWish, tz: tzinfo) -> bool:
    """Whether ``start`` falls on a day the wish names (its intervals, its weekdays)."""
    local = start.astimezone(tz)
    if wish.intervals and not any(i.start <= start < i.end for i in wish.intervals):
        return False
    return not wish.weekdays or local.weekday() in wish.weekdays


def _relative_day(said: str, today: date | None) -> date | None:
    """The day "aujourd'hui", "demain" or "après-demain" names (folded text), if ``today`` is known."""
    if today is None:
        return None
    if re.search(r"\bapres demain\b", said):
        return today + timedelta(days=2)
    if re.search(r"\bdemain\b", said):
        return today + timedelta(days=1)
    if re.search(r"\baujourd hui\b|\bce (?:matin|soir|midi)\b|\bcet apres midi\b", said):
        return today
    return None


def _names_practitioner(said: str, practice: Practice, practitioner_id: str) -> bool:
    try:
        practitioner = practice.practitioner(practitioner_id)
    except KeyError:
        return False
    last = normalise(practitioner.name.split()[-1])
    return bool(last) and re.search(rf"\b{re.escape(last)}\b", said) is not None


def spoken_entity_text(message: Mapping[str, Any], entity: str, value: str) -> str:
    """The words the patient said for an entity, not its value after synonym mapping.

    Rasa's synonym mapper rewrites a value whatever the entity type: a synonym meant
    for one entity ("petit" → the relation "child") would rename a patient called
    Petit. Names are therefore taken from the message at the entity's offsets; a
    value that no entity of that type carries (typed text, a form's whole answer)
    is returned as is.
    """
    text = str(message.get("text") or "")
    spans = sorted(
        (found["start"], found["end"], found.get("value"))
        for found in message.get("entities") or ()
        if found.get("entity") == entity
        and isinstance(found.get("start"), int)
        and isinstance(found.get("end"), int)
        and 0 <= found["start"] < found["end"] <= len(text)
    )
    for index, (_, _, found_value) in enumerate(spans):
        if found_value != value:
            continue
        # A compound name cut in two ("jean" + "pierre", "le" + "goff"): the neighbours joined only
        # by spaces or a hyphen are the same name.
        first, last = index, index
        while first > 0 and re.fullmatch(r"[\s-]*", text[spans[first - 1][1] : spans[first][0]]):
            first -= 1
        while last + 1 < len(spans) and re.fullmatch(r"[\s-]*", text[spans[last][1] : spans[last + 1][0]]):
            last += 1
        return text[spans[first][0] : spans[last][1]]
    return value


def name_without_other(name: str | None, other_names: Iterable[str | None]) -> str | None:
    """A surname answer without the first name said with it, and the other way round.

    "Petit. Léa Petit.", said for the surname, was read back "Léa Petit Léa Petit" and stored as the
    surname "Petit Léa Petit": that patient could then never be found. The words of the other name
    are dropped (a one-word answer is kept whole: Marie Marie exists), then a word said twice in a row.
    """
    if not name or len(name.split()) < 2:
        return name
    others = {normalise(word) for other in other_names if other for word in str(other).split()}
    kept = [word for word in name.split() if normalise(word) not in others] or name.split()
    once = [word for index, word in enumerate(kept) if index == 0 or normalise(word) != normalise(kept[index - 1])]
    return " ".join(once)


def parse_phone(text: str) -> str | None:
    """A French phone number, however it is said or written (:func:`assistant.language.fr.phone.read_phone`).

    Returns the national form "06 12 34 56 78", :data:`NO_PHONE` when the patient
    has none ("aucun", "je n'ai pas de portable"), or None when it is not a number.
    """
    said = normalise(text)
    if said == NO_PHONE:  # its own answer, validated again when a form restarts (idempotent, as for numbers)
        return NO_PHONE
    phone = read_phone(text)  # a number first: "non pardon, zéro six…" gives one
    if phone is not None:
        return phone
    refused = re.search(r"\b(aucun|pas de (?:portable|telephone|numero)|j en ai pas|je n en ai pas|non)\b", said)
    # "non" with numbers in it corrects something ("non pardon quatre-vingt-onze"): not "no phone"
    if refused and not re.search(r"\d", said) and not set(said.split()) & _NUMBER_WORD_SET:
        return NO_PHONE
    return None


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


_YES_OPENING = re.compile(
    r"(?:(?:euh|ben|bah|alors)\s+)*(?:oui|ouais|okay|ok|d accord|daccord|parfait|exactement|tout a fait|tres bien"
    r"|ca marche|ca me va|c est ca|c est bon|c est parfait|c est tres bien|je confirme|confirme|allez y|volontiers)"
    r"(?:\s+(?:oui|c est ca|c est bon|parfait|merci|je confirme|d accord))*"
)
_BUT = re.compile(r"(?:mais|non|sauf|pas|attendez|euh non)\b")


_WHO_FOLLOWS = re.compile(
    r"\b(?:suivie?s?|soignee?s?)\s+(?:par|chez)\b|\bmedecin\s+traitant\b"
    r"|\bpatiente?s?\s+(?:du|de\s+la|de)\s+(?:docteur|dr|doctoresse)\b"
)


def says_who_follows(text: str) -> bool:
    """Whether ``text`` says which doctor follows the patient ("elle est suivie par le docteur Lefebvre").

    That answers "déjà venu au cabinet ?", it does not choose who to see: a vaccination asked "avec
    l'infirmière" was moved to Dr Lefebvre by this sentence (phone QA).
    """
    return _WHO_FOLLOWS.search(normalise(text)) is not None


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


def today_in(practice: Practice, now: datetime) -> datetime:
    return now.astimezone(get_timezone(practice.timezone))


#: Words that set an earlier answer right: "non c'est Durand", "mon prénom c'est Léa", "pardon, Dupond".
_CORRECTION = re.compile(
    r"\b(non|pas|pardon|erreur|plutot|corrige\w*|rectifie\w*|je m appelle|(?:mon|son) (?:nom|prenom)|prenom)\b"
)


#: Month names as normalise() writes them ("février" → "fevrier").
_MONTHS_FOLDED = tuple(MONTHS)


_NUMBER_WORD_SET = NUMBER_WORDS - {"un", "une"}


#: Where a correction starts in a message that also holds the wrong value.
_CORRECTION_START = re.compile(r"\b(?:non|pardon|je me suis trompee?|erreur|en fait|je veux dire)\b")


def birth_date_before_correction(text: str, now: datetime) -> date | None:
    """The (wrong) birth date said before a correction in the same message ("le 2 février 1976, non…")."""
    found = _CORRECTION_START.search(normalise(text))
    return parse_birth_date(text[: found.start()], now) if found and found.start() > 0 else None


def corrected_birth_date(text: str, earlier: date | None, now: datetime) -> date | None:
    """The birth date a correction gives ("non pardon quatre-vingt-onze", said when the phone is asked).

    The correction may be the whole date, or only the year or the day and month of the date
    given just before. Seen on the demo: the year corrected right after the date was read as "no
    phone", and the booking was made under the wrong date. None when it corrects nothing.
    """
    if earlier is None or not corrects_earlier_answer(text) or parse_phone(text) not in (None, NO_PHONE):
        return None
    said = normalise(text)
    # "le 2 février 1976, non attendez, je me suis trompé, c'est 1967": what follows the last
    # correction word is the correction
    last = list(_CORRECTION_START.finditer(said))
    if last and re.search(
        r"\d|\b(?:mille|cent|vingt|trente|quarante|cinquante|soixante|quatre)\b", said[last[-1].end() :]
    ):
        said = said[last[-1].end() :]
    # "1979, pas 1978": the old value after "pas" is not the new one ("pas 1978 mais 1979": after "mais")
    said = said.split(" mais ", 1)[1] if " pas " in f" {said} " and " mais " in said else re.split(r"\bpas\b", said)[0]
    rest = re.sub(
        r"\b(non|pardon|erreur|plutot|je me suis trompee?|c est|cest|en fait|ah|je suis nee?|en|attendez|euh)\b",
        " ",
        said,
    )
    candidates: list[str]
    if set(rest.split()) & set(_MONTHS_FOLDED):  # a day and a month, perhaps a year: "le quatre septembre"
        candidates = [text, f"{rest} {earlier.year}"]
    else:  # a year alone: "quatre-vingt-onze", "1991"
        candidates = [f"{earlier.day} {_MONTHS_FOLDED[earlier.month - 1]} {rest}"]
    for candidate in candidates:
        found = parse_birth_date(candidate, now)
        if found is not None and found != earlier:
            return found
    return None


def corrects_earlier_answer(text: str) -> bool:
    """Whether a message says that an answer given earlier was wrong (folded, see core.text.normalise)."""
    return _CORRECTION.search(normalise(text)) is not None
