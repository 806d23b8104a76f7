"""Secretaries' accounts on the real database: argon2 hashes, the CLI, lock-out, takeovers, migration 0007."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from assistant.adapters.console.passwords import Argon2Hasher, fast_hasher_for_tests
from assistant.adapters.console.store import SqlSecretaryStore
from assistant.adapters.db import tables as t
from assistant.adapters.db.engine import create_agenda_engine
from assistant.adapters.db.migrate import upgrade
from assistant.cli import main
from assistant.clock import SystemClock, get_timezone
from assistant.services.secretaries import MAX_FAILED_LOGINS, SecretaryError, SecretaryService

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "practices" / "demo-lille.yml"
PASSWORD = "correct horse battery"


@pytest.fixture()
def service(engine):
    return SecretaryService(
        SqlSecretaryStore(engine), fast_hasher_for_tests(), SystemClock(get_timezone("Europe/Paris"))
    )


def test_passwords_are_argon2id_hashes():
    hasher = Argon2Hasher()
    stored = hasher.hash(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert hasher.verify(stored, PASSWORD) and not hasher.verify(stored, PASSWORD + "!")
    assert not hasher.verify("not a hash", PASSWORD)


def test_accounts_sessions_and_lockout_on_the_database(service, engine):
    service.add("sophie", "Sophie", PASSWORD)
    with pytest.raises(SecretaryError, match="existe déjà"):
        service.add("sophie", "Sophie", PASSWORD)
    opened = service.log_in("sophie", PASSWORD)
    assert service.session(opened.token)[1].login == "sophie"
    with engine.connect() as connection:
        stored = connection.execute(select(t.console_sessions.c.token_hash)).scalars().all()
    assert stored == [opened.session.token_hash] and opened.token not in stored
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(SecretaryError):
            service.log_in("sophie", "wrong password!")
    with pytest.raises(SecretaryError) as locked:
        service.log_in("sophie", PASSWORD)
    assert locked.value.code == "locked"
    with engine.connect() as connection:
        actions = connection.execute(select(t.audit_events.c.action)).scalars().all()
        details = connection.execute(select(t.audit_events.c.details)).scalars().all()
    assert {"secretary_add", "console_login", "console_login_failed", "console_lockout", "console_login_locked"} <= set(
        actions
    )
    assert PASSWORD not in json.dumps(details)


def test_concurrent_failures_all_count(service):
    """Failures counted in one UPDATE: threads guessing at once cannot get more tries than the limit."""
    service.add("sophie", "Sophie", PASSWORD)
    barrier = threading.Barrier(MAX_FAILED_LOGINS * 2)
    codes: list[str] = []

    def guess() -> None:
        barrier.wait()
        try:
            service.log_in("sophie", "wrong password!")
        except SecretaryError as error:
            codes.append(error.code)

    threads = [threading.Thread(target=guess) for _ in range(MAX_FAILED_LOGINS * 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "locked" in codes
    with pytest.raises(SecretaryError) as locked:
        service.log_in("sophie", PASSWORD)
    assert locked.value.code == "locked"


def test_one_takeover_per_conversation_is_enforced_by_the_database(service):
    sophie = service.add("sophie", "Sophie", PASSWORD)
    nadia = service.add("nadia", "Nadia", PASSWORD)
    service.take_over("chat-9", "chat", sophie)
    store = service.store
    from assistant.services.secretaries import Conflict

    with pytest.raises(Conflict):  # even past the service's check (a race)
        store.start_takeover("chat-9", "chat", None, nadia, service.clock.now())
    service.end_takeover("chat-9", sophie, "closed")
    assert service.take_over("chat-9", "chat", nadia).secretary_id == nadia.id


@pytest.fixture()
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("ASSISTANT_NOW", "2026-11-23T10:00")
    monkeypatch.setenv("ASSISTANT_PRACTICE_FILE", str(DEMO))

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_the_secretary_commands(cli):
    code, out, err = cli("secretary", "add", "sophie", "--name", "Sophie", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "Compte créé : sophie (Sophie)" in out
    code, _, err = cli("secretary", "add", "sophie", "--name", "Autre", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1 and "existe déjà" in err
    code, _, err = cli("secretary", "add", "nadia", "--name", "Nadia", "--password-stdin", stdin="court\n")
    assert code == 1 and "au moins 12" in err
    code, out, _ = cli("secretary", "list", "--json")
    listed = json.loads(out)
    assert [(s["login"], s["active"]) for s in listed] == [("sophie", True)] and "hash" not in out
    code, out, _ = cli("secretary", "disable", "sophie")
    assert code == 0 and "désactivé" in out
    code, out, _ = cli("secretary", "list")
    assert "sophie" in out and "désactivé" in out
    code, out, err = cli("secretary", "reset-password", "sophie", "--password-stdin", stdin="another long password\n")
    assert code == 0, err
    code, _, err = cli("secretary", "disable", "personne")
    assert code == 1 and "introuvable" in err


def test_migration_0007_goes_down_and_up(database_url):
    engine = create_agenda_engine(database_url)
    try:
        upgrade(engine)
        from tests.integration.test_migrations import downgrade, schema_differences

        downgrade(engine, "0006")
        names = set(inspect(engine).get_table_names())
        assert not {"secretaries", "console_sessions", "escalation_notes", "conversation_takeovers"} & names
        upgrade(engine)
        assert schema_differences(engine) == []
    finally:
        engine.dispose()
