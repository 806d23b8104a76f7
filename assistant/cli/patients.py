"""Patient records: ``patient duplicates`` and ``patient merge``."""

from __future__ import annotations

import argparse

from assistant.cli.base import UsageError, services
from assistant.cli.output import print_json
from assistant.core.errors import AgendaError
from assistant.core.model import Channel
from assistant.core.sms import mask_number
from assistant.services.agenda import Actor


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands to the ``assistant`` parser."""
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


DUPLICATE_REASONS = {
    "same_identity": "mêmes nom, prénom et date de naissance",
    "same_last_name": "même nom et même date de naissance, prénom différent (faute de frappe, ou jumeaux ?)",
    "swapped_names": "nom et prénom inversés, même date de naissance",
    "birth_date_typo": "mêmes nom et prénom, dates de naissance à un chiffre près",
}


def cmd_patient_duplicates(args: argparse.Namespace) -> int:
    with services() as container:
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
            print_json(data)
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
        return 0


def cmd_patient_merge(args: argparse.Namespace) -> int:
    if args.keep == args.other:
        raise UsageError("GARDER et AUTRE sont le même dossier : indiquez deux numéros différents.")
    if not args.by.strip():
        raise UsageError("--by attend le nom de qui fusionne.")
    with services() as container:
        report = container.agenda.merge_patients(args.keep, args.other, Actor(args.by.strip(), Channel.CLI), args.force)
        if args.json:
            print_json(
                {
                    "kept_id": report.kept_id,
                    "merged_id": report.merged_id,
                    "appointment_ids": list(report.appointment_ids),
                    "escalation_ids": list(report.escalation_ids),
                    "sms_outbox_ids": list(report.sms_outbox_ids),
                    "audit_rows": report.audit_rows,
                    "future_appointments": report.future_appointments,
                },
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
        return 0
