"""The unit of work: one transaction, its repositories, and the only place that commits.

    with uow_factory() as uow:
        uow.appointments.add(...)
        uow.audit.record(...)
        uow.commit()

Leaving the block without ``commit()`` — or through an exception — rolls back, so
a refused or failed operation leaves the agenda exactly as it was. It implements
:class:`assistant.services.unit_of_work.UnitOfWork`, the interface the services use: a
write the database refuses (``IntegrityError``) leaves the block as
:class:`~assistant.services.unit_of_work.ConstraintViolation`, so that no service
imports SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from assistant.adapters.db.repository import (
    AppointmentRepository,
    AuditRepository,
    EscalationRepository,
    OutboxRepository,
    PatientRepository,
    PracticeRepository,
)
from assistant.services.unit_of_work import ConstraintViolation, UnitOfWork


class SqlUnitOfWork(UnitOfWork):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self._connection = self.engine.connect()
        self._transaction = self._connection.begin()
        self.practices = PracticeRepository(self._connection)
        self.patients = PatientRepository(self._connection)
        self.appointments = AppointmentRepository(self._connection)
        self.audit = AuditRepository(self._connection)
        self.escalations = EscalationRepository(self._connection)
        self.outbox = OutboxRepository(self._connection)
        return self

    def close(self, error: BaseException | None) -> None:
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            assert self._connection is not None
            self._connection.close()
            self._connection = None
        if isinstance(error, IntegrityError):
            raise ConstraintViolation(type(error.orig).__name__) from error

    def commit(self) -> None:
        try:
            self._transaction.commit()
        except IntegrityError as error:  # a deferred constraint, checked at commit
            raise ConstraintViolation(type(error.orig).__name__) from error

    def rollback(self) -> None:
        self._transaction.rollback()


def uow_factory_for(engine: Engine) -> Callable[[], UnitOfWork]:
    """The factory the composition root gives the services: a new SQL unit of work per call."""
    return lambda: SqlUnitOfWork(engine)
