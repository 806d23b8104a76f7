"""The patient's push channel: only the secretary's messages, resumed after the last one a page got."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from types import SimpleNamespace
from typing import Any

import requests
from sanic import Sanic

from assistant.adapters.channels import chat_push
from assistant.adapters.channels.chat_push import ChatPushInput, secretary_messages
from assistant.adapters.console.push import RedisPushNotifier
from tests.conftest import require_redis
from tests.sanic_thread import SanicThread, free_port


def test_only_the_secretary_s_messages_after_the_last_one_are_pushed():
    events = [
        {"event": "user", "text": "je veux parler à quelqu'un", "timestamp": 10.0},
        {"event": "bot", "text": "Je transmets.", "timestamp": 11.0},
        {"event": "pause", "timestamp": 12.0},
        {"event": "bot", "text": "Sophie vous répond.", "metadata": {"secretary": "Sophie"}, "timestamp": 12.5},
        {"event": "user", "text": "merci", "timestamp": 13.0},
        {"event": "bot", "text": "Bien reçu.", "metadata": {"secretary": "Sophie"}, "timestamp": 14.25},
    ]
    pushed = secretary_messages(events, after=0.0)
    assert [(m["name"], m["text"]) for m in pushed] == [("Sophie", "Sophie vous répond."), ("Sophie", "Bien reçu.")]
    resumed = secretary_messages(events, after=float(pushed[0]["id"]))  # the id EventSource sends back
    assert [m["text"] for m in resumed] == ["Bien reçu."]
    assert secretary_messages(events, after=14.25) == []


# -- the stream over HTTP, with and without Redis -------------------------------------------------


_apps = itertools.count(1)


class Event:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def as_dict(self) -> dict[str, Any]:
        return dict(self.data)


class Trackers:
    """The tracker store as the stream reads it."""

    def __init__(self) -> None:
        self.events: dict[str, list[Event]] = {}

    async def retrieve_full_tracker(self, sender: str) -> Any:
        if sender not in self.events:
            return None
        return SimpleNamespace(events=list(self.events[sender]))

    def secretary_says(self, sender: str, text: str) -> None:
        self.events.setdefault(sender, []).append(
            Event({"event": "bot", "text": text, "metadata": {"secretary": "Sophie"}, "timestamp": time.time()})
        )


def serve(channel: ChatPushInput, trackers: Trackers) -> SanicThread:
    app = Sanic(f"chat_push_test_{next(_apps)}")

    async def on_new_message(_: Any) -> None:
        return None

    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/chat_push")
    app.ctx.agent = type("Agent", (), {"tracker_store": trackers})()
    server = SanicThread(app, free_port())
    server.start()
    return server


def listen(url: str, headers: dict[str, str], received: list[tuple[float, str, str]], count: int) -> threading.Thread:
    def run() -> None:
        with requests.get(url, headers=headers, stream=True, timeout=20) as stream:
            event_id = ""
            for line in stream.iter_lines(decode_unicode=True):
                if line.startswith("id: "):
                    event_id = line[4:]
                if line.startswith("data: ") and "text" in line:
                    received.append((time.monotonic(), event_id, line))
                    if len(received) >= count:
                        return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_the_stream_polls_the_tracker_store_without_redis_and_resumes_after_a_cut():
    trackers = Trackers()
    trackers.events["web-1"] = []
    server = serve(ChatPushInput(), trackers)
    try:
        url = f"http://127.0.0.1:{server.port}/webhooks/chat_push/stream?sender=web-1"
        assert requests.get(url.replace("web-1", "bad id"), timeout=5).status_code == 400
        received: list[tuple[float, str, str]] = []
        thread = listen(url, {}, received, 1)
        time.sleep(0.5)
        trackers.secretary_says("web-1", "Bonjour, ici Sophie.")
        said = time.monotonic()
        thread.join(5)
        assert received and "Bonjour, ici Sophie." in received[0][2] and received[0][0] - said < 1.5
        # The connection is cut; two messages are written meanwhile; the page reconnects with Last-Event-ID.
        trackers.secretary_says("web-1", "Vous êtes là ?")
        trackers.secretary_says("web-1", "Je vous rappelle.")
        again: list[tuple[float, str, str]] = []
        listen(url, {"Last-Event-ID": received[0][1]}, again, 2).join(5)
        assert [line.split('"text": ')[1].split('"')[1] for _, _, line in again] == [
            "Vous êtes là ?",
            "Je vous rappelle.",
        ]
    finally:
        server.stop()


def test_with_redis_a_notice_wakes_the_stream_at_once(monkeypatch):
    redis_url = require_redis(5)
    monkeypatch.setattr(chat_push, "REDIS_FALLBACK_SECONDS", 30.0)  # only the notice can be this fast
    trackers = Trackers()
    trackers.events["web-2"] = []
    server = serve(ChatPushInput.from_credentials({"redis_url": redis_url}), trackers)  # type: ignore[arg-type]
    try:
        url = f"http://127.0.0.1:{server.port}/webhooks/chat_push/stream?sender=web-2"
        received: list[tuple[float, str, str]] = []
        thread = listen(url, {}, received, 1)
        time.sleep(1.0)  # subscribed, and past the first read
        trackers.secretary_says("web-2", "Je prends la suite.")
        said = time.monotonic()
        asyncio.run(RedisPushNotifier(redis_url.rsplit("/", 1)[0])("web-2"))
        thread.join(5)
        assert received and received[0][0] - said < 1.0
    finally:
        server.stop()


def test_a_redis_that_does_not_answer_falls_back_to_polling():
    trackers = Trackers()
    trackers.events["web-3"] = []
    server = serve(ChatPushInput.from_credentials({"redis_url": f"redis://127.0.0.1:{free_port()}"}), trackers)  # type: ignore[arg-type]
    try:
        received: list[tuple[float, str, str]] = []
        thread = listen(f"http://127.0.0.1:{server.port}/webhooks/chat_push/stream?sender=web-3", {}, received, 1)
        time.sleep(0.5)
        trackers.secretary_says("web-3", "Toujours là.")
        thread.join(8)
        assert received
    finally:
        server.stop()
