"""``assistant init`` and ``assistant practice check|load``: the database and the practice's configuration."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.cli.base import safe_url, services
from assistant.cli.output import local
from assistant.core.model import Channel
from assistant.services.agenda import Actor


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands to the ``assistant`` parser."""
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


def cmd_init(args: argparse.Namespace) -> int:
    from assistant.core.practice_config import load_practice_file
    from assistant.demo import seed_demo_appointments

    with services() as container:
        print(f"Base prête : {safe_url(container.settings.database_url)}")
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

    practice = load_practice_file(args.file)
    with services() as container:
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
                    f"  n°{appointment.id} {local(appointment.start, practice):%d/%m/%Y %H:%M} {appointment.practitioner_id}"
                )
        return 0
