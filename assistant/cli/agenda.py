"""The agenda: ``agenda``, ``slots``, ``book``, ``move``, ``cancel`` and ``audit``."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

from assistant.cli.base import UsageError, change_options, services
from assistant.cli.inputs import check_practitioner, parse_date, parse_day, parse_local
from assistant.cli.output import (
    appointment_json,
    french_datetime,
    french_day,
    local,
    print_change,
    print_json,
    slot_json,
    tz,
)
from assistant.core.model import Channel, Interval, Patient
from assistant.core.slots import SlotQuery, opening_intervals
from assistant.core.windows import TimeWish
from assistant.services.agenda import Actor


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands to the ``assistant`` parser."""
    agenda = commands.add_parser("agenda", help="afficher l'agenda d'une journée")
    agenda.add_argument("--day", default="today", help="AAAA-MM-JJ, today/aujourd'hui, tomorrow/demain")
    agenda.add_argument("--practitioner", help="identifiant du praticien")
    agenda.add_argument("--json", action="store_true")
    agenda.set_defaults(handler=cmd_agenda)

    slots = commands.add_parser("slots", help="chercher des créneaux libres pour un motif")
    slots.add_argument("--type", required=True, dest="type_id", help="identifiant du motif")
    slots.add_argument("--practitioner", action="append", default=[], help="praticien (répétable)")
    slots.add_argument("--from", dest="from_", help="début de la recherche (AAAA-MM-JJ[THH:MM], heure locale)")
    slots.add_argument("--to", help="fin de la recherche (exclue)")
    slots.add_argument("--count", type=int, default=3)
    slots.add_argument("--spread", action="store_true", help="proposer des jours différents")
    slots.add_argument("--new-patient", action="store_true")
    slots.add_argument("--json", action="store_true")
    slots.set_defaults(handler=cmd_slots)

    book = commands.add_parser("book", help="réserver un créneau")
    book.add_argument("--type", required=True, dest="type_id")
    book.add_argument("--practitioner", required=True)
    book.add_argument("--start", required=True, help="AAAA-MM-JJTHH:MM, heure locale du cabinet")
    group = book.add_argument_group("patient (par identifiant ou par identité)")
    group.add_argument("--patient-id", type=int)
    group.add_argument("--last-name")
    group.add_argument("--first-name")
    group.add_argument("--birth-date", help="AAAA-MM-JJ")
    group.add_argument("--phone", default="")
    group.add_argument("--email", default="")
    book.add_argument("--new-patient", action="store_true")
    book.add_argument("--force", action="store_true", help="secrétariat : autoriser hors horaires")
    change_options(book, "qui réserve (pour l'audit)")
    book.set_defaults(handler=cmd_book)

    move = commands.add_parser("move", help="déplacer un rendez-vous")
    move.add_argument("appointment_id", type=int)
    move.add_argument("--start", required=True)
    move.add_argument("--practitioner")
    change_options(move, "qui déplace (pour l'audit)")
    move.set_defaults(handler=cmd_move)

    cancel = commands.add_parser("cancel", help="annuler un rendez-vous")
    cancel.add_argument("appointment_id", type=int)
    cancel.add_argument("--reason", default="")
    change_options(cancel, "qui annule (pour l'audit)")
    cancel.set_defaults(handler=cmd_cancel)

    audit = commands.add_parser("audit", help="journal des modifications")
    audit.add_argument("--appointment", type=int)
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(handler=cmd_audit)


def cmd_agenda(args: argparse.Namespace) -> int:
    with services() as container:
        practice = container.agenda.practice()
        day = parse_day(args.day, container.clock.now().date())
        if args.practitioner:
            check_practitioner(practice, args.practitioner)
        rows = container.agenda.agenda(day, args.practitioner)
        if args.json:
            print_json(
                {
                    "practice": {"id": practice.id, "name": practice.name, "timezone": practice.timezone},
                    "day": day.isoformat(),
                    "appointments": [appointment_json(a, practice, p) for a, p in rows],
                },
            )
            return 0
        print(f"{practice.name} — {practice.address.one_line()}")
        print(f"Agenda du {french_day(day)}")
        zone = tz(practice)
        for practitioner in practice.practitioners:
            if args.practitioner and practitioner.id != args.practitioner:
                continue
            hours = opening_intervals(practice, practitioner, day, zone)
            opening = (
                ", ".join(f"{i.start.astimezone(zone):%H:%M}-{i.end.astimezone(zone):%H:%M}" for i in hours)
                or "pas de consultation"
            )
            print(f"\n{practitioner.title} {practitioner.name} ({practitioner.specialty}) : {opening}")
            for appointment, patient in rows:
                if appointment.practitioner_id == practitioner.id:
                    motif = practice.appointment_type(appointment.appointment_type_id).name
                    print(
                        f"  {local(appointment.start, practice):%H:%M}-{local(appointment.end, practice):%H:%M}  "
                        f"n°{appointment.id:<5} {patient.last_name.upper()} {patient.first_name} — {motif} [{appointment.channel.value}]"
                    )
        if not rows:
            print("\nAucun rendez-vous ce jour-là.")
        return 0


def cmd_slots(args: argparse.Namespace) -> int:
    with services() as container:
        practice = container.agenda.practice()
        now = container.clock.now()
        for practitioner_id in args.practitioner:
            check_practitioner(practice, practitioner_id)
        intervals: tuple[Interval, ...] = ()
        if args.from_ or args.to:
            start = parse_local(args.from_, practice) if args.from_ else now
            end = (
                parse_local(args.to, practice, end_of_day=True)
                if args.to
                else now + timedelta(days=practice.rules.horizon_days + 1)
            )
            if end <= start:
                raise UsageError("--to doit être après --from.")
            intervals = (Interval(start, end),)
        query = SlotQuery(
            appointment_type_id=args.type_id,
            practitioner_ids=tuple(args.practitioner),
            wish=TimeWish(intervals=intervals),
            count=max(1, args.count),
            spread_days=args.spread,
            new_patient=args.new_patient,
        )
        found = container.agenda.find_slots(query)
        if args.json:
            print_json([slot_json(slot, practice) for slot in found])
        elif not found:
            print("Aucun créneau libre ne correspond.")
        else:
            for slot in found:
                practitioner = practice.practitioner(slot.practitioner_id)
                print(
                    f"{french_datetime(local(slot.start, practice))} — {practitioner.title} {practitioner.name} ({slot.start.astimezone(tz(practice)):%Y-%m-%dT%H:%M})"
                )
        return 0


def cmd_book(args: argparse.Namespace) -> int:
    from assistant.core.booking import BookingRequest

    with services() as container:
        practice = container.agenda.practice()
        patient: Patient | int
        if args.patient_id is not None:
            patient = args.patient_id
        else:
            if not (args.last_name and args.first_name and args.birth_date):
                raise UsageError("Indiquez --patient-id, ou --last-name, --first-name et --birth-date.")
            patient = Patient(
                None,
                args.last_name,
                args.first_name,
                parse_date(args.birth_date, "--birth-date"),
                args.phone,
                args.email,
            )
        request = BookingRequest(
            appointment_type_id=args.type_id,
            practitioner_id=args.practitioner,
            start=parse_local(args.start, practice),
            channel=Channel(args.channel),
            new_patient=args.new_patient,
            force_outside_hours=args.force,
        )
        appointment = container.agenda.book(request, patient, Actor(args.by, Channel(args.channel)), notify=args.notify)
        print_change("Rendez-vous réservé", appointment, practice, args.json)
        return 0


def cmd_move(args: argparse.Namespace) -> int:
    with services() as container:
        practice = container.agenda.practice()
        if args.practitioner:
            check_practitioner(practice, args.practitioner)
        appointment = container.agenda.move(
            args.appointment_id,
            parse_local(args.start, practice),
            Actor(args.by, Channel(args.channel)),
            args.practitioner,
            notify=args.notify,
        )
        print_change("Rendez-vous déplacé", appointment, practice, args.json)
        return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    with services() as container:
        practice = container.agenda.practice()
        appointment = container.agenda.cancel(
            args.appointment_id, Actor(args.by, Channel(args.channel)), args.reason, notify=args.notify
        )
        print_change("Rendez-vous annulé", appointment, practice, args.json)
        return 0


def cmd_audit(args: argparse.Namespace) -> int:
    with services() as container:
        events = container.agenda.audit_trail(args.appointment)
        if args.json:
            print_json(events)
        else:
            for event in events:
                target = f" rdv n°{event['appointment_id']}" if event["appointment_id"] else ""
                print(
                    f"{event['at']:%Y-%m-%d %H:%M:%S} {event['actor']} ({event['channel']}) {event['action']}{target} {json.dumps(event['details'], ensure_ascii=False)}"
                )
        return 0
