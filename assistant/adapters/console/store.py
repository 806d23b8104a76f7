"""The console's storage on the agenda database (SQLAlchemy Core): :class:`SecretaryStore` of the service.

Each method is one short transaction. Unique-index refusals (a login taken, a conversation already
held) surface as :class:`assistant.services.secretaries.Conflict`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Table, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError

from assistant.adapters.db import tables as t
from assistant.adapters.db.rows import columns, field_names, from_row, insert_row
from assistant.core.identity import name_key
from assistant.core.model import Channel, Patient
from assistant.services.secretaries import Conflict, Note, Secretary, Session, Takeover

Stored = TypeVar("Stored", Secretary, Note, Takeover)
#: The id of a record not stored yet (the database gives the real one, see ``SqlSecretaryStore._add``).
_UNSTORED = 0


def _secretary(row: Row) -> Secretary:
    return from_row(Secretary, row, field_names(Secretary), active=bool(row.active))


def _takeover(row: Row) -> Takeover:
    return from_row(Takeover, row, field_names(Takeover))


class SqlSecretaryStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as connection:
                yield connection
        except IntegrityError as error:
            raise Conflict(type(error.orig).__name__) from None

    def _add(self, table: Table, record: Stored, **more: Any) -> Stored:
        """Insert a new record in a transaction of its own: its fields but the id, which the database gives,
        and ``more`` columns the domain object does not carry. The record is returned with its id."""
        values = columns(record, (name for name in field_names(record) if name != "id"))
        with self._tx() as c:
            new_id = insert_row(c, table, {**values, **more})
        return replace(record, id=new_id)

    # -- accounts --

    def add(self, login: str, display_name: str, password_hash: str, at: datetime) -> Secretary:
        new = Secretary(
            id=_UNSTORED, login=login, display_name=display_name, created_at=at, password_hash=password_hash
        )
        # read back as the database stored it
        found = self.get(self._add(t.secretaries, new, updated_at=at).id)
        assert found is not None
        return found

    def get(self, secretary_id: int) -> Secretary | None:
        with self.engine.connect() as c:
            row = c.execute(select(t.secretaries).where(t.secretaries.c.id == secretary_id)).first()
        return _secretary(row) if row else None

    def by_login(self, login: str) -> Secretary | None:
        with self.engine.connect() as c:
            row = c.execute(select(t.secretaries).where(t.secretaries.c.login == login)).first()
        return _secretary(row) if row else None

    def all(self) -> list[Secretary]:
        with self.engine.connect() as c:
            rows = c.execute(select(t.secretaries).order_by(t.secretaries.c.login)).all()
        return [_secretary(row) for row in rows]

    def set_active(self, secretary_id: int, active: bool, at: datetime) -> None:
        with self._tx() as c:
            c.execute(
                update(t.secretaries).where(t.secretaries.c.id == secretary_id).values(active=active, updated_at=at)
            )

    def set_password(self, secretary_id: int, password_hash: str, at: datetime) -> None:
        with self._tx() as c:
            c.execute(
                update(t.secretaries)
                .where(t.secretaries.c.id == secretary_id)
                .values(password_hash=password_hash, failed_logins=0, locked_until=None, updated_at=at)
            )

    def record_failure(self, secretary_id: int, at: datetime, max_failures: int, lock_until: datetime) -> Secretary:
        s = t.secretaries
        with self._tx() as c:
            # One statement: concurrent failures each count (no read-modify-write race).
            c.execute(update(s).where(s.c.id == secretary_id).values(failed_logins=s.c.failed_logins + 1))
            c.execute(
                update(s)
                .where(and_(s.c.id == secretary_id, s.c.failed_logins >= max_failures))
                .values(failed_logins=0, locked_until=lock_until, updated_at=at)
            )
            row = c.execute(select(s).where(s.c.id == secretary_id)).one()
        return _secretary(row)

    def record_success(self, secretary_id: int, at: datetime) -> None:
        with self._tx() as c:
            c.execute(
                update(t.secretaries)
                .where(t.secretaries.c.id == secretary_id)
                .values(failed_logins=0, locked_until=None)
            )

    # -- sessions --

    def add_session(self, session: Session) -> None:
        with self._tx() as c:
            c.execute(insert(t.console_sessions).values(**columns(session, field_names(Session))))

    def get_session(self, token_hash: str) -> Session | None:
        with self.engine.connect() as c:
            row = c.execute(select(t.console_sessions).where(t.console_sessions.c.token_hash == token_hash)).first()
        if row is None:
            return None
        return from_row(Session, row, field_names(Session))

    def touch_session(self, token_hash: str, at: datetime) -> None:
        with self._tx() as c:
            c.execute(
                update(t.console_sessions).where(t.console_sessions.c.token_hash == token_hash).values(last_seen_at=at)
            )

    def delete_session(self, token_hash: str) -> None:
        with self._tx() as c:
            c.execute(delete(t.console_sessions).where(t.console_sessions.c.token_hash == token_hash))

    def delete_sessions_of(self, secretary_id: int) -> int:
        with self._tx() as c:
            result = c.execute(delete(t.console_sessions).where(t.console_sessions.c.secretary_id == secretary_id))
        return int(result.rowcount or 0)

    def secretaries_with_live_sessions(self, now: datetime, idle: timedelta) -> set[int]:
        s = t.console_sessions
        with self.engine.connect() as c:
            rows = c.execute(
                select(s.c.secretary_id).where(and_(s.c.expires_at > now, s.c.last_seen_at > now - idle)).distinct()
            )
            return {int(row[0]) for row in rows}

    def delete_expired_sessions(self, now: datetime, idle: timedelta) -> int:
        s = t.console_sessions
        with self._tx() as c:
            result = c.execute(delete(s).where(or_(s.c.expires_at <= now, s.c.last_seen_at <= now - idle)))
        return int(result.rowcount or 0)

    # -- notes --

    def add_note(self, escalation_id: int, secretary: Secretary, text: str, at: datetime) -> Note:
        return self._add(
            t.escalation_notes, Note(_UNSTORED, escalation_id, secretary.id, secretary.display_name, text, at)
        )

    def notes(self, escalation_id: int) -> list[Note]:
        n = t.escalation_notes
        with self.engine.connect() as c:
            rows = c.execute(select(n).where(n.c.escalation_id == escalation_id).order_by(n.c.at, n.c.id)).all()
        return [Note(r.id, r.escalation_id, r.secretary_id, r.author, r.text, r.at) for r in rows]

    # -- takeovers --

    def start_takeover(
        self, conversation_id: str, channel: str, escalation_id: int | None, secretary: Secretary, at: datetime
    ) -> Takeover:
        takeover = Takeover(
            _UNSTORED, conversation_id, channel, escalation_id, secretary.id, secretary.display_name, at
        )
        return self._add(t.conversation_takeovers, takeover)

    def active_takeover(self, conversation_id: str) -> Takeover | None:
        k = t.conversation_takeovers
        with self.engine.connect() as c:
            row = c.execute(
                select(k).where(and_(k.c.conversation_id == conversation_id, k.c.ended_at.is_(None)))
            ).first()
        return _takeover(row) if row else None

    def active_takeovers(self) -> list[Takeover]:
        k = t.conversation_takeovers
        with self.engine.connect() as c:
            rows = c.execute(select(k).where(k.c.ended_at.is_(None)).order_by(k.c.started_at)).all()
        return [_takeover(row) for row in rows]

    def end_takeover(self, takeover_id: int, how: str, at: datetime) -> bool:
        k = t.conversation_takeovers
        with self._tx() as c:
            result = c.execute(
                update(k).where(and_(k.c.id == takeover_id, k.c.ended_at.is_(None))).values(ended_at=at, ended_how=how)
            )
        return bool(result.rowcount)

    # -- patients (the agenda's search) --

    def search_patients(self, query: str, limit: int = 30) -> list[Patient]:
        """Patients whose surname or first name starts with ``query`` (accents and case ignored), or born on
        ``query`` (``25/12/1980`` or ``1980-12-25``)."""
        p = t.patients
        query = (query or "").strip()
        born = _birth_date(query)
        if born is not None:
            condition = p.c.birth_date == born
        else:
            key = name_key(query)
            if len(key) < 2:
                return []
            condition = or_(p.c.last_name_key.like(key + "%"), p.c.first_name_key.like(key + "%"))
        with self.engine.connect() as c:
            rows = c.execute(select(p).where(condition).order_by(p.c.last_name_key, p.c.first_name_key).limit(limit))
            return [Patient(r.id, r.last_name, r.first_name, r.birth_date, r.phone, r.email) for r in rows.all()]

    # -- the queue's live stream --

    def queue_fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever a hand-over is opened, updated, taken or closed, or a takeover starts or ends."""
        e, k = t.escalations, t.conversation_takeovers
        with self.engine.connect() as c:
            escalations = c.execute(
                select(func.count(), func.max(e.c.updated_at), func.max(e.c.id)).where(
                    e.c.status.in_(("open", "taken"))
                )
            ).one()
            takeovers = c.execute(select(func.count(), func.max(k.c.id)).where(k.c.ended_at.is_(None))).one()
        return (*escalations, *takeovers)

    # -- audit --

    def audit(
        self, at: datetime, actor: str, action: str, details: dict[str, Any], escalation_id: int | None = None
    ) -> None:
        with self._tx() as c:
            c.execute(
                insert(t.audit_events).values(
                    at=at,
                    actor=actor[:100],
                    channel=Channel.SECRETARIAT.value,
                    action=action[:40],
                    details=details,
                    escalation_id=escalation_id,
                )
            )


def _birth_date(text: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
