"""French that reads well and sounds right when spoken by a voice.

Everything the assistant says about dates and times goes through here, so chat
and phone say the same thing: "jeudi 26 novembre à 15 h 30 avec le docteur
Durand". No digits-with-colons ("15:30" is read "quinze deux-points trente"),
no emoji, no markdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from assistant.clock import get_timezone
from assistant.conversation.replies import Reply, catalogue, render, reply, say
from assistant.core.model import Appointment, AppointmentType, Practice, Slot
from assistant.language.fr.dates import DAYS, MONTHS, say_date, say_day_month, say_time  # noqa: F401 (re-exported)
from assistant.language.fr.practitioners import practitioner_phrase


def say_birth_date(day: date) -> str:
    return f"{say_day_month(day)} {day.year}"


def practitioner_subject(practice: Practice, practitioner_id: str) -> str:
    """The practitioner as the subject of a sentence: "Le docteur Durand", "Julie Roux, l'infirmière,".

    Capitalised, and an apposition closes with a comma before the verb.
    """
    who = practitioner_phrase(practice, practitioner_id)
    who = f"{who}," if "," in who else who
    return who[:1].upper() + who[1:]


def say_when(start: datetime, practice: Practice, today: date | None = None) -> str:
    local = start.astimezone(get_timezone(practice.timezone))
    return f"{say_date(local.date(), today)} à {say_time(local.time())}"


def say_slot(slot: Slot | Appointment, practice: Practice, today: date | None = None) -> str:
    """ "jeudi 26 novembre à 15 h 30 avec le docteur Durand"."""
    who = practitioner_phrase(practice, slot.practitioner_id)
    return f"{say_when(slot.start, practice, today)} avec {who}" if who else say_when(slot.start, practice, today)


def join_alternatives(items: Sequence[str], last_word: str = "ou") -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {last_word} " + items[-1]


def choices_reply(slots: Sequence[Slot], practice: Practice, today: date | None = None) -> Reply:
    """A proposal of one to three slots, ending with the question; what they share is said once."""
    if len(slots) == 1:
        return reply("choices.one", slot=say_slot(slots[0], practice, today))
    tz = get_timezone(practice.timezone)
    same_person = len({slot.practitioner_id for slot in slots}) == 1
    same_day = len({slot.start.astimezone(tz).date() for slot in slots}) == 1
    who = practitioner_phrase(practice, slots[0].practitioner_id)
    if same_day:
        day = say_date(slots[0].start.astimezone(tz).date(), today)
        if same_person:
            times = [say_time(slot.start.astimezone(tz).time()) for slot in slots]
            return reply("choices.same_day_same_person", who=who, day=day, times=join_alternatives(times))
        times = [
            f"{say_time(slot.start.astimezone(tz).time())} avec {practitioner_phrase(practice, slot.practitioner_id)}"
            for slot in slots
        ]
        return reply("choices.same_day", Day=day[:1].upper() + day[1:], times=join_alternatives(times))
    if same_person:
        spoken = [say_when(slot.start, practice, today) for slot in slots]
        return reply("choices.same_person", who=who, times=join_alternatives(spoken))
    return reply("choices.several", times=join_alternatives([say_slot(slot, practice, today) for slot in slots]))


def say_choices(slots: Sequence[Slot], practice: Practice, today: date | None = None) -> str:
    """:func:`choices_reply` as written text."""
    return render([choices_reply(slots, practice, today)], None, practice)


def motif_question_reply(practice: Practice, practitioner_id: str | None = None, new_patient: bool = False) -> Reply:
    """The motif question, with examples the patient can book, taken from the practice's configuration.

    When a practitioner was already named ("un rendez-vous avec le kiné"), the examples are that
    practitioner's motifs, and two or three are offered as the choice; for a new patient, only motifs
    open to new patients. Articles come from :func:`indefinite` (the configuration gives bare names).
    """
    motifs = [m for m in practice.appointment_types if m.bookable_online and (m.new_patients or not new_patient)]
    theirs = [m for m in motifs if practitioner_id in m.practitioner_ids] if practitioner_id else []
    if 2 <= len(theirs) <= 3:  # a real choice, not a yes/no question, which a form cannot take as an answer
        who = practitioner_phrase(practice, str(practitioner_id))
        return reply("ask_motif.theirs", who=who, motifs=join_alternatives([indefinite(m) for m in theirs]))
    examples = [indefinite(m) for m in (theirs or motifs)[:3]]
    if not examples:
        return reply("ask_motif")
    return reply("ask_motif.examples", examples=join_alternatives(examples))


def motif_question(practice: Practice, practitioner_id: str | None = None, new_patient: bool = False) -> str:
    """:func:`motif_question_reply` as written text."""
    return render([motif_question_reply(practice, practitioner_id, new_patient)], None, practice)


def patient_status_question(for_a_relative: bool) -> str:
    """Whether the patient came before, asked of the caller or about the relative they call for (not
    "venu(e)": the same words for everyone)."""
    return say("ask_patient_status.relative" if for_a_relative else "ask_patient_status")


_MASCULINE = ("bilan", "renouvellement", "certificat", "suivi", "frottis", "pansement", "examen", "soin", "vaccin")


def is_feminine(name: str) -> bool:
    """A guess good enough for most motif names: "consultation", "prise", "séance" are feminine. A name the
    guess gets wrong ("IRM", "drainage") has its ``gender`` in the practice file."""
    first = name.lower().split()[0] if name.split() else ""
    return first.endswith(("e", "ion")) and first not in _MASCULINE


def _motif_name(motif: AppointmentType | str) -> tuple[str, bool]:
    """The name as said inside a sentence ("IRM" keeps its capitals), and whether it is feminine."""
    name = motif if isinstance(motif, str) else motif.name
    first_word = name.split(" ", 1)[0]
    lowered = name if len(first_word) > 1 and first_word.isupper() else name[:1].lower() + name[1:]
    if isinstance(motif, AppointmentType) and motif.gender:
        return lowered, motif.gender == "f"
    return lowered, is_feminine(lowered)


def with_article(motif: AppointmentType | str) -> str:
    """ "la consultation", "le bilan kiné", "l'injection", "l'IRM": a motif with its definite article
    (its ``gender`` from the practice file when given, else a guess from the name)."""
    lowered, feminine = _motif_name(motif)
    if lowered[:1].lower() in "aeiouyéèêh":
        return f"l'{lowered}"
    return f"la {lowered}" if feminine else f"le {lowered}"


def of_motif(motif: AppointmentType | str) -> str:
    """ "de scanner", "d'IRM", "d'échographie": "de" and a motif's name, elided before a vowel or an h."""
    lowered, _feminine = _motif_name(motif)
    return f"d'{lowered}" if lowered[:1].lower() in "aeiouyéèêh" else f"de {lowered}"


def indefinite(motif: AppointmentType | str) -> str:
    """ "une consultation", "un bilan kiné", "une IRM", "un drainage lymphatique": a motif with its
    indefinite article (its ``gender`` from the practice file when given)."""
    lowered, feminine = _motif_name(motif)
    return f"une {lowered}" if feminine else f"un {lowered}"


#: From this local hour, a caller is greeted "bonsoir".
EVENING_FROM_HOUR = 18


def hello(local_hour: int) -> str:
    """ "bonjour" or, from 18 h, "bonsoir" (the after-hours line answers at night)."""
    return say("hello.evening" if local_hour >= EVENING_FROM_HOUR else "hello.day")


def birth_date_corrected(born: date) -> str:
    """What a patient hears when a birth date is corrected (the new date read back)."""
    return say("birth_date_corrected", birth_date=say_birth_date(born))


#: What the patient hears after an answer that could not be understood, before the question again
#: (``not_understood.<question>`` in the catalogue); a second failed answer in a row is not asked again
#: (``assistant.dialogue.failures``): the patient hears ``not_understood_again`` and the secretariat takes over.
NOT_UNDERSTOOD = {
    key.partition(".")[2]: entry["text"] for key, entry in catalogue().items() if key.startswith("not_understood.")
}
NOT_UNDERSTOOD_AGAIN = say("not_understood_again")
