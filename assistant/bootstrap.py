"""The composition root: the one place that builds the engine, the clock and the services.

It wires the SQL unit of work (:mod:`assistant.adapters.db.unit_of_work`) into the
services, which know only its interface (:mod:`assistant.services.unit_of_work`).
Nothing connects to anything at import time; callers (CLI, action server,
channels, tests) call :func:`build` with settings and get a ready container.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from assistant.adapters.db.engine import create_agenda_engine
from assistant.adapters.db.migrate import upgrade
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.clock import Clock
from assistant.services.agenda import AgendaService
from assistant.services.escalations import EscalationService
from assistant.services.unit_of_work import UnitOfWorkFactory
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.adapters.sms.worker import OutboxWorker


@dataclass
class Container:
    settings: Settings
    engine: Engine
    clock: Clock
    agenda: AgendaService
    escalations: EscalationService
    uow_factory: UnitOfWorkFactory

    def sms_worker(self) -> OutboxWorker:
        """The confirmation SMS worker; without credentials, one that sends nothing and loses nothing.

        Built on demand, so that commands that never send SMS do not import the Twilio client.
        """
        from assistant.adapters.sms.twilio_sender import TwilioSmsSender
        from assistant.adapters.sms.worker import OutboxWorker

        settings = self.settings
        sender = None
        if settings.sms_enabled:
            sender = TwilioSmsSender(
                settings.twilio_account_sid,
                settings.twilio_auth_token,
                settings.twilio_sms_number,
                settings.twilio_api_base_url,
                status_callback=settings.sms_status_callback_url,
            )
        return OutboxWorker(
            self.uow_factory,
            sender,
            self.clock,
            disabled_reason=settings.sms_disabled_reason,
            escalations=self.escalations,
        )

    def close(self) -> None:
        self.engine.dispose()


def build(settings: Settings | None = None, clock: Clock | None = None, migrate: bool = True) -> Container:
    settings = settings or Settings.from_env()
    engine = create_agenda_engine(settings.database_url, timeouts=settings.database_timeouts)
    if migrate:
        upgrade(engine)
    clock = clock or settings.clock()
    uow_factory = uow_factory_for(engine)
    agenda = AgendaService(uow_factory, clock)
    escalations = EscalationService(uow_factory, clock, agenda.practice)
    return Container(settings, engine, clock, agenda, escalations, uow_factory)


class LazyContainer:
    """A container built on first need (never at import), once, whatever the number of threads asking.

    Rasa imports the channels and rasa-sdk the actions at start: connecting then
    would make start-up slow and failures obscure. Whoever holds the same
    instance shares one engine (one connection pool).
    """

    def __init__(self, factory: Callable[[], Container] = build) -> None:
        self._factory = factory
        self._container: Container | None = None
        self._lock = threading.Lock()

    def get(self) -> Container:
        if self._container is None:
            with self._lock:
                if self._container is None:
                    self._container = self._factory()
        return self._container

    @property
    def built(self) -> bool:
        """Whether :meth:`get` would return at once (no connection, no migration)."""
        return self._container is not None

    def replace(self, replacement: Container | None) -> None:
        """Swap the container (tests build one on a temporary database with a fixed clock)."""
        with self._lock:
            self._container = replacement


PROCESS_CONTAINER = LazyContainer()
"""The one container of this process (Rasa's channels share it; the action server has its own process)."""
