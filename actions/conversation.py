"""Conversation control that belongs to no single task: changing one's mind."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import TAKE_YOUR_TIME, SafeAction, latest_text
from actions.booking import BOOKING_SLOTS_TO_RESET, search_changes
from assistant.dialogue.understanding import is_hold_on

#: The forms where a new time or practitioner changes the search rather than ends it.
SEARCH_FORMS = ("booking_form", "slot_choice_form")


class ActionChangeMind(SafeAction):
    """ "Finalement non", "laissez tomber": drop the request in progress, keep who the patient is.

    "Finalement plutôt jeudi" is a change of mind too, about the time only: while a booking or a
    move is being searched or read back, it starts a new search instead of ending the request.
    """

    def name(self) -> str:
        return "action_change_mind"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if is_hold_on(latest_text(tracker)):
            # "euh attendez je regarde mon agenda": a moment asked, not a request dropped
            dispatcher.utter_message(text=TAKE_YOUR_TIME)
            return [FollowupAction("action_listen")]
        form = tracker.active_loop_name
        searching = form in SEARCH_FORMS or isinstance(tracker.get_slot("chosen_slot"), dict)
        if searching and tracker.get_slot("task") in ("book", "move"):
            changes = search_changes(tracker, await runtime.practice())
            if changes:
                dispatcher.utter_message(text="D'accord.")
                follow = form if form in SEARCH_FORMS else "slot_choice_form"
                return [*(SlotSet(name, value) for name, value in changes.items()), FollowupAction(str(follow))]
        dispatcher.utter_message(text="D'accord, j'abandonne cette demande.")
        # "Puis-je faire autre chose pour vous ?" is the domain's question, whose "non" the rules close.
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("task", None),
            *[SlotSet(name, None) for name in BOOKING_SLOTS_TO_RESET],
            FollowupAction("utter_anything_else"),
        ]
