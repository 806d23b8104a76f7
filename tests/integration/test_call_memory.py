"""The phone line's per-call memory: in this process, or in Redis shared by several Rasa processes.

The same behaviour is asserted on both stores; the Redis store is then served
for real by two channel instances (two "processes") behind one line, and
broken on purpose (Redis gone, bad URL) to check that a call never suffers.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import redis
import redis.asyncio
from rasa.core.channels.channel import register
from sanic import Sanic

from assistant.adapters.channels.call_memory import (
    CallMemory,
    CallMemoryUnavailable,
    Handover,
    InProcessCallMemory,
    RedisCallMemory,
    redis_location,
)
from assistant.adapters.channels.signature import ChannelConfigError
from assistant.adapters.channels.twilio_voice import TwilioVoiceFrInput, VoiceChannelConfig
from tests.builders import at
from tests.conftest import require_redis
from tests.integration.test_twilio_voice_channel import (
    PUBLIC_URL,
    SUMMARY,
    TOKEN,
    VOICE,
    FakeAgent,
    FakeServices,
    Line,
    SanicThread,
    call_params,
    free_port,
    new_call_sid,
    say_turn,
    spoken,
    staffed_practice,
    twilio_post,
    twiml_of,
)

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 3
CLOSED_PORT_URL = "redis://:s3cret-password@127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture()
def redis_url() -> str:
    return require_redis(REDIS_DB)


@pytest.fixture()
def redis_memory(redis_url: str) -> Iterator[RedisCallMemory]:
    memory = RedisCallMemory.from_url(redis_url)
    memory.key_prefix = f"test:{uuid.uuid4().hex}"  # each test its own keys, never a FLUSHDB
    yield memory
    delete_keys(redis_url, memory.key_prefix)


def delete_keys(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["in_process", "redis"])
def memory(request: pytest.FixtureRequest) -> CallMemory:
    if request.param == "in_process":
        return InProcessCallMemory()
    store: CallMemory = request.getfixturevalue("redis_memory")
    return store


def run(scenario: Callable[[], Awaitable[None]], *memories: CallMemory) -> None:
    """One event loop per test, as in the server; Redis connections are closed in the same loop."""

    async def scenario_then_close() -> None:
        try:
            await scenario()
        finally:
            for store in memories:
                if isinstance(store, RedisCallMemory):
                    await store.client.close()

    asyncio.run(scenario_then_close())


# --- the same behaviour on both stores -----------------------------------------------------------------


def test_the_last_question_is_remembered_per_call(memory: CallMemory) -> None:
    async def scenario() -> None:
        await memory.remember_prompt("CA1", "Quel est votre nom ?")
        await memory.remember_prompt("CA1", "Et votre date de naissance ?")
        await memory.remember_prompt("CA2", "Pour quel motif ?")
        assert await memory.prompt("CA1") == "Et votre date de naissance ?"
        assert await memory.prompt("CA2") == "Pour quel motif ?"
        assert await memory.prompt("CA3") is None

    run(scenario, memory)


def test_a_handover_is_told_only_to_the_call_that_asked_for_it(memory: CallMemory) -> None:
    async def scenario() -> None:
        await memory.remember_handover("CA1", Handover(7, "Monsieur Roux demande ses résultats.", "urgent"))
        assert await memory.handover(7, "CA1") == Handover(7, "Monsieur Roux demande ses résultats.", "urgent")
        assert await memory.handover(7, "CA2") is None
        assert await memory.handover(8, "CA1") is None

    run(scenario, memory)


def test_a_handover_without_request_is_not_kept(memory: CallMemory) -> None:
    async def scenario() -> None:
        await memory.remember_handover("CA1", Handover(None, "résumé"))
        await memory.forget("CA1")  # nothing to find, nothing to fail
        assert await memory.prompt("CA1") is None

    run(scenario, memory)


def test_forgetting_a_call_forgets_only_that_call(memory: CallMemory) -> None:
    async def scenario() -> None:
        await memory.remember_prompt("CA1", "Quel est votre nom ?")
        await memory.remember_handover("CA1", Handover(7, "résumé un"))
        await memory.remember_handover("CA1", Handover(9, "résumé deux"))
        await memory.remember_prompt("CA2", "Pour quel motif ?")
        await memory.remember_handover("CA2", Handover(8, "résumé trois"))
        await memory.forget("CA1")
        assert await memory.prompt("CA1") is None
        assert await memory.handover(7, "CA1") is None
        assert await memory.handover(9, "CA1") is None
        assert await memory.prompt("CA2") == "Pour quel motif ?"
        assert await memory.handover(8, "CA2") == Handover(8, "résumé trois")

    run(scenario, memory)


def test_in_process_memory_forgets_old_calls_and_stays_bounded() -> None:
    memory = InProcessCallMemory(ttl_seconds=0.05, max_entries=3)

    async def scenario() -> None:
        await memory.remember_prompt("CA-old", "question")
        await asyncio.sleep(0.1)
        assert await memory.prompt("CA-old") is None
        for number in range(10):
            await memory.remember_prompt(f"CA{number}", f"question {number}")
        assert [await memory.prompt(f"CA{number}") for number in (6, 7, 8, 9)] == [
            None,
            "question 7",
            "question 8",
            "question 9",
        ]

    run(scenario)


# --- Redis ---------------------------------------------------------------------------------------------


def test_redis_keys_expire_with_the_call(redis_url: str, redis_memory: RedisCallMemory) -> None:
    async def scenario() -> None:
        await redis_memory.remember_prompt("CA1", "question")
        await redis_memory.remember_handover("CA1", Handover(7, "résumé"))

    run(scenario, redis_memory)
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{redis_memory.key_prefix}:*"))
    assert len(keys) == 3  # prompt, handover, the call's index of handovers
    for key in keys:
        assert 0 < client.ttl(key) <= redis_memory.ttl_seconds


def test_two_processes_share_one_redis_memory(redis_url: str, redis_memory: RedisCallMemory) -> None:
    other_process = RedisCallMemory.from_url(redis_url)
    other_process.key_prefix = redis_memory.key_prefix

    async def scenario() -> None:
        await redis_memory.remember_prompt("CA1", "Quel est votre nom ?")
        await redis_memory.remember_handover("CA1", Handover(7, "résumé", "urgent"))
        assert await other_process.prompt("CA1") == "Quel est votre nom ?"
        assert await other_process.handover(7, "CA1") == Handover(7, "résumé", "urgent")
        await other_process.forget("CA1")
        assert await redis_memory.prompt("CA1") is None
        assert await redis_memory.handover(7, "CA1") is None

    run(scenario, redis_memory, other_process)


def test_a_redis_failure_costs_the_memory_not_the_call(caplog: pytest.LogCaptureFixture) -> None:
    client = redis.asyncio.Redis.from_url(CLOSED_PORT_URL, socket_timeout=0.2, socket_connect_timeout=0.2)
    memory = RedisCallMemory(client)

    async def scenario() -> None:
        await memory.remember_prompt("CA1", "Madame Durand, quelle est votre date de naissance ?")
        await memory.remember_handover("CA1", Handover(7, "Madame Durand demande ses résultats."))
        assert await memory.prompt("CA1") is None
        assert await memory.handover(7, "CA1") is None
        await memory.forget("CA1")

    with caplog.at_level(logging.WARNING):
        run(scenario, memory)
    assert "Redis failed during remember_prompt" in caplog.text
    assert "Redis failed during handover" in caplog.text
    assert "Durand" not in caplog.text  # patient data never reaches the logs


def test_an_unreadable_handover_record_is_ignored(redis_url: str, redis_memory: RedisCallMemory) -> None:
    redis.Redis.from_url(redis_url).set(f"{redis_memory.key_prefix}:handover:7", "pas du json")

    async def scenario() -> None:
        assert await redis_memory.handover(7, "CA1") is None

    run(scenario, redis_memory)


def test_unreachable_redis_is_reported_at_start_without_the_password() -> None:
    with pytest.raises(CallMemoryUnavailable) as raised:
        RedisCallMemory.from_url(CLOSED_PORT_URL, timeout_seconds=0.2)
    assert "127.0.0.1:1/0" in str(raised.value)
    assert "s3cret" not in str(raised.value)
    assert redis_location("rediss://user:pw@cache.internal:6380/2") == "cache.internal:6380/2"


# --- the channel's configuration -------------------------------------------------------------------


VALID = {"auth_token": TOKEN, "public_url": PUBLIC_URL}


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379", "127.0.0.1:6379", "redis://"])
def test_a_call_memory_url_that_is_not_redis_stops_the_channel(url: str) -> None:
    with pytest.raises(ChannelConfigError, match="call_memory_url"):
        TwilioVoiceFrInput.from_credentials({**VALID, "call_memory_url": url})


def test_an_unreachable_call_memory_stops_the_channel_at_start() -> None:
    with pytest.raises(ChannelConfigError, match="call_memory_url") as raised:
        TwilioVoiceFrInput.from_credentials({**VALID, "call_memory_url": CLOSED_PORT_URL})
    assert "s3cret" not in str(raised.value)


def test_the_channel_keeps_its_memory_in_process_unless_told_otherwise(redis_url: str) -> None:
    assert isinstance(TwilioVoiceFrInput.from_credentials(dict(VALID)).memory, InProcessCallMemory)
    shared = TwilioVoiceFrInput.from_credentials({**VALID, "call_memory_url": redis_url})
    assert isinstance(shared.memory, RedisCallMemory)


# --- one line served by two processes ------------------------------------------------------------


@pytest.fixture()
def two_processes(redis_url: str) -> Iterator[tuple[Line, Line]]:
    """Two channel servers behind one phone line, sharing one Redis memory (as behind a load balancer)."""
    prefix = f"test:{uuid.uuid4().hex}"
    lines, servers = [], []
    for _ in range(2):
        port = free_port()
        config = VoiceChannelConfig.from_credentials({**VALID, "call_memory_url": redis_url})
        memory = RedisCallMemory.from_url(config.call_memory_url)
        memory.key_prefix = prefix
        services = FakeServices(staffed_practice(), at(2026, 11, 24, 10, 0))
        voice = TwilioVoiceFrInput(config, services=services, memory=memory)
        app = Sanic(f"call_memory_test_{port}")
        agent = FakeAgent()
        app.ctx.agent = agent
        register([voice], app, "/webhooks/")
        server = SanicThread(app, port)
        server.start()
        servers.append(server)
        lines.append(Line(f"http://127.0.0.1:{port}", agent, services, voice, True))
    yield lines[0], lines[1]
    for server in servers:
        server.stop()
    delete_keys(redis_url, prefix)


def test_the_whisper_reaches_the_secretary_whichever_process_serves_it(two_processes: tuple[Line, Line]) -> None:
    first, second = two_processes
    call_sid = new_call_sid()
    say_turn(first, call_sid, SpeechResult="secrétariat")  # the transfer is decided in one process…
    child = {"CallSid": new_call_sid(), "ParentCallSid": call_sid, "From": "+33612345678", "To": "+33320999999"}
    whisper = twiml_of(twilio_post(second, f"{VOICE}/whisper?escalation_id=42", child))  # …whispered by the other
    assert spoken(whisper).endswith(SUMMARY)


def test_after_a_silence_the_other_process_repeats_the_last_question(two_processes: tuple[Line, Line]) -> None:
    first, second = two_processes
    call_sid = new_call_sid()
    say_turn(first, call_sid, SpeechResult="je voudrais un rendez-vous")
    silence = twiml_of(twilio_post(second, f"{VOICE}/webhook?event=silence&count=1", call_params(call_sid)))
    assert spoken(silence).startswith("Je n'ai rien entendu.")
    assert "Consultation ou vaccination ?" in spoken(silence)


def test_the_production_credentials_share_the_call_memory_in_redis(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.run import create_http_input_channels

    from tests.integration.test_twilio_voice_channel import ACCOUNT_SID

    for name, value in {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "ASSISTANT_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_SMS_NUMBER": "+33700000000",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_CALL_MEMORY_DB": str(REDIS_DB),
    }.items():
        monkeypatch.setenv(name, value)
    channels = create_http_input_channels(None, str(ROOT / "credentials.production.yml"))
    voice = next(channel for channel in channels if isinstance(channel, TwilioVoiceFrInput))
    assert isinstance(voice.memory, RedisCallMemory)
    assert voice.config.call_memory_url == redis_url
