"""The Duckling worker: a small process that owns the Haskell runtime.

Why a process of its own: importing ``duckling`` (pyduckling-native-phihos)
starts GHC's non-threaded runtime inside the importing process. That runtime
arms a process-wide interval timer whose ``SIGVTALRM`` lands on whatever thread
is running (TensorFlow's pools, Sanic's loop, the SQL driver), and it replaces
the ``SIGINT`` handler. The Rasa server died several times under load with a
"general protection fault" in libc while Duckling lived in it. Keeping the
runtime here, behind a pipe, leaves the Rasa and action servers with only their
own threads and signals, and a crash here costs one parse, not the server.

Protocol: one JSON object per line on stdin,
``{"text": str, "tz": "Europe/Paris", "ref": <epoch seconds>}``, answered by one
line on stdout: ``{"matches": [...]}`` or ``{"error": "<kind>"}``. The worker
never writes the text it was given anywhere (it can hold names and dates of
birth). It exits when stdin closes, that is when its parent goes away.

Privacy on error paths: the Rust binding (pyo3) passes the text to C as a
``CString``; a NUL character made it panic (``CString::new failed:
NulError(<position>, [<every byte of the message>])``), printed by Rust's panic
hook on stderr, then again in Python's traceback of the ``PanicException`` (a
``BaseException``, which ``except Exception`` let through, so the worker died);
with the client's one restart, the message's bytes were printed four times.
Now control characters are replaced by spaces before parsing (same length, so
the offsets of the matches do not move), any exception (panics included) is
answered as ``{"error": "<kind>"}``, and once the runtime is loaded, file
descriptor 2 points to /dev/null: neither Rust, nor the Haskell runtime, nor
Python can print anything of a message. Start-up errors (before any text is
read) stay visible.

Run by :class:`assistant.nlu.duckling_process.DucklingProcess`; it imports
nothing from the project so that it starts fast.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

#: Control characters (C0, DEL, C1): NUL made the binding panic; none is text to parse.
CONTROL_CHARACTERS = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)], " ")


def clean_text(text: str) -> str:
    """``text`` with its control characters replaced by spaces (same length)."""
    return text.translate(CONTROL_CHARACTERS)


def silence_stderr() -> None:
    """Points file descriptor 2 (and ``sys.stderr``) to /dev/null for the rest of the process."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the process's lifetime
    sys.excepthook = lambda *_: None


def serve(zoneinfo_dir: str) -> int:
    import duckling  # starts the Haskell runtime, in this process only

    duckling.init()
    tz_db = duckling.load_time_zones(zoneinfo_dir)
    locale = duckling.default_locale_lang(duckling.parse_lang("FR"))
    dimensions = duckling.parse_dimensions(["time"])
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    silence_stderr()
    stdout.write(b'{"ready": true}\n')
    stdout.flush()
    for line in stdin:
        answer: dict[str, Any]
        try:
            request = json.loads(line)
            ref = duckling.parse_ref_time(tz_db, str(request["tz"]), int(request["ref"]))
            context = duckling.Context(ref, locale)
            answer = {"matches": duckling.parse(clean_text(str(request["text"])), context, dimensions, False)}
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # pyo3's PanicException is a BaseException
            answer = {"error": type(error).__name__}
        stdout.write(json.dumps(answer, ensure_ascii=True).encode("ascii") + b"\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/zoneinfo"))
