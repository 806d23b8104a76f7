"""Load benchmark: N simulated patients holding whole conversations at once, against the real servers.

    python -m bench.load_bench                                  # 20 patients, human pace then flat out
    python -m bench.load_bench --patients 3 --pace flat         # a quick look
    python -m bench.load_bench --profile production             # PostgreSQL tracker store and agenda, Redis locks
    python -m bench.load_bench --profile scaled --rasa-servers 2 --action-servers 2   # the production profile:
                                                                # HAProxy in front of N Rasa and M action servers
    python -m bench.load_bench --ramp                           # then flat out with 1, 2, 4, 8, 16 patients

It never trains: it uses ``models/cabinet.tar.gz`` as it is. It starts the action server and the
Rasa server (``tests/e2e/servers.py``: REST and signed Twilio voice channels, fresh demo agenda,
clock frozen on Monday 23 November 2026 at 10:00, one appointment seeded for each patient who
will move one), then lets N patients talk at once, each a whole scripted conversation:

- booking over REST (~50 %): greeting, motif, the questions asked (new patient?, when?), choice
  among the three proposals, last name, first name, birth date, mobile number, confirmation,
  sometimes a practical question, goodbye;
- booking by phone (~20 %): the same as Twilio drives a call (signed webhooks, the birth date keyed);
- information over REST (~15 %): address, hours, fees;
- moving the seeded appointment (~15 %, REST and phone in turn): identity, "oui", a new day,
  a choice, confirmation.

The patient answers the question it hears (the script is what it knows, the order is the
assistant's). Different patients ask for different motifs and days, except a group that asks
for the same motif, day and choice on purpose, so that bookings race for one slot (the loser
hears "ce créneau vient d'être pris" and chooses again).

Profiles: ``embedded`` (SQLite agenda and tracker store, in-memory locks, one Rasa and one action server),
``production`` (the same two servers on PostgreSQL and Redis), ``scaled`` (the production profile of
``assistant/production.py``, started by ``tests/e2e/servers.running_production``: HAProxy in front of
``--rasa-servers`` Rasa servers of ``--sanic-workers`` Sanic workers each and ``--action-servers`` action
servers; every request goes through the proxy, the phone's signed webhooks included).

Pace: ``human`` waits 1.5–4.5 s before each message (patients start within 3 s); ``flat``
sends the next message as soon as the reply is in (all patients start together). ``both``
runs human then flat on the same servers, with other patients.

Printed (Markdown): latency p50/p95/p99 per turn kind and channel, throughput, errors (non-2xx,
timeouts, empty replies, the « incident technique » apology), conversations that went off script,
bookings and moves heard vs. found in the agenda (lost bookings), double bookings (two active
appointments of one practitioner overlapping, read with SQL), and the peak resident memory
(VmRSS) of the Rasa process, its children (the Duckling worker) and the action server.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, select, text

from assistant.adapters.db import tables as t
from assistant.clock import get_timezone
from assistant.launcher import MODEL, ROOT
from tests.e2e.phone import Call, credentials
from tests.e2e.servers import running_production, running_servers

NOW = "2026-11-23T10:00"
PARIS = get_timezone("Europe/Paris")
TIMEOUT_SECONDS = 30.0
MAX_TURNS = 30  # a patient of the racing group can lose the race several times before booking

FAMILY_NAMES = (
    "Dupont", "Martin", "Bernard", "Durand", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre",
    "Leroy", "Garnier", "Faure", "Rousseau", "Fournier", "Girard", "Bonnet", "Mercier", "Lambert", "Fontaine",
    "Chevalier", "Robin", "Masson", "Sanchez", "Gauthier", "Perrin", "Morin", "Clément", "Nicolas", "Henry",
)  # fmt: skip
FIRST_NAMES = (
    "Marie", "Lucas", "Emma", "Hugo", "Chloé", "Louis", "Léa", "Jules", "Manon", "Arthur", "Camille", "Nathan",
    "Sarah", "Théo", "Inès", "Paul", "Julie", "Antoine", "Clara", "Maxime", "Laura", "Thomas", "Alice", "Victor",
)  # fmt: skip
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")  # fmt: skip

#: (what the patient asks for, the day it wishes): motifs open to new patients, days over two weeks.
WISHES = (
    ("je voudrais un rendez-vous pour un vaccin", "mercredi 25 novembre l'après-midi"),
    ("je voudrais un certificat médical pour le sport", "vendredi 27 novembre"),
    ("j'aurais besoin d'un rendez-vous pour un pansement", "lundi 30 novembre"),
    ("je voudrais prendre rendez-vous pour un bilan kiné", "mardi 1er décembre"),
    ("il me faudrait une injection", "mercredi 2 décembre le matin"),
    ("je voudrais une première consultation, je suis nouvelle dans le quartier", "jeudi 3 décembre"),
    ("je voudrais un rendez-vous pour une prise de sang", "vendredi 4 décembre"),
    ("je voudrais un rendez-vous pour un frottis", "lundi 7 décembre l'après-midi"),
    ("je voudrais me faire vacciner contre la grippe", "mardi 8 décembre"),
    ("je voudrais un certificat de sport pour le club de foot", "mercredi 9 décembre le matin"),
)
#: The group that races on purpose: same motif, same day, same choice.
COLLIDING = ("je voudrais un rendez-vous pour une prise de sang", "jeudi 26 novembre")
CHOICES = ("le premier", "le deuxième", "le troisième")
QUESTIONS = ("c'est à quelle adresse exactement", "il faut apporter quels documents", "vous êtes ouverts quand")
INFORMATION = (
    ("bonjour", "greeting"),
    ("quelle est votre adresse", "question"),
    ("vous êtes ouverts à quelle heure", "question"),
    ("combien coûte une consultation", "question"),
    ("il y a un parking", "question"),
    ("merci au revoir", "goodbye"),
)
#: The mix of 20 patients (~50 % REST bookings, ~20 % phone bookings, ~15 % information, ~15 % moves),
#: in an order where any first few patients already show every kind.
MIX = ("book", "call", "info", "move", "book", "book", "call", "book", "info", "move",
       "book", "call", "book", "book", "info", "move", "book", "call", "book", "book")  # fmt: skip
SEED_DAYS = ("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09")
MOVE_WISHES = ("le vendredi 11 décembre", "le lundi 14 décembre", "le mardi 15 décembre", "le jeudi 10 décembre")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------------------------------------------
# Patients


@dataclass
class Patient:
    index: int
    kind: str  # book, call, info, move
    channel: str  # rest, phone
    last_name: str
    first_name: str
    birth: tuple[int, int, int]  # day, month, year
    mobile: str  # +336…
    wish: tuple[str, str] = ("", "")
    choice: str = "le premier"
    question: str | None = None
    colliding: bool = False
    seeded_start: str | None = None  # moves: the appointment to move (local time)
    seeded_practitioner: str = "lefebvre"
    move_wish: str = ""

    @property
    def spoken_birth(self) -> str:
        day, month, year = self.birth
        return f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"

    @property
    def keyed_birth(self) -> str:
        day, month, year = self.birth
        return f"{day:02d}{month:02d}{year}"

    @property
    def iso_birth(self) -> str:
        day, month, year = self.birth
        return f"{year}-{month:02d}-{day:02d}"

    @property
    def spoken_mobile(self) -> str:
        digits = "0" + self.mobile[3:]
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))

    def seed_arguments(self) -> list[str]:
        assert self.seeded_start
        return [
            *("--type", "consultation", "--practitioner", self.seeded_practitioner, "--channel", "secretariat"),
            *("--start", self.seeded_start, "--last-name", self.last_name, "--first-name", self.first_name),
            *("--birth-date", self.iso_birth, "--phone", self.spoken_mobile),
        ]


def patients(count: int, offset: int, rng: random.Random) -> list[Patient]:
    """``count`` patients numbered from ``offset`` (a second phase gets other people and other seeds)."""
    made: list[Patient] = []
    moves = 0
    for number in range(count):
        index = offset + number
        kind = MIX[number % len(MIX)]
        family = FAMILY_NAMES[index % len(FAMILY_NAMES)]
        first = FIRST_NAMES[(index * 7) % len(FIRST_NAMES)]
        birth = (1 + index % 28, 1 + (index * 5) % 12, 1950 + (index * 3) % 55)
        patient = Patient(
            index=index,
            kind=kind,
            channel="phone" if kind == "call" else "rest",
            last_name=family,
            first_name=first,
            birth=birth,
            mobile=f"+3361{index:03d}{rng.randrange(10000):04d}",
        )
        if kind in ("book", "call"):
            # One patient in five joins the racing group; the others spread over motifs and days.
            patient.colliding = number % 5 in (1, 4)
            patient.wish = COLLIDING if patient.colliding else WISHES[index % len(WISHES)]
            patient.choice = "le premier" if patient.colliding else CHOICES[index % 3]
            patient.question = QUESTIONS[index % 3] if index % 2 == 0 else None
        elif kind == "move":
            patient.channel = "phone" if moves % 2 else "rest"
            # One seed per patient index (no two on one practitioner's slot, whatever the phases): a day, a
            # practitioner, a morning time from 10:00 by 20 minutes.
            day = SEED_DAYS[index % len(SEED_DAYS)]
            patient.seeded_practitioner = ("lefebvre", "benali")[(index // len(SEED_DAYS)) % 2]
            minutes = 20 * ((index // (2 * len(SEED_DAYS))) % 6)
            patient.seeded_start = f"{day}T{10 + minutes // 60:02d}:{minutes % 60:02d}"
            patient.move_wish = MOVE_WISHES[moves % len(MOVE_WISHES)]
            moves += 1
        made.append(patient)
    return made


# ---------------------------------------------------------------------------------------------------------------
# Channels: one message in, the replies out


class TurnError(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


class RestLine:
    def __init__(self, base: str) -> None:
        self.base = base
        self.sender = f"load-{uuid.uuid4().hex[:12]}"

    @property
    def conversation_id(self) -> str:
        return self.sender

    def send(self, message: str, keyed: bool = False) -> list[str]:
        body = json.dumps({"sender": self.sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with turn_errors(), urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            payload = answer.read()
        replies = [reply.get("text") or "" for reply in json.loads(payload)]
        return [reply for reply in replies if reply.strip()]


@contextmanager
def turn_errors() -> Iterator[None]:
    """A turn's HTTP, timeout and connection failures as :class:`TurnError` (chat and phone alike)."""
    try:
        yield
    except urllib.error.HTTPError as error:
        raise TurnError("http", str(error.code)) from error
    except TimeoutError as error:
        raise TurnError("timeout") from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise TurnError("timeout") from error
        raise TurnError("connection", str(error.reason)) from error


class PhoneLine:
    def __init__(self, base: str, caller: str) -> None:
        self.call = Call(base, caller=caller)

    @property
    def conversation_id(self) -> str:
        return self.call.sid

    @property
    def ended(self) -> bool:
        return self.call.twiml is not None and not list(self.call.twiml.iter("Gather"))

    def _guarded(self, step: Callable[[], object]) -> list[str]:
        heard = len(self.call.heard)
        with turn_errors():
            step()
        return [said for said in self.call.heard[heard:] if said.strip()]

    def start(self) -> list[str]:
        return self._guarded(self.call.start)

    def send(self, message: str, keyed: bool = False) -> list[str]:
        if self.ended:
            raise TurnError("off script", "the call has no Gather")
        return self._guarded(lambda: self.call.key(message) if keyed else self.call.say(message))


# ---------------------------------------------------------------------------------------------------------------
# A conversation: the patient answers what it hears


@dataclass
class Turn:
    kind: str
    channel: str
    milliseconds: float
    error: str | None = None


@dataclass
class Outcome:
    patient: Patient
    conversation_id: str = ""
    turns: list[Turn] = field(default_factory=list)
    booked_heard: bool = False
    moved_heard: bool = False
    slot_taken: int = 0
    off_script: str | None = None
    errors: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)


def next_message(patient: Patient, heard: str, state: dict[str, int]) -> tuple[str, str, bool] | None:
    """(kind, message, keyed) answering what the assistant just said; None: nothing sensible to say."""
    text_ = heard.lower()
    if "au revoir" in text_ and "?" not in text_[-40:]:
        return None
    if state.get("asked") == 1:  # the practical question is answered: goodbye
        state["asked"] = 2
        return "goodbye", "merci, au revoir", False
    if "autre chose pour vous" in text_:
        if patient.question and not state.get("asked"):
            state["asked"] = 1
            return "question", patient.question, False
        return "goodbye", "non merci, au revoir", False
    if "voulez-vous le déplacer" in text_:
        return "confirm appointment", "oui", False
    if "je récapitule" in text_ or "je confirme" in text_ or "je déplace votre rendez-vous" in text_:
        return "confirmation", "oui c'est parfait", False
    if "lequel préférez-vous" in text_ or "je peux vous proposer" in text_:
        return "choice", (patient.choice if patient.kind != "move" else "le premier"), False
    if "déjà consulté" in text_:
        return "new patient?", "non, c'est la première fois", False
    if "préférence pour le praticien" in text_ or "quand souhaiteriez-vous" in text_:
        state["wishes"] = state.get("wishes", 0) + 1
        if state["wishes"] > 2:
            return "time wish", "le plus tôt possible", False
        return "time wish", (patient.move_wish if patient.kind == "move" else patient.wish[1]), False
    if "nom de famille" in text_ or "à quel nom" in text_:
        return "last name", patient.last_name, False
    if "prénom" in text_:
        return "first name", patient.first_name, False
    if "date de naissance" in text_:
        if patient.channel == "phone":
            return "birth date", patient.keyed_birth, True
        return "birth date", patient.spoken_birth, False
    if "numéro de portable" in text_ or "quel numéro" in text_:
        return "phone number", patient.spoken_mobile, False
    return None


def converse(patient: Patient, base: str, pace: str, rng: random.Random, start_gate: threading.Event) -> Outcome:
    outcome = Outcome(patient)
    line: RestLine | PhoneLine = RestLine(base) if patient.channel == "rest" else PhoneLine(base, patient.mobile)
    outcome.conversation_id = line.conversation_id
    start_gate.wait()
    if pace == "human":
        time.sleep(rng.uniform(0.0, 3.0))

    def turn(kind: str, message: str | None, keyed: bool = False) -> list[str] | None:
        if pace == "human" and outcome.turns:
            time.sleep(rng.uniform(1.5, 4.5))
        started = time.perf_counter()
        error: str | None = None
        replies: list[str] = []
        try:
            replies = line.start() if message is None else line.send(message, keyed)
        except TurnError as failure:
            error = failure.kind
        elapsed = (time.perf_counter() - started) * 1000
        if error is None and not replies and not (isinstance(line, PhoneLine) and line.ended):
            error = "empty reply"
        if error is None and any("incident technique" in reply for reply in replies):
            error = "incident technique"
        outcome.turns.append(Turn(kind, patient.channel, elapsed, error))
        outcome.transcript.append(f"> {message if message is not None else '(call)'}")
        outcome.transcript.extend(f"  {reply}" for reply in replies)
        if error:
            outcome.errors.append(f"{kind}: {error}")
            return None
        heard = " ".join(replies)
        if "c'est réservé" in heard.lower():
            outcome.booked_heard = True
        if "déplacé au" in heard.lower() and "c'est fait" in heard.lower():
            outcome.moved_heard = True
        if "vient d'être pris" in heard.lower():
            outcome.slot_taken += 1
        return replies

    if patient.kind == "info":
        for message, kind in INFORMATION:
            if turn(kind, message) is None:
                break
        return outcome

    if patient.channel == "phone":
        replies = turn("greeting", None)
        opening = {"call": patient.wish[0], "move": "oui bonjour je voudrais déplacer mon rendez-vous"}[patient.kind]
        if replies is not None:
            replies = turn("motif" if patient.kind == "call" else "move request", opening)
    else:
        replies = turn("greeting", "bonjour")
        opening = {"book": patient.wish[0], "move": "je voudrais déplacer mon rendez-vous"}[patient.kind]
        if replies is not None:
            replies = turn("motif" if patient.kind == "book" else "move request", opening)
    state: dict[str, int] = {}
    while replies is not None and len(outcome.turns) < MAX_TURNS:
        if isinstance(line, PhoneLine) and line.ended:
            break
        heard = replies[-1] if replies else ""
        answer = next_message(patient, " ".join(replies[-2:]) if len(heard) < 30 else heard, state)
        if answer is None:
            if "au revoir" not in " ".join(replies).lower():
                outcome.off_script = heard[:160]
            break
        kind, message, keyed = answer
        replies = turn(kind, message, keyed)
    if replies is not None and outcome.off_script is None:
        if isinstance(line, PhoneLine) and line.ended and not line.call.hung_up():
            outcome.off_script = "the call ended without a hang-up (a transfer?)"
        elif len(outcome.turns) >= MAX_TURNS and not (outcome.booked_heard or outcome.moved_heard):
            outcome.off_script = f"still talking after {MAX_TURNS} turns"
    return outcome


# ---------------------------------------------------------------------------------------------------------------
# Memory of the server processes


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def process_label(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return str(pid)
    if "duckling" in command:
        return "Duckling worker"
    return command.split("/")[-1][:40]


class MemoryWatch:
    """Samples VmRSS of the Rasa process, its children and the action server; keeps the peaks (MiB)."""

    def __init__(self, processes: dict[str, int], every: float = 0.5) -> None:
        self.processes = processes
        self.every = every
        self.peak: dict[str, float] = {}
        self.total_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> dict[str, float]:
        now: dict[str, float] = {}
        for name, pid in self.processes.items():
            now[name] = rss_kib(pid) / 1024
            command = _cmdline(pid)
            pending = children(pid)
            while pending:  # every descendant: Sanic workers (forked, same command line), their Duckling workers
                child = pending.pop()
                pending.extend(children(child))
                kind = "Sanic worker" if _cmdline(child) == command else process_label(child)
                label = f"{kind} (child of {name})"
                now[label] = now.get(label, 0.0) + rss_kib(child) / 1024
        return now

    def _run(self) -> None:
        while not self._stop.is_set():
            now = self.sample()
            for name, value in now.items():
                self.peak[name] = max(self.peak.get(name, 0.0), value)
            self.total_peak = max(self.total_peak, sum(now.values()))
            self._stop.wait(self.every)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# ---------------------------------------------------------------------------------------------------------------
# The agenda afterwards

DOUBLE_BOOKINGS = text(
    "SELECT count(*) FROM appointments a JOIN appointments b ON a.practitioner_id = b.practitioner_id "
    "AND a.id < b.id AND a.status = 'booked' AND b.status = 'booked' "
    "AND a.start_at < b.end_at AND b.start_at < a.end_at"
)


@dataclass
class AgendaCheck:
    bookings_heard: int = 0
    bookings_found: int = 0
    lost_bookings: int = 0
    phantom_bookings: int = 0
    moves_heard: int = 0
    moves_found: int = 0
    lost_moves: int = 0
    double_bookings: int = 0


def check_agenda(database_url: str, outcomes: list[Outcome]) -> AgendaCheck:
    engine = create_engine(database_url, future=True)
    check = AgendaCheck()
    try:
        with engine.connect() as connection:
            check.double_bookings = int(connection.execute(DOUBLE_BOOKINGS).scalar_one())
            for outcome in outcomes:
                patient = outcome.patient
                if patient.kind in ("book", "call"):
                    rows = connection.execute(
                        text("SELECT count(*) FROM appointments WHERE conversation_id = :c AND status = 'booked'"),
                        {"c": outcome.conversation_id},
                    ).scalar_one()
                    check.bookings_heard += int(outcome.booked_heard)
                    check.bookings_found += int(rows)
                    check.lost_bookings += int(outcome.booked_heard and rows == 0)
                    check.phantom_bookings += int(not outcome.booked_heard and rows > 0)
                elif patient.kind == "move":
                    rows = connection.execute(
                        select(t.appointments.c.start_at)
                        .join(t.patients, t.patients.c.id == t.appointments.c.patient_id)
                        .where(
                            t.patients.c.last_name == patient.last_name,
                            t.patients.c.first_name == patient.first_name,
                            t.appointments.c.status == "booked",
                        )
                    ).all()
                    seeded = datetime.fromisoformat(patient.seeded_start or "").replace(tzinfo=PARIS)
                    moved = len(rows) == 1 and rows[0][0] != seeded
                    check.moves_heard += int(outcome.moved_heard)
                    check.moves_found += int(moved)
                    # Heard "déplacé" but the agenda still has the old time, none or two appointments.
                    check.lost_moves += int(outcome.moved_heard and not moved)
    finally:
        engine.dispose()
    return check


# ---------------------------------------------------------------------------------------------------------------
# One phase, the report


@dataclass
class Phase:
    pace: str
    patients: int
    seconds: float
    outcomes: list[Outcome]
    agenda: AgendaCheck
    memory_idle: dict[str, float]
    memory_peak: dict[str, float]
    memory_total_peak: float


def run_phase(servers: dict, pace: str, group: list[Patient], seed: int) -> Phase:
    base = servers["url"]
    gate = threading.Event()
    outcomes: list[Outcome | None] = [None] * len(group)

    def run(position: int, patient: Patient) -> None:
        outcomes[position] = converse(patient, base, pace, random.Random(seed * 1000 + patient.index), gate)

    threads = [threading.Thread(target=run, args=(i, p), daemon=True) for i, p in enumerate(group)]
    pids = servers.get("pids") or {
        "Rasa server": servers["processes"]["rasa"].pid,
        "action server": servers["processes"]["actions"].pid,
    }
    with MemoryWatch(pids) as memory:
        idle = memory.sample()
        for thread in threads:
            thread.start()
        started = time.perf_counter()
        gate.set()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    done = [outcome for outcome in outcomes if outcome is not None]
    agenda = check_agenda(servers["env"]["ASSISTANT_DATABASE_URL"], done)
    return Phase(pace, len(group), seconds, done, agenda, idle, memory.peak, memory.total_peak)


KIND_ORDER = (
    "greeting", "motif", "move request", "new patient?", "time wish", "choice", "confirm appointment",
    "last name", "first name", "birth date", "phone number", "confirmation", "question", "goodbye",
)  # fmt: skip


def latency_row(label: str, values: list[float]) -> str:
    if not values:
        return f"| {label} | 0 | – | – | – | – |"
    return (
        f"| {label} | {len(values)} | {statistics.median(values):.0f} | {percentile(values, 0.95):.0f} "
        f"| {percentile(values, 0.99):.0f} | {max(values):.0f} |"
    )


def report(phase: Phase) -> str:
    turns = [turn for outcome in phase.outcomes for turn in outcome.turns]
    ok = [turn for turn in turns if turn.error is None]
    lines = [
        f"### {phase.patients} patients, {phase.pace} pace",
        "",
        "| turn kind | n | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    kinds = sorted({turn.kind for turn in turns}, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99)
    for kind in kinds:
        lines.append(latency_row(kind, [t.milliseconds for t in ok if t.kind == kind]))
    for channel, label in (("rest", "**all chat turns (REST)**"), ("phone", "**all voice webhooks**")):
        lines.append(latency_row(label, [t.milliseconds for t in ok if t.channel == channel]))
    lines.append(latency_row("**all turns**", [t.milliseconds for t in ok]))
    errors: dict[str, int] = {}
    for turn in turns:
        if turn.error:
            errors[turn.error] = errors.get(turn.error, 0) + 1
    off_script = [outcome for outcome in phase.outcomes if outcome.off_script]
    kinds_count: dict[str, int] = {}
    for outcome in phase.outcomes:
        kinds_count[outcome.patient.kind] = kinds_count.get(outcome.patient.kind, 0) + 1
    agenda = phase.agenda
    lines += [
        "",
        "| measure | value |",
        "|---|---:|",
        "| conversations (REST booking / phone booking / information / move) | "
        + " / ".join(str(kinds_count.get(k, 0)) for k in ("book", "call", "info", "move"))
        + " |",
        f"| turns | {len(turns)} |",
        f"| wall time (s) | {phase.seconds:.1f} |",
        f"| throughput (turns/s) | {len(turns) / phase.seconds:.1f} |",
        f"| errors (non-2xx, timeouts > {TIMEOUT_SECONDS:.0f} s, empty replies, « incident technique ») | "
        + (", ".join(f"{count} {name}" for name, count in sorted(errors.items())) or "0")
        + " |",
        f"| conversations off script (an answer the patient had no line for) | {len(off_script)} |",
        f"| bookings heard / found in the agenda | {agenda.bookings_heard} / {agenda.bookings_found} |",
        f"| lost bookings (heard « c'est réservé », no row) | {agenda.lost_bookings} |",
        f"| bookings made but not heard | {agenda.phantom_bookings} |",
        f"| « créneau vient d'être pris » (a race lost, chosen again) | "
        f"{sum(outcome.slot_taken for outcome in phase.outcomes)} "
        f"(at most {max((outcome.slot_taken for outcome in phase.outcomes), default=0)} for one patient) |",
        f"| moves heard / found | {agenda.moves_heard} / {agenda.moves_found} (lost: {agenda.lost_moves}) |",
        f"| double bookings (SQL, whole agenda) | {agenda.double_bookings} |",
        "",
        "| process | RSS before (MiB) | peak RSS (MiB) |",
        "|---|---:|---:|",
    ]
    for name in phase.memory_peak:
        lines.append(f"| {name} | {phase.memory_idle.get(name, 0):.0f} | {phase.memory_peak[name]:.0f} |")
    lines.append(
        f"| **all (peak of the sum)** | {sum(phase.memory_idle.values()):.0f} | {phase.memory_total_peak:.0f} |"
    )
    return "\n".join(lines)


def ramp_report(phases: list[Phase]) -> str:
    lines = [
        "### Flat out, by number of patients at once",
        "",
        "| patients | turns | turns/s | p50 (ms) | p95 (ms) | p99 (ms) | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for phase in sorted(phases, key=lambda phase: phase.patients):
        turns = [turn for outcome in phase.outcomes for turn in outcome.turns]
        ok = [turn.milliseconds for turn in turns if turn.error is None] or [0.0]
        lines.append(
            f"| {phase.patients} | {len(turns)} | {len(turns) / phase.seconds:.1f} | {statistics.median(ok):.0f} "
            f"| {percentile(ok, 0.95):.0f} | {percentile(ok, 0.99):.0f} | {sum(1 for t in turns if t.error)} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Stores of each profile


@contextmanager
def production_stores() -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh PostgreSQL database (agenda and tracker store) and a Redis lock store; dropped afterwards."""
    from sqlalchemy.engine import make_url

    admin_url = os.environ.get("ASSISTANT_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    admin = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
    name = f"load_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name)
    stores = {
        "TRACKER_DB_HOST": url.host or "127.0.0.1",
        "TRACKER_DB_PORT": str(url.port or 5432),
        "TRACKER_DB_NAME": name,
        "TRACKER_DB_USER": url.username or "postgres",
        "TRACKER_DB_PASSWORD": url.password or "",
        "REDIS_HOST": os.environ.get("REDIS_HOST", "127.0.0.1"),
        "REDIS_PORT": os.environ.get("REDIS_PORT", "6379"),
        "REDIS_LOCK_DB": os.environ.get("LOAD_BENCH_REDIS_DB", "7"),
    }
    try:
        yield url.render_as_string(hide_password=False), stores
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@contextmanager
def embedded_stores() -> Iterator[tuple[str | None, dict[str, str]]]:
    yield None, {}


def provenance() -> str:
    """The commit, whether the working tree had changes, the model's digest and date: what was measured."""
    import hashlib
    import subprocess

    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else "?"

    changed = [
        line for line in git("status", "--porcelain").splitlines() if not line.endswith(".py") or "bench/" not in line
    ]
    digest = hashlib.sha256(MODEL.read_bytes()).hexdigest()[:12] if MODEL.exists() else "none"
    model_time = time.strftime("%Y-%m-%d %H:%M", time.localtime(MODEL.stat().st_mtime)) if MODEL.exists() else "–"
    return (
        f"commit {git('rev-parse', '--short', 'HEAD')}"
        + (f" + {len(changed)} uncommitted changes in the tree" if changed else "")
        + f", model {MODEL.name} sha256 {digest} ({model_time}), load average {os.getloadavg()[0]:.2f}"
    )


def warm_up(base: str) -> None:
    """The first messages load lazily built parts: not measured."""
    rest = RestLine(base)
    rest.send("bonjour")
    rest.send("je voudrais un rendez-vous pour un vaccin")
    phone = PhoneLine(base, "+33600000000")
    phone.start()
    phone.send("quelle est votre adresse")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--pace", choices=("human", "flat", "both"), default="both")
    parser.add_argument(
        "--ramp",
        action="store_true",
        help="then flat out with 1, 2, 4, 8… patients up to --patients: where p95 passes 1 s",
    )
    parser.add_argument("--profile", choices=("embedded", "production", "scaled"), default="embedded")
    parser.add_argument("--rasa-servers", type=int, default=2, help="scaled: Rasa servers behind the proxy")
    parser.add_argument("--action-servers", type=int, default=2, help="scaled: action servers behind the proxy")
    parser.add_argument("--sanic-workers", type=int, default=1, help="scaled: Sanic workers of each Rasa server")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument(
        "--transcripts", type=Path, help="write every conversation here (JSON), to read the off-script ones"
    )
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"No model at {MODEL}: train it first (make start or the e2e tests); this benchmark never trains.")
        return 2

    paces = ("human", "flat") if args.pace == "both" else (args.pace,)
    rng = random.Random(args.seed)
    groups = [patients(args.patients, offset=i * args.patients, rng=rng) for i in range(len(paces))]
    ramp_sizes = [size for size in (1, 2, 4, 8, 16, 32, 64) if size < args.patients] if args.ramp else []
    offset = len(paces) * args.patients
    ramp_groups = []
    for size in ramp_sizes:
        ramp_groups.append(patients(size, offset=offset, rng=rng))
        offset += size
    groups_seeded = groups + ramp_groups
    seeded = tuple(p.seed_arguments() for group in groups_seeded for p in group if p.kind == "move")
    stores = production_stores() if args.profile in ("production", "scaled") else embedded_stores()
    endpoints = ROOT / ("endpoints.production.yml" if args.profile == "production" else "endpoints.yml")
    before = provenance()
    phases: list[Phase] = []
    ramp: list[Phase] = []
    with stores as (database, extra_env), tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        print(f"Starting the servers ({args.profile})…", file=sys.stderr)
        if args.profile == "scaled":
            assert database is not None
            started = running_production(
                folder,
                MODEL,
                database,
                extra_env,
                rasa_servers=args.rasa_servers,
                action_servers=args.action_servers,
                sanic_workers=args.sanic_workers,
                now=NOW,
                credentials=credentials(folder),
                seeded=seeded,
                served_by_header=False,
                console=False,
            )
        else:
            started = running_servers(
                folder,
                MODEL,
                now=NOW,
                credentials=credentials(folder),
                endpoints=endpoints,
                extra_env=extra_env,
                seeded=seeded,
                database=database,
            )
        with started as servers:
            warm_up(servers["url"])
            for pace, group in zip(paces, groups, strict=True):
                print(f"{len(group)} patients, {pace} pace…", file=sys.stderr)
                phases.append(run_phase(servers, pace, group, args.seed))
            for group in ramp_groups:
                print(f"ramp: {len(group)} patients flat out…", file=sys.stderr)
                ramp.append(run_phase(servers, "flat", group, args.seed))
            if ramp and "flat" in paces:
                ramp.append(phases[paces.index("flat")])
            if args.transcripts:
                args.transcripts.write_text(
                    json.dumps(
                        [
                            {
                                "pace": phase.pace,
                                "patient": outcome.patient.index,
                                "kind": outcome.patient.kind,
                                "channel": outcome.patient.channel,
                                "off_script": outcome.off_script,
                                "errors": outcome.errors,
                                "transcript": outcome.transcript,
                            }
                            for phase in phases
                            for outcome in phase.outcomes
                        ],
                        ensure_ascii=False,
                        indent=1,
                    ),
                    encoding="utf-8",
                )
    shape = (
        f" ({args.rasa_servers} Rasa × {args.sanic_workers} Sanic worker(s), {args.action_servers} action servers, HAProxy)"
        if args.profile == "scaled"
        else ""
    )
    print(f"\nLoad benchmark, {args.profile} profile{shape}, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"before: {before}\nafter:  {provenance()}\n")
    for phase in phases:
        print(report(phase))
        print()
    if ramp:
        print(ramp_report(ramp))
        print()
    failed = any(
        phase.agenda.double_bookings or phase.agenda.lost_bookings or phase.agenda.lost_moves
        for phase in [*phases, *ramp]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
