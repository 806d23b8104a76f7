"""The motif (appointment type) an answer names, among the practice's motifs and their synonyms."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from assistant.core.model import AppointmentType, Practice
from assistant.core.text import normalise
from assistant.language.fr.lexicon import MOTIF_FILLERS


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


def motif_named_in(answer: str, motifs: Sequence[AppointmentType]) -> AppointmentType | None:
    """The one motif among ``motifs`` whose name or synonym holds every word of a short answer.

    "bilan", after "c'est pour un bilan de kinésithérapie ou une séance de kinésithérapie ?", is the
    first; :func:`resolve_motif` wants a whole label. None when no motif or several match.
    """
    words = set(normalise(answer).split()) - MOTIF_FILLERS
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
    A motif the file names as a first visit ("première consultation", synonym "premier rendez-vous") is
    preferred: read from its names, never from an id.
    """
    same_people = [
        m
        for m in practice.appointment_types
        if m.new_patients and m.bookable_online and set(m.practitioner_ids) & set(motif.practitioner_ids)
    ]
    return next((m for m in same_people if _is_first_visit(m)), same_people[0] if same_people else None)


#: Words by which a practice file names a first visit ("première consultation", "nouveau patient").
_FIRST_VISIT_WORDS = frozenset({"premier", "premiere", "nouveau", "nouvelle", "nouveaux"})


def _is_first_visit(motif: AppointmentType) -> bool:
    return any(_FIRST_VISIT_WORDS & set(normalise(label).split()) for label in (motif.name, *motif.synonyms))


def _is_generic(motif: AppointmentType) -> bool:
    """A consultation with no particular reason (the file's motif for symptoms), or the practice's first visit."""
    return motif.for_symptoms or _is_first_visit(motif)


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
