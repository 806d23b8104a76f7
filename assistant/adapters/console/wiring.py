"""The secretaries' service on a container's database (command line, console, Rasa process)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.adapters.console.passwords import Argon2Hasher
from assistant.adapters.console.store import SqlSecretaryStore
from assistant.clock import SystemClock, get_timezone
from assistant.services.secretaries import PasswordHasher, SecretaryService

if TYPE_CHECKING:
    from assistant.bootstrap import Container


def secretary_service(container: Container, hasher: PasswordHasher | None = None) -> SecretaryService:
    """Security timers run on real time, whatever ``ASSISTANT_NOW`` says (see the service's docstring)."""
    wall_clock = SystemClock(get_timezone(container.settings.timezone))
    return SecretaryService(SqlSecretaryStore(container.engine), hasher or Argon2Hasher(), wall_clock)
