"""One typed settings object, read from the environment and validated at start.

Secrets (Twilio tokens, API tokens) come only from the environment; see
``.env.example`` for every variable. A wrong value stops the program at start
with one sentence naming the variable, not later in the middle of a call.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from assistant.clock import NOW_ENV_VAR, Clock, clock_from_env, get_timezone, parse_instant

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'assistant.db'}"
DEFAULT_PRACTICE_FILE = PROJECT_ROOT / "practices" / "demo-lille.yml"
DEFAULT_TWILIO_API_BASE_URL = "https://api.twilio.com"
# Where the SMS channel (``twilio_text``, mounted by Rasa under /webhooks/twilio_sms/) takes delivery reports.
SMS_STATUS_CALLBACK_PATH = "/webhooks/twilio_sms/status"
_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
WHATSAPP_PREFIX = "whatsapp:"


class SettingsError(ValueError):
    """A configuration variable has an unusable value."""


@dataclass(frozen=True)
class DatabaseTimeouts:
    """How long the agenda database may keep a caller waiting.

    A database that accepts connections and never answers used to hold a patient's
    turn for minutes: every wait is bounded, and shorter than the action deadline,
    so that the dialogue can still apologise and give the numbers in time.
    """

    connect_seconds: int = 3  # connection set-up (libpq connect_timeout), and waiting for a pooled connection
    statement_ms: int = 4000  # one statement (PostgreSQL statement_timeout)
    lock_ms: int = 3000  # waiting for a row or table lock (PostgreSQL lock_timeout, SQLite busy_timeout)


def _number(env: dict[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {text!r}.") from None
    if not value > 0:
        raise SettingsError(f"{name} must be greater than 0.")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Europe/Paris"
    now: str = ""  # ASSISTANT_NOW, frozen clock for tests and demos
    practice_file: Path = DEFAULT_PRACTICE_FILE
    log_level: str = "INFO"
    # Confirmation SMS (``assistant sms worker``). SID and number together, with the token, or neither; the
    # token alone is a phone-only deployment (the voice channel needs only it) and leaves SMS disabled.
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_sms_number: str = ""
    twilio_api_base_url: str = DEFAULT_TWILIO_API_BASE_URL
    # ASSISTANT_PUBLIC_URL: the https origin Twilio calls (the channels read it from credentials.yml); the SMS
    # worker asks Twilio to report delivery there. Unset: no delivery reports are asked for.
    public_url: str = ""
    # Bounded time (docs/failures.md): the channel answers every message within turn_deadline_seconds; Rasa waits
    # action_timeout_seconds for one custom action; the action server stops an action at action_deadline_seconds.
    turn_deadline_seconds: float = 8.0
    action_timeout_seconds: float = 6.0
    action_deadline_seconds: float = 5.0
    database_timeouts: DatabaseTimeouts = field(default_factory=DatabaseTimeouts)
    # Longest chat or SMS message read (characters); a longer one gets a polite answer and no NLU run.
    max_message_chars: int = 2000
    # Hand-overs that could not be recorded (database down) wait here, durably, until they can.
    spool_dir: Path = PROJECT_ROOT / "var" / "spool"
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
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", "").strip(),
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", "").strip(),
            twilio_sms_number=env.get("TWILIO_SMS_NUMBER", "").replace(" ", "").strip(),
            twilio_api_base_url=env.get("TWILIO_API_BASE_URL", "").strip().rstrip("/") or DEFAULT_TWILIO_API_BASE_URL,
            public_url=env.get("ASSISTANT_PUBLIC_URL", "").strip().rstrip("/"),
            turn_deadline_seconds=_number(env, "ASSISTANT_TURN_DEADLINE_SECONDS", 8.0),
            action_timeout_seconds=_number(env, "ASSISTANT_ACTION_TIMEOUT_SECONDS", 6.0),
            action_deadline_seconds=_number(env, "ASSISTANT_ACTION_DEADLINE_SECONDS", 5.0),
            database_timeouts=DatabaseTimeouts(
                connect_seconds=max(1, round(_number(env, "ASSISTANT_DB_CONNECT_TIMEOUT_SECONDS", 3))),
                statement_ms=round(_number(env, "ASSISTANT_DB_STATEMENT_TIMEOUT_MS", 4000)),
                lock_ms=round(_number(env, "ASSISTANT_DB_LOCK_TIMEOUT_MS", 3000)),
            ),
            max_message_chars=round(_number(env, "ASSISTANT_MAX_MESSAGE_CHARS", 2000)),
            spool_dir=Path(env.get("ASSISTANT_SPOOL_DIR", "").strip() or PROJECT_ROOT / "var" / "spool"),
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
        self._validate_twilio()
        self._validate_deadlines()
        problem = base_url_problem(self.public_url) if self.public_url else None
        if problem in (NOT_ABSOLUTE, HAS_QUERY):
            raise SettingsError(
                "ASSISTANT_PUBLIC_URL must be an absolute URL without query string, such as https://cabinet.example.fr."
            )
        if problem == NOT_HTTPS:
            raise SettingsError("ASSISTANT_PUBLIC_URL must use https (plain http is accepted on loopback only).")

    def _validate_deadlines(self) -> None:
        if self.turn_deadline_seconds > MAX_TURN_DEADLINE_SECONDS:
            raise SettingsError(
                f"ASSISTANT_TURN_DEADLINE_SECONDS must be at most {MAX_TURN_DEADLINE_SECONDS:g} "
                "(Twilio gives up on a webhook after 15 s and plays its own English error)."
            )
        if not self.action_deadline_seconds < self.action_timeout_seconds < self.turn_deadline_seconds:
            raise SettingsError(
                "ASSISTANT_ACTION_DEADLINE_SECONDS < ASSISTANT_ACTION_TIMEOUT_SECONDS < ASSISTANT_TURN_DEADLINE_SECONDS "
                "must hold: each layer gives up before the one that waits for it."
            )
        if not 200 <= self.max_message_chars <= 20000:
            raise SettingsError("ASSISTANT_MAX_MESSAGE_CHARS must be between 200 and 20000.")

    def _validate_twilio(self) -> None:
        sid, token, number = self.twilio_account_sid, self.twilio_auth_token, self.twilio_sms_number
        if sid or number:
            missing = [
                name
                for name, value in (
                    ("TWILIO_ACCOUNT_SID", sid),
                    ("TWILIO_AUTH_TOKEN", token),
                    ("TWILIO_SMS_NUMBER", number),
                )
                if not value
            ]
            if missing:
                raise SettingsError(
                    f"{', '.join(missing)} missing: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                    "TWILIO_SMS_NUMBER together, or none of them."
                )
            if not _ACCOUNT_SID.match(sid):
                raise SettingsError("TWILIO_ACCOUNT_SID must look like AC followed by 32 hexadecimal characters.")
            if not _E164.match(number.removeprefix(WHATSAPP_PREFIX)):
                raise SettingsError(
                    "TWILIO_SMS_NUMBER must be in E.164 form (+33…), optionally prefixed with whatsapp:."
                )
        if token and (len(token) < 16 or any(character.isspace() for character in token)):
            raise SettingsError("TWILIO_AUTH_TOKEN does not look like a Twilio auth token.")
        problem = base_url_problem(self.twilio_api_base_url)
        if problem in (NOT_ABSOLUTE, HAS_QUERY):
            raise SettingsError("TWILIO_API_BASE_URL must be an absolute URL such as https://api.twilio.com.")
        if problem == NOT_HTTPS:
            raise SettingsError("TWILIO_API_BASE_URL must use https (plain http is accepted on loopback only).")

    def clock(self) -> Clock:
        """The clock these settings describe (frozen by ASSISTANT_NOW); needs no database."""
        return clock_from_env(self.timezone, {NOW_ENV_VAR: self.now} if self.now else {})

    @property
    def sms_disabled_reason(self) -> str:
        """Why confirmation SMS cannot be sent ("" when they can)."""
        if not (self.twilio_account_sid and self.twilio_auth_token and self.twilio_sms_number):
            return "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_SMS_NUMBER are not set"
        if self.twilio_sms_number.startswith(WHATSAPP_PREFIX):
            return "TWILIO_SMS_NUMBER is a WhatsApp sender, which cannot send SMS"
        return ""

    @property
    def sms_enabled(self) -> bool:
        return not self.sms_disabled_reason

    @property
    def sms_status_callback_url(self) -> str:
        """Where Twilio reports the delivery of confirmation SMS ("" without ASSISTANT_PUBLIC_URL: no reports)."""
        return self.public_url + SMS_STATUS_CALLBACK_PATH if self.public_url else ""


#: The phone channel must answer a webhook well before Twilio's 15 seconds.
MAX_TURN_DEADLINE_SECONDS = 10.0

# What can be wrong with a base URL the assistant calls or is called at (base_url_problem).
NOT_ABSOLUTE, HAS_QUERY, NOT_HTTPS = "not_absolute", "has_query", "not_https"


def base_url_problem(url: str) -> str | None:
    """None for an absolute https URL without query string or fragment; plain http only on loopback (tests
    against local fakes). Otherwise the first problem found; callers word it with their own setting's name."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return NOT_ABSOLUTE
    if parts.query or parts.fragment:
        return HAS_QUERY
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return NOT_HTTPS
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
