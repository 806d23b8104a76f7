"""Every console page is French, labelled and navigable: one h1, no skipped heading level, a label for every
field, a name for every button and link, landmarks and a skip link (what a screen reader and a keyboard need)."""

from __future__ import annotations

from html.parser import HTMLParser

import requests

from tests.integration.test_console_agenda import book_by_the_assistant
from tests.integration.test_console_agenda import world as agenda_world  # noqa: F401 (a fixture)
from tests.integration.test_console_app import log_in, open_escalation


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.headings: list[int] = []
        self.fields: list[str] = []  # ids of visible form controls
        self.labels: set[str] = set()
        self.landmarks: set[str] = set()
        self.links: list[str] = []
        self.unnamed: list[str] = []
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.fields.append(a.get("id") or "?")
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("main", "nav", "header"):
            self.landmarks.add(tag)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("a", "button"):
            self._open.append((tag, []))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        for _, texts in self._open:
            texts.append(data)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("a", "button") and self._open:
            name, texts = self._open.pop()
            if not "".join(texts).strip():
                self.unnamed.append(name)


def check(html: str, path: str, landmarks: tuple[str, ...] = ("main", "nav", "header")) -> None:
    page = Page()
    page.feed(html)
    assert page.lang == "fr", path
    assert page.headings and page.headings[0] == 1 and page.headings.count(1) == 1, (path, page.headings)
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, (path, page.headings)
    assert set(landmarks) <= page.landmarks, path
    assert page.links and page.links[0] == "#main", path  # the skip link comes first
    missing = [field for field in page.fields if field not in page.labels]
    assert missing == [], (path, missing)
    assert page.unnamed == [], (path, page.unnamed)


def test_every_page_is_labelled_and_navigable(agenda_world):  # noqa: F811
    world = agenda_world
    booked = book_by_the_assistant(world["agenda"])
    check(requests.get(world["url"] + "/login", timeout=10).text, "/login", landmarks=("main",))
    browser, _ = log_in(world)
    check(browser.get(world["url"] + "/").text, "/ (empty)")
    open_escalation(world, "web-1")
    paths = [
        "/",
        "/agenda",
        "/agenda?vue=semaine",
        f"/appointments/{booked}",
        "/patients",
        "/patients?q=dubois",
        "/conversations/web-1",
    ]
    for path in paths:
        answer = browser.get(world["url"] + path)
        assert answer.status_code == 200, path
        check(answer.text, path)
