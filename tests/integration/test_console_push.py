"""The patient's push channel: only the secretary's messages, resumed after the last one a page got."""

from __future__ import annotations

from assistant.adapters.channels.chat_push import secretary_messages


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
