"""An in-memory SMS sender for tests and demos: records what it was asked to send, fails on demand."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from assistant.core.sms import SmsSendError


@dataclass
class FakeSmsSender:
    """``failures``: errors to raise, in order, before sending succeeds again (None: succeed once)."""

    failures: deque[SmsSendError | None] = field(default_factory=deque)
    sent: list[tuple[str, str]] = field(default_factory=list)
    references: list[int | None] = field(default_factory=list)  # the outbox id given with each message sent
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fail_next(self, *errors: SmsSendError | None) -> None:
        self.failures.extend(errors)

    def send(self, to: str, body: str, reference: int | None = None) -> str:
        with self._lock:
            self.calls += 1
            error = self.failures.popleft() if self.failures else None
            if error is not None:
                raise error
            self.sent.append((to, body))
            self.references.append(reference)
            return f"SMfake{len(self.sent):026d}"
