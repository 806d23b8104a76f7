"""A patient in the chat, as the chat page talks to the REST channel. Shared by the end-to-end tests."""

from __future__ import annotations

import json
import urllib.request
import uuid


class Conversation:
    """One conversation (its own sender id); ``heard`` keeps both sides, for the failure messages."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.sender = f"e2e-{uuid.uuid4().hex[:10]}"
        self.heard: list[str] = []

    def say(self, text: str) -> list[str]:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=120) as answer:
            replies = [reply.get("text", "") for reply in json.loads(answer.read())]
        self.heard.extend(["> " + text, *replies])
        return replies
