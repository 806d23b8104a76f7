"""Conversation control that belongs to no single task: changing one's mind."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import SafeAction
from actions.booking import BOOKING_SLOTS_TO_RESET


class ActionChangeMind(SafeAction):
    """ "Finalement non", "laissez tomber": drop the request in progress, keep who the patient is."""

    def name(self) -> str:
        return "action_change_mind"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text="D'accord, j'abandonne cette demande. Puis-je faire autre chose pour vous ?")
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("task", None),
            *[SlotSet(name, None) for name in BOOKING_SLOTS_TO_RESET],
        ]
