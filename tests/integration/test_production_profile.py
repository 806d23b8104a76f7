"""The production profile's start-up (assistant/production.py): its plan, its proxy, its checks of the stores.

The whole profile running is tested end to end in tests/e2e/test_production_profile.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.production import (
    Plan,
    ProductionError,
    check_stores,
    haproxy_config,
    plan_from_env,
    production_environment,
)

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "ACTION_SERVER_TOKEN": "a" * 32,
    "RASA_API_TOKEN": "b" * 32,
    "ASSISTANT_DATABASE_URL": "postgresql+psycopg2://postgres@127.0.0.1:1/none",
    "TRACKER_DB_HOST": "127.0.0.1",
    "TRACKER_DB_PORT": "1",
    "TRACKER_DB_NAME": "none",
}


def test_the_plan_puts_n_rasa_and_m_action_servers_behind_the_internal_fronts():
    plan = plan_from_env({"ASSISTANT_RASA_SERVERS": "3", "ASSISTANT_ACTION_SERVERS": "2", "RASA_PORT": "6000"})
    assert plan.rasa_ports == (6001, 6002, 6003) and plan.action_ports == (5056, 5057)
    assert plan.public_url == "http://127.0.0.1:8000"
    env = production_environment({}, plan)
    # Rasa calls the action servers through the proxy; the console reaches the Rasa API through it too.
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:5055/webhook" and env["RASA_PORT"] == "6000"
    assert env["REDIS_LOCK_DB"] == "1" and env["TRACKER_DB_PORT"] == "5432"


@pytest.mark.parametrize(
    "env, named",
    [
        ({"ASSISTANT_RASA_SERVERS": "0"}, "ASSISTANT_RASA_SERVERS"),
        ({"ASSISTANT_PROXY_PORT": "x"}, "ASSISTANT_PROXY_PORT"),
    ],
)
def test_a_wrong_setting_is_named(env, named):
    with pytest.raises(ProductionError, match=named):
        plan_from_env(env)


def test_the_proxy_configuration_is_valid_and_forwards_the_webhooks_unchanged(tmp_path):
    if not (shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists()):
        pytest.skip("HAProxy is not installed")
    plan = Plan(rasa_ports=(7001, 7002), action_ports=(7101,), served_by_header=True)
    config = haproxy_config(plan)
    assert config.count("server rasa") == 4 and "server actions1 127.0.0.1:7101" in config  # rasa and its streams
    assert "use_backend rasa if { path_beg /webhooks/ }" in config
    assert "set-path" not in config and "replace-path" not in config  # Twilio signs the path as it called it
    path = tmp_path / "haproxy.cfg"
    path.write_text(config, encoding="utf-8")
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    checked = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_missing_secrets_are_named_in_french():
    with pytest.raises(ProductionError, match=r"Variables manquantes.*ACTION_SERVER_TOKEN.*RASA_API_TOKEN"):
        check_stores({"ASSISTANT_DATABASE_URL": GOOD["ASSISTANT_DATABASE_URL"]})


def test_sqlite_is_refused_for_the_agenda():
    with pytest.raises(ProductionError, match="PostgreSQL"):
        check_stores({**GOOD, "ASSISTANT_DATABASE_URL": "sqlite:///x.db"})


def test_an_unreachable_postgresql_stops_the_start_with_a_french_sentence():
    with pytest.raises(ProductionError, match=r"PostgreSQL ne répond pas pour l'agenda .* 127\.0\.0\.1:1"):
        check_stores(production_environment(GOOD, plan_from_env({})))


def test_an_unreachable_redis_stops_the_start(postgres_database_url):
    from sqlalchemy.engine import make_url

    url = make_url(postgres_database_url)
    env = {
        **GOOD,
        "ASSISTANT_DATABASE_URL": postgres_database_url,
        "TRACKER_DB_HOST": url.host or "127.0.0.1",
        "TRACKER_DB_PORT": str(url.port or 5432),
        "TRACKER_DB_NAME": url.database or "",
        "TRACKER_DB_USER": url.username or "postgres",
        "REDIS_PORT": "1",
    }
    with pytest.raises(ProductionError, match=r"Redis ne répond pas sur 127\.0\.0\.1:1"):
        check_stores(production_environment(env, plan_from_env({})))


def test_the_command_exits_2_with_one_sentence_when_a_store_is_down():
    env = {"PATH": "/usr/bin:/bin", **GOOD}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.production"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : PostgreSQL ne répond pas") and "Traceback" not in done.stderr
