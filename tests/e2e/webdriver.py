"""Headless Debian Chromium driven by Selenium through Debian's ChromeDriver.

Selenium is pinned below 4.16 (its later versions need an attrs that Rasa 3.6 refuses, see pyproject);
ChromeDriver is the system's (``chromium-driver``), given by path, so that nothing is downloaded at run
time (Selenium Manager is never asked). :class:`Browser` keeps the small vocabulary the tests use.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

T = TypeVar("T")


def find_browser() -> tuple[str, str] | None:
    """(chromium, chromedriver) paths, or None when they are not installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


class WebDriverError(RuntimeError):
    pass


class Browser:
    """One headless Chromium session (a thin layer over Selenium's driver, which stays reachable as ``driver``)."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver

    def get(self, url: str) -> None:
        self.driver.get(url)

    @property
    def url(self) -> str:
        return str(self.driver.current_url)

    def find(self, css: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def type(self, css: str, text: str) -> None:
        self.find(css).send_keys(text)

    def click(self, css: str) -> None:
        self.find(css).click()

    def run(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def texts(self, css: str) -> list[str]:
        return list(self.run("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);", css))

    def screenshot(self, path: Path, width: int = 1280, height: int = 900) -> None:
        self.driver.set_window_size(width, height)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))

    def wait_for(self, condition: Callable[[], T | None], timeout: float = 60, what: str = "condition") -> T:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with suppress(WebDriverException):  # a page being replaced: ask again
                value = condition()
                if value:
                    return value
            time.sleep(0.1)
        raise TimeoutError(f"{what} not met within {timeout:.0f} s")


@contextmanager
def headless_chromium(width: int = 1280, height: int = 900) -> Iterator[Browser]:
    """A headless Chromium session on Debian's ChromeDriver, stopped at the end."""
    found = find_browser()
    if found is None:
        raise RuntimeError("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    chromium, driver_path = found
    profile = tempfile.mkdtemp(prefix="browser-test-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--lang=fr-FR",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except WebDriverException as error:
        shutil.rmtree(profile, ignore_errors=True)
        raise WebDriverError(str(error)[:500]) from error
    try:
        yield Browser(driver)
    finally:
        with suppress(WebDriverException):
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
