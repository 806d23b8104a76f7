"""What every command shares: exit codes, bad input, the services, the options of a change of the agenda."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from assistant.core.model import Channel

if TYPE_CHECKING:
    from assistant.bootstrap import Container

EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad command-line input: exit 2."""


@contextmanager
def services() -> Iterator[Container]:
    """The services for one command, built at its start (never at import: ``--help`` connects to nothing),
    closed at its end, whatever happens."""
    from assistant.bootstrap import build

    container = build()
    try:
        yield container
    finally:
        container.close()


def change_options(command: argparse.ArgumentParser, by_help: str) -> None:
    """What every change of the agenda (book, move, cancel) takes: channel, author, SMS, JSON."""
    command.add_argument("--channel", choices=[c.value for c in Channel], default=Channel.SECRETARIAT.value)
    command.add_argument("--by", default="secretariat", help=by_help)
    group = command.add_mutually_exclusive_group()
    group.add_argument(
        "--notify",
        action="store_true",
        default=None,
        help="envoyer le SMS de confirmation au patient (par défaut : seulement pour les canaux patient)",
    )
    group.add_argument("--no-notify", dest="notify", action="store_false", help="ne pas envoyer de SMS")
    command.add_argument("--json", action="store_true")


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
