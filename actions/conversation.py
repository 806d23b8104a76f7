"""Conversation control that belongs to no single task: changing one's mind (``assistant.conversation.change_of_mind``)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import SafeAction
from actions.booking import search_changes
from actions.state_adapter import read_state
from actions.translate import carry_out
from assistant.conversation.change_of_mind import SEARCH_FORMS, ChangeOfMind, Where, change_of_mind
from assistant.dialogue.understanding import birth_date_before_correction, corrected_birth_date, ends_with_goodbye, is_hold_on


class ActionChangeMind(SafeAction):
    """ "Finalement non", "laissez tomber": drop the request in progress, keep who the patient is.

    "Finalement plutôt jeudi" is a change of mind too, about the time only: while a booking or a
    move is being searched or read back, it starts a new search instead of ending the request.
    """

    def name(self) -> str:
        return "action_change_mind"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        practice = await runtime.practice()
        state = read_state(tracker, practice.timezone)
        now = runtime.now()
        said = state.text
        earlier = state.identity.birth_date or birth_date_before_correction(said, now)
        where = Where(state.task, state.active_form, state.choice_stored, state.identity.verified, state.identity.failed_checks)
        searching = where.form in SEARCH_FORMS or where.slot_chosen
        message = ChangeOfMind(
            holds_on=is_hold_on(said),
            fixed_birth_date=corrected_birth_date(said, earlier, now),
            new_search=search_changes(tracker, practice) if searching else {},
            says_goodbye=ends_with_goodbye(said),
        )
        return await carry_out(dispatcher, tracker, change_of_mind(where, message, practice), practice)
