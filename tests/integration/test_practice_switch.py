"""The practice loaded last is the one served, whatever the clock says (issue 18).

QA: with the clock frozen (``ASSISTANT_NOW``), ``assistant init --demo`` then ``assistant practice load
douai-kine.yml`` stamped both practices with the same ``loaded_at``, and the demo practice kept answering.
``loaded_at`` is the audit time; which practice is current follows the order of the loads.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.adapters.db import tables as t
from assistant.adapters.db.unit_of_work import uow_factory_for
from assistant.adapters.practice_watch import PracticeWatch
from assistant.clock import FixedClock
from assistant.core.model import Channel
from assistant.core.practice_config import load_practice_file
from assistant.services.agenda import Actor, AgendaService
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "practices" / "demo-lille.yml"
DOUAI = ROOT / "practices" / "douai-kine.yml"
DUNKERQUE = ROOT / "practices" / "dunkerque-radiologie.yml"
OPERATOR = Actor("operator", Channel.CLI)


@pytest.fixture()
def practices():
    return {path.stem: load_practice_file(path) for path in (DEMO, DOUAI, DUNKERQUE)}


def service(engine, when=NOW) -> AgendaService:
    return AgendaService(uow_factory_for(engine), FixedClock(when))


def served(engine) -> str:
    """The practice another process (the Rasa server, the action server) reads from the agenda."""
    return service(engine).practice().id


def test_the_practice_loaded_last_is_served_at_the_same_clock_time(engine, practices):
    loader = service(engine)
    loader.apply_practice(practices["demo-lille"], str(DEMO), OPERATOR)
    assert served(engine) == "demo-lille"
    assert loader.apply_practice(practices["douai-kine"], str(DOUAI), OPERATOR).changed
    assert served(engine) == loader.practice().id == "douai-kine"
    loader.apply_practice(practices["dunkerque-radiologie"], str(DUNKERQUE), OPERATOR)
    assert served(engine) == "dunkerque-radiologie"
    assert loader.apply_practice(practices["demo-lille"], str(DEMO), OPERATOR).changed  # back to one loaded before
    assert served(engine) == loader.practice().id == "demo-lille"
    with engine.connect() as connection:  # loaded_at stays the time the clock gave: the audit time
        stamps = connection.execute(select(t.practices.c.loaded_at)).scalars().all()
    assert stamps == [NOW] * 3


def test_the_practice_loaded_last_is_served_even_at_an_earlier_clock_time(engine, practices):
    service(engine, NOW).apply_practice(practices["demo-lille"], str(DEMO), OPERATOR)
    service(engine, NOW - timedelta(days=1)).apply_practice(practices["douai-kine"], str(DOUAI), OPERATOR)
    assert served(engine) == "douai-kine"
    service(engine, NOW - timedelta(days=2)).apply_practice(practices["demo-lille"], str(DEMO), OPERATOR)
    assert served(engine) == "demo-lille"


def test_the_practice_watch_notices_every_load_at_the_same_clock_time(engine, practices):
    """The NLU's watch reads the agenda through a service of its own (another process): each load is seen."""
    loader = service(engine)
    loader.apply_practice(practices["demo-lille"], str(DEMO), OPERATOR)
    reader = service(engine)
    watch = PracticeWatch(lambda practice: practice.id, load=reader.practice, load_file=lambda: practices["demo-lille"])
    try:
        watch.refresh()
        assert watch.current() == "demo-lille"
        loader.apply_practice(practices["douai-kine"], str(DOUAI), OPERATOR)
        watch.refresh()
        assert watch.current() == "douai-kine"
        loader.apply_practice(practices["demo-lille"], str(DEMO), OPERATOR)
        watch.refresh()
        assert watch.current() == "demo-lille"
        renamed = replace(practices["demo-lille"], name="Maison de santé renommée")  # the same practice, edited
        loader.apply_practice(renamed, str(DEMO), OPERATOR)
        watch.refresh()
        assert watch.current() == "demo-lille" and watch.practice == renamed
    finally:
        watch.stop()


def test_cli_practice_load_after_init_demo_switches_the_practice_with_a_frozen_clock(database_url, monkeypatch, capsys):
    """QA's steps, on SQLite and (CI=true) PostgreSQL."""
    from assistant.bootstrap import build
    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_DATABASE_URL", database_url)
    monkeypatch.setenv("ASSISTANT_NOW", "2026-11-23T10:00")
    monkeypatch.setenv("ASSISTANT_PRACTICE_FILE", str(DEMO))
    assert main(["init", "--demo"]) == 0
    assert main(["practice", "load", str(DOUAI)]) == 0
    assert "Configuration appliquée" in capsys.readouterr().out
    container = build()
    try:
        assert container.agenda.practice().id == "douai-kine"
    finally:
        container.close()


def test_loads_at_the_same_moment_are_numbered_one_after_the_other(engine, database_url, practices):
    """Loads racing (PostgreSQL) never share a number: the current practice is the one whose load came last."""
    from assistant.adapters.db.engine import create_agenda_engine
    from tests.integration.test_concurrency import run_together

    racing = create_agenda_engine(database_url, pool_size=12) if database_url.startswith("postgresql") else engine
    order = ["demo-lille", "douai-kine", "dunkerque-radiologie"] * 4
    for first in order[:3]:  # loaded once before (the very first loads of a practice insert its rows: not raced)
        service(engine).apply_practice(practices[first], first, OPERATOR)
    try:
        loader = service(racing)
        results = run_together(
            len(order), lambda i: loader.apply_practice(practices[order[i]], order[i], OPERATOR).practice_id
        )
        assert results == order
    finally:
        if racing is not engine:
            racing.dispose()
    p, a = t.practices.c, t.audit_events.c
    with engine.connect() as connection:
        numbers = connection.execute(select(p.load_number).order_by(p.load_number)).scalars().all()
        last_load = connection.execute(
            select(a.details).where(a.action == "practice_load").order_by(a.id.desc()).limit(1)
        ).scalar()
    assert len(set(numbers)) == 3 and numbers[-1] == len(order) + 3  # every load took the next number
    assert served(engine) == last_load["practice_id"]
