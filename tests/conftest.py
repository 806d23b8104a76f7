"""Shared fixtures: fresh agenda databases on SQLite and, when available, PostgreSQL.

PostgreSQL tests run when ``ASSISTANT_TEST_POSTGRES_URL`` is set or ``CI=true``
(then against 127.0.0.1:5432/test by default). Under CI they never skip: an
unreachable server is a failure, not a silent pass. Each test gets its own
database (created and dropped around it), so tests never see each other's rows.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from assistant.clock import FixedClock
from assistant.core.model import Channel
from tests.builders import at, make_practice

if TYPE_CHECKING:
    from assistant.services.agenda import AgendaService

# SQLAlchemy, Redis and the database adapters are imported inside the fixtures that need them: the unit
# tier (tests/unit) loads this file too and must stay free of them (tests/unit/test_layers.py).

IN_CI = os.environ.get("CI", "").lower() == "true"
DEFAULT_CI_POSTGRES = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
REDIS_TEST_HOST, REDIS_TEST_PORT = "127.0.0.1", 6379


def require_redis(db: int) -> str:
    """The URL of the local Redis test database ``db``; skips without Redis, fails under CI=true."""
    import redis

    url = f"redis://{REDIS_TEST_HOST}:{REDIS_TEST_PORT}/{db}"
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis is required under CI=true but unusable: {error}")
        pytest.skip(f"Redis unavailable: {error}")
    return url


def postgres_admin_url() -> str | None:
    url = os.environ.get("ASSISTANT_TEST_POSTGRES_URL", "").strip()
    if url:
        return url
    return DEFAULT_CI_POSTGRES if IN_CI else None


def _require_postgres() -> str:
    url = postgres_admin_url()
    if url is None:
        pytest.skip("PostgreSQL tests need ASSISTANT_TEST_POSTGRES_URL (or CI=true)")
    return url


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "assistant_test") -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards; skips without PostgreSQL, fails under CI=true."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = _require_postgres()
    admin = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true but unusable: {error}")
        pytest.skip(f"PostgreSQL unavailable: {error}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture()
def postgres_database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture()
def sqlite_database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'agenda.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    """The same tests on both stores."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_database_url")
    return request.getfixturevalue("postgres_database_url")


NOW = at(2026, 11, 23, 10, 0)  # Monday


@pytest.fixture()
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture()
def engine(database_url):
    from assistant.adapters.db.engine import create_agenda_engine
    from assistant.adapters.db.migrate import upgrade

    engine = create_agenda_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def agenda(engine, clock) -> AgendaService:
    from assistant.adapters.db.unit_of_work import uow_factory_for
    from assistant.services.agenda import Actor, AgendaService

    service = AgendaService(uow_factory_for(engine), clock)
    service.apply_practice(make_practice(), "tests", Actor("tests", Channel.CLI))
    return service


def pytest_configure(config: pytest.Config) -> None:
    """Before any fixture: what the channels' turn guards write and read stays in a folder of the run's own.

    The spool of hand-overs kept while the database is down, and the agenda a guard reads the practice from
    through the process's container: never the developer's own ``var/``.
    """
    import tempfile

    folder = tempfile.mkdtemp(prefix="assistant-tests-")
    os.environ.setdefault("ASSISTANT_SPOOL_DIR", os.path.join(folder, "spool"))
    os.environ.setdefault("ASSISTANT_DATABASE_URL", f"sqlite:///{os.path.join(folder, 'agenda.db')}")
