"""The console's accounts: ``assistant secretary add|list|disable|enable|reset-password``.

Passwords are typed twice without echo, or read from the first line of standard input with
``--password-stdin`` (scripts); never on the command line, where ``ps`` and the shell history see them.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from assistant.cli.base import services
from assistant.services.secretaries import Secretary, SecretaryError, SecretaryService


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands to the ``assistant`` parser."""
    secretary = commands.add_parser("secretary", help="comptes des secrétaires de la console web")
    actions = secretary.add_subparsers(title="actions", metavar="ACTION")

    add = actions.add_parser("add", help="créer un compte (mot de passe demandé deux fois)")
    add.add_argument("login", help="identifiant de connexion (minuscules, chiffres, . _ -)")
    add.add_argument("--name", required=True, help="nom affiché (audit, patient) : « Nadia »")
    add.add_argument("--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard")
    add.add_argument("--by", default="cli", help="qui crée le compte (pour l'audit)")
    add.set_defaults(handler=cmd_add)

    listing = actions.add_parser("list", help="les comptes, actifs ou non")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    disable = actions.add_parser("disable", help="désactiver un compte (ses sessions sont fermées)")
    disable.add_argument("login")
    disable.add_argument("--by", default="cli", help="qui désactive (pour l'audit)")
    disable.set_defaults(handler=cmd_disable)

    enable = actions.add_parser("enable", help="réactiver un compte désactivé")
    enable.add_argument("login")
    enable.add_argument("--by", default="cli", help="qui réactive (pour l'audit)")
    enable.set_defaults(handler=cmd_enable)

    reset = actions.add_parser("reset-password", help="nouveau mot de passe ; débloque le compte et ferme ses sessions")
    reset.add_argument("login")
    reset.add_argument("--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard")
    reset.add_argument("--by", default="cli", help="qui réinitialise (pour l'audit)")
    reset.set_defaults(handler=cmd_reset_password)


@contextmanager
def _secretaries() -> Iterator[SecretaryService]:
    """The secretaries' service for one command (:func:`assistant.cli.base.services`)."""
    from assistant.adapters.console.wiring import secretary_service

    with services() as container:
        yield secretary_service(container)


PASSWORD_INPUT_MESSAGES = {"mismatch": "Les deux mots de passe diffèrent.", "no_password": "Aucun mot de passe lu."}


class PasswordInputError(SecretaryError):
    messages = PASSWORD_INPUT_MESSAGES


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise PasswordInputError("no_password")
        return password
    first = getpass.getpass("Mot de passe (12 caractères au moins) : ")
    second = getpass.getpass("Encore une fois : ")
    if first != second:
        raise PasswordInputError("mismatch")
    return first


def _json(secretary: Secretary) -> dict[str, Any]:
    return {
        "id": secretary.id,
        "login": secretary.login,
        "display_name": secretary.display_name,
        "active": secretary.active,
        "locked_until": secretary.locked_until.isoformat() if secretary.locked_until else None,
        "created_at": secretary.created_at.isoformat(),
    }


def cmd_add(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    with _secretaries() as service:
        secretary = service.add(args.login, args.name, password, by=args.by)
    print(f"Compte créé : {secretary.login} ({secretary.display_name}), n°{secretary.id}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _secretaries() as service:
        secretaries = service.all()
        now = service.clock.now()
    if args.json:
        print(json.dumps([_json(s) for s in secretaries], ensure_ascii=False, indent=2))
        return 0
    if not secretaries:
        print("Aucun compte. Créez-en un : assistant secretary add LOGIN --name NOM")
        return 0
    for s in secretaries:
        state = "actif" if s.active else "désactivé"
        if s.locked_at(now):
            state += f", bloqué jusqu'à {s.locked_until.astimezone(now.tzinfo):%H:%M}"  # type: ignore[union-attr]
        print(f"  n°{s.id:<4} {s.login:<20} {s.display_name:<24} {state}")
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    with _secretaries() as service:
        secretary = service.disable(args.login, by=args.by)
    print(f"Compte {secretary.login} désactivé ; ses sessions sont fermées.")
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    with _secretaries() as service:
        secretary = service.enable(args.login, by=args.by)
    print(f"Compte {secretary.login} réactivé.")
    return 0


def cmd_reset_password(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    with _secretaries() as service:
        secretary = service.reset_password(args.login, password, by=args.by)
    print(f"Mot de passe de {secretary.login} changé ; compte débloqué, sessions fermées.")
    return 0
