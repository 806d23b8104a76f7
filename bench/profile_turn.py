"""Profile of one turn: where the time of a booking turn goes, inside the real servers.

    python -m bench.profile_turn                 # 3 REST booking conversations, every turn profiled
    python -m bench.profile_turn --repeat 1      # a quicker look

It never trains (``models/cabinet.tar.gz`` as it is). It starts the action server and the Rasa
server as ``tests/e2e/servers.py`` does (same environment, endpoints and credentials, fresh demo
agenda, clock frozen on Monday 23 November 2026 at 10:00), each through a thin wrapper of this
module that instruments the process before handing over to the project's own entry point:

- Rasa process: every node of Rasa's graph (each NLU component, each policy) timed, the NLU graph
  and the policy graph timed as a whole (the difference is the graph runner's own cost), every
  action run (``_run_action``), every call to the action server with its payload size in bytes
  (Rasa sends the whole tracker, and the domain, with every call), the time Rasa spends building
  that payload and validating the answer (jsonschema), the tracker store's reads and writes, and
  ``MessageProcessor.handle_message`` as a whole;
- action server: each action's time in rasa-sdk's executor, and the database work it did
  (SQLAlchemy's cursor executes and commits, by event listeners and a wrapper of the dialect's
  commit: statements, time).

Then it holds the REST booking conversation of the end-to-end tests (greeting, motif, time wish,
choice, last name, first name, birth date, phone, confirmation, goodbye) ``--repeat`` times with
other patients, one message at a time, and prints (Markdown) the cost of every turn, then where
the time of one booking turn goes (the confirmation turn, which books: medians over the repeats).
The servers run nothing else meanwhile, so the instruments read one turn at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOG_VARIABLE = "PROFILE_TURN_LOG"

# ---------------------------------------------------------------------------------------------------------------
# Inside the Rasa process


def _append(record: dict[str, Any]) -> None:
    path = os.environ.get(LOG_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")


def instrument_rasa() -> None:
    """Wraps the parts of Rasa a turn goes through; one record per handled message in ``$PROFILE_TURN_LOG.rasa``."""
    import rasa.core.actions.action as action_module
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.engine.graph import GraphNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.utils.endpoints import EndpointConfig

    spans: list[dict[str, Any]] = []
    phase = {"name": "other"}

    def span(kind: str, name: str, started: float, **extra: Any) -> None:
        spans.append({"kind": kind, "name": name, "ms": (time.perf_counter() - started) * 1000, **extra})

    node_call = GraphNode.__call__

    def timed_node(self: GraphNode, *inputs: Any) -> Any:
        started = time.perf_counter()
        try:
            return node_call(self, *inputs)
        finally:
            span(f"{phase['name']} node", self._node_name, started)

    GraphNode.__call__ = timed_node  # type: ignore[method-assign]

    graph_run = DaskGraphRunner.run

    def timed_graph(self: DaskGraphRunner, inputs: Any = None, targets: Any = None) -> Any:
        started = time.perf_counter()
        try:
            return graph_run(self, inputs, targets)
        finally:
            span(f"{phase['name']} graph", ",".join(targets or []), started)

    DaskGraphRunner.run = timed_graph  # type: ignore[method-assign]

    parse = MessageProcessor._parse_message_with_graph

    def timed_parse(self: MessageProcessor, *args: Any, **kwargs: Any) -> Any:
        phase["name"] = "nlu"
        try:
            return parse(self, *args, **kwargs)
        finally:
            phase["name"] = "other"

    MessageProcessor._parse_message_with_graph = timed_parse  # type: ignore[method-assign]

    predict = MessageProcessor._predict_next_with_tracker

    def timed_predict(self: MessageProcessor, tracker: Any) -> Any:
        phase["name"] = "policy"
        try:
            return predict(self, tracker)
        finally:
            phase["name"] = "other"

    MessageProcessor._predict_next_with_tracker = timed_predict  # type: ignore[method-assign]

    run_action = MessageProcessor._run_action

    async def timed_run_action(self: MessageProcessor, action: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await run_action(self, action, *args, **kwargs)
        finally:
            span("run action", action.name(), started)

    MessageProcessor._run_action = timed_run_action  # type: ignore[method-assign]

    call_format = action_module.RemoteAction._action_call_format

    def timed_format(self: Any, tracker: Any, domain: Any) -> Any:
        started = time.perf_counter()
        result = call_format(self, tracker, domain)
        span("payload build", self.name(), started, bytes=len(json.dumps(result).encode()))
        return result

    action_module.RemoteAction._action_call_format = timed_format  # type: ignore[method-assign]

    validate = action_module.RemoteAction._validate_action_result

    def timed_validate(self: Any, result: Any) -> Any:
        started = time.perf_counter()
        try:
            return validate(self, result)
        finally:
            span("answer validation", self.name(), started)

    action_module.RemoteAction._validate_action_result = timed_validate  # type: ignore[method-assign]

    request = EndpointConfig.request

    async def timed_request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        body = kwargs.get("json")
        answer = None
        try:
            answer = await request(self, *args, **kwargs)
            return answer
        finally:
            span(
                "action server call",
                (body or {}).get("next_action", self.url) if isinstance(body, dict) else self.url,
                started,
                bytes=len(json.dumps(body).encode()) if body is not None else 0,
                tracker_bytes=len(json.dumps(body.get("tracker")).encode()) if isinstance(body, dict) else 0,
                domain_bytes=len(json.dumps(body.get("domain")).encode())
                if isinstance(body, dict) and "domain" in body
                else 0,
                events=len(body.get("tracker", {}).get("events", [])) if isinstance(body, dict) else 0,
                answer_bytes=len(json.dumps(answer).encode()) if answer is not None else 0,
                compressed=bool(kwargs.get("compress")),
            )

    EndpointConfig.request = timed_request  # type: ignore[method-assign]

    for method in ("retrieve", "retrieve_full_tracker", "save"):
        original = getattr(SQLTrackerStore, method)

        def make(original: Any = original, method: str = method) -> Any:
            async def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await original(self, *args, **kwargs)
                finally:
                    span("tracker store", method, started)

            return timed

        setattr(SQLTrackerStore, method, make())

    handle = MessageProcessor.handle_message

    async def timed_handle(self: MessageProcessor, message: Any) -> Any:
        spans.clear()
        started = time.perf_counter()
        try:
            return await handle(self, message)
        finally:
            total = (time.perf_counter() - started) * 1000
            path = os.environ.get(LOG_VARIABLE)
            if path:
                with open(path + ".rasa", "a", encoding="utf-8") as log:
                    log.write(json.dumps({"sender": message.sender_id, "total_ms": total, "spans": list(spans)}) + "\n")
            spans.clear()

    MessageProcessor.handle_message = timed_handle  # type: ignore[method-assign]


# ---------------------------------------------------------------------------------------------------------------
# Inside the action server


def instrument_actions() -> None:
    """Times every action run and its database work; one record per action in ``$PROFILE_TURN_LOG.actions``."""
    from rasa_sdk.executor import ActionExecutor
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.engine.default import DefaultDialect

    current = {"statements": 0, "execute_ms": 0.0, "commits": 0, "commit_ms": 0.0}

    @event.listens_for(Engine, "before_cursor_execute")
    def before(conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: Any) -> None:
        conn.info.setdefault("profile_started", []).append(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def after(conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: Any) -> None:
        started = conn.info["profile_started"].pop()
        current["statements"] += 1
        current["execute_ms"] += (time.perf_counter() - started) * 1000

    do_commit = DefaultDialect.do_commit

    def timed_commit(self: Any, dbapi_connection: Any) -> None:
        started = time.perf_counter()
        try:
            do_commit(self, dbapi_connection)
        finally:
            current["commits"] += 1
            current["commit_ms"] += (time.perf_counter() - started) * 1000

    DefaultDialect.do_commit = timed_commit  # type: ignore[method-assign]

    run = ActionExecutor.run

    async def timed_run(self: ActionExecutor, action_call: dict[str, Any]) -> Any:
        for key in current:
            current[key] = 0
        started = time.perf_counter()
        try:
            return await run(self, action_call)
        finally:
            record = {
                "action": action_call.get("next_action"),
                "sender": (action_call.get("tracker") or {}).get("sender_id"),
                "ms": (time.perf_counter() - started) * 1000,
                **current,
            }
            path = os.environ.get(LOG_VARIABLE)
            if path:
                with open(path + ".actions", "a", encoding="utf-8") as log:
                    log.write(json.dumps(record) + "\n")

    ActionExecutor.run = timed_run  # type: ignore[method-assign]


# ---------------------------------------------------------------------------------------------------------------
# The servers, instrumented


@contextmanager
def profiled_servers(folder: Path, log: Path) -> Iterator[dict[str, Any]]:
    from assistant.launcher import MODEL, ROOT
    from tests.e2e.servers import assistant_env, demo_agenda, wait_for

    env = assistant_env(folder, extra={LOG_VARIABLE: str(log)})
    demo_agenda(env)
    action_log, rasa_log = folder / "actions.log", folder / "rasa.log"
    actions = subprocess.Popen(
        [sys.executable, "-m", "bench.profile_turn", "--serve-actions"],
        cwd=ROOT,
        env=env,
        stdout=action_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    rasa = subprocess.Popen(
        [
            *(sys.executable, "-m", "bench.profile_turn", "--serve-rasa", "run", "--model", str(MODEL)),
            *("--endpoints", str(ROOT / "endpoints.yml"), "--credentials", str(ROOT / "credentials.yml")),
            *("--interface", "127.0.0.1", "--port", env["RASA_PORT"], "--enable-api"),
        ],
        cwd=ROOT,
        env=env,
        stdout=rasa_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{env['ACTION_SERVER_PORT']}/health", actions, action_log, 120)
        wait_for(f"http://127.0.0.1:{env['RASA_PORT']}/", rasa, rasa_log, 400)
        yield {"url": f"http://127.0.0.1:{env['RASA_PORT']}", "env": env}
    finally:
        for process in (rasa, actions):
            process.terminate()
        for process in (rasa, actions):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


# ---------------------------------------------------------------------------------------------------------------
# The conversation and the tables

FAMILY = ("Dupont", "Garnier", "Rousseau", "Fournier", "Girard")
FIRST = ("Marie", "Lucas", "Emma", "Hugo", "Chloé")


def conversation(index: int) -> list[tuple[str, str]]:
    return [
        ("greeting", "bonjour"),
        ("motif", "je voudrais un rendez-vous pour une prise de sang"),
        ("time wish", ("jeudi matin", "vendredi matin", "mercredi matin")[index % 3]),
        ("choice", "le premier"),
        ("last name", FAMILY[index % len(FAMILY)]),
        ("first name", FIRST[index % len(FIRST)]),
        ("birth date", f"{index + 2} mars 1985"),
        ("phone number", f"06 12 34 56 {70 + index:02d}"),
        ("confirmation", "oui"),
        ("goodbye", "merci au revoir"),
    ]


def say(base: str, sender: str, message: str) -> tuple[float, list[str]]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:
        replies = [reply.get("text", "") for reply in json.loads(answer.read())]
    return (time.perf_counter() - started) * 1000, replies


def read_new(path: Path, seen: dict[Path, int]) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    new = lines[seen.get(path, 0) :]
    seen[path] = len(lines)
    return [json.loads(line) for line in new if line.strip()]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def summarise(client_ms: float, rasa: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """One turn: totals per part (ms) and the details of the parts."""
    spans = [span for record in rasa for span in record["spans"]]
    handled = sum(record["total_ms"] for record in rasa)

    def total(kind: str) -> float:
        return sum(span["ms"] for span in spans if span["kind"] == kind)

    calls = [span for span in spans if span["kind"] == "action server call"]
    return {
        "client": client_ms,
        "handle": handled,
        "nlu graph": total("nlu graph"),
        "nlu nodes": {s["name"]: s["ms"] for s in spans if s["kind"] == "nlu node"},
        "policy graph": total("policy graph"),
        "policy runs": sum(1 for span in spans if span["kind"] == "policy graph"),
        "policy nodes": _summed((s["name"], s["ms"]) for s in spans if s["kind"] == "policy node"),
        "actions": [(s["name"], s["ms"]) for s in spans if s["kind"] == "run action"],
        "run action": total("run action"),
        "calls": calls,
        "call ms": sum(span["ms"] for span in calls),
        "call bytes": sum(span["bytes"] for span in calls),
        "payload build": total("payload build"),
        "answer validation": total("answer validation"),
        "tracker store": total("tracker store"),
        "tracker ops": _summed((s["name"], s["ms"]) for s in spans if s["kind"] == "tracker store"),
        "server actions": actions,
        "server action ms": sum(action["ms"] for action in actions),
        "db ms": sum(action["execute_ms"] + action["commit_ms"] for action in actions),
        "db statements": sum(action["statements"] for action in actions),
        "commits": sum(action["commits"] for action in actions),
    }


def combine(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """A whole conversation as one sample: the sum of its turns."""
    whole: dict[str, Any] = {}
    for summary in summaries:
        for key, value in summary.items():
            if isinstance(value, dict):
                merged = whole.setdefault(key, {})
                for name, number in value.items():
                    merged[name] = merged.get(name, 0.0) + number
            elif isinstance(value, list):
                whole.setdefault(key, []).extend(value)
            else:
                whole[key] = whole.get(key, 0) + value
    return whole


def _summed(pairs: Any) -> dict[str, float]:
    sums: dict[str, float] = {}
    for name, value in pairs:
        sums[name] = sums.get(name, 0.0) + value
    return sums


def turn_table(turns: dict[str, list[dict[str, Any]]]) -> str:
    lines = [
        "| turn | client (ms) | handle_message (ms) | NLU (ms) | policy runs × ms | action-server calls | "
        "bytes sent to the action server | action server: actions (ms) | of which database (ms, statements) | "
        "Rasa validates the answers (ms) | tracker store (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, samples in turns.items():

        def m(key: str, samples: list[dict[str, Any]] = samples) -> float:
            return median([sample[key] for sample in samples])

        lines.append(
            f"| {kind} | {m('client'):.0f} | {m('handle'):.0f} | {m('nlu graph'):.0f} "
            f"| {m('policy runs'):.0f} × {m('policy graph') / max(m('policy runs'), 1):.0f} "
            f"| {median([len(s['calls']) for s in samples]):.0f} | {m('call bytes'):,.0f} "
            f"| {m('server action ms'):.0f} | {m('db ms'):.1f} ({m('db statements'):.0f}) "
            f"| {m('answer validation'):.0f} | {m('tracker store'):.0f} |"
        )
    return "\n".join(lines)


def breakdown_table(samples: list[dict[str, Any]]) -> str:
    """Where one turn's time goes, medians over the samples; the rows add up to the client's time."""

    def m(values: list[float]) -> float:
        return median(values)

    client = m([s["client"] for s in samples])
    handle = m([s["handle"] for s in samples])
    nlu = m([s["nlu graph"] for s in samples])
    policy = m([s["policy graph"] for s in samples])
    runs = m([s["policy runs"] for s in samples])
    calls = m([s["call ms"] for s in samples])
    server = m([s["server action ms"] for s in samples])
    db = m([s["db ms"] for s in samples])
    build = m([s["payload build"] for s in samples])
    validation = m([s["answer validation"] for s in samples])
    tracker = m([s["tracker store"] for s in samples])
    rows: list[tuple[str, float, str]] = []
    node_names = list(samples[0]["nlu nodes"])
    for name in node_names:
        rows.append((f"NLU · {name}", m([s["nlu nodes"].get(name, 0.0) for s in samples]), ""))
    rows.append(("NLU · graph runner itself", nlu - sum(r[1] for r in rows), "building and walking the dask graph"))
    policy_rows = []
    for name in samples[0]["policy nodes"]:
        policy_rows.append(
            (f"policies · {name}", m([s["policy nodes"].get(name, 0.0) for s in samples]), f"{runs:.0f} runs")
        )
    rows += policy_rows
    rows.append(("policies · graph runner itself", policy - sum(r[1] for r in policy_rows), f"{runs:.0f} runs"))
    bytes_sent = m([s["call bytes"] for s in samples])
    count = m([len(s["calls"]) for s in samples])
    rows.append(("Rasa builds the action payloads (tracker + domain → JSON)", build, f"{count:.0f} calls"))
    rows.append(
        (
            "action server: actions' own code (rasa-sdk executor, minus database)",
            server - db,
            ", ".join(sorted({a["action"] for s in samples for a in s["server actions"]})),
        )
    )
    rows.append(
        (
            "action server: database (statements + commits)",
            db,
            f"{m([s['db statements'] for s in samples]):.0f} statements",
        )
    )
    rows.append(
        (
            "action calls: HTTP, JSON (de)serialisation, sanic, beyond the executor",
            calls - server,  # the payload is built before the request: not inside `calls`
            f"{bytes_sent:,.0f} bytes sent in all",
        )
    )
    rows.append(("Rasa validates the action server's answers (jsonschema)", validation, ""))
    rows.append(("tracker store (SQLite: read, save)", tracker, ""))
    accounted = nlu + policy + build + calls + validation + tracker
    rows.append(("rest of handle_message (events, forms, NLG, slots, locks…)", handle - accounted, ""))
    rows.append(("REST channel, turn guard, HTTP (client time − handle_message)", client - handle, ""))
    small = [row for row in rows if row[0].startswith(("NLU · ", "policies · ")) and row[1] < client / 100]
    if small:
        rows = [row for row in rows if row not in small]
        rows.append(
            (
                f"NLU and policy components under 1 % each ({len(small)})",
                sum(row[1] for row in small),
                ", ".join(row[0].split(" · ")[1].replace("run_", "").replace("assistant.nlu.", "") for row in small),
            )
        )
    lines = ["| where | ms | % | note |", "|---|---:|---:|---|"]
    for name, value, note in sorted(rows, key=lambda row: -row[1]):
        lines.append(f"| {name} | {value:.1f} | {100 * value / client:.0f} % | {note} |")
    lines.append(f"| **all, as the client sees it** | **{client:.0f}** | 100 % | |")
    return "\n".join(lines)


def calls_table(samples: list[dict[str, Any]]) -> str:
    lines = [
        "| action-server call | ms (round trip) | action server (ms) | database (ms, statements) | bytes sent | "
        "of which tracker | of which domain | tracker events | bytes back |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sample = samples[len(samples) // 2]
    server = list(sample["server actions"])
    for call in sample["calls"]:
        match = next((a for a in server if a["action"] == call["name"]), None)
        if match:
            server.remove(match)
        lines.append(
            f"| {call['name']} | {call['ms']:.1f} | {match['ms'] if match else 0:.1f} "
            f"| {(match['execute_ms'] + match['commit_ms']) if match else 0:.1f} ({match['statements'] if match else 0}) "
            f"| {call['bytes']:,} | {call['tracker_bytes']:,} | {call['domain_bytes']:,} | {call['events']} "
            f"| {call['answer_bytes']:,} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["--serve-rasa"]:
        instrument_rasa()
        from assistant.adapters.rasa_server import main as rasa_main

        return rasa_main(arguments[1:])
    if arguments[:1] == ["--serve-actions"]:
        instrument_actions()
        from assistant.adapters.action_server import main as actions_main

        return actions_main()

    from assistant.launcher import MODEL

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="booking conversations profiled (default 3)")
    parser.add_argument("--turn", default="confirmation", help="the turn whose time is broken down")
    args = parser.parse_args(arguments)
    if not MODEL.exists():
        print(f"No model at {MODEL}: train it first; this profile never trains.")
        return 2
    from bench.load_bench import provenance

    before = provenance()
    turns: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        log = folder / "profile"
        print("Starting the instrumented servers…", file=sys.stderr)
        with profiled_servers(folder, log) as servers:
            seen: dict[Path, int] = {}
            rasa_log, action_log = Path(str(log) + ".rasa"), Path(str(log) + ".actions")
            warm = f"warm-{uuid.uuid4().hex[:8]}"  # the first messages build lazy parts: not measured
            for message in ("bonjour", "je voudrais un rendez-vous pour un vaccin", "jeudi"):
                say(servers["url"], warm, message)
            read_new(rasa_log, seen), read_new(action_log, seen)
            for index in range(args.repeat):
                sender = f"profile-{uuid.uuid4().hex[:10]}"
                heard: list[str] = []
                for kind, message in conversation(index):
                    time.sleep(0.3)  # lets the previous turn's log lines land
                    client_ms, replies = say(servers["url"], sender, message)
                    heard += replies
                    time.sleep(0.05)
                    turns.setdefault(kind, []).append(
                        summarise(client_ms, read_new(rasa_log, seen), read_new(action_log, seen))
                    )
                if not any("c'est réservé" in reply.lower() for reply in heard):
                    print("warning: a profiled conversation did not book:\n" + "\n".join(heard), file=sys.stderr)
    print(
        f"\nProfile of a REST booking conversation, {args.repeat} runs (medians), {time.strftime('%Y-%m-%d %H:%M')}\n"
    )
    print(f"before: {before}\nafter:  {provenance()}\n")
    print(turn_table(turns))
    runs = [combine([samples[index] for samples in turns.values()]) for index in range(args.repeat)]
    print(f"\nWhere the time of a whole booking conversation goes ({len(turns)} turns, sums per run, medians)\n")
    print(breakdown_table(runs))
    if args.turn in turns:
        print(f"\nWhere the « {args.turn} » turn's time goes (the booking itself)\n")
        print(breakdown_table(turns[args.turn]))
        print(f"\nAction-server calls of the « {args.turn} » turn (the median run)\n")
        print(calls_table(turns[args.turn]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
