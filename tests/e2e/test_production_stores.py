"""The production set-up: agenda and conversations on PostgreSQL, Rasa's lock store on Redis.

With ``endpoints.production.yml`` a crashed Rasa server loses nothing: the conversation
is in the PostgreSQL tracker store, so a new server picks it up where the patient was.
Runs with ``CI=true`` (or ``ASSISTANT_TEST_POSTGRES_URL``) and then never skips.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import date

import pytest
import redis
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from assistant.adapters.db import tables as t
from tests.conftest import REDIS_TEST_HOST, REDIS_TEST_PORT, require_redis
from tests.e2e.servers import ROOT, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

REDIS_HOST, REDIS_PORT, REDIS_DB = REDIS_TEST_HOST, REDIS_TEST_PORT, 1


@pytest.fixture()
def redis_available() -> None:
    require_redis(REDIS_DB)


def redis_commands() -> int:
    return int(redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB).info("stats")["total_commands_processed"])


def say(base: str, sender: str, text_said: str) -> list[str]:
    body = json.dumps({"sender": sender, "message": text_said}).encode()
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        return [reply.get("text", "") for reply in json.loads(answer.read())]


def test_a_conversation_survives_a_crash_of_the_rasa_server(
    tmp_path, trained_model, postgres_database_url, redis_available
):
    url = make_url(postgres_database_url)
    stores = {
        "TRACKER_DB_HOST": url.host or "127.0.0.1",
        "TRACKER_DB_PORT": str(url.port or 5432),
        "TRACKER_DB_NAME": url.database or "",
        "TRACKER_DB_USER": url.username or "postgres",
        "TRACKER_DB_PASSWORD": url.password or "",
        "REDIS_HOST": REDIS_HOST,
        "REDIS_PORT": str(REDIS_PORT),
        "REDIS_LOCK_DB": str(REDIS_DB),
    }
    with running_servers(
        tmp_path,
        trained_model,
        endpoints=ROOT / "endpoints.production.yml",
        extra_env=stores,
        database=postgres_database_url,
    ) as servers:
        commands_before = redis_commands()
        sender = f"prod-{uuid.uuid4().hex[:10]}"
        heard = say(servers["url"], sender, "bonjour je voudrais un rendez-vous pour une prise de sang")
        heard += say(servers["url"], sender, "jeudi matin")
        servers["crash_and_restart_rasa"]()
        for answer in ("le premier", "Dupont", "Marie", "12 mars 1985", "aucun", "oui"):
            heard += say(servers["url"], sender, answer)
        with servers["engine"].connect() as connection:
            booked = connection.execute(select(t.appointments).where(t.appointments.c.conversation_id == sender)).all()
        assert len(booked) == 1, heard
        assert booked[0].appointment_type_id == "prise-de-sang" and booked[0].start_at.date() == date(2026, 11, 26)
        tracker_engine = create_engine(postgres_database_url, future=True)
        with tracker_engine.connect() as connection:
            stored = connection.execute(
                text("SELECT count(*) FROM events WHERE sender_id = :sender"), {"sender": sender}
            ).scalar_one()
        tracker_engine.dispose()
        assert stored > 10  # the whole conversation is in PostgreSQL
        commands_after = redis_commands()
        # Every message took and released a conversation lock in Redis (several commands per message).
        assert commands_after - commands_before >= 8
