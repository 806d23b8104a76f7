"""The local chat page in a real browser, against the start command's own servers.

What only a browser shows: the page (served on one port) really reaches the
Rasa REST channel (another port) through CORS, patients' messages are shown as
text and never as HTML, and an emergency typed on the page gets the emergency
number at once and lands in the escalations table.

Headless Debian Chromium through ChromeDriver (``tests/e2e/webdriver.py``).
Under ``CI=true`` a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.adapters.db import tables as t
from assistant.adapters.db.engine import create_agenda_engine
from tests.conftest import IN_CI
from tests.e2e.servers import assistant_env, demo_agenda, free_port, wait_for
from tests.e2e.webdriver import find_browser, headless_chromium

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser_paths() -> tuple[str, str]:
    found = find_browser()
    if found is None:
        message = "chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def started_assistant(trained_model: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """``python -m assistant.launcher`` (what the README's start command runs), on free ports."""
    env = assistant_env(tmp_path, extra={"ASSISTANT_CHAT_PORT": str(free_port())})
    demo_agenda(env)
    log = tmp_path / "launcher.log"
    launcher = subprocess.Popen(
        [sys.executable, "-m", "assistant.launcher", "--no-train"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{env['ASSISTANT_CHAT_PORT']}/", launcher, log, 360)
        yield env
    finally:
        launcher.send_signal(signal.SIGTERM)  # the launcher stops its servers
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()


def bot_messages(browser) -> list[str]:
    return browser.texts("#log .msg.bot")


def say(browser, message: str) -> list[str]:
    """Types a message as a patient does and returns the bot's answers to it."""
    before = len(bot_messages(browser))
    browser.type("#message", message)
    browser.click("#send")
    browser.wait_for(lambda: len(bot_messages(browser)) > before, 90, f"an answer to {message!r}")
    browser.wait_for(lambda: browser.run("return !document.getElementById('send').disabled;"), 30, "the send button")
    return bot_messages(browser)[before:]


def test_the_chat_page_talks_to_the_assistant_and_escalates_an_emergency(browser_paths, started_assistant):
    env = started_assistant
    with headless_chromium() as browser:
        browser.get(f"http://127.0.0.1:{env['ASSISTANT_CHAT_PORT']}/")
        # The page greets on load: the first answer crossed origins (chat port -> Rasa port).
        greeting = browser.wait_for(lambda: bot_messages(browser), 90, "the greeting")
        assert any("assistant" in message.lower() for message in greeting)
        assert browser.texts("#log .msg.error") == []

        answers = say(browser, "je voudrais prendre un rendez vous")
        assert answers and all(answer.strip() for answer in answers)

        # A patient's text is shown as text, never interpreted as HTML.
        say(browser, "<b>Dupont</b>")
        assert "<b>Dupont</b>" in browser.texts("#log .msg.me")
        assert browser.run("return document.querySelectorAll('#log b').length;") == 0

        emergency = say(browser, "mon mari a très mal dans la poitrine et il respire mal")
        assert any("15" in answer for answer in emergency), emergency
        assert browser.texts("#log .msg.error") == []

        conversation = browser.run("return sender;")  # the page's own conversation id

    engine = create_agenda_engine(env["ASSISTANT_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            escalations = connection.execute(
                select(t.escalations).where(t.escalations.c.conversation_id == conversation)
            ).all()
            booked = connection.execute(
                select(t.appointments).where(t.appointments.c.conversation_id == conversation)
            ).all()
    finally:
        engine.dispose()
    assert len(escalations) == 1 and escalations[0].urgency == "immediate"
    assert escalations[0].channel == "chat"
    assert booked == []
