"""``assistant``: the command line for the secretariat, operators and scripts.

Every command prints French for people, or JSON with ``--json`` for scripts.
Errors are one sentence on stderr and a non-zero exit (1 for a refused
operation, 2 for bad input or an invalid configuration file), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.core.errors import AgendaError
from assistant.core.escalation import OUTCOMES as ESCALATION_OUTCOMES
from assistant.core.escalation import Escalation
from assistant.core.model import Appointment, Channel, Interval, Patient, Practice, Slot
from assistant.core.slots import SlotQuery, opening_intervals
from assistant.core.sms import STATUSES as SMS_STATUSES
from assistant.core.sms import OutboxMessage, error_label, mask_number
from assistant.core.windows import TimeWish, day_bounds
from assistant.dialogue.speech import say_date
from assistant.settings import SettingsError

EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad command-line input: exit 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    logging.basicConfig(
        level=os.environ.get("ASSISTANT_LOG_LEVEL", "WARNING").upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    if argv is None:  # run as a program (not called by a test): no personal data in its logs
        from assistant.adapters import privacy_logs

        privacy_logs.install(os.environ.get("ASSISTANT_LOG_LEVEL", "WARNING"))
    try:
        return int(args.handler(args) or 0)
    except AgendaError as error:
        return _fail(error.message, EXIT_REFUSED)
    except (UsageError, SettingsError) as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    except BrokenPipeError:
        # The reader stopped early (`assistant agenda | head`): not an error of ours, and nothing to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as error:
        from sqlalchemy.exc import OperationalError

        from assistant.core.practice_config import PracticeConfigError

        if isinstance(error, PracticeConfigError):
            for issue in error.issues:
                print(str(issue), file=sys.stderr)
            return EXIT_BAD_INPUT
        if isinstance(error, OperationalError):
            return _fail(
                "La base de données est injoignable ou refuse l'opération (ASSISTANT_DATABASE_URL).", EXIT_REFUSED
            )
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        return _fail(
            f"Erreur inattendue ({type(error).__name__}) ; relancez avec ASSISTANT_DEBUG=1 pour le détail.",
            EXIT_REFUSED,
        )


def _fail(message: str, code: int) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return code


# -- parsing --------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Assistant de prise de rendez-vous : agenda et configuration du cabinet."
    )
    commands = parser.add_subparsers(title="commandes", metavar="COMMANDE")

    init = commands.add_parser(
        "init", help="créer ou mettre à jour la base ; --demo charge le cabinet de démonstration"
    )
    init.add_argument(
        "--demo", action="store_true", help="charger le cabinet de démonstration et quelques rendez-vous fictifs"
    )
    init.set_defaults(handler=cmd_init)

    practice = commands.add_parser("practice", help="vérifier ou appliquer un fichier de configuration de cabinet")
    practice_commands = practice.add_subparsers(title="actions", metavar="ACTION")
    check = practice_commands.add_parser("check", help="valider un fichier (erreurs avec fichier, ligne et champ)")
    check.add_argument("file", type=Path)
    check.set_defaults(handler=cmd_practice_check)
    load = practice_commands.add_parser("load", help="appliquer un fichier à la base sans perdre de rendez-vous")
    load.add_argument("file", type=Path)
    load.add_argument("--by", default="operator", help="qui applique (pour l'audit)")
    load.set_defaults(handler=cmd_practice_load)

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
    book.add_argument("--channel", choices=[c.value for c in Channel], default=Channel.SECRETARIAT.value)
    book.add_argument("--by", default="secretariat", help="qui réserve (pour l'audit)")
    book.add_argument("--force", action="store_true", help="secrétariat : autoriser hors horaires")
    _notify_options(book)
    book.add_argument("--json", action="store_true")
    book.set_defaults(handler=cmd_book)

    move = commands.add_parser("move", help="déplacer un rendez-vous")
    move.add_argument("appointment_id", type=int)
    move.add_argument("--start", required=True)
    move.add_argument("--practitioner")
    move.add_argument("--channel", choices=[c.value for c in Channel], default=Channel.SECRETARIAT.value)
    move.add_argument("--by", default="secretariat")
    _notify_options(move)
    move.add_argument("--json", action="store_true")
    move.set_defaults(handler=cmd_move)

    cancel = commands.add_parser("cancel", help="annuler un rendez-vous")
    cancel.add_argument("appointment_id", type=int)
    cancel.add_argument("--reason", default="")
    cancel.add_argument("--channel", choices=[c.value for c in Channel], default=Channel.SECRETARIAT.value)
    cancel.add_argument("--by", default="secretariat")
    _notify_options(cancel)
    cancel.add_argument("--json", action="store_true")
    cancel.set_defaults(handler=cmd_cancel)

    audit = commands.add_parser("audit", help="journal des modifications")
    audit.add_argument("--appointment", type=int)
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(handler=cmd_audit)

    escalations = commands.add_parser(
        "escalations", help="demandes transmises au secrétariat, les plus urgentes d'abord"
    )
    escalations.add_argument("--all", action="store_true", help="inclure les demandes closes")
    escalations.add_argument("--json", action="store_true")
    escalations.set_defaults(handler=cmd_escalations)

    escalation = commands.add_parser("escalation", help="voir, prendre en charge ou clore une demande transmise")
    escalation_commands = escalation.add_subparsers(title="actions", metavar="ACTION")
    show = escalation_commands.add_parser("show", help="résumé écrit et transcription d'une demande")
    show.add_argument("escalation_id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_escalation_show)
    take = escalation_commands.add_parser("take", help="prendre en charge une demande")
    take.add_argument("escalation_id", type=int)
    take.add_argument("--by", required=True, help="qui la prend en charge (pour l'audit)")
    take.add_argument("--json", action="store_true")
    take.set_defaults(handler=cmd_escalation_take)
    close = escalation_commands.add_parser("close", help="clore une demande avec son issue")
    close.add_argument("escalation_id", type=int)
    close.add_argument("--outcome", required=True, choices=ESCALATION_OUTCOMES)
    close.add_argument("--by", required=True, help="qui la clôt (pour l'audit)")
    close.add_argument("--json", action="store_true")
    close.set_defaults(handler=cmd_escalation_close)

    patient = commands.add_parser("patient", help="dossiers patients : doublons probables et fusion")
    patient_commands = patient.add_subparsers(title="actions", metavar="ACTION")
    duplicates = patient_commands.add_parser(
        "duplicates", help="groupes de dossiers qui sont probablement une même personne"
    )
    duplicates.add_argument("--json", action="store_true")
    duplicates.set_defaults(handler=cmd_patient_duplicates)
    merge = patient_commands.add_parser(
        "merge", help="fusionner le dossier AUTRE dans GARDER (rendez-vous, demandes, SMS, historique)"
    )
    merge.add_argument("keep", type=int, metavar="GARDER", help="numéro du dossier gardé")
    merge.add_argument("other", type=int, metavar="AUTRE", help="numéro du dossier fusionné puis supprimé")
    merge.add_argument("--by", required=True, help="qui fusionne (pour l'audit)")
    merge.add_argument("--force", action="store_true", help="fusionner malgré deux dates de naissance différentes")
    merge.add_argument("--json", action="store_true")
    merge.set_defaults(handler=cmd_patient_merge)

    sms = commands.add_parser("sms", help="SMS de confirmation : file d'envoi et envoi")
    sms_commands = sms.add_subparsers(title="actions", metavar="ACTION")
    worker = sms_commands.add_parser("worker", help="envoyer les SMS en attente (en continu, ou une fois)")
    worker.add_argument("--once", action="store_true", help="un seul passage, puis s'arrêter")
    worker.add_argument("--interval", type=float, default=5.0, help="secondes entre deux passages (défaut 5)")
    worker.add_argument("--limit", type=int, default=20, help="SMS au plus par passage (défaut 20)")
    worker.set_defaults(handler=cmd_sms_worker)
    outbox = sms_commands.add_parser("outbox", help="les derniers SMS et leur remise, numéros masqués")
    outbox.add_argument("--status", action="append", choices=SMS_STATUSES, help="filtrer (répétable)")
    outbox.add_argument(
        "--undelivered",
        action="store_true",
        help="seulement les SMS envoyés que l'opérateur n'a pas pu remettre au patient (accusé de réception)",
    )
    outbox.add_argument("--limit", type=int, default=50)
    outbox.add_argument("--json", action="store_true")
    outbox.set_defaults(handler=cmd_sms_outbox)
    retry = sms_commands.add_parser("retry", help="relancer un SMS en échec (après une longue panne)")
    retry.add_argument("sms_id", type=int)
    retry.add_argument("--by", required=True, help="qui relance (pour l'audit)")
    retry.set_defaults(handler=cmd_sms_retry)
    return parser


def _notify_options(command: argparse.ArgumentParser) -> None:
    group = command.add_mutually_exclusive_group()
    group.add_argument(
        "--notify",
        action="store_true",
        default=None,
        help="envoyer le SMS de confirmation au patient (par défaut : seulement pour les canaux patient)",
    )
    group.add_argument("--no-notify", dest="notify", action="store_false", help="ne pas envoyer de SMS")


# -- commands -------------------------------------------------------------------


def _container():  # type: ignore[no-untyped-def]
    from assistant.bootstrap import build

    return build()


def cmd_init(args: argparse.Namespace) -> int:
    from assistant.core.practice_config import load_practice_file
    from assistant.demo import seed_demo_appointments
    from assistant.services.agenda import Actor

    container = _container()
    print(f"Base prête : {_safe_url(container.settings.database_url)}")
    if args.demo:
        practice = load_practice_file(container.settings.practice_file)
        report = container.agenda.apply_practice(
            practice, str(container.settings.practice_file), Actor("init", Channel.CLI)
        )
        print(
            f"Cabinet chargé : {practice.name} ({report.practitioners} praticiens, {report.appointment_types} motifs)."
        )
        seeded = seed_demo_appointments(container.agenda)
        if seeded:
            print(f"{seeded} rendez-vous fictifs ajoutés pour la démonstration.")
    container.close()
    return 0


def cmd_practice_check(args: argparse.Namespace) -> int:
    from assistant.core.practice_config import load_practice_file

    practice = load_practice_file(args.file)
    print(
        f"{args.file} : configuration valide — {practice.name}, {len(practice.practitioners)} praticiens, "
        f"{len(practice.appointment_types)} motifs."
    )
    return 0


def cmd_practice_load(args: argparse.Namespace) -> int:
    from assistant.core.practice_config import load_practice_file
    from assistant.services.agenda import Actor

    practice = load_practice_file(args.file)
    container = _container()
    report = container.agenda.apply_practice(practice, str(args.file), Actor(args.by, Channel.CLI))
    state = "appliquée" if report.changed else "inchangée"
    print(
        f"Configuration {state} : {practice.name} ({report.practitioners} praticiens, {report.appointment_types} motifs)."
    )
    if report.deactivated:
        print("Désactivés (absents du fichier, historique conservé) : " + ", ".join(report.deactivated))
    if report.conflicts:
        print(
            f"Attention : {len(report.conflicts)} rendez-vous à venir ne rentrent plus dans les horaires (conservés, à revoir) :"
        )
        for appointment in report.conflicts:
            print(
                f"  n°{appointment.id} {_local(appointment.start, practice):%d/%m/%Y %H:%M} {appointment.practitioner_id}"
            )
    container.close()
    return 0


def cmd_agenda(args: argparse.Namespace) -> int:
    container = _container()
    practice = container.agenda.practice()
    day = _parse_day(args.day, container.clock.now().date())
    if args.practitioner:
        _check_practitioner(practice, args.practitioner)
    rows = container.agenda.agenda(day, args.practitioner)
    if args.json:
        print(
            json.dumps(
                {
                    "practice": {"id": practice.id, "name": practice.name, "timezone": practice.timezone},
                    "day": day.isoformat(),
                    "appointments": [_appointment_json(a, practice, p) for a, p in rows],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"{practice.name} — {practice.address.one_line()}")
    print(f"Agenda du {_french_day(day)}")
    tz = _tz(practice)
    for practitioner in practice.practitioners:
        if args.practitioner and practitioner.id != args.practitioner:
            continue
        hours = opening_intervals(practice, practitioner, day, tz)
        opening = (
            ", ".join(f"{i.start.astimezone(tz):%H:%M}-{i.end.astimezone(tz):%H:%M}" for i in hours)
            or "pas de consultation"
        )
        print(f"\n{practitioner.title} {practitioner.name} ({practitioner.specialty}) : {opening}")
        for appointment, patient in rows:
            if appointment.practitioner_id == practitioner.id:
                motif = practice.appointment_type(appointment.appointment_type_id).name
                print(
                    f"  {_local(appointment.start, practice):%H:%M}-{_local(appointment.end, practice):%H:%M}  "
                    f"n°{appointment.id:<5} {patient.last_name.upper()} {patient.first_name} — {motif} [{appointment.channel.value}]"
                )
    if not rows:
        print("\nAucun rendez-vous ce jour-là.")
    container.close()
    return 0


def cmd_slots(args: argparse.Namespace) -> int:
    container = _container()
    practice = container.agenda.practice()
    now = container.clock.now()
    for practitioner_id in args.practitioner:
        _check_practitioner(practice, practitioner_id)
    intervals: tuple[Interval, ...] = ()
    if args.from_ or args.to:
        start = _parse_local(args.from_, practice) if args.from_ else now
        end = (
            _parse_local(args.to, practice, end_of_day=True)
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
        print(json.dumps([_slot_json(slot, practice) for slot in found], ensure_ascii=False, indent=2))
    elif not found:
        print("Aucun créneau libre ne correspond.")
    else:
        for slot in found:
            practitioner = practice.practitioner(slot.practitioner_id)
            print(
                f"{_french_datetime(_local(slot.start, practice))} — {practitioner.title} {practitioner.name} ({slot.start.astimezone(_tz(practice)):%Y-%m-%dT%H:%M})"
            )
    container.close()
    return 0


def cmd_book(args: argparse.Namespace) -> int:
    from assistant.core.booking import BookingRequest
    from assistant.services.agenda import Actor

    container = _container()
    practice = container.agenda.practice()
    patient: Patient | int
    if args.patient_id is not None:
        patient = args.patient_id
    else:
        if not (args.last_name and args.first_name and args.birth_date):
            raise UsageError("Indiquez --patient-id, ou --last-name, --first-name et --birth-date.")
        patient = Patient(
            None, args.last_name, args.first_name, _parse_date(args.birth_date, "--birth-date"), args.phone, args.email
        )
    request = BookingRequest(
        appointment_type_id=args.type_id,
        practitioner_id=args.practitioner,
        start=_parse_local(args.start, practice),
        channel=Channel(args.channel),
        new_patient=args.new_patient,
        force_outside_hours=args.force,
    )
    appointment = container.agenda.book(request, patient, Actor(args.by, Channel(args.channel)), notify=args.notify)
    _print_change("Rendez-vous réservé", appointment, practice, args.json)
    container.close()
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    from assistant.services.agenda import Actor

    container = _container()
    practice = container.agenda.practice()
    if args.practitioner:
        _check_practitioner(practice, args.practitioner)
    appointment = container.agenda.move(
        args.appointment_id,
        _parse_local(args.start, practice),
        Actor(args.by, Channel(args.channel)),
        args.practitioner,
        notify=args.notify,
    )
    _print_change("Rendez-vous déplacé", appointment, practice, args.json)
    container.close()
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    from assistant.services.agenda import Actor

    container = _container()
    practice = container.agenda.practice()
    appointment = container.agenda.cancel(
        args.appointment_id, Actor(args.by, Channel(args.channel)), args.reason, notify=args.notify
    )
    _print_change("Rendez-vous annulé", appointment, practice, args.json)
    container.close()
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    container = _container()
    events = container.agenda.audit_trail(args.appointment)
    if args.json:
        print(json.dumps(events, default=str, ensure_ascii=False, indent=2))
    else:
        for event in events:
            target = f" rdv n°{event['appointment_id']}" if event["appointment_id"] else ""
            print(
                f"{event['at']:%Y-%m-%d %H:%M:%S} {event['actor']} ({event['channel']}) {event['action']}{target} {json.dumps(event['details'], ensure_ascii=False)}"
            )
    container.close()
    return 0


def cmd_escalations(args: argparse.Namespace) -> int:
    from assistant.core.escalation import CATEGORY_LABELS, STATUS_LABELS, URGENCY_LABELS

    container = _container()
    practice = container.agenda.practice()
    found = container.escalations.list_all() if args.all else container.escalations.list_open()
    if args.json:
        print(json.dumps([_escalation_json(e, practice) for e in found], ensure_ascii=False, indent=2))
    elif not found:
        print("Aucune demande transmise." if args.all else "Aucune demande transmise en attente.")
    else:
        print("Demandes transmises, les plus urgentes d'abord :")
        for e in found:
            status = STATUS_LABELS[e.status] + (f" ({e.taken_by})" if e.status == "taken" and e.taken_by else "")
            print(
                f"  n°{e.id:<4} {_local(e.created_at, practice):%d/%m %H:%M}  {URGENCY_LABELS[e.urgency].upper()} — "
                f"{CATEGORY_LABELS[e.category]} — {_shorten(e.reason, 70)} — {_callback_words(e, practice)} — {status}"
            )
    container.close()
    return 0


def cmd_escalation_show(args: argparse.Namespace) -> int:
    from assistant.core.escalation import transcript_text

    container = _container()
    service = container.escalations
    escalation = service.get(args.escalation_id)
    summary = service.written_summary(args.escalation_id)
    if args.json:
        practice = container.agenda.practice()
        data = _escalation_json(escalation, practice)
        data["understood"] = escalation.understood
        data["transcript"] = [{"speaker": speaker, "text": text} for speaker, text in escalation.transcript]
        data["written_summary"] = summary
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(summary)
        print("\nTranscription :")
        print(transcript_text(escalation) or "(aucune)")
    container.close()
    return 0


def cmd_escalation_take(args: argparse.Namespace) -> int:
    container = _container()
    escalation = container.escalations.take(args.escalation_id, args.by)
    if args.json:
        print(json.dumps(_escalation_json(escalation, container.agenda.practice()), ensure_ascii=False, indent=2))
    else:
        print(f"Demande n°{escalation.id} prise en charge par {escalation.taken_by}.")
    container.close()
    return 0


def cmd_escalation_close(args: argparse.Namespace) -> int:
    from assistant.core.escalation import OUTCOME_LABELS

    container = _container()
    escalation = container.escalations.close(args.escalation_id, args.outcome, args.by)
    if args.json:
        print(json.dumps(_escalation_json(escalation, container.agenda.practice()), ensure_ascii=False, indent=2))
    else:
        outcome = OUTCOME_LABELS.get(args.outcome, args.outcome)
        print(f"Demande n°{escalation.id} close ({outcome}) par {escalation.closed_by}.")
    container.close()
    return 0


DUPLICATE_REASONS = {
    "same_identity": "mêmes nom, prénom et date de naissance",
    "same_last_name": "même nom et même date de naissance, prénom différent (faute de frappe, ou jumeaux ?)",
    "swapped_names": "nom et prénom inversés, même date de naissance",
    "birth_date_typo": "mêmes nom et prénom, dates de naissance à un chiffre près",
}


def cmd_patient_duplicates(args: argparse.Namespace) -> int:
    container = _container()
    groups = container.agenda.probable_duplicates()
    if args.json:
        data = [
            {
                "reason": group.reason,
                "patients": [
                    {
                        "id": p.id,
                        "last_name": p.last_name,
                        "first_name": p.first_name,
                        "birth_date": p.birth_date.isoformat(),
                        "phone": mask_number(p.phone) if p.phone else "",
                        "future_appointments": counts.get(p.id or 0, 0),
                    }
                    for p in group.patients
                ],
            }
            for group, counts in groups
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif not groups:
        print("Aucun doublon probable.")
    else:
        print("Doublons probables (à vérifier avant « assistant patient merge GARDER AUTRE --by NOM ») :")
        for group, counts in groups:
            print(f"  {DUPLICATE_REASONS.get(group.reason, group.reason)} :")
            for p in group.patients:
                phone = f", tél. {mask_number(p.phone)}" if p.phone else ""
                future = counts.get(p.id or 0, 0)
                print(
                    f"    n°{p.id:<5} {p.last_name} {p.first_name}, né(e) le {p.birth_date:%d/%m/%Y}{phone}, "
                    f"{future} rendez-vous à venir"
                )
    container.close()
    return 0


def cmd_patient_merge(args: argparse.Namespace) -> int:
    from assistant.services.agenda import Actor

    if args.keep == args.other:
        raise UsageError("GARDER et AUTRE sont le même dossier : indiquez deux numéros différents.")
    if not args.by.strip():
        raise UsageError("--by attend le nom de qui fusionne.")
    container = _container()
    report = container.agenda.merge_patients(args.keep, args.other, Actor(args.by.strip(), Channel.CLI), args.force)
    if args.json:
        print(
            json.dumps(
                {
                    "kept_id": report.kept_id,
                    "merged_id": report.merged_id,
                    "appointment_ids": list(report.appointment_ids),
                    "escalation_ids": list(report.escalation_ids),
                    "sms_outbox_ids": list(report.sms_outbox_ids),
                    "audit_rows": report.audit_rows,
                    "future_appointments": report.future_appointments,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(
            f"Dossier n°{report.merged_id} fusionné dans le n°{report.kept_id} : "
            f"{len(report.appointment_ids)} rendez-vous, {len(report.escalation_ids)} demande(s) transmise(s) "
            f"et {len(report.sms_outbox_ids)} SMS rattachés ; le n°{report.merged_id} n'existe plus."
        )
        try:
            limit = container.agenda.practice().rules.max_future_appointments_per_patient
        except AgendaError:  # no practice loaded: no limit to speak of
            limit = 0
        if limit and report.future_appointments > limit:
            print(
                f"Attention : ce patient a maintenant {report.future_appointments} rendez-vous à venir, "
                f"plus que les {limit} autorisés en ligne (aucun n'a été annulé)."
            )
    container.close()
    return 0


def cmd_sms_worker(args: argparse.Namespace) -> int:
    import signal

    if args.interval <= 0 or args.limit <= 0:
        raise UsageError("--interval et --limit doivent être positifs.")
    container = _container()
    worker = container.sms_worker()
    if args.once:
        counts = worker.run_once(args.limit)
        if worker.sender is None:
            print(f"SMS désactivés ({container.settings.sms_disabled_reason}) : les messages restent en attente.")
        else:
            print("SMS : " + _sms_counts_words(counts))
        container.close()
        return 0

    def stop(*_: object) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.run_forever(args.interval, args.limit)
    container.close()
    return 0


def cmd_sms_outbox(args: argparse.Namespace) -> int:
    from assistant.core.sms import DELIVERY_LABELS, DELIVERY_STATUSES, KIND_LABELS, STATUS_LABELS

    container = _container()
    worker = container.sms_worker()
    practice = container.agenda.practice()
    messages = worker.messages(args.status, max(1, args.limit), undelivered=args.undelivered)
    if args.json:
        print(json.dumps([_sms_json(m, practice) for m in messages], ensure_ascii=False, indent=2))
        container.close()
        return 0
    counts = worker.counts()
    summary = ", ".join(f"{counts[status]} {STATUS_LABELS[status]}" for status in SMS_STATUSES if counts.get(status))
    print(f"SMS de confirmation : {summary or 'aucun'}.")
    delivered = worker.delivery_counts()
    if delivered:
        known = [status for status in DELIVERY_STATUSES if delivered.get(status)]
        others = sorted(set(delivered) - set(known))
        words = [f"{delivered[status]} {DELIVERY_LABELS.get(status, status)}" for status in (*known, *others)]
        print(f"Accusés de réception : {', '.join(words)}.")
    if worker.sender is None:
        print(f"Envoi désactivé ({container.settings.sms_disabled_reason}) : les messages restent en attente.")
    elif not container.settings.public_url:
        print("Accusés de réception non demandés (ASSISTANT_PUBLIC_URL n'est pas défini).")
    if args.undelivered and not messages:
        print("Aucun SMS non remis.")
    for m in messages:
        state = STATUS_LABELS.get(m.status, m.status)
        if m.status == "sent" and m.sent_at:
            state += f" le {_local(m.sent_at, practice):%d/%m %H:%M}"
        elif m.status == "pending" and m.attempts:
            state += f", nouvel essai à {_local(m.next_attempt_at, practice):%d/%m %H:%M}"
        if m.last_error_code:
            state += f" ({_sms_error_words(m.last_error_code)})"
        if m.delivery_status:
            state += f", {DELIVERY_LABELS.get(m.delivery_status, m.delivery_status)}"
            if m.delivery_updated_at:
                state += f" le {_local(m.delivery_updated_at, practice):%d/%m %H:%M}"
            if m.delivery_error_code:
                state += f" ({_sms_error_words(m.delivery_error_code)})"
        appointment = f"rdv n°{m.appointment_id}" if m.appointment_id else "sans rdv"
        print(
            f"  n°{m.id:<5} {_local(m.created_at, practice):%d/%m %H:%M}  {KIND_LABELS.get(m.kind, m.kind):<12} "
            f"{appointment:<11} {mask_number(m.to_number)}  {state}, {m.attempts} essai(s)"
        )
    container.close()
    return 0


def cmd_sms_retry(args: argparse.Namespace) -> int:
    container = _container()
    message = container.sms_worker().requeue(args.sms_id, args.by)
    print(f"SMS n°{message.id} remis en attente : il part au prochain passage du service d'envoi.")
    container.close()
    return 0


# -- helpers --------------------------------------------------------------------


def _sms_counts_words(counts: dict[str, int]) -> str:
    labels = {
        "sent": "envoyé(s)",
        "retried": "à réessayer",
        "failed": "en échec",
        "superseded": "remplacé(s)",
        "expired": "périmé(s)",
        "waiting": "en attente d'un envoi précédent",
    }
    words = [f"{counts[key]} {label}" for key, label in labels.items() if counts.get(key)]
    return ", ".join(words) if words else "rien à envoyer"


def _sms_error_words(code: str) -> str:
    """The code in words: "erreur 30003 : téléphone éteint ou hors réseau"; "erreur http_503" without a label."""
    label = error_label(code)
    return f"erreur {code} : {label}" if label else f"erreur {code}"


def _sms_json(message: OutboxMessage, practice: Practice) -> dict[str, Any]:
    def local(value: datetime | None) -> str | None:
        return None if value is None else _local(value, practice).isoformat()

    return {
        "id": message.id,
        "appointment_id": message.appointment_id,
        "kind": message.kind,
        "to": mask_number(message.to_number),
        "status": message.status,
        "attempts": message.attempts,
        "next_attempt_at": local(message.next_attempt_at),
        "last_error_code": message.last_error_code,
        "provider_sid": message.provider_sid,
        "created_at": local(message.created_at),
        "sent_at": local(message.sent_at),
        "delivery_status": message.delivery_status,
        "delivery_error_code": message.delivery_error_code,
        "delivery_error": error_label(message.delivery_error_code),
        "delivery_updated_at": local(message.delivery_updated_at),
    }


def _escalation_json(escalation: Escalation, practice: Practice) -> dict[str, Any]:
    def local(value: datetime | None) -> str | None:
        return None if value is None else _local(value, practice).isoformat()

    e = escalation
    return {
        "id": e.id,
        "created_at": local(e.created_at),
        "urgency": e.urgency,
        "category": e.category,
        "reason": e.reason,
        "status": e.status,
        "channel": e.channel.value,
        "conversation_id": e.conversation_id,
        "patient_id": e.patient_id,
        "identity_verified": e.identity_verified,
        "callback_number": e.callback_number,
        "callback_requested": e.callback_requested,
        "callback_after": local(e.callback_after),
        "taken_by": e.taken_by,
        "taken_at": local(e.taken_at),
        "closed_by": e.closed_by,
        "closed_at": local(e.closed_at),
        "outcome": e.outcome,
        "call_outcome": e.call_outcome,
        "call_duration_seconds": e.call_duration_seconds,
    }


def _callback_words(escalation: Escalation, practice: Practice) -> str:
    if escalation.callback_requested and escalation.callback_number:
        after = escalation.callback_after
        when = f" à partir du {_local(after, practice):%d/%m %H:%M}" if after else ""
        return f"rappeler le {escalation.callback_number}{when}"
    if escalation.callback_number:
        return f"appelant {escalation.callback_number}"
    return "pas de numéro"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _tz(practice: Practice):  # type: ignore[no-untyped-def]
    from assistant.clock import get_timezone

    return get_timezone(practice.timezone)


def _local(value: datetime, practice: Practice) -> datetime:
    return value.astimezone(_tz(practice))


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} attend une date AAAA-MM-JJ, pas « {value} ».") from None


def _parse_day(value: str, today: date) -> date:
    keywords = {"today": 0, "aujourd'hui": 0, "aujourdhui": 0, "tomorrow": 1, "demain": 1}
    if value.lower() in keywords:
        return today + timedelta(days=keywords[value.lower()])
    return _parse_date(value, "--day")


def _parse_local(value: str, practice: Practice, end_of_day: bool = False) -> datetime:
    """An ISO date or date-time in the practice's local time (an offset, if given, is honoured)."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            bounds = day_bounds(day, _tz(practice))
            return bounds.end if end_of_day else bounds.start
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"Date-heure invalide « {value} » : attendu AAAA-MM-JJTHH:MM.") from None
    if parsed.tzinfo is None:
        from assistant.core.windows import local_datetime

        return local_datetime(parsed.date(), parsed.time(), _tz(practice))
    return parsed


def _check_practitioner(practice: Practice, practitioner_id: str) -> None:
    try:
        practice.practitioner(practitioner_id)
    except KeyError:
        known = ", ".join(p.id for p in practice.practitioners)
        raise UsageError(f"Praticien inconnu « {practitioner_id} » (connus : {known}).") from None


def _slot_json(slot: Slot, practice: Practice) -> dict[str, Any]:
    return {
        "start": _local(slot.start, practice).isoformat(),
        "end": _local(slot.end, practice).isoformat(),
        "practitioner_id": slot.practitioner_id,
        "appointment_type_id": slot.appointment_type_id,
    }


def _appointment_json(appointment: Appointment, practice: Practice, patient: Patient | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": appointment.id,
        "start": _local(appointment.start, practice).isoformat(),
        "end": _local(appointment.end, practice).isoformat(),
        "practitioner_id": appointment.practitioner_id,
        "appointment_type_id": appointment.appointment_type_id,
        "patient_id": appointment.patient_id,
        "status": appointment.status.value,
        "channel": appointment.channel.value,
        "created_by": appointment.created_by,
        "updated_by": appointment.updated_by,
    }
    if patient is not None:
        data["patient"] = {"last_name": patient.last_name, "first_name": patient.first_name}
    return data


def _print_change(title: str, appointment: Appointment, practice: Practice, as_json: bool) -> None:
    if as_json:
        print(json.dumps(_appointment_json(appointment, practice), ensure_ascii=False, indent=2))
        return
    practitioner = practice.practitioner(appointment.practitioner_id)
    motif = practice.appointment_type(appointment.appointment_type_id).name
    print(
        f"{title} : n°{appointment.id}, {_french_datetime(_local(appointment.start, practice))}, {practitioner.title} {practitioner.name}, {motif}."
    )


def _french_day(day: date) -> str:
    return say_date(day, with_year=True)


def _french_datetime(value: datetime) -> str:
    return f"{_french_day(value.date())} à {value:%H:%M}"


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
