"""What the worker needs from an SMS provider: send one text to one number, or say why not."""

from __future__ import annotations

from typing import Protocol


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> str:
        """Send ``body`` to ``to`` (E.164); the provider's message id.

        Raises :class:`assistant.core.sms.SmsSendError` (code, permanent or not) when it did not go through.
        """
        ...
