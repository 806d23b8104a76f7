"""The secretaries of the console: accounts, log-in with lock-out, server-side sessions, notes, takeovers.

Accounts are made by the command line (``assistant secretary add|list|disable|reset-password``);
the console (:mod:`assistant.adapters.console`) logs secretaries in and keeps their sessions here.

- Passwords: hashed by a :class:`PasswordHasher` (argon2id in production,
  :mod:`assistant.adapters.console.passwords`); at least :data:`MIN_PASSWORD_LENGTH` characters.
- Lock-out: :data:`MAX_FAILED_LOGINS` wrong passwords in a row lock the account for
  :data:`LOCKOUT` (even the right password is refused meanwhile); a success resets the count.
  An unknown login costs the same hashing time as a known one and gets the same answer.
- Sessions: a random token in an HttpOnly cookie; the store keeps only its SHA-256. A session
  ends after :data:`SESSION_IDLE` without a request, after :data:`SESSION_MAX` in any case, at
  log-out, and when the account is disabled or its password reset. Each carries its CSRF token.
- Security timers (lock-out, expiry) run on real time (``wall_clock``), never on the frozen demo
  clock of ``ASSISTANT_NOW``, which would lock an account forever.
- Takeovers: a person answers a conversation instead of the assistant; at most one at a time per
  conversation (the store's unique index decides a race), ended by handing back or closing.

Audit: log-ins, failures, lock-outs, account changes, notes and takeovers are recorded with ids and
the secretary's display name, never a password, a note's text nor what the patient said.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from assistant.clock import Clock
from assistant.core.errors import AgendaError

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=2)
SESSION_MAX = timedelta(hours=12)
MAX_NOTE = 2000
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

HANDED_BACK = "handed_back"
CLOSED = "closed"
TAKEOVER_ENDINGS = (HANDED_BACK, CLOSED)

MESSAGES: dict[str, str] = {
    "invalid_login": (
        "Identifiant invalide : 2 à 64 caractères parmi les minuscules, les chiffres et . _ - (commençant par une "
        "lettre ou un chiffre)."
    ),
    "invalid_display_name": "Nom affiché invalide : 1 à 100 caractères, sans caractère de contrôle.",
    "weak_password": f"Mot de passe trop court : au moins {MIN_PASSWORD_LENGTH} caractères.",
    "password_too_long": f"Mot de passe trop long : au plus {MAX_PASSWORD_LENGTH} caractères.",
    "login_taken": "L'identifiant « {login} » existe déjà.",
    "secretary_not_found": "Secrétaire introuvable : « {login} ».",
    "bad_credentials": "Identifiant ou mot de passe incorrect.",
    "locked": "Trop d'essais : compte bloqué jusqu'à {until}. Réessayez plus tard ou demandez une réinitialisation.",
    "disabled": "Identifiant ou mot de passe incorrect.",  # the same answer: a disabled account reveals nothing
    "empty_note": "La note est vide.",
    "note_too_long": f"La note dépasse {MAX_NOTE} caractères.",
    "conversation_taken": "Cette conversation est déjà prise en main par {by}.",
    "not_taken": "Cette conversation n'est pas prise en main par vous.",
}


class SecretaryError(AgendaError):
    """A refused account, log-in or takeover operation: a stable code and one French sentence."""

    messages = MESSAGES


class Conflict(Exception):
    """The store refused a write that breaks a unique constraint (a login taken, a conversation already held)."""


@dataclass(frozen=True)
class Secretary:
    id: int
    login: str
    display_name: str
    # A new account, as the table's defaults have it: active, no failed log-in, not locked.
    active: bool = field(default=True, kw_only=True)
    failed_logins: int = field(default=0, kw_only=True)
    locked_until: datetime | None = field(default=None, kw_only=True)
    created_at: datetime
    password_hash: str = field(repr=False, default="")

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class Session:
    token_hash: str
    secretary_id: int
    csrf_token: str = field(repr=False)
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime

    def valid_at(self, now: datetime) -> bool:
        return now < self.expires_at and now - self.last_seen_at < SESSION_IDLE


@dataclass(frozen=True)
class OpenedSession:
    """What the console gets at log-in: the cookie's token (never stored) and the session."""

    token: str = field(repr=False)
    session: Session
    secretary: Secretary


@dataclass(frozen=True)
class Note:
    id: int
    escalation_id: int
    secretary_id: int
    author: str
    text: str = field(repr=False)
    at: datetime


@dataclass(frozen=True)
class Takeover:
    id: int
    conversation_id: str
    channel: str
    escalation_id: int | None
    secretary_id: int
    secretary_name: str
    started_at: datetime
    ended_at: datetime | None = None
    ended_how: str | None = None

    @property
    def active(self) -> bool:
        return self.ended_at is None


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches; False otherwise (never raises for a mismatch)."""
        ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class SecretaryStore(Protocol):
    """Storage of the console (``assistant.adapters.console.store``); every method is one transaction."""

    def add(self, login: str, display_name: str, password_hash: str, at: datetime) -> Secretary:
        """Raises :class:`Conflict` when the login exists."""
        ...

    def get(self, secretary_id: int) -> Secretary | None: ...
    def by_login(self, login: str) -> Secretary | None: ...
    def all(self) -> list[Secretary]: ...
    def set_active(self, secretary_id: int, active: bool, at: datetime) -> None: ...
    def set_password(self, secretary_id: int, password_hash: str, at: datetime) -> None:
        """Store the hash, reset the failure count and the lock."""
        ...

    def record_failure(self, secretary_id: int, at: datetime, max_failures: int, lock_until: datetime) -> Secretary:
        """Count one failed log-in atomically; the ``max_failures``-th sets ``locked_until`` (and resets the count)."""
        ...

    def record_success(self, secretary_id: int, at: datetime) -> None: ...
    def add_session(self, session: Session) -> None: ...
    def get_session(self, token_hash: str) -> Session | None: ...
    def touch_session(self, token_hash: str, at: datetime) -> None: ...
    def delete_session(self, token_hash: str) -> None: ...
    def delete_sessions_of(self, secretary_id: int) -> int: ...
    def delete_expired_sessions(self, now: datetime, idle: timedelta) -> int: ...
    def secretaries_with_live_sessions(self, now: datetime, idle: timedelta) -> set[int]: ...
    def add_note(self, escalation_id: int, secretary: Secretary, text: str, at: datetime) -> Note: ...
    def notes(self, escalation_id: int) -> list[Note]: ...
    def start_takeover(
        self, conversation_id: str, channel: str, escalation_id: int | None, secretary: Secretary, at: datetime
    ) -> Takeover:
        """Raises :class:`Conflict` when the conversation is already held."""
        ...

    def active_takeover(self, conversation_id: str) -> Takeover | None: ...
    def active_takeovers(self) -> list[Takeover]: ...
    def end_takeover(self, takeover_id: int, how: str, at: datetime) -> bool:
        """End it if still active; False when it had already ended."""
        ...

    def audit(
        self, at: datetime, actor: str, action: str, details: dict[str, Any], escalation_id: int | None = None
    ) -> None: ...


# -- pure checks ----------------------------------------------------------------------


def normalise_login(login: str) -> str:
    login = (login or "").strip().lower()
    if not LOGIN.match(login):
        raise SecretaryError("invalid_login")
    return login


def check_display_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 100 or CONTROL.search(name):
        raise SecretaryError("invalid_display_name")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise SecretaryError("weak_password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise SecretaryError("password_too_long")
    return password


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(a: str, b: str) -> bool:
    """Constant-time comparison (CSRF tokens)."""
    return bool(a) and bool(b) and hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


# -- the service ------------------------------------------------------------------------


class SecretaryService:
    def __init__(self, store: SecretaryStore, hasher: PasswordHasher, wall_clock: Clock) -> None:
        self.store = store
        self.hasher = hasher
        self.clock = wall_clock
        # Hashing a throw-away password for unknown logins makes them cost what a known one costs.
        self._decoy_hash = hasher.hash(secrets.token_urlsafe(16))

    # -- accounts (command line) --

    def add(self, login: str, display_name: str, password: str, by: str = "cli") -> Secretary:
        login, display_name = normalise_login(login), check_display_name(display_name)
        password_hash = self.hasher.hash(check_password(password))
        now = self.clock.now()
        try:
            secretary = self.store.add(login, display_name, password_hash, now)
        except Conflict:
            raise SecretaryError("login_taken", login=login) from None
        self.store.audit(now, by, "secretary_add", {"secretary_id": secretary.id})
        log.info("secretary %s added", secretary.id)
        return secretary

    def all(self) -> list[Secretary]:
        return self.store.all()

    def find(self, login: str) -> Secretary:
        found = self.store.by_login((login or "").strip().lower())
        if found is None:
            raise SecretaryError("secretary_not_found", login=login)
        return found

    def disable(self, login: str, by: str = "cli") -> Secretary:
        """The account can no longer log in, and its open sessions end now."""
        secretary = self.find(login)
        now = self.clock.now()
        self.store.set_active(secretary.id, False, now)
        return self._sessions_ended(secretary, now, by, "secretary_disable", "disabled")

    def enable(self, login: str, by: str = "cli") -> Secretary:
        secretary = self.find(login)
        now = self.clock.now()
        self.store.set_active(secretary.id, True, now)
        self.store.audit(now, by, "secretary_enable", {"secretary_id": secretary.id})
        return self.store.get(secretary.id) or secretary

    def reset_password(self, login: str, password: str, by: str = "cli") -> Secretary:
        """A new password; the lock-out is lifted and every open session of the account ends."""
        secretary = self.find(login)
        password_hash = self.hasher.hash(check_password(password))
        now = self.clock.now()
        self.store.set_password(secretary.id, password_hash, now)
        return self._sessions_ended(secretary, now, by, "secretary_password_reset", "password reset")

    def _sessions_ended(self, secretary: Secretary, now: datetime, by: str, action: str, what: str) -> Secretary:
        """Every open session of the account ends now, audited (``action``) and logged; the account as it is now."""
        ended = self.store.delete_sessions_of(secretary.id)
        self.store.audit(now, by, action, {"secretary_id": secretary.id, "sessions_ended": ended})
        log.info("secretary %s: %s", secretary.id, what)
        return self.store.get(secretary.id) or secretary

    # -- log-in and sessions (console) --

    def log_in(self, login: str, password: str) -> OpenedSession:
        """A new session, or :class:`SecretaryError` (``bad_credentials``, ``locked``)."""
        now = self.clock.now()
        try:
            key = normalise_login(login)
        except SecretaryError:
            key = ""
        secretary = self.store.by_login(key) if key else None
        if secretary is None or len(password) > MAX_PASSWORD_LENGTH:
            self.hasher.verify(self._decoy_hash, password[:MAX_PASSWORD_LENGTH])
            self.store.audit(now, "console", "console_login_failed", {"known": False})
            raise SecretaryError("bad_credentials")
        if secretary.locked_at(now):
            self.store.audit(now, secretary.display_name, "console_login_locked", {"secretary_id": secretary.id})
            raise SecretaryError("locked", until=_local_time(secretary.locked_until, now))
        if not self.hasher.verify(secretary.password_hash, password):
            after = self.store.record_failure(secretary.id, now, MAX_FAILED_LOGINS, now + LOCKOUT)
            locked = after.locked_at(now)
            self.store.audit(
                now,
                secretary.display_name,
                "console_lockout" if locked else "console_login_failed",
                {"secretary_id": secretary.id, "known": True},
            )
            if locked:
                log.warning("secretary %s locked out after %d failed log-ins", secretary.id, MAX_FAILED_LOGINS)
                raise SecretaryError("locked", until=_local_time(after.locked_until, now))
            raise SecretaryError("bad_credentials")
        if not secretary.active:
            self.store.audit(now, secretary.display_name, "console_login_disabled", {"secretary_id": secretary.id})
            raise SecretaryError("disabled")
        if self.hasher.needs_rehash(secretary.password_hash):
            self.store.set_password(secretary.id, self.hasher.hash(password), now)
        self.store.record_success(secretary.id, now)
        token = secrets.token_urlsafe(32)
        session = Session(
            token_hash=token_hash(token),
            secretary_id=secretary.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_MAX,
        )
        self.store.add_session(session)
        self.store.delete_expired_sessions(now, SESSION_IDLE)
        self.store.audit(now, secretary.display_name, "console_login", {"secretary_id": secretary.id})
        log.info("secretary %s logged in", secretary.id)
        return OpenedSession(token, session, secretary)

    def session(self, token: str | None) -> tuple[Session, Secretary] | None:
        """The live session of a cookie, and its secretary (touched: the idle delay starts again); else None."""
        if not token or len(token) > 200:
            return None
        key = token_hash(token)
        session = self.store.get_session(key)
        if session is None:
            return None
        now = self.clock.now()
        if not session.valid_at(now):
            self.store.delete_session(key)
            return None
        secretary = self.store.get(session.secretary_id)
        if secretary is None or not secretary.active:
            self.store.delete_session(key)
            return None
        if now - session.last_seen_at > timedelta(seconds=30):  # one write a minute or so, not one per request
            self.store.touch_session(key, now)
        return session, secretary

    def log_out(self, token: str | None) -> None:
        if not token:
            return
        key = token_hash(token)
        session = self.store.get_session(key)
        self.store.delete_session(key)
        if session is not None:
            self.store.audit(self.clock.now(), "console", "console_logout", {"secretary_id": session.secretary_id})

    # -- work on hand-overs --

    def add_note(self, escalation_id: int, secretary: Secretary, text: str) -> Note:
        text = (text or "").strip()
        if not text:
            raise SecretaryError("empty_note")
        if len(text) > MAX_NOTE:
            raise SecretaryError("note_too_long")
        now = self.clock.now()
        note = self.store.add_note(escalation_id, secretary, text, now)
        self.store.audit(now, secretary.display_name, "escalation_note", {"note_id": note.id}, escalation_id)
        return note

    def notes(self, escalation_id: int) -> list[Note]:
        return self.store.notes(escalation_id)

    # -- takeovers --

    def take_over(
        self, conversation_id: str, channel: str, secretary: Secretary, escalation_id: int | None = None
    ) -> Takeover:
        """``secretary`` answers the conversation from now on; refused while a colleague holds it.

        Taking again a conversation one already holds returns the same takeover (a double click).
        """
        current = self.store.active_takeover(conversation_id)
        if current is not None:
            if current.secretary_id == secretary.id:
                return current
            raise SecretaryError("conversation_taken", by=current.secretary_name)
        now = self.clock.now()
        try:
            takeover = self.store.start_takeover(conversation_id, channel, escalation_id, secretary, now)
        except Conflict:
            current = self.store.active_takeover(conversation_id)
            raise SecretaryError(
                "conversation_taken", by=current.secretary_name if current else "une collègue"
            ) from None
        self.store.audit(
            now,
            secretary.display_name,
            "conversation_takeover",
            {"conversation_id": conversation_id, "channel": channel, "takeover_id": takeover.id},
            escalation_id,
        )
        log.info("takeover %s started (escalation %s)", takeover.id, escalation_id)
        return takeover

    def held_by(self, conversation_id: str, secretary: Secretary) -> Takeover:
        current = self.store.active_takeover(conversation_id)
        if current is None or current.secretary_id != secretary.id:
            raise SecretaryError("not_taken")
        return current

    def end_takeover(self, conversation_id: str, secretary: Secretary, how: str) -> Takeover:
        """Hand the conversation back to the assistant (``handed_back``) or end it (``closed``)."""
        if how not in TAKEOVER_ENDINGS:
            raise ValueError(how)
        current = self.held_by(conversation_id, secretary)
        now = self.clock.now()
        self.store.end_takeover(current.id, how, now)
        self.store.audit(
            now,
            secretary.display_name,
            "conversation_" + how,
            {"conversation_id": conversation_id, "takeover_id": current.id},
            current.escalation_id,
        )
        log.info("takeover %s ended (%s)", current.id, how)
        return current

    def orphaned_takeovers(self) -> list[Takeover]:
        """Takeovers whose secretary has no live session any more (logged out, or her session expired):
        nobody reads the patient, so the console hands them back to the assistant (:meth:`release`)."""
        live = self.store.secretaries_with_live_sessions(self.clock.now(), SESSION_IDLE)
        return [takeover for takeover in self.store.active_takeovers() if takeover.secretary_id not in live]

    def release(self, takeover: Takeover) -> bool:
        """Hand an orphaned takeover back to the assistant (audited as the console's doing); False if it had ended."""
        now = self.clock.now()
        if not self.store.end_takeover(takeover.id, HANDED_BACK, now):
            return False
        self.store.audit(
            now,
            "console",
            "conversation_released",
            {
                "conversation_id": takeover.conversation_id,
                "takeover_id": takeover.id,
                "secretary_id": takeover.secretary_id,
            },
            takeover.escalation_id,
        )
        log.info("takeover %s handed back: its secretary has no session any more", takeover.id)
        return True

    def is_taken(self, conversation_id: str) -> bool:
        """Whether a person answers this conversation now (the turn guard asks: the assistant keeps silent)."""
        return self.store.active_takeover(conversation_id) is not None

    def active_takeovers(self) -> list[Takeover]:
        return self.store.active_takeovers()


def _local_time(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "plus tard"
    local = moment.astimezone(now.tzinfo) if now.tzinfo else moment
    return f"{local.hour:02d} h {local.minute:02d}"
