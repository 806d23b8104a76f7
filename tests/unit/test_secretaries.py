"""The secretaries' service on an in-memory store: accounts, lock-out, sessions, notes, takeovers."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from assistant.services.secretaries import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    SESSION_IDLE,
    SESSION_MAX,
    Conflict,
    Note,
    Secretary,
    SecretaryError,
    SecretaryService,
    Session,
    Takeover,
    check_password,
    normalise_login,
    same_secret,
    token_hash,
)

PASSWORD = "correct horse battery"


class PlainHasher:
    """Not a hash: the service's logic without argon2's cost (argon2 itself is tested in integration)."""

    def hash(self, password: str) -> str:
        return "plain$" + password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "plain$" + password

    def needs_rehash(self, password_hash: str) -> bool:
        return False


class MemoryStore:
    def __init__(self) -> None:
        self.secretaries: dict[int, Secretary] = {}
        self.sessions: dict[str, Session] = {}
        self.note_rows: list[Note] = []
        self.takeovers: list[Takeover] = []
        self.audit_rows: list[dict[str, Any]] = []

    def add(self, login, display_name, password_hash, at):
        if any(s.login == login for s in self.secretaries.values()):
            raise Conflict("login")
        new = Secretary(len(self.secretaries) + 1, login, display_name, created_at=at, password_hash=password_hash)
        self.secretaries[new.id] = new
        return new

    def get(self, secretary_id):
        return self.secretaries.get(secretary_id)

    def by_login(self, login):
        return next((s for s in self.secretaries.values() if s.login == login), None)

    def all(self):
        return sorted(self.secretaries.values(), key=lambda s: s.login)

    def _set(self, secretary_id, **changes):
        self.secretaries[secretary_id] = dataclasses.replace(self.secretaries[secretary_id], **changes)

    def set_active(self, secretary_id, active, at):
        self._set(secretary_id, active=active)

    def set_password(self, secretary_id, password_hash, at):
        self._set(secretary_id, password_hash=password_hash, failed_logins=0, locked_until=None)

    def record_failure(self, secretary_id, at, max_failures, lock_until):
        count = self.secretaries[secretary_id].failed_logins + 1
        if count >= max_failures:
            self._set(secretary_id, failed_logins=0, locked_until=lock_until)
        else:
            self._set(secretary_id, failed_logins=count)
        return self.secretaries[secretary_id]

    def record_success(self, secretary_id, at):
        self._set(secretary_id, failed_logins=0, locked_until=None)

    def add_session(self, session):
        self.sessions[session.token_hash] = session

    def get_session(self, key):
        return self.sessions.get(key)

    def touch_session(self, key, at):
        self.sessions[key] = dataclasses.replace(self.sessions[key], last_seen_at=at)

    def delete_session(self, key):
        self.sessions.pop(key, None)

    def delete_sessions_of(self, secretary_id):
        keys = [k for k, s in self.sessions.items() if s.secretary_id == secretary_id]
        for key in keys:
            del self.sessions[key]
        return len(keys)

    def delete_expired_sessions(self, now, idle):
        keys = [k for k, s in self.sessions.items() if not s.valid_at(now)]
        for key in keys:
            del self.sessions[key]
        return len(keys)

    def secretaries_with_live_sessions(self, now, idle):
        return {s.secretary_id for s in self.sessions.values() if s.valid_at(now)}

    def add_note(self, escalation_id, secretary, text, at):
        note = Note(len(self.note_rows) + 1, escalation_id, secretary.id, secretary.display_name, text, at)
        self.note_rows.append(note)
        return note

    def notes(self, escalation_id):
        return [n for n in self.note_rows if n.escalation_id == escalation_id]

    def start_takeover(self, conversation_id, channel, escalation_id, secretary, at):
        if self.active_takeover(conversation_id) is not None:
            raise Conflict("held")
        takeover = Takeover(
            len(self.takeovers) + 1, conversation_id, channel, escalation_id, secretary.id, secretary.display_name, at
        )
        self.takeovers.append(takeover)
        return takeover

    def active_takeover(self, conversation_id):
        return next((k for k in self.takeovers if k.conversation_id == conversation_id and k.active), None)

    def active_takeovers(self):
        return [k for k in self.takeovers if k.active]

    def end_takeover(self, takeover_id, how, at):
        for index, k in enumerate(self.takeovers):
            if k.id == takeover_id and k.active:
                self.takeovers[index] = dataclasses.replace(k, ended_at=at, ended_how=how)
                return True
        return False

    def audit(self, at, actor, action, details, escalation_id=None):
        self.audit_rows.append({"actor": actor, "action": action, "details": details, "escalation_id": escalation_id})


class MovingClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


@pytest.fixture()
def world():
    store, clock = MemoryStore(), MovingClock()
    service = SecretaryService(store, PlainHasher(), clock)
    service.add("sophie", "Sophie", PASSWORD)
    return service, store, clock


def test_logins_and_passwords_are_checked():
    assert normalise_login("  Sophie.M ") == "sophie.m"
    for bad in ("", "a", "-x", "sophie martin", "é" * 3, "x" * 65):
        with pytest.raises(SecretaryError):
            normalise_login(bad)
    with pytest.raises(SecretaryError, match="au moins 12"):
        check_password("court")
    assert same_secret("abc", "abc") and not same_secret("abc", "abd") and not same_secret("", "")


def test_an_account_is_created_once_and_audited_without_its_password(world):
    service, store, _ = world
    with pytest.raises(SecretaryError, match="existe déjà"):
        service.add("Sophie", "Autre", PASSWORD)
    assert [s.login for s in service.all()] == ["sophie"]
    assert store.audit_rows[0]["action"] == "secretary_add"
    assert PASSWORD not in repr(store.audit_rows) and PASSWORD not in repr(service.all())


def test_a_session_opens_with_the_right_password_only(world):
    service, store, _ = world
    opened = service.log_in("SOPHIE", PASSWORD)
    assert opened.token not in store.sessions  # only its hash is stored
    assert token_hash(opened.token) in store.sessions
    found = service.session(opened.token)
    assert found is not None and found[1].display_name == "Sophie"
    assert found[0].csrf_token == opened.session.csrf_token
    for login, password in (("sophie", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(SecretaryError) as refused:
            service.log_in(login, password)
        assert refused.value.code == "bad_credentials"  # the same answer: a login's existence is not revealed
    assert service.session("forged") is None and service.session(None) is None


def test_repeated_failures_lock_the_account_even_for_the_right_password(world):
    service, store, clock = world
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(SecretaryError, match="incorrect"):
            service.log_in("sophie", "wrong password!")
    with pytest.raises(SecretaryError) as locked:
        service.log_in("sophie", "wrong password!")
    assert locked.value.code == "locked"
    with pytest.raises(SecretaryError) as still:
        service.log_in("sophie", PASSWORD)
    assert still.value.code == "locked"
    assert "console_lockout" in [row["action"] for row in store.audit_rows]
    clock.advance(LOCKOUT + timedelta(seconds=1))
    assert service.log_in("sophie", PASSWORD).secretary.login == "sophie"


def test_a_success_resets_the_count_of_failures(world):
    service, _, _ = world
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(SecretaryError):
            service.log_in("sophie", "wrong password!")
    service.log_in("sophie", PASSWORD)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(SecretaryError, match="incorrect"):
            service.log_in("sophie", "wrong password!")


def test_a_reset_password_unlocks_and_ends_every_session(world):
    service, _, _ = world
    opened = service.log_in("sophie", PASSWORD)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(SecretaryError):
            service.log_in("sophie", "wrong password!")
    service.reset_password("sophie", "a brand new password")
    assert service.session(opened.token) is None
    with pytest.raises(SecretaryError):
        service.log_in("sophie", PASSWORD)
    assert service.log_in("sophie", "a brand new password")


def test_sessions_expire_when_idle_and_in_any_case(world):
    service, _, clock = world
    opened = service.log_in("sophie", PASSWORD)
    clock.advance(SESSION_IDLE + timedelta(seconds=1))
    assert service.session(opened.token) is None
    busy = service.log_in("sophie", PASSWORD)
    while clock.at < busy.session.created_at + SESSION_MAX - timedelta(minutes=30):
        clock.advance(timedelta(minutes=30))
        assert service.session(busy.token) is not None  # used all day: still open
    clock.advance(timedelta(minutes=31))
    assert service.session(busy.token) is None  # never beyond SESSION_MAX


def test_log_out_and_disable_end_sessions(world):
    service, _, _ = world
    first, second = service.log_in("sophie", PASSWORD), service.log_in("sophie", PASSWORD)
    service.log_out(first.token)
    assert service.session(first.token) is None and service.session(second.token) is not None
    service.disable("sophie")
    assert service.session(second.token) is None
    with pytest.raises(SecretaryError) as refused:
        service.log_in("sophie", PASSWORD)
    assert refused.value.code == "disabled" and refused.value.message == "Identifiant ou mot de passe incorrect."
    service.enable("sophie")
    assert service.log_in("sophie", PASSWORD)


def test_notes_are_kept_and_audited_without_their_text(world):
    service, store, _ = world
    sophie = service.find("sophie")
    with pytest.raises(SecretaryError):
        service.add_note(3, sophie, "   ")
    service.add_note(3, sophie, "Rappelée, rdv demain")
    assert [n.text for n in service.notes(3)] == ["Rappelée, rdv demain"]
    assert store.audit_rows[-1]["action"] == "escalation_note" and "Rappelée" not in repr(store.audit_rows)


def test_a_conversation_is_held_by_one_secretary_at_a_time(world):
    service, store, _ = world
    service.add("nadia", "Nadia", PASSWORD)
    sophie, nadia = service.find("sophie"), service.find("nadia")
    first = service.take_over("chat-1", "chat", sophie, escalation_id=3)
    assert service.take_over("chat-1", "chat", sophie) == first  # a double click
    with pytest.raises(SecretaryError, match="Sophie"):
        service.take_over("chat-1", "chat", nadia)
    with pytest.raises(SecretaryError):
        service.end_takeover("chat-1", nadia, "handed_back")
    assert service.is_taken("chat-1")
    service.end_takeover("chat-1", sophie, "handed_back")
    assert not service.is_taken("chat-1")
    assert service.take_over("chat-1", "chat", nadia).secretary_name == "Nadia"
    actions = [row["action"] for row in store.audit_rows]
    assert actions[-3:] == ["conversation_takeover", "conversation_handed_back", "conversation_takeover"]


def test_a_takeover_whose_secretary_left_is_released(world):
    service, store, clock = world
    sophie = service.find("sophie")
    opened = service.log_in("sophie", PASSWORD)
    takeover = service.take_over("chat-2", "chat", sophie)
    assert service.orphaned_takeovers() == []
    clock.advance(SESSION_IDLE + timedelta(minutes=1))  # she went away: her session expired
    assert service.session(opened.token) is None
    assert service.orphaned_takeovers() == [takeover]
    assert service.release(takeover) and not service.release(takeover)
    assert not service.is_taken("chat-2")
    assert store.audit_rows[-1]["action"] == "conversation_released" and store.audit_rows[-1]["actor"] == "console"
