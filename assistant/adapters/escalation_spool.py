"""Hand-overs that could not be recorded yet, kept on disk until the agenda database takes them.

When the action server or the database is down, the channel's turn guard still owes the
secretariat the patient's request (an emergency above all). It is written here first, one
JSON file per request, atomically (temporary file, then rename) and readable by the service
only (mode 600: it holds the patient's words), then moved into the database as soon as it
answers: at once when it can, otherwise by the guard's periodic drain. A request is deleted
from the spool only after the database has committed it, so a crash loses nothing; the
escalation service merges requests of one conversation, so a retry after a crash between the
commit and the deletion does not duplicate the hand-over.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.escalation import EscalationError, EscalationRequest

log = logging.getLogger(__name__)

#: A claimed entry older than this belongs to a process that died while recording it: it is queued again.
STALE_CLAIM_SECONDS = 120.0


@dataclass(frozen=True)
class PendingEscalation:
    """What the secretariat needs to call back: no more than the escalation service takes."""

    channel: str
    conversation_id: str
    reason: str
    category: str
    urgency: str
    transcript: tuple[tuple[str, str], ...] = ()
    callback_number: str | None = None
    understood: Mapping[str, str] = field(default_factory=dict)
    callback_requested: bool = False  # a caller whose call failed is called back on its number

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    def request(self) -> EscalationRequest:
        """The hand-over to record (a callback asked for is set on it once it is recorded)."""
        return EscalationRequest(
            self.channel,
            self.conversation_id,
            self.reason,
            self.category,
            self.urgency,
            understood=self.understood,
            transcript=self.transcript,
            callback_number=self.callback_number,
        )

    @classmethod
    def from_json(cls, text: str) -> PendingEscalation:
        data: dict[str, Any] = json.loads(text)
        data["transcript"] = tuple(tuple(line) for line in data.get("transcript") or ())
        data["understood"] = dict(data.get("understood") or {})
        return cls(**data)


Recorder = Callable[[PendingEscalation], None]


class EscalationSpool:
    """A directory of pending hand-overs (see the module docstring); safe for threads of one process."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()

    def put(self, pending: PendingEscalation) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{os.getpid()}-{uuid.uuid4().hex}.json"
        temporary = self.directory / f".{name}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(pending.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        final = self.directory / name
        os.replace(temporary, final)
        return final

    def _take_back_stale_claims(self) -> None:
        if not self.directory.is_dir():
            return
        for claimed in self.directory.glob("*.json.claimed-*"):
            try:
                if time.time() - claimed.stat().st_mtime > STALE_CLAIM_SECONDS:
                    os.replace(claimed, claimed.with_name(claimed.name.split(".claimed-")[0]))
            except FileNotFoundError:
                continue

    def pending(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        dated: list[tuple[float, Path]] = []
        for path in self.directory.glob("*.json"):
            try:
                dated.append((path.stat().st_mtime, path))
            except FileNotFoundError:
                continue  # claimed by another process meanwhile
        return [path for _, path in sorted(dated)]

    def drain(self, record: Recorder) -> int:
        """Record every pending hand-over, oldest first; stop at the first failure (the database is still down).

        Several processes may drain one directory: a file is claimed by renaming it first (atomic), so only
        one of them records it; a claim left by a process that died is taken back after
        :data:`STALE_CLAIM_SECONDS`. Returns how many were recorded. An unreadable file is set aside
        (``.bad``), never deleted.
        """
        recorded = 0
        with self._lock:
            self._take_back_stale_claims()
            for path in self.pending():
                claimed = path.with_name(f"{path.name}.claimed-{os.getpid()}")
                try:
                    queued_at = path.stat().st_mtime
                    os.replace(path, claimed)
                    os.utime(claimed)  # the claim's age, not the request's, tells a dead claimer
                except FileNotFoundError:
                    continue  # another process claimed it
                try:
                    pending = PendingEscalation.from_json(claimed.read_text(encoding="utf-8"))
                except (OSError, ValueError, TypeError):
                    log.error("escalation spool: unreadable entry %s set aside", path.name)
                    os.replace(claimed, path.with_suffix(".bad"))
                    continue
                try:
                    record(pending)
                except (EscalationError, ValueError, TypeError, KeyError) as error:
                    # The entry itself is refused (an invalid field, an older format): set aside for a person,
                    # never left at the head of the queue where it would block every later hand-over.
                    log.error("escalation spool: entry %s refused (%s), set aside", path.name, type(error).__name__)
                    os.replace(claimed, path.with_suffix(".bad"))
                    continue
                except Exception as error:
                    os.replace(claimed, path)
                    os.utime(path, (queued_at, queued_at))  # back in the queue, in its place
                    log.warning(
                        "escalation spool: %d waiting, database unavailable (%s)",
                        len(self.pending()),
                        type(error).__name__,
                    )
                    break
                claimed.unlink(missing_ok=True)
                recorded += 1
        if recorded:
            log.info("escalation spool: %d hand-over(s) recorded late", recorded)
        return recorded
