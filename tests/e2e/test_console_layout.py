"""The console in headless Chromium at a 13-inch laptop's and a tablet's width, and with the keyboard alone.

The console alone (in a thread, on a temporary SQLite agenda; no Rasa needed): every page fits the
width without horizontal scrolling, the skip link is the first stop of the Tab key, and a secretary
logs in and takes a request without touching a mouse.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.keys import Keys

from tests.e2e.webdriver import Browser, find_browser, headless_chromium
from tests.integration.test_console_agenda import book_by_the_assistant
from tests.integration.test_console_agenda import world as agenda_world  # noqa: F401 (a fixture)
from tests.integration.test_console_app import PASSWORD, open_escalation

SIZES = {"laptop 13 pouces": (1280, 800), "tablette": (768, 1024)}


@pytest.fixture()
def browser() -> Iterator[Browser]:
    if find_browser() is None:
        pytest.skip("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
    with headless_chromium() as opened:
        yield opened


def focused(browser: Browser) -> str:
    return str(browser.run("const e = document.activeElement; return (e.id || e.getAttribute('href') || e.tagName);"))


def test_pages_fit_a_laptop_and_a_tablet(browser, agenda_world):  # noqa: F811
    world = agenda_world
    booked = book_by_the_assistant(world["agenda"])
    open_escalation(world, "web-1")
    browser.get(world["url"] + "/login")
    browser.type("#login", "sophie")
    browser.type("#password", PASSWORD)
    browser.click("#login-submit")
    browser.wait_for(lambda: browser.texts("#queue > li"), 10, "the queue")
    for name, (width, height) in SIZES.items():
        browser.driver.set_window_size(width, height)
        for path in ("/", "/agenda", "/agenda?vue=semaine", f"/appointments/{booked}", "/patients?q=dubois"):
            browser.get(world["url"] + path)
            overflow = browser.run("return document.documentElement.scrollWidth - window.innerWidth;")
            assert overflow <= 0, (name, path, overflow)


def test_a_secretary_logs_in_and_takes_a_request_with_the_keyboard_alone(browser, agenda_world):  # noqa: F811
    world = agenda_world
    escalation = open_escalation(world, "web-2")
    browser.get(world["url"] + "/")
    assert focused(browser) == "login"  # the log-in page starts in its first field
    browser.driver.switch_to.active_element.send_keys("sophie" + Keys.TAB)
    assert focused(browser) == "password"
    browser.driver.switch_to.active_element.send_keys(PASSWORD + Keys.ENTER)
    browser.wait_for(lambda: browser.texts("#queue > li"), 10, "the queue")
    browser.find("body").send_keys(Keys.TAB)
    assert focused(browser) == "#main"  # the skip link is the first stop
    for _ in range(40):  # Tab through the page until the button that takes the request
        browser.driver.switch_to.active_element.send_keys(Keys.TAB)
        if browser.run("return document.activeElement.textContent.trim();") == "Prendre en charge":
            break
    else:
        pytest.fail("the Tab key never reached « Prendre en charge »")
    browser.driver.switch_to.active_element.send_keys(Keys.ENTER)
    browser.wait_for(lambda: world["escalations"].get(escalation.id).taken_by == "Sophie", 10, "the request taken")
