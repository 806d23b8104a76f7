"""``assistant``: the command line for the secretariat, operators and scripts.

Every command prints French for people, or JSON with ``--json`` for scripts.
Errors are one sentence on stderr and a non-zero exit (1 for a refused
operation, 2 for bad input or an invalid configuration file), never a traceback.

One module per job: :mod:`~assistant.cli.app` (the program: parser and error policy),
:mod:`~assistant.cli.practice` (``init``, ``practice``), :mod:`~assistant.cli.agenda`
(``agenda``, ``slots``, ``book``, ``move``, ``cancel``, ``audit``), :mod:`~assistant.cli.escalations`,
:mod:`~assistant.cli.patients`, :mod:`~assistant.cli.sms`; and their helpers: :mod:`~assistant.cli.base`
(exit codes, container), :mod:`~assistant.cli.inputs` (reading options), :mod:`~assistant.cli.output`
(printing). ``assistant.cli:main`` is the console entry point; ``python -m assistant.cli`` runs it too.
"""

from __future__ import annotations

from assistant.cli.app import main

__all__ = ["main"]
