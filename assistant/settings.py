"""One typed settings object, read from the environment and validated at start.

Secrets (Twilio tokens, API tokens) come only from the environment; see
``.env.example`` for every variable. A wrong value stops the program at start
with one sentence naming the variable, not later in the middle of a call.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from assistant.clock import NOW_ENV_VAR, get_timezone, parse_instant

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'assistant.db'}"
DEFAULT_PRACTICE_FILE = PROJECT_ROOT / "practices" / "demo-lille.yml"


class SettingsError(ValueError):
    """A configuration variable has an unusable value."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Europe/Paris"
    now: str = ""  # ASSISTANT_NOW, frozen clock for tests and demos
    practice_file: Path = DEFAULT_PRACTICE_FILE
    log_level: str = "INFO"
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        settings = cls(
            database_url=env.get("ASSISTANT_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            timezone=env.get("ASSISTANT_TIMEZONE", "").strip() or "Europe/Paris",
            now=env.get(NOW_ENV_VAR, "").strip(),
            practice_file=Path(env.get("ASSISTANT_PRACTICE_FILE", "").strip() or DEFAULT_PRACTICE_FILE),
            log_level=(env.get("ASSISTANT_LOG_LEVEL", "").strip() or "INFO").upper(),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        try:
            url = make_url(self.database_url)
        except ArgumentError:
            raise SettingsError(
                "ASSISTANT_DATABASE_URL is not a database URL (e.g. sqlite:///var/assistant.db "
                "or postgresql+psycopg2://user@host/db)."
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise SettingsError("ASSISTANT_DATABASE_URL must point to SQLite or PostgreSQL.")
        try:
            zone = get_timezone(self.timezone)
        except ValueError:
            raise SettingsError(f"ASSISTANT_TIMEZONE: unknown timezone {self.timezone!r}.") from None
        if self.now:
            try:
                parse_instant(self.now, zone)
            except ValueError as error:
                raise SettingsError(str(error)) from None
        if self.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError("ASSISTANT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR.")
