"""The ``assistant`` program: its parser (each command module adds its own) and its one error policy."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from assistant.cli import agenda, escalations, patients, practice, secretaries, sms
from assistant.cli.base import EXIT_BAD_INPUT, EXIT_REFUSED, UsageError
from assistant.core.errors import AgendaError
from assistant.settings import SettingsError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Assistant de prise de rendez-vous : agenda et configuration du cabinet."
    )
    commands = parser.add_subparsers(title="commandes", metavar="COMMANDE")
    for module in (practice, agenda, escalations, patients, sms, secretaries):  # the order of the help
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
        return fail(error.message, EXIT_REFUSED)
    except (UsageError, SettingsError) as error:
        return fail(str(error), EXIT_BAD_INPUT)
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
            return fail(
                "La base de données est injoignable ou refuse l'opération (ASSISTANT_DATABASE_URL).", EXIT_REFUSED
            )
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        return fail(
            f"Erreur inattendue ({type(error).__name__}) ; relancez avec ASSISTANT_DEBUG=1 pour le détail.",
            EXIT_REFUSED,
        )


def fail(message: str, code: int) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return code
