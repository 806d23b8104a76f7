"""Bring a database to the latest schema with Alembic, from code (no alembic.ini needed)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


#: Alembic keeps its ``op`` and ``context`` proxies in module globals: two migrations running at once in one
#: process (a channel building its container while another container migrates) break each other
#: ("'NoneType' object has no attribute 'create_table'"). Every migration of the process takes this lock.
MIGRATION_LOCK = threading.Lock()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply pending migrations on ``engine`` (idempotent); one at a time in a process."""
    with MIGRATION_LOCK, engine.begin() as connection:
        config = alembic_config(str(engine.url))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
