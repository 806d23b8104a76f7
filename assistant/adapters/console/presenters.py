"""What the console shows of a hand-over, in French: plain dicts for the templates and the JSON API. Pure."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from assistant.core import escalation as rules
from assistant.core.escalation import Escalation
from assistant.core.intervals import subtract
from assistant.core.model import Appointment, Channel, Interval, Patient, Practice, Practitioner
from assistant.core.slots import opening_intervals
from assistant.language.fr.dates import DAYS, MONTHS
from assistant.services.secretaries import Note, Takeover

CHANNEL_LABELS = {
    Channel.CHAT: "chat",
    Channel.PHONE: "téléphone",
    Channel.SMS: "SMS",
    Channel.SECRETARIAT: "secrétariat",
    Channel.CLI: "ligne de commande",
}
URGENCY_BADGES = {rules.IMMEDIATE: "immédiate", rules.URGENT: "urgente", rules.ROUTINE: "courante"}


def local(moment: datetime | None, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%d/%m/%Y %H:%M}" if moment else ""


def age(moment: datetime, now: datetime) -> str:
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 1:
        return "à l'instant"
    if minutes < 60:
        return f"il y a {minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"il y a {hours} h {rest:02d}"
    return f"il y a {hours // 24} j"


def duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def identity(escalation: Escalation, patient: Patient | None) -> str:
    if not escalation.identity_verified:
        return "non vérifiée"
    if patient is not None:
        return f"{patient.last_name.upper()} {patient.first_name}, né(e) le {patient.birth_date:%d/%m/%Y}"
    return "vérifiée"


def escalation_view(
    escalation: Escalation,
    patient: Patient | None,
    notes: list[Note],
    takeover: Takeover | None,
    now: datetime,
    tz: tzinfo,
) -> dict[str, Any]:
    e = escalation
    call = None
    if e.call_outcome:
        call = rules.CALL_OUTCOME_LABELS.get(e.call_outcome, e.call_outcome)
        if e.call_duration_seconds is not None:
            call += f", {duration(e.call_duration_seconds)}"
    return {
        "id": e.id,
        "version": f"{e.id}:{e.updated_at.isoformat() if e.updated_at else ''}:{len(notes)}:{takeover.id if takeover else 0}",
        "urgency": e.urgency,
        "urgency_badge": URGENCY_BADGES.get(e.urgency, e.urgency),
        "urgency_label": rules.URGENCY_LABELS.get(e.urgency, e.urgency),
        "category_label": rules.CATEGORY_LABELS.get(e.category, e.category),
        "reason": e.reason,
        "channel": e.channel.value,
        "channel_label": CHANNEL_LABELS.get(e.channel, e.channel.value),
        "conversation_id": e.conversation_id,
        "created_at": local(e.created_at, tz),
        "age": age(e.created_at, now),
        "status": e.status,
        "status_label": rules.STATUS_LABELS.get(e.status, e.status),
        "taken_by": e.taken_by,
        "identity": identity(e, patient),
        "identity_verified": e.identity_verified,
        "summary": rules.written_summary(e, tz, patient),
        "transcript": [
            {"speaker": speaker, "name": rules.SPEAKER_LABELS.get(speaker, speaker), "text": text}
            for speaker, text in e.transcript
        ],
        "callback_number": e.callback_number if e.callback_requested else None,
        "callback_after": local(e.callback_after, tz) if e.callback_after else None,
        "call": call,
        "notes": [{"author": n.author, "text": n.text, "at": local(n.at, tz)} for n in notes],
        "takeover_by": takeover.secretary_name if takeover else None,
        "takeover_secretary_id": takeover.secretary_id if takeover else None,
        "can_take_over": e.channel in (Channel.CHAT, Channel.SMS),
        "take_over_label": "Répondre par SMS" if e.channel == Channel.SMS else "Répondre dans le chat",
    }


# -- the agenda ----------------------------------------------------------------------------------

ACTION_LABELS = {
    "book": "réservation",
    "move": "déplacement",
    "cancel": "annulation",
    "patient_create": "création du dossier patient",
    "patient_merge": "fusion de dossiers",
}


def french_day(day: date) -> str:
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def practitioner_label(practitioner: Practitioner) -> str:
    return f"{practitioner.title} {practitioner.name}".strip()


def agenda_day(
    practice: Practice,
    day: date,
    rows: list[tuple[Appointment, Patient]],
    tz: tzinfo,
    practitioner_id: str | None = None,
) -> list[dict[str, Any]]:
    """Per practitioner, the day's appointments and free time in order (free ranges can be booked)."""
    columns = []
    for practitioner in practice.practitioners:
        if practitioner_id and practitioner.id != practitioner_id:
            continue
        hours = opening_intervals(practice, practitioner, day, tz)
        mine = [(a, p) for a, p in rows if a.practitioner_id == practitioner.id]
        free = subtract(hours, [Interval(a.start, a.end) for a, _ in mine])
        items: list[dict[str, Any]] = []
        for appointment, patient in mine:
            try:
                motif = practice.appointment_type(appointment.appointment_type_id).name
            except Exception:  # a motif no longer in the practice file
                motif = appointment.appointment_type_id
            items.append(
                {
                    "kind": "appointment",
                    "sort": appointment.start,
                    "id": appointment.id,
                    "start": f"{appointment.start.astimezone(tz):%H:%M}",
                    "end": f"{appointment.end.astimezone(tz):%H:%M}",
                    "start_value": f"{appointment.start.astimezone(tz):%Y-%m-%dT%H:%M}",
                    "patient": f"{patient.last_name.upper()} {patient.first_name}",
                    "birth_date": f"{patient.birth_date:%d/%m/%Y}",
                    "motif": motif,
                    "channel": CHANNEL_LABELS.get(appointment.channel, appointment.channel.value),
                }
            )
        for interval in free:
            items.append(
                {
                    "kind": "free",
                    "sort": interval.start,
                    "start": f"{interval.start.astimezone(tz):%H:%M}",
                    "end": f"{interval.end.astimezone(tz):%H:%M}",
                    "start_value": f"{interval.start.astimezone(tz):%Y-%m-%dT%H:%M}",
                }
            )
        items.sort(key=lambda item: item["sort"])
        columns.append(
            {
                "id": practitioner.id,
                "label": practitioner_label(practitioner),
                "specialty": practitioner.specialty,
                "closed": not hours,
                "hours": ", ".join(f"{i.start.astimezone(tz):%H:%M}–{i.end.astimezone(tz):%H:%M}" for i in hours),
                "items": items,
            }
        )
    return columns


def audit_view(events: list[dict[str, Any]], tz: tzinfo) -> list[dict[str, Any]]:
    """Who (the assistant on a channel, a secretary by name, the patient), when and what, oldest first."""
    shown = []
    for event in sorted(events, key=lambda e: e["at"]):
        channel = event.get("channel") or ""
        actor = event.get("actor") or ""
        label = CHANNEL_LABELS[Channel(channel)] if channel in CHANNEL_VALUES else channel
        if actor == "assistant":
            who = f"l'assistant ({label})"
        elif channel == Channel.SECRETARIAT.value:
            who = f"{actor} (secrétariat)"
        else:
            who = f"{actor} ({label})" if label else actor
        details = event.get("details") or {}
        what = ACTION_LABELS.get(event["action"], event["action"].replace("_", " "))
        if details.get("reason"):
            what += f" : {details['reason']}"
        shown.append({"at": local(event["at"], tz), "who": who, "what": what})
    return shown


CHANNEL_VALUES = {channel.value for channel in Channel}
