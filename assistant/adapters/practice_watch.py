"""The practice loaded in the agenda, watched for the understanding in the Rasa process.

The NLU reads a practice's people and motifs from the practice file loaded in the agenda database
(issue 18), so a ``assistant practice load`` must take effect without retraining or restarting. A
pipeline component runs on the server's event loop, where no database call may wait: a daemon thread
here asks the agenda every second whether the loaded file changed (one read of the hash of the practice
loaded last, through :meth:`assistant.services.agenda.AgendaService.practice`), and the component reads
whatever was last seen, never waiting. "Loaded last" is the order of the loads, never the clock's time
(a frozen ``ASSISTANT_NOW`` gives every load the same one): another practice, or the same one edited, is
another hash, so it is seen at the next look; the same file loaded again changes nothing to see. When the database cannot be read at start (down, or no practice loaded yet: a
model evaluated on its own), the practice file of the settings stands in until it can.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from assistant.core.model import Practice

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How often the agenda is asked whether the practice changed.
POLL_SECONDS = 1.0
#: How long the first message may wait for the first read (then the practice file stands in).
FIRST_READ_SECONDS = 5.0


class PracticeWatch(Generic[T]):
    """``derive(practice)`` (e.g. the vocabulary of its names), recomputed when the practice changes."""

    def __init__(
        self,
        derive: Callable[[Practice], T],
        load: Callable[[], Practice] | None = None,
        load_file: Callable[[], Practice] | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._derive = derive
        self._load = load or _practice_in_agenda
        self._load_file = load_file or _practice_file_of_settings
        self._poll_seconds = poll_seconds
        self._practice: Practice | None = None
        self._derived: T | None = None
        self._first_read = threading.Event()
        self._started = False
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def start(self) -> None:
        """Starts the watching thread once (idempotent)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._watch, name="practice-watch", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def current(self) -> T | None:
        """What was derived from the latest practice seen; waits only for the very first read."""
        if not self._started:
            self.start()
        if self._derived is None:
            self._first_read.wait(FIRST_READ_SECONDS)
        return self._derived

    @property
    def practice(self) -> Practice | None:
        """The practice last seen (None before the first read): which practice the understanding reads,
        for a tool that must be sure of it (the evaluation checks that a test set's practice was read)."""
        return self._practice

    def refresh(self) -> None:
        """One look at the agenda (the thread's step; also for tests and tools)."""
        try:
            practice = self._load()
        except Exception as error:  # the database may be down: the last practice seen stays
            log.warning("practice watch: agenda unavailable (%s)", type(error).__name__)
            if self._practice is None:
                self._use_file()
            return
        self._use(practice)

    def _use_file(self) -> None:
        try:
            self._use(self._load_file())
        except Exception as error:
            log.error("practice watch: practice file unreadable (%s)", type(error).__name__)

    def _use(self, practice: Practice) -> None:
        if practice is not self._practice:
            derived = self._derive(practice)
            self._practice, self._derived = practice, derived
        self._first_read.set()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.refresh()
            self._first_read.set()
            self._stop.wait(self._poll_seconds)


def _practice_in_agenda() -> Practice:
    from assistant.bootstrap import PROCESS_CONTAINER

    return PROCESS_CONTAINER.get().agenda.practice()


def _practice_file_of_settings() -> Practice:
    from assistant.core.practice_config import load_practice_file
    from assistant.settings import Settings

    return load_practice_file(Settings.from_env().practice_file)
