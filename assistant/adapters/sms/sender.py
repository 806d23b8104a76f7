"""What the worker needs from an SMS provider: send one text to one number, or say why not."""

from __future__ import annotations

from typing import Protocol


class SmsSender(Protocol):
    def send(self, to: str, body: str, reference: int | None = None) -> str:
        """Send ``body`` to ``to`` (E.164); the provider's message id.

        ``reference`` (the outbox id) comes back with the provider's delivery reports, so that a report
        arriving before the worker has stored the provider's id still finds its message.

        Raises :class:`assistant.core.sms.SmsSendError` (code, permanent or not) when it did not go through.
        """
        ...
