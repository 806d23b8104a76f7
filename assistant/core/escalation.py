"""Escalations: what the assistant hands to the secretariat, as plain data and pure rules.

An escalation is opened when a conversation needs a person: an emergency, a
sensitive or medical request, an explicit request for someone, or repeated
misunderstandings. It carries why (reason, category), how fast (urgency), what
was understood so far, the transcript, and how to call the patient back, so
the secretary never starts from zero.

Life cycle: ``open`` → ``taken`` (a secretary handles it) → ``closed`` (with an
outcome). A second hand-over in the same conversation updates the escalation
still in progress instead of creating another one (see :func:`merge`).

Everything here is pure: the service reads, calls these functions, writes and
audits. Summaries are French, for the secretary's screen (:func:`written_summary`)
and for a warm transfer on the phone (:func:`spoken_summary`); they may hold the
callback number and the patient's name, so they are shown, never logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo

from assistant.core.errors import AgendaError
from assistant.core.identity import is_valid_french_phone, phone_key
from assistant.core.model import Channel, Patient, utc

# -- vocabulary -------------------------------------------------------------------

EMERGENCY = "emergency"
SUICIDE = "suicide"
URGENT = "urgent"
SENSITIVE = "sensitive"
HUMAN = "human"
MISUNDERSTANDING = "misunderstanding"
UNREACHED = "unreached"  # not from a conversation: a change the patient could not be told of by SMS
# Most serious first: when two hand-overs merge, the more serious category wins.
CATEGORIES = (SUICIDE, EMERGENCY, URGENT, SENSITIVE, HUMAN, MISUNDERSTANDING, UNREACHED)

IMMEDIATE = "immediate"
ROUTINE = "routine"
URGENCIES = (IMMEDIATE, URGENT, ROUTINE)  # most urgent first

OPEN = "open"
TAKEN = "taken"
CLOSED = "closed"
STATUSES = (OPEN, TAKEN, CLOSED)
ACTIVE_STATUSES = (OPEN, TAKEN)  # still to be handled: a new hand-over in the conversation merges into it

OUTCOMES = ("resolved", "transferred", "callback", "no_answer")  # how the secretariat closed it

CATEGORY_LABELS = {
    SUICIDE: "risque suicidaire",
    EMERGENCY: "urgence médicale",
    URGENT: "demande urgente",
    SENSITIVE: "demande médicale ou sensible",
    HUMAN: "demande à parler à une personne",
    MISUNDERSTANDING: "incompréhension répétée",
    UNREACHED: "patient non prévenu par SMS",
}
URGENCY_LABELS = {IMMEDIATE: "urgence vitale", URGENT: "à traiter aujourd'hui", ROUTINE: "sans urgence"}
STATUS_LABELS = {OPEN: "ouverte", TAKEN: "prise en charge", CLOSED: "close"}
OUTCOME_LABELS = {
    "resolved": "résolue",
    "transferred": "transférée",
    "callback": "patient rappelé",
    "no_answer": "sans réponse",
}
# What the telephony status callback reports about the call (provider words are normalised to these).
CALL_OUTCOME_LABELS = {
    "completed": "appel terminé",
    "transferred": "transféré au secrétariat",
    "no_answer": "transfert sans réponse",
    "busy": "secrétariat occupé",
    "failed": "appel en échec",
    "abandoned": "raccroché avant la fin",
}
CALL_OUTCOMES = tuple(CALL_OUTCOME_LABELS)
SPEAKER_LABELS = {"patient": "Patient", "assistant": "Assistant", "secretariat": "Secrétariat"}

MAX_REASON = 500
MAX_TEXT = 2000
MAX_TRANSCRIPT_LINES = 200
MAX_UNDERSTOOD_VALUE = 200
IDENTITY_KEY = "identité vérifiée"  # the dialogue's own flag in ``understood`` ("oui"/"non")

# -- errors -----------------------------------------------------------------------

MESSAGES: dict[str, str] = {
    "escalation_not_found": "Demande transmise introuvable : n°{escalation_id}.",
    "escalation_closed": "La demande n°{escalation_id} est déjà close.",
    "invalid_escalation": "Demande transmise invalide : {detail}.",
    "invalid_phone": "Numéro de rappel invalide : donnez un numéro de téléphone complet.",
    "invalid_outcome": "Issue inconnue « {outcome} » (possibles : {allowed}).",
}


class EscalationError(AgendaError):
    """A refused escalation operation: a stable code and one French sentence (like :class:`AgendaError`)."""

    messages = MESSAGES


# -- the record ---------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    id: int | None
    practice_id: str
    channel: Channel
    conversation_id: str
    # What the patient said and how to reach them stay out of repr(), so a logged escalation leaks nothing.
    reason: str = field(repr=False)
    category: str
    urgency: str
    created_at: datetime  # aware, UTC
    status: str = OPEN
    understood: dict[str, str] = field(default_factory=dict, repr=False)
    transcript: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (speaker, text), oldest first
    patient_id: int | None = None  # set only when the dialogue verified the identity
    callback_number: str | None = field(default=None, repr=False)
    callback_requested: bool = False
    callback_after: datetime | None = None  # earliest sensible callback (the next staffed hour after closing time)
    updated_at: datetime | None = None
    taken_by: str | None = None
    taken_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    outcome: str | None = None  # one of OUTCOMES once closed
    call_outcome: str | None = None  # one of CALL_OUTCOMES, from the phone line
    call_duration_seconds: int | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def identity_verified(self) -> bool:
        return self.patient_id is not None or self.understood.get(IDENTITY_KEY) == "oui"


# -- building and changing ------------------------------------------------------------


@dataclass(frozen=True)
class EscalationRequest:
    """A hand-over as its sender asks for it: the dialogue, the turn guard's spool, the SMS worker.

    One value for every sender and for the service that records it, so that what a hand-over says is
    written once; :func:`new_escalation` checks and normalises it into an :class:`Escalation`.
    """

    channel: Channel | str
    conversation_id: str
    reason: str = field(repr=False)  # the patient's words stay out of repr(), as on the escalation
    category: str
    urgency: str
    understood: Mapping[str, object] | None = field(default=None, repr=False)
    transcript: Iterable[Sequence[str]] = field(default=(), repr=False)  # (speaker, text), oldest first
    patient_id: int | None = None  # only when the dialogue verified the identity
    callback_number: str | None = field(default=None, repr=False)


def new_escalation(request: EscalationRequest, *, practice_id: str, now: datetime) -> Escalation:
    """A validated, normalised new escalation (raises :class:`EscalationError` on bad input).

    A callback number that is not a usable phone number is dropped rather than
    refused: the hand-over itself must never fail because of it.
    """
    validate(request.category, request.urgency)
    conversation_id = (request.conversation_id or "").strip()
    if not conversation_id:
        raise EscalationError("invalid_escalation", detail="conversation manquante")
    if len(conversation_id) > 100:
        raise EscalationError("invalid_escalation", detail="identifiant de conversation trop long")
    try:
        channel = Channel(request.channel)
    except ValueError:
        raise EscalationError("invalid_escalation", detail=f"canal inconnu {request.channel!r}") from None
    return Escalation(
        id=None,
        practice_id=practice_id,
        channel=channel,
        conversation_id=conversation_id,
        reason=_clean_reason(request.reason) or CATEGORY_LABELS[request.category].capitalize(),
        category=request.category,
        urgency=request.urgency,
        created_at=utc(now),
        updated_at=utc(now),
        understood=clean_understood(request.understood or {}),
        transcript=clean_transcript(request.transcript),
        patient_id=request.patient_id,
        callback_number=normalise_phone(request.callback_number),
    )


def validate(category: str, urgency: str) -> None:
    if category not in CATEGORIES:
        raise EscalationError("invalid_escalation", detail=f"catégorie inconnue {category!r}")
    if urgency not in URGENCIES:
        raise EscalationError("invalid_escalation", detail=f"urgence inconnue {urgency!r}")


def merge(existing: Escalation, incoming: Escalation, now: datetime) -> Escalation:
    """A second hand-over in the same conversation, folded into the escalation in progress.

    Urgency and category only ever go up; the new reason is appended (once); what
    was understood is completed; the transcript is replaced (the new one is the
    whole conversation so far); a verified patient or a callback number is kept
    when the new hand-over does not bring one.
    """
    return replace(
        existing,
        reason=_join_reasons(existing.reason, incoming.reason),
        category=most_serious_category(existing.category, incoming.category),
        urgency=most_urgent(existing.urgency, incoming.urgency),
        understood={**existing.understood, **incoming.understood},
        transcript=incoming.transcript or existing.transcript,
        patient_id=incoming.patient_id if incoming.patient_id is not None else existing.patient_id,
        callback_number=incoming.callback_number or existing.callback_number,
        updated_at=utc(now),
    )


def take(escalation: Escalation, secretary: str, now: datetime) -> Escalation:
    """A secretary takes the escalation in hand (again, if a colleague had it)."""
    _require_not_closed(escalation)
    return replace(escalation, status=TAKEN, taken_by=_person(secretary), taken_at=utc(now), updated_at=utc(now))


def close(escalation: Escalation, outcome: str, by: str, now: datetime) -> Escalation:
    _require_not_closed(escalation)
    if outcome not in OUTCOMES:
        raise EscalationError("invalid_outcome", outcome=outcome, allowed=", ".join(OUTCOMES))
    return replace(
        escalation, status=CLOSED, outcome=outcome, closed_by=_person(by), closed_at=utc(now), updated_at=utc(now)
    )


def request_callback(escalation: Escalation, phone: str, after: datetime | None, now: datetime) -> Escalation:
    """The patient asks to be called back at ``phone``, not before ``after`` (None: as soon as possible)."""
    _require_not_closed(escalation)
    number = normalise_phone(phone)
    if number is None:
        raise EscalationError("invalid_phone")
    return replace(
        escalation,
        callback_number=number,
        callback_requested=True,
        callback_after=utc(after) if after is not None else None,
        updated_at=utc(now),
    )


def record_call(escalation: Escalation, duration_seconds: int, outcome: str, now: datetime) -> Escalation:
    """What the phone line reports when the call ends (also after the escalation was closed)."""
    if isinstance(duration_seconds, bool) or not isinstance(duration_seconds, int) or duration_seconds < 0:
        raise EscalationError("invalid_escalation", detail="durée d'appel invalide")
    call_outcome = normalise_call_outcome(outcome)
    return replace(escalation, call_outcome=call_outcome, call_duration_seconds=duration_seconds, updated_at=utc(now))


def normalise_call_outcome(outcome: str) -> str:
    """Provider words ("no-answer", "Completed", "canceled") to :data:`CALL_OUTCOMES`."""
    key = re.sub(r"[\s\-]+", "_", (outcome or "").strip().lower())
    key = {"noanswer": "no_answer", "canceled": "abandoned", "cancelled": "abandoned", "answered": "completed"}.get(
        key, key
    )
    if key not in CALL_OUTCOMES:
        raise EscalationError("invalid_outcome", outcome=outcome, allowed=", ".join(CALL_OUTCOMES))
    return key


def most_urgent(first: str, second: str) -> str:
    return min(first, second, key=URGENCIES.index)


def most_serious_category(first: str, second: str) -> str:
    return min(first, second, key=CATEGORIES.index)


def triage_key(escalation: Escalation) -> tuple[int, datetime, int]:
    return (URGENCIES.index(escalation.urgency), escalation.created_at, escalation.id or 0)


def triage_order(escalations: Iterable[Escalation]) -> list[Escalation]:
    """Most urgent first (immediate, urgent, routine); within one urgency, oldest first."""
    return sorted(escalations, key=triage_key)


# -- normalising ------------------------------------------------------------------------


def normalise_phone(phone: str | None) -> str | None:
    """A French number as "06 01 02 03 04"; a foreign one (+ and 8 to 15 digits) as given; else None."""
    if not phone or not phone.strip():
        return None
    if is_valid_french_phone(phone):
        key = phone_key(phone)
        return " ".join(key[i : i + 2] for i in range(0, 10, 2))
    compact = re.sub(r"[\s.\-()]", "", phone.strip())
    if re.fullmatch(r"(\+|00)[1-9]\d{7,14}", compact):
        return "+" + compact.lstrip("+").removeprefix("00")
    return None


def clean_understood(understood: Mapping[str, object]) -> dict[str, str]:
    return {
        str(key).strip()[:60]: str(value).strip()[:MAX_UNDERSTOOD_VALUE]
        for key, value in understood.items()
        if str(key).strip() and value is not None and str(value).strip()
    }


def clean_transcript(transcript: Iterable[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    lines: list[tuple[str, str]] = []
    for line in transcript:
        if len(line) != 2:
            raise EscalationError("invalid_escalation", detail="ligne de transcription invalide")
        speaker, text = (str(part).strip() for part in line)
        if text:
            lines.append((speaker[:30] or "?", text[:MAX_TEXT]))
    return tuple(lines[-MAX_TRANSCRIPT_LINES:])


def _clean_reason(reason: str) -> str:
    return " ".join((reason or "").split())[:MAX_REASON]


def _reason_parts(reason: str) -> list[str]:
    return [part.strip() for part in reason.split(";") if part.strip()]


def _join_reasons(first: str, second: str) -> str:
    parts = _reason_parts(first)
    known = {part.casefold() for part in parts}
    parts += [part for part in _reason_parts(second) if part.casefold() not in known]
    joined = "; ".join(parts)
    return joined if len(joined) <= MAX_REASON else joined[: MAX_REASON - 1] + "…"


def _person(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise EscalationError("invalid_escalation", detail="nom de la personne manquant")
    return cleaned[:100]


def _require_not_closed(escalation: Escalation) -> None:
    if escalation.status == CLOSED:
        raise EscalationError("escalation_closed", escalation_id=escalation.id)


# -- summaries ----------------------------------------------------------------------------


def written_summary(escalation: Escalation, practice_tz: tzinfo, patient: Patient | None = None) -> str:
    """A few French lines for the secretary's screen (holds the callback number: show it, never log it)."""

    def local(value: datetime) -> str:
        return f"{value.astimezone(practice_tz):%d/%m/%Y à %H:%M}"

    e = escalation
    number = f"n°{e.id} " if e.id is not None else ""
    lines = [
        f"Demande {number}: {e.reason}",
        f"Urgence : {URGENCY_LABELS[e.urgency]} ({CATEGORY_LABELS[e.category]})",
        f"Ouverte le {local(e.created_at)} après un SMS non remis"
        if e.category == UNREACHED
        else f"Reçue le {local(e.created_at)} par {_channel_words(e.channel)}",
    ]
    status = STATUS_LABELS[e.status]
    if e.status == TAKEN and e.taken_by and e.taken_at:
        status += f" par {e.taken_by} le {local(e.taken_at)}"
    elif e.status == CLOSED:
        if e.closed_by and e.closed_at:
            status += f" par {e.closed_by} le {local(e.closed_at)}"
        if e.outcome:
            status += f" ({OUTCOME_LABELS.get(e.outcome, e.outcome)})"
    lines.append(f"Statut : {status}")
    if e.identity_verified:
        who = ""
        if patient is not None:
            who = f" : {patient.last_name.upper()} {patient.first_name}, né(e) le {patient.birth_date:%d/%m/%Y}"
        elif e.patient_id is not None:
            who = f" (patient n°{e.patient_id})"
        lines.append(f"Identité vérifiée{who}")
    else:
        lines.append("Identité non vérifiée")
    facts = [f"{key} : {value}" for key, value in e.understood.items() if key != IDENTITY_KEY]
    if facts or e.category != UNREACHED:  # no conversation behind an unreached patient: nothing was "understood"
        said = [text for speaker, text in e.transcript if speaker == "patient"]
        # Nothing structured understood: the patient's last words tell the secretary more than
        # "rien de précis" did (phone QA: an earache, a child with 39 °C read "rien de précis").
        nothing = f"rien de précis ; dernier message : « {said[-1]} »" if said else "rien de précis"
        lines.append("Compris : " + ("; ".join(facts) if facts else nothing))
    if e.callback_requested and e.callback_number:
        when = f", à partir du {local(e.callback_after)}" if e.callback_after else ""
        lines.append(f"Rappel demandé au {e.callback_number}{when}")
    elif e.callback_number:
        whose = "Numéro que le SMS n'a pas atteint" if e.category == UNREACHED else "Numéro de l'appelant"
        lines.append(f"{whose} : {e.callback_number}")
    else:
        lines.append("Aucun numéro de rappel")
    if e.call_outcome or e.call_duration_seconds is not None:
        parts = []
        if e.call_duration_seconds is not None:
            parts.append(_duration_words(e.call_duration_seconds))
        if e.call_outcome:
            parts.append(CALL_OUTCOME_LABELS.get(e.call_outcome, e.call_outcome))
        lines.append("Appel : " + ", ".join(parts))
    return "\n".join(lines)


def transcript_text(escalation: Escalation) -> str:
    """The transcript, one "Speaker : text" line per turn."""
    return "\n".join(
        f"{SPEAKER_LABELS.get(speaker, speaker.capitalize())} : {text}" for speaker, text in escalation.transcript
    )


def spoken_summary(escalation: Escalation, patient: Patient | None = None) -> str:
    """ONE short French sentence said to the secretary before a warm transfer.

    "Appel transféré par l'assistant : demande de résultats, sans urgence, identité vérifiée."
    """
    parts = [_spoken_reason(part) for part in _reason_parts(escalation.reason)]
    reason = " et ".join(parts[:2]) + (" et d'autres demandes" if len(parts) > 2 else "")
    reason = reason or CATEGORY_LABELS[escalation.category]
    if escalation.identity_verified:
        identity = "identité vérifiée"
        if patient is not None:
            identity += f" pour {patient.first_name} {patient.last_name}"
    else:
        identity = "identité non vérifiée"
    return f"Appel transféré par l'assistant : {reason}, {URGENCY_LABELS[escalation.urgency]}, {identity}."


def _spoken_reason(part: str) -> str:
    """A reason as a clause: no sentence punctuation, no capital at its pieces' start (acronyms kept)."""
    pieces = [piece.strip() for piece in re.split(r"[.!?…:;,]+", part) if piece.strip()]
    return ", ".join(_lower_first(piece) for piece in pieces)


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _channel_words(channel: Channel) -> str:
    return {
        Channel.PHONE: "téléphone",
        Channel.CHAT: "messagerie",
        Channel.SMS: "SMS",
        Channel.SECRETARIAT: "le secrétariat",
        Channel.CLI: "ligne de commande",
    }[channel]


def _duration_words(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest:02d} s"
