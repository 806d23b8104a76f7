"""The turn guard in a conversation a secretary has taken over: the assistant's silence is expected there."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from assistant.adapters.channels.guard import PracticeCache, TurnGuard
from assistant.adapters.escalation_spool import EscalationSpool
from assistant.settings import Settings
from tests.builders import practice_with_desk
from tests.integration.test_turn_guard import NOW, Recorder, agent_saying, handle, texts_of


def guard_with(tmp_path: Path, recorder: Recorder, is_paused) -> TurnGuard:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(Settings(), turn_deadline_seconds=1.0, spool_dir=tmp_path / "spool")
    return TurnGuard(
        settings,
        PracticeCache(practice_with_desk),
        EscalationSpool(settings.spool_dir),
        recorder,
        lambda: NOW,
        is_paused=is_paused,
    )


def test_a_paused_conversation_gets_no_apology_and_no_request(tmp_path: Path) -> None:
    recorder = Recorder()
    asked: list[str] = []

    def is_paused(conversation_id: str) -> bool:
        asked.append(conversation_id)
        return True

    turn = asyncio.run(handle(guard_with(tmp_path, recorder, is_paused), agent_saying(), "merci, j'attends"))
    assert turn.messages == [] and not turn.failed
    assert asked == ["conv-1"]
    assert list((tmp_path / "spool").glob("*")) == [] and recorder.recorded == []


def test_an_emergency_in_a_paused_conversation_still_gets_the_numbers_and_is_handed_over(tmp_path: Path) -> None:
    recorder = Recorder()
    asked: list[str] = []

    def held(conversation: str) -> bool:
        asked.append(conversation)
        return True

    guard = guard_with(tmp_path, recorder, held)

    async def run():  # type: ignore[no-untyped-def]
        turn = await handle(guard, agent_saying(), "je fais un malaise, douleur dans la poitrine")
        await asyncio.sleep(0.3)  # the spool drains in the background
        return turn

    turn = asyncio.run(run())
    assert "appelez immédiatement le 15" in texts_of(turn)
    assert [pending.urgency for pending in recorder.recorded] == ["immediate"]
    # The emergency's path never waits on the database: the takeover state is not even asked.
    assert asked == []


def test_a_silent_assistant_outside_a_takeover_still_apologises(tmp_path: Path) -> None:
    for is_paused in (lambda _: False, None):
        turn = asyncio.run(handle(guard_with(tmp_path, Recorder(), is_paused), agent_saying(), "bonjour"))
        assert turn.failed and turn.messages


def test_an_unknown_takeover_state_is_treated_as_no_takeover(tmp_path: Path) -> None:
    def broken(_: str) -> bool:
        raise ConnectionError("database down")

    turn = asyncio.run(handle(guard_with(tmp_path, Recorder(), broken), agent_saying(), "bonjour"))
    assert turn.failed and turn.messages


def test_a_turn_that_speaks_never_asks(tmp_path: Path) -> None:
    def never(_: str) -> bool:
        raise AssertionError("asked on a turn that spoke")

    turn = asyncio.run(handle(guard_with(tmp_path, Recorder(), never), agent_saying("Bonjour !"), "bonjour"))
    assert turn.texts == ["Bonjour !"]
