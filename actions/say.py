"""How an action says catalogue replies: in the channel's variant and the practice's own words."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.state_adapter import channel_of
from assistant.conversation.replies import Reply, render


async def utter(
    dispatcher: CollectingDispatcher, tracker: Tracker, *replies: Reply | str, practice: Any = None, **params: Any
) -> None:
    """Say catalogue replies (ids, or :class:`Reply` values) as one message, in the channel's variant and
    the practice's own words; ``params`` fill a lone reply id."""
    practice = practice if practice is not None else await runtime.practice()
    said = [item if isinstance(item, Reply) else Reply(item, params) for item in replies]
    dispatcher.utter_message(text=render(said, channel_of(tracker), practice))
