"""Engine construction for the agenda database (SQLite by default, PostgreSQL in production).

SQLite needs two adjustments to behave like a real agenda store: foreign keys
on, and write transactions that take the write lock at ``BEGIN`` (``BEGIN
IMMEDIATE``), so that two bookings read-check-insert one after the other instead
of both reading a free slot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from assistant.settings import DatabaseTimeouts


def create_agenda_engine(url: str, timeouts: DatabaseTimeouts | None = None, **kwargs: Any) -> Engine:
    """The agenda engine; every wait on the database is bounded by ``timeouts`` (see DatabaseTimeouts)."""
    timeouts = timeouts or DatabaseTimeouts()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        busy_seconds = timeouts.lock_ms / 1000
        engine = create_engine(
            url, future=True, connect_args={"timeout": busy_seconds, "check_same_thread": False}, **kwargs
        )
        _make_sqlite_transactional(engine, timeouts.lock_ms)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_timeout", timeouts.connect_seconds)
    connect_args = {
        "connect_timeout": timeouts.connect_seconds,
        "options": f"-c statement_timeout={timeouts.statement_ms} -c lock_timeout={timeouts.lock_ms}",
        # A server that vanishes mid-answer: the kernel notices within seconds, not hours.
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
    }
    return create_engine(url, future=True, connect_args=connect_args, **kwargs)


def _make_sqlite_transactional(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let us emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
