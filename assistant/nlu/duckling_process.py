"""Client of the Duckling worker process (see :mod:`assistant.nlu.duckling_worker`).

The Haskell runtime behind Duckling must not live in the Rasa or action server
(its timer signal and signal handlers are process-wide; the servers crashed
with it under load). This client starts the worker on first use, sends one
request at a time over a pipe, and restarts the worker once if it died or hung.
When it still cannot answer, :class:`DucklingUnavailable` is raised: the caller
reads no date in that message and the dialogue asks again, rather than the
whole server failing.

Thread-safe (one lock: requests are a few hundred microseconds) and fork-safe
(a child process starts its own worker rather than sharing the parent's pipe).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.nlu.duckling_worker import clean_text

logger = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("duckling_worker.py")
#: Loading the 90 MB library can take seconds on a busy machine.
START_TIMEOUT_S = 60.0
#: One parse takes about a millisecond; this only catches a hung worker.
REQUEST_TIMEOUT_S = 10.0


class DucklingUnavailable(RuntimeError):
    """The worker could not answer, even after one restart."""


class DucklingProcess:
    """One worker process, started lazily, restarted when it dies."""

    def __init__(
        self,
        zoneinfo_dir: str,
        *,
        start_timeout: float = START_TIMEOUT_S,
        request_timeout: float = REQUEST_TIMEOUT_S,
        command: list[str] | None = None,
    ) -> None:
        self._zoneinfo_dir = zoneinfo_dir
        self._start_timeout = start_timeout
        self._request_timeout = request_timeout
        self._command = command or [sys.executable, "-I", str(WORKER), zoneinfo_dir]
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._owner_pid = 0
        self._buffer = b""
        self.starts = 0  # how many workers this client started (restarts show here)

    # ------------------------------------------------------------------ public

    def parse(self, text: str, tz_name: str, reference: datetime) -> list[dict[str, Any]]:
        """Duckling's matches for ``text`` read at ``reference`` in ``tz_name``."""
        # Control characters are no text to parse, and a NUL made the worker panic (see duckling_worker).
        text = clean_text(text)
        request = json.dumps({"text": text, "tz": tz_name, "ref": int(reference.timestamp())}) + "\n"
        with self._lock:
            for attempt in (1, 2):
                try:
                    answer = self._exchange(request.encode("utf-8"))
                except (OSError, TimeoutError, ValueError) as error:
                    # The message text is never logged: it can hold a name or a birth date.
                    code = self._proc.poll() if self._proc is not None else None
                    if code is not None:
                        logger.warning("Duckling worker died (exit code %s), attempt %d", code, attempt)
                    else:
                        logger.warning("Duckling worker failed (%s), attempt %d", type(error).__name__, attempt)
                    self._stop_locked()
                    continue
                if "error" in answer:
                    raise DucklingUnavailable(f"Duckling could not parse the text ({answer['error']})")
                matches: list[dict[str, Any]] = answer.get("matches", [])
                return matches
        raise DucklingUnavailable("the Duckling worker did not answer, even after a restart")

    def start(self) -> None:
        """Starts the worker now, so that the first message does not wait for it (about 0.3 s)."""
        with self._lock:
            try:
                self._ensure_started()
            except (OSError, TimeoutError, ValueError) as error:
                self._stop_locked()
                raise DucklingUnavailable(f"the Duckling worker did not start ({type(error).__name__})") from error

    def close(self) -> None:
        """Stops the worker (it also stops by itself when this process exits)."""
        with self._lock:
            self._stop_locked()

    @property
    def pid(self) -> int | None:
        """The worker's process id, when one is running."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    # ------------------------------------------------------------------ inside

    def _exchange(self, request: bytes) -> dict[str, Any]:
        proc = self._ensure_started()
        assert proc.stdin is not None
        proc.stdin.write(request)
        proc.stdin.flush()
        return self._read_answer(proc, self._request_timeout)

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._owner_pid != os.getpid():
            self._proc = None  # inherited through fork: the pipe belongs to the parent
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._stop_locked()
        proc = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # Start-up errors stay visible; once ready, the worker sends its stderr to /dev/null.
            stderr=None,
            start_new_session=True,  # a Ctrl-C in the terminal stops the parent, which closes the pipe
            close_fds=True,
        )
        self._proc, self._owner_pid, self._buffer = proc, os.getpid(), b""
        self.starts += 1
        ready = self._read_answer(proc, self._start_timeout)
        if not ready.get("ready"):
            raise ValueError("unexpected first line from the Duckling worker")
        return proc

    def _read_answer(self, proc: subprocess.Popen[bytes], timeout: float) -> dict[str, Any]:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("Duckling worker timed out")
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise OSError("Duckling worker exited")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _stop_locked(self) -> None:
        proc, self._proc, self._buffer = self._proc, None, b""
        if proc is None or self._owner_pid != os.getpid():
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        finally:
            if proc.stdout is not None:
                proc.stdout.close()


_SHARED: DucklingProcess | None = None
_SHARED_LOCK = threading.Lock()


def shared_duckling(zoneinfo_dir: str) -> DucklingProcess:
    """The process-wide client (one worker per process), stopped at exit."""
    global _SHARED
    if _SHARED is None:
        with _SHARED_LOCK:
            if _SHARED is None:
                _SHARED = DucklingProcess(zoneinfo_dir)
                atexit.register(_SHARED.close)
    return _SHARED
