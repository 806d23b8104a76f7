"""A small W3C WebDriver client for Debian's Chromium and ChromeDriver.

The WebDriver protocol is JSON over HTTP: talking to ``chromedriver`` with
``urllib`` needs no package whose pins could clash with Rasa's (Selenium pulls
its own urllib3, trio…), and nothing is downloaded at run time (Playwright's
browser download does not work here).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
T = TypeVar("T")


def find_browser() -> tuple[str, str] | None:
    """(chromium, chromedriver) paths, or None when they are not installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WebDriverError(RuntimeError):
    pass


class Browser:
    """One headless Chromium session."""

    def __init__(self, base: str, session_id: str) -> None:
        self._base = f"{base}/session/{session_id}"

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        return _request(method, self._base + path, payload)

    def get(self, url: str) -> None:
        self._call("POST", "/url", {"url": url})

    def find(self, css: str) -> str:
        return str(self._call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT])

    def type(self, css: str, text: str) -> None:
        self._call("POST", f"/element/{self.find(css)}/value", {"text": text})

    def click(self, css: str) -> None:
        self._call("POST", f"/element/{self.find(css)}/click", {})

    def run(self, script: str, *args: Any) -> Any:
        return self._call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def texts(self, css: str) -> list[str]:
        return list(self.run("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);", css))

    def wait_for(self, condition: Callable[[], T | None], timeout: float = 60, what: str = "condition") -> T:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(f"{what} not met within {timeout:.0f} s")


def _request(method: str, url: str, payload: dict[str, Any] | None = None) -> Any:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read() or b"{}").get("value")
    except urllib.error.HTTPError as error:
        raise WebDriverError(error.read().decode(errors="replace")[:500]) from error


@contextmanager
def headless_chromium() -> Iterator[Browser]:
    """ChromeDriver on a free loopback port, one headless session, both stopped at the end."""
    found = find_browser()
    if found is None:
        raise RuntimeError("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    chromium, driver = found
    port = _free_port()
    profile = tempfile.mkdtemp(prefix="chat-page-profile-")
    process = subprocess.Popen(
        [driver, f"--port={port}", "--allowed-ips=127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _request("GET", f"{base}/status").get("ready"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.2)
        options = {
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                f"--user-data-dir={profile}",
            ],
        }
        session = _request(
            "POST",
            f"{base}/session",
            {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}},
        )
        browser = Browser(base, session["sessionId"])
        try:
            yield browser
        finally:
            with suppress(OSError, WebDriverError):
                _request("DELETE", f"{base}/session/{session['sessionId']}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
