"""Voice benchmark: webhook response time per turn of a 10-turn phone call, against the real servers.

    python -m bench.voice_bench              # 10 calls of 10 turns
    python -m bench.voice_bench --calls 3    # a quicker look

It trains the model when needed (the project's one training command), starts the action
server and the Rasa server on localhost with the voice channel (fresh SQLite agenda with
the demo practice, clock frozen on Monday 23 November 2026 at 10:00), then replays the
same booking call as Twilio would drive it: signed form-encoded webhooks, the next URL
read from the TwiML. Each turn is timed from the request to the last byte of the TwiML.
Target: p95 under 300 ms per turn on the reference machine (2 cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant.launcher import MODEL, ROOT, train_command
from tests.e2e.phone import Call, credentials
from tests.e2e.servers import running_servers

FAMILY_NAMES = (
    "Dupont",
    "Martin",
    "Bernard",
    "Petitjean",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
)
FIRST_NAMES = ("Marie", "Lucas", "Emma", "Hugo", "Chloé", "Louis", "Léa", "Jules", "Manon", "Arthur")


def script(index: int) -> list[tuple[str, Callable[[Call], object]]]:
    """The ten turns of one call: a blood test booked from the greeting to the goodbye."""
    family, first = FAMILY_NAMES[index % 10], FIRST_NAMES[index % 10]
    return [
        ("greeting", lambda call: call.start()),
        ("motif", lambda call: call.say("bonjour je voudrais un rendez-vous pour une prise de sang")),
        ("time wish", lambda call: call.say("plutôt en début de semaine prochaine le matin")),
        ("choice", lambda call: call.say("le premier")),
        ("last name", lambda call: call.say(family)),
        ("first name", lambda call: call.say(first)),
        ("birth date (keypad)", lambda call: call.key(f"{(index % 27) + 1:02d}0419{70 + index % 30}")),
        ("confirmation", lambda call: call.say("oui c'est parfait")),
        ("question", lambda call: call.say("et c'est à quelle adresse exactement")),
        ("goodbye", lambda call: call.say("merci au revoir")),
    ]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10)
    args = parser.parse_args(argv)

    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    print("Training the model when needed…", file=sys.stderr)
    subprocess.run(train_command(), cwd=ROOT, env=env, check=True, capture_output=True)

    timings: dict[str, list[float]] = {}
    completed = 0
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        print("Starting the servers…", file=sys.stderr)
        with running_servers(folder, MODEL, credentials=credentials(folder)) as servers:
            warm = Call(servers["url"], caller="+33600000000")  # first call loads the models: not measured
            warm.start()
            warm.say("bonjour")
            for index in range(args.calls):
                call = Call(servers["url"], caller=f"+3361234{index:04d}")
                for label, turn in script(index):
                    started = time.perf_counter()
                    turn(call)
                    timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
                completed += int(call.hung_up())

    every = [value for values in timings.values() for value in values]
    print(f"\n{args.calls} calls of {len(timings)} turns ({completed} ended with a hang-up), times in ms\n")
    print("| turn | p50 | p95 | max |")
    print("|---|---:|---:|---:|")
    for label, values in timings.items():
        row = (statistics.median(values), percentile(values, 0.95), max(values))
        print(f"| {label} | {row[0]:.0f} | {row[1]:.0f} | {row[2]:.0f} |")
    print(f"| **all turns** | {statistics.median(every):.0f} | {percentile(every, 0.95):.0f} | {max(every):.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
