"""The turn guard and the REST channel, with the dialogue broken on purpose (a fake agent).

The real servers are exercised in tests/e2e/test_faults.py; here every failure mode is
provoked in isolation, fast: the dialogue raising, hanging past the deadline, a custom
action failing inside Rasa, an action reporting its own failure, nothing said, the
database down for the spool.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage, register
from sanic import Sanic

from assistant.adapters.channels.guard import _FAILED_ACTIONS, PracticeCache, TurnGuard
from assistant.adapters.channels.rest import (
    MAX_BODY_BYTES,
    ChatRequestError,
    SafeRestInput,
    read_chat_request,
)
from assistant.adapters.escalation_spool import EscalationSpool, PendingEscalation
from assistant.conversation.replies import say
from assistant.core.model import Channel, Practice
from assistant.dialogue.safety_net import TECHNICAL_APOLOGY, TECHNICAL_FAILURE_MARK
from assistant.settings import Settings
from tests.builders import at, practice_with_desk
from tests.sanic_thread import SanicThread, free_port

NOW = at(2026, 11, 23, 10)


class Recorder:
    def __init__(self) -> None:
        self.recorded: list[PendingEscalation] = []
        self.database_down = False

    def __call__(self, pending: PendingEscalation) -> None:
        if self.database_down:
            raise ConnectionError("database down")
        self.recorded.append(pending)


def make_guard(
    tmp_path: Path, recorder: Recorder, practice: Practice | None = None, deadline: float = 1.0
) -> TurnGuard:
    settings = dataclasses.replace(
        Settings(),
        turn_deadline_seconds=deadline,
        action_timeout_seconds=deadline * 0.8,
        action_deadline_seconds=deadline * 0.6,
        spool_dir=tmp_path / "spool",
    )

    def load() -> Practice:
        if practice is None:
            raise ConnectionError("database down")
        return practice

    return TurnGuard(settings, PracticeCache(load), EscalationSpool(settings.spool_dir), recorder, lambda: NOW)


def agent_saying(
    *texts: str,
    raises: BaseException | None = None,
    sleeps: float = 0.0,
    failed_action: str | None = None,
    mark: bool = False,
) -> Any:
    async def on_new_message(message: UserMessage) -> None:
        if sleeps:
            await asyncio.sleep(sleeps)
        for text in texts:
            await message.output_channel.send_text_message(message.sender_id, text)
        if mark:
            await message.output_channel.send_text_message(message.sender_id, TECHNICAL_APOLOGY)
            await message.output_channel.send_custom_json(message.sender_id, {TECHNICAL_FAILURE_MARK: True})
        if failed_action:
            failures = _FAILED_ACTIONS.get()
            assert failures is not None, "the guard did not open a failure record for the turn"
            failures.append(failed_action)
        if raises:
            raise raises

    return on_new_message


async def handle(guard: TurnGuard, on_new_message: Any, text: str, channel: Channel = Channel.CHAT) -> Any:
    await guard.practices.refresh()
    message = UserMessage(text, CollectingOutputChannel(), "conv-1", input_channel="rest")
    return await guard.handle(on_new_message, message, channel)


def texts_of(turn: Any) -> str:
    return " ".join(turn.texts)


def test_a_healthy_turn_passes_through_untouched(tmp_path: Path) -> None:
    recorder = Recorder()
    guard = make_guard(tmp_path, recorder, practice_with_desk())
    turn = asyncio.run(handle(guard, agent_saying("Bonjour, que puis-je faire ?"), "bonjour"))
    assert turn.texts == ["Bonjour, que puis-je faire ?"]
    assert not turn.failed and recorder.recorded == [] and list((tmp_path / "spool").glob("*.json")) == []


@pytest.mark.parametrize(
    "agent",
    [
        agent_saying(raises=RuntimeError("lock store down")),
        agent_saying(),  # Rasa swallowed the failure: nothing said
        agent_saying(failed_action="action_search_slots"),
        agent_saying("Je cherche…", mark=True),
        agent_saying("trop tard", sleeps=3.0),
    ],
    ids=["raises", "silent", "action-failed", "marked", "too-slow"],
)
def test_an_emergency_gets_its_numbers_whatever_fails(tmp_path: Path, agent: Any) -> None:
    recorder = Recorder()
    guard = make_guard(tmp_path, recorder, practice=None)  # the database never answered
    started = time.monotonic()
    turn = asyncio.run(handle(guard, agent, "j'ai une douleur très forte dans la poitrine"))
    assert time.monotonic() - started < 2.5
    said = texts_of(turn)
    assert "appelez immédiatement le 15, ou le 112" in said
    assert TECHNICAL_APOLOGY not in said and turn.failed and turn.emergency is not None


def test_a_suicidal_message_gets_the_3114_when_the_action_server_is_down(tmp_path: Path) -> None:
    guard = make_guard(tmp_path, Recorder(), practice_with_desk())
    turn = asyncio.run(handle(guard, agent_saying(raises=ConnectionError()), "j'ai envie de mourir"))
    assert "3114" in texts_of(turn)


def test_an_emergency_answered_by_the_dialogue_is_not_repeated(tmp_path: Path) -> None:
    guard = make_guard(tmp_path, Recorder(), practice_with_desk())
    said = "Cela peut être une urgence : appelez immédiatement le 15, ou le 112."
    turn = asyncio.run(handle(guard, agent_saying(said), "douleur très forte dans la poitrine"))
    assert turn.texts == [said] and not turn.failed


def test_a_failed_booking_turn_apologises_says_what_to_do_and_keeps_the_request(tmp_path: Path) -> None:
    recorder = Recorder()
    guard = make_guard(tmp_path, recorder, practice_with_desk())
    turn = asyncio.run(handle(guard, agent_saying(failed_action="action_search_slots"), "un rdv demain matin"))
    said = texts_of(turn)
    assert "incident technique" in said and "03 20 00 00 00" in said and "le 15" in said
    deadline = time.monotonic() + 5
    while not recorder.recorded and time.monotonic() < deadline:
        time.sleep(0.05)
    # The drain runs in the background of the turn's loop: run it once more here, as the periodic drain would.
    guard.spool.drain(recorder)
    assert [p.reason for p in recorder.recorded] == [say("reason.technical_failure")]
    assert recorder.recorded[0].transcript == (("patient", "un rdv demain matin"),)
    assert list((tmp_path / "spool").glob("*.json")) == []


def test_requests_wait_in_the_spool_while_the_database_is_down_and_are_recorded_after(tmp_path: Path) -> None:
    recorder = Recorder()
    recorder.database_down = True
    guard = make_guard(tmp_path, recorder, practice_with_desk())
    for text in ("douleur très forte dans la poitrine", "je veux parler à quelqu'un"):
        asyncio.run(handle(guard, agent_saying(raises=ConnectionError()), text))
    assert len(list((tmp_path / "spool").glob("*.json"))) == 2
    recorder.database_down = False
    assert guard.spool.drain(recorder) == 2
    assert [p.urgency for p in recorder.recorded] == ["immediate", "routine"]
    assert list((tmp_path / "spool").glob("*.json")) == []


def test_the_spool_is_private_and_survives_a_new_process(tmp_path: Path) -> None:
    spool = EscalationSpool(tmp_path / "spool")
    path = spool.put(PendingEscalation("chat", "c1", "r", "human", "routine", (("patient", "Léa Martin"),)))
    assert path.stat().st_mode & 0o077 == 0
    again = EscalationSpool(tmp_path / "spool")
    recorder = Recorder()
    assert again.drain(recorder) == 1 and recorder.recorded[0].transcript == (("patient", "Léa Martin"),)


def test_a_message_over_the_limit_is_not_read(tmp_path: Path) -> None:
    read: list[str] = []

    async def agent(message: UserMessage) -> None:
        read.append(message.text or "")

    guard = make_guard(tmp_path, Recorder(), practice_with_desk())
    turn = asyncio.run(handle(guard, agent, "bonjour " * 1000))
    assert read == [] and turn.too_long and "trop long" in texts_of(turn)
    turn = asyncio.run(handle(guard, agent, "blabla " * 400 + " je veux mourir " + "blabla " * 10))
    assert read == [] and "3114" in texts_of(turn)


def test_control_characters_never_reach_the_dialogue(tmp_path: Path) -> None:
    read: list[str] = []

    async def agent(message: UserMessage) -> None:
        read.append(message.text or "")
        await message.output_channel.send_text_message(message.sender_id, "D'accord.")

    guard = make_guard(tmp_path, Recorder(), practice_with_desk())
    asyncio.run(handle(guard, agent, "Léa\x00 Martin\u202e 06\x0701"))
    assert read == ["Léa Martin 0601"]


# --- the REST channel --------------------------------------------------------------------------


class FakeAgent:
    def __init__(self) -> None:
        self.seen: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.seen.append(message)
        if message.text == "panne":
            raise RuntimeError("action server down")
        await message.output_channel.send_text_message(message.sender_id, f"Reçu : {message.text}")


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FakeAgent]]:
    port = free_port()
    guard = make_guard(tmp_path_factory.mktemp("rest"), Recorder(), practice_with_desk(), deadline=2.0)
    app = Sanic(f"rest_guard_test_{port}")
    agent = FakeAgent()
    app.ctx.agent = agent
    register([SafeRestInput(guard)], app, "/webhooks/")
    server = SanicThread(app, port)
    server.start()
    yield f"http://127.0.0.1:{port}/webhooks/rest/webhook", agent
    server.stop()


def post(url: str, body: Any, raw: bytes | None = None) -> requests.Response:
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(url, data=data, headers={"Content-Type": "application/json"}, timeout=10)


def test_rest_answers_a_message_in_the_senders_own_conversation(chat: tuple[str, FakeAgent]) -> None:
    url, agent = chat
    answer = post(
        url,
        {
            "sender": "web-1",
            "message": "bonjour",
            "input_channel": "twilio_voice_fr",
            "metadata": {"caller": "+33601020304"},
        },
    )
    assert answer.status_code == 200
    assert answer.json() == [{"recipient_id": "web-1", "text": "Reçu : bonjour"}]
    seen = agent.seen[-1]
    # A chat client cannot pose as a phone call from a patient's number.
    assert seen.sender_id == "web-1" and seen.input_channel == "rest" and not seen.metadata


@pytest.mark.parametrize(
    ("body", "raw", "status"),
    [
        ({"message": "bonjour"}, None, 400),  # no sender: never the shared "default" conversation
        ({"sender": "", "message": "bonjour"}, None, 400),
        ({"sender": "x" * 200, "message": "bonjour"}, None, 400),
        ({"sender": "a/b", "message": "bonjour"}, None, 400),
        ({"sender": 12, "message": "bonjour"}, None, 400),
        ({"sender": "web-1", "message": ["bonjour"]}, None, 400),
        ({"sender": "web-1", "message": "   "}, None, 400),
        ([1, 2], None, 400),
        ("texte", None, 400),
        (None, b"{not json", 400),
        (None, b"\xff\xfe", 400),
        (None, b"", 400),
        (None, b'{"sender": "w", "message": "' + b"a" * MAX_BODY_BYTES + b'"}', 413),
    ],
)
def test_rest_refuses_what_breaks_the_contract(
    chat: tuple[str, FakeAgent], body: Any, raw: bytes | None, status: int
) -> None:
    url, agent = chat
    before = len(agent.seen)
    answer = post(url, body, raw)
    assert answer.status_code == status
    assert answer.json()["error"]
    assert len(agent.seen) == before


def test_rest_refuses_streaming(chat: tuple[str, FakeAgent]) -> None:
    url, _ = chat
    answer = requests.post(url + "?stream=true", json={"sender": "w", "message": "x"}, timeout=10)
    assert answer.status_code == 400


def test_rest_answers_a_failed_turn_with_the_apology(chat: tuple[str, FakeAgent]) -> None:
    url, _ = chat
    answer = post(url, {"sender": "web-2", "message": "panne"})
    assert answer.status_code == 200
    said = " ".join(m["text"] for m in answer.json())
    assert "incident technique" in said and "le 15" in said


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
            lambda children: (
                st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
            ),
            max_leaves=10,
        ).map(lambda value: json.dumps(value).encode()),
        st.fixed_dictionaries({"sender": st.text(max_size=80), "message": st.text(max_size=200)}).map(
            lambda value: json.dumps(value).encode()
        ),
    )
)
def test_rest_never_answers_5xx_to_any_body(chat: tuple[str, FakeAgent], body: bytes) -> None:
    url, _ = chat
    answer = post(url, None, body)
    assert answer.status_code < 500
    assert isinstance(answer.json(), (list, dict))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=500))
def test_reading_a_chat_request_either_succeeds_or_names_the_problem(body: bytes) -> None:
    try:
        sender, message = read_chat_request(body)
    except ChatRequestError as error:
        assert error.status in (400, 413) and str(error)
        return
    assert 1 <= len(sender) <= 64 and message.strip()


def test_an_emergency_does_not_wait_out_the_turn_deadline_for_a_stuck_dialogue(tmp_path: Path) -> None:
    """QA: with the action server stopped (SIGSTOP), « la bouche de travers » got the 15 after 7 s."""
    guard = make_guard(tmp_path, Recorder(), practice_with_desk(), deadline=8.0)
    started = time.monotonic()
    turn = asyncio.run(handle(guard, agent_saying("trop tard", sleeps=6.0), "mon pere a la bouche de travers"))
    assert time.monotonic() - started < 3.5
    assert "appelez immédiatement le 15" in texts_of(turn) and turn.failed


def test_a_failed_call_keeps_a_callback_request_on_the_callers_number(tmp_path: Path) -> None:
    recorder = Recorder()
    guard = make_guard(tmp_path, recorder, practice_with_desk())

    async def run() -> Any:
        await guard.practices.refresh()
        message = UserMessage(
            "je voudrais un rendez-vous",
            CollectingOutputChannel(),
            "CA1",
            input_channel="twilio_voice_fr",
            metadata={"caller": "+33612345678"},
        )
        return await guard.handle(agent_saying(raises=ConnectionError()), message, Channel.PHONE)

    asyncio.run(run())
    guard.spool.drain(recorder)
    assert [(p.callback_number, p.callback_requested) for p in recorder.recorded] == [("+33612345678", True)]


def test_a_spooled_callback_request_becomes_a_callback_on_the_escalation(tmp_path: Path) -> None:
    from assistant.adapters.channels.guard import open_pending

    class Escalations:
        def __init__(self) -> None:
            self.calls: list[tuple[str, Any]] = []

        def open(self, request: Any) -> Any:
            self.calls.append(("open", request.conversation_id))
            return type("Opened", (), {"id": 7})()

        def set_callback(self, escalation_id: int, phone: str) -> None:
            self.calls.append(("callback", (escalation_id, phone)))

    escalations = Escalations()
    pending = PendingEscalation("phone", "CA1", "r", "human", "routine", (), "+33612345678", {}, True)
    open_pending(escalations, pending)  # type: ignore[arg-type]
    assert escalations.calls == [("open", "CA1"), ("callback", (7, "+33612345678"))]


def test_two_processes_draining_one_spool_record_each_request_once(tmp_path: Path) -> None:
    import threading

    directory = tmp_path / "shared"
    first, second = EscalationSpool(directory), EscalationSpool(directory)  # as two Rasa processes would
    for index in range(40):
        first.put(PendingEscalation("chat", f"c{index}", "r", "human", "routine"))
    recorder = Recorder()
    lock = threading.Lock()

    def record(pending: PendingEscalation) -> None:
        time.sleep(0.001)
        with lock:
            recorder(pending)

    threads = [threading.Thread(target=spool.drain, args=(record,)) for spool in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(p.conversation_id for p in recorder.recorded) == sorted(f"c{index}" for index in range(40))
    assert list(directory.iterdir()) == []


def test_a_claim_left_by_a_dead_process_is_taken_back(tmp_path: Path) -> None:
    import os

    spool = EscalationSpool(tmp_path / "spool")
    path = spool.put(PendingEscalation("chat", "c1", "r", "human", "routine"))
    claimed = path.with_name(path.name + ".claimed-99999")
    os.replace(path, claimed)
    os.utime(claimed, (time.time() - 600, time.time() - 600))
    recorder = Recorder()
    assert spool.drain(recorder) == 1 and recorder.recorded[0].conversation_id == "c1"


def test_action_replies_are_still_validated_once_the_schema_is_checked_only_once() -> None:
    """The watch replaces Rasa's validation (which checked the schema at every action call) by one validator."""
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    from assistant.adapters.channels.guard import watch_remote_actions

    watch_remote_actions(6.0)
    action = RemoteAction("action_x", None)
    good = {"events": [{"event": "slot", "name": "motif", "value": "x", "timestamp": None}], "responses": []}
    assert action._validate_action_result(good) is True
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "pas une liste"})


def test_a_refused_entry_is_set_aside_and_does_not_block_the_spool(tmp_path: Path) -> None:
    """Review: an entry the service refuses (an invalid field) was put back at the head of the queue forever."""
    from assistant.core.escalation import EscalationError

    spool = EscalationSpool(tmp_path / "spool")
    spool.put(PendingEscalation("chat", "bad", "r", "human", "routine"))
    time.sleep(0.01)
    spool.put(PendingEscalation("chat", "good", "r", "emergency", "immediate"))
    recorded: list[str] = []

    def record(pending: PendingEscalation) -> None:
        if pending.conversation_id == "bad":
            raise EscalationError("invalid_escalation", detail="champ invalide")
        recorded.append(pending.conversation_id)

    assert spool.drain(record) == 1 and recorded == ["good"]
    assert [path.suffix for path in (tmp_path / "spool").iterdir()] == [".bad"]


# --- one guard per process (issue 17)


def test_the_channels_of_a_process_share_one_guard_and_one_practice_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.adapters.channels.guard import process_guard
    from assistant.adapters.channels.twilio_text import TwilioTextInput
    from assistant.adapters.channels.twilio_voice import TwilioVoiceFrInput

    monkeypatch.setenv("ASSISTANT_SPOOL_DIR", str(tmp_path / "spool"))
    process_guard.cache_clear()
    try:
        rest = SafeRestInput.from_credentials(None)
        token, url = "t" * 32, "https://cabinet.example.org"
        sms = TwilioTextInput.from_credentials(
            {"account_sid": "AC" + "0" * 32, "auth_token": token, "twilio_number": "+33700000000", "public_url": url}
        )
        voice = TwilioVoiceFrInput.from_credentials({"auth_token": token, "public_url": url})
        assert isinstance(rest, SafeRestInput) and isinstance(sms, TwilioTextInput)
        assert isinstance(voice, TwilioVoiceFrInput)
        assert rest.guard is sms.guard is voice.guard is process_guard()
        # one practice refresh and one spool drain loop per process, and the phone keeps no cache of its own
        assert not any(name.startswith("_practice") for name in vars(voice))
    finally:
        process_guard.cache_clear()


def test_a_channel_waits_for_the_practice_only_before_it_was_ever_read() -> None:
    reads: list[float] = []
    slow = {"seconds": 0.0}

    def load() -> Practice:
        time.sleep(slow["seconds"])
        reads.append(time.monotonic())
        return practice_with_desk()

    async def scenario() -> None:
        cache = PracticeCache(load)
        first = await cache.current()  # nothing known yet: the read is waited for
        assert first is not None and len(reads) == 1
        assert await cache.current() is first and len(reads) == 1  # fresh: no read at all
        cache._loaded_at = float("-inf")  # old now: the known one at once, a refresh behind it
        slow["seconds"] = 0.3
        started = time.monotonic()
        assert await cache.current() is first and time.monotonic() - started < 0.2
        await asyncio.sleep(0.5)
        assert len(reads) == 2

    asyncio.run(scenario())
