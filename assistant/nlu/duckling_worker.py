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

Run by :class:`assistant.nlu.duckling_process.DucklingProcess`; it imports
nothing from the project so that it starts fast.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def serve(zoneinfo_dir: str) -> int:
    import duckling  # starts the Haskell runtime, in this process only

    duckling.init()
    tz_db = duckling.load_time_zones(zoneinfo_dir)
    locale = duckling.default_locale_lang(duckling.parse_lang("FR"))
    dimensions = duckling.parse_dimensions(["time"])
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdout.write(b'{"ready": true}\n')
    stdout.flush()
    for line in stdin:
        answer: dict[str, Any]
        try:
            request = json.loads(line)
            ref = duckling.parse_ref_time(tz_db, str(request["tz"]), int(request["ref"]))
            context = duckling.Context(ref, locale)
            answer = {"matches": duckling.parse(str(request["text"]), context, dimensions, False)}
        except Exception as error:
            answer = {"error": type(error).__name__}
        stdout.write(json.dumps(answer, ensure_ascii=True).encode("ascii") + b"\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/zoneinfo"))
