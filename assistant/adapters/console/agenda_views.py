"""The console's agenda: day and week views per practitioner, free time, booking, moving, cancelling, search, audit.

Every change goes through :class:`~assistant.services.agenda.AgendaService` with the secretary as the
actor (``Actor(name, Channel.SECRETARIAT)``): the same rules, locks and audit as the assistant and the
command line; the confirmation SMS is sent only when she ticks it. Pages are server-rendered (they work
without JavaScript); every form is a POST with the session's CSRF token (checked by the console's gate).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.adapters.console.presenters import agenda_day, audit_view, french_day, practitioner_label
from assistant.core.booking import BookingRequest
from assistant.core.errors import AgendaError
from assistant.core.model import Channel, Patient
from assistant.services.agenda import Actor, AgendaService

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.adapters.console.app import Tools


def _day(text: str | None, today: date) -> date:
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        return today


def _local(text: str, tz: tzinfo) -> datetime | None:
    """A ``datetime-local`` field (``2026-11-24T09:30``) in the practice's time zone."""
    try:
        naive = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None
    return naive.replace(tzinfo=tz) if naive.tzinfo is None else naive


def _birth(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except (ValueError, AttributeError):
            continue
    return None


def register_agenda(
    app: Sanic,
    agenda: AgendaService,
    search_patients: Callable[[str], list[Patient]] | None,
    tools: Tools,
    tz: tzinfo,
) -> None:
    page, blocking, refused, done = tools.page, tools.blocking, tools.refused, tools.done

    def form(request: Request, name: str) -> str:
        return ((request.form.get(name) if request.form else None) or "").strip()

    def notify(request: Request) -> bool:
        return form(request, "notify") == "1"

    def actor(request: Request) -> Actor:
        return Actor(request.ctx.secretary.display_name, Channel.SECRETARIAT)

    def agenda_url(day: date, view: str, practitioner: str) -> str:
        query = {"jour": day.isoformat(), "vue": view}
        if practitioner:
            query["praticien"] = practitioner
        return "/agenda?" + urlencode(query)

    def read_view(request: Request) -> dict[str, Any]:
        practice = agenda.practice()
        today = agenda.clock.now().astimezone(tz).date()
        day = _day(request.args.get("jour"), today)
        view = "semaine" if request.args.get("vue") == "semaine" else "jour"
        practitioner = request.args.get("praticien") or ""
        if practitioner and practitioner not in {p.id for p in practice.practitioners}:
            practitioner = ""
        if view == "semaine":
            monday = day - timedelta(days=day.weekday())
            days = [monday + timedelta(days=offset) for offset in range(7)]
            step = timedelta(days=7)
        else:
            days, step = [day], timedelta(days=1)
        shown = []
        for each in days:
            rows = agenda.agenda(each, practitioner or None)
            shown.append(
                {
                    "date": each,
                    "label": french_day(each),
                    "is_today": each == today,
                    "columns": agenda_day(practice, each, rows, tz, practitioner or None),
                }
            )
        return {
            "practice": practice,
            "practitioners": [(p.id, practitioner_label(p)) for p in practice.practitioners],
            "motifs": [(m.id, f"{m.name} ({m.duration_minutes} min)") for m in practice.appointment_types],
            "days": shown,
            "day": day,
            "view": view,
            "practitioner": practitioner,
            "today_url": agenda_url(today, view, practitioner),
            "previous_url": agenda_url(day - step, view, practitioner),
            "next_url": agenda_url(day + step, view, practitioner),
            "day_url": agenda_url(day, "jour", practitioner),
            "week_url": agenda_url(day, "semaine", practitioner),
            "title": (f"Semaine du {french_day(days[0])}" if view == "semaine" else f"Agenda du {french_day(day)}"),
        }

    @app.get("/agenda")
    async def agenda_page(request: Request) -> HTTPResponse:
        try:
            context = await blocking(read_view, request)
        except AgendaError as error:
            return refused(request, error.message, status=503)
        prefill = {
            "start": request.args.get("debut") or "",
            "practitioner": request.args.get("praticien_rdv") or context["practitioner"],
        }
        return page(request, "agenda.html", nav="agenda", prefill=prefill, **context)

    @app.post("/agenda/book")
    async def book(request: Request) -> HTTPResponse:
        practice_tz = tz
        start = _local(form(request, "start"), practice_tz)
        birth = _birth(form(request, "birth_date"))
        last, first = form(request, "last_name"), form(request, "first_name")
        patient_id = form(request, "patient_id")
        if start is None:
            return refused(request, "Indiquez le jour et l'heure du rendez-vous.", status=400)
        patient: Patient | int
        if patient_id.isdigit():
            patient = int(patient_id)
        elif last and first and birth:
            patient = Patient(None, last, first, birth, form(request, "phone"), "")
        else:
            return refused(request, "Indiquez le nom, le prénom et la date de naissance du patient.", status=400)
        booking = BookingRequest(
            appointment_type_id=form(request, "motif"),
            practitioner_id=form(request, "practitioner"),
            start=start,
            channel=Channel.SECRETARIAT,
            new_patient=form(request, "new_patient") == "1",
        )
        try:
            appointment = await blocking(agenda.book, booking, patient, actor(request), notify(request))
        except AgendaError as error:
            return refused(request, error.message)
        day = start.date().isoformat()
        return done(
            request,
            {"ok": True, "appointment": appointment.id},
            default=f"/agenda?jour={day}&vue=jour#rdv-{appointment.id}",
        )

    @app.post("/appointments/<appointment_id:int>/move")
    async def move(request: Request, appointment_id: int) -> HTTPResponse:
        start = _local(form(request, "start"), tz)
        if start is None:
            return refused(request, "Indiquez le nouveau jour et la nouvelle heure.", status=400)
        try:
            moved = await blocking(
                agenda.move,
                appointment_id,
                start,
                actor(request),
                form(request, "practitioner") or None,
                notify(request),
            )
        except AgendaError as error:
            return refused(request, error.message)
        return done(request, {"ok": True, "appointment": moved.id}, default=f"/appointments/{appointment_id}")

    @app.post("/appointments/<appointment_id:int>/cancel")
    async def cancel(request: Request, appointment_id: int) -> HTTPResponse:
        try:
            await blocking(
                agenda.cancel, appointment_id, actor(request), form(request, "reason")[:200], notify(request)
            )
        except AgendaError as error:
            return refused(request, error.message)
        return done(request, {"ok": True}, default=f"/appointments/{appointment_id}")

    def appointment_details(appointment_id: int) -> dict[str, Any]:
        appointment = agenda.get_appointment(appointment_id)
        patient = agenda.get_patient(appointment.patient_id)
        practice = agenda.practice()
        try:
            motif = practice.appointment_type(appointment.appointment_type_id).name
        except Exception:
            motif = appointment.appointment_type_id
        return {
            "appointment": appointment,
            "start": f"{appointment.start.astimezone(tz):%d/%m/%Y %H:%M}",
            "start_value": f"{appointment.start.astimezone(tz):%Y-%m-%dT%H:%M}",
            "end": f"{appointment.end.astimezone(tz):%H:%M}",
            "day": appointment.start.astimezone(tz).date().isoformat(),
            "patient": patient,
            "motif": motif,
            "practitioner": practitioner_label(practice.practitioner(appointment.practitioner_id)),
            "practitioners": [(p.id, practitioner_label(p)) for p in practice.practitioners],
            "audit": audit_view(agenda.audit_trail(appointment_id), tz),
        }

    @app.get("/appointments/<appointment_id:int>")
    async def appointment_page(request: Request, appointment_id: int) -> HTTPResponse:
        try:
            details = await blocking(appointment_details, appointment_id)
        except AgendaError as error:
            return refused(request, error.message, status=404)
        return page(request, "appointment.html", nav="agenda", **details)

    def search(query: str) -> list[dict[str, Any]]:
        if search_patients is None:
            return []
        found = []
        now = agenda.clock.now()
        for patient in search_patients(query):
            assert patient.id is not None
            upcoming = [a for a in agenda.patient_appointments(patient.id) if a.end >= now]
            found.append(
                {
                    "patient": patient,
                    "appointments": [
                        {"id": a.id, "start": f"{a.start.astimezone(tz):%d/%m/%Y %H:%M}", "status": a.status.value}
                        for a in upcoming
                    ],
                }
            )
        return found

    @app.get("/patients")
    async def patients(request: Request) -> HTTPResponse:
        query = (request.args.get("q") or "").strip()[:100]
        results = await blocking(search, query) if query else []
        return page(request, "patients.html", nav="patients", query=query, results=results)
