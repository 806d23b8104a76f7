"""Conversation control that belongs to no single task: changing one's mind (``assistant.conversation.change_of_mind``)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions import runtime
from actions.base import Dispatcher, Events, State, StateAction
from actions.booking import search_changes
from actions.translate import carry_out
from assistant.conversation.change_of_mind import SEARCH_FORMS, ChangeOfMind, Where, change_of_mind
from assistant.core.model import Practice
from assistant.language.fr.birth_dates import birth_date_before_correction, corrected_birth_date
from assistant.language.fr.requests import ends_with_goodbye, is_hold_on, says_change_of_mind


class ActionChangeMind(StateAction):
    """ "Finalement non", "laissez tomber": drop the request in progress, keep who the patient is.

    "Finalement plutôt jeudi" is a change of mind too, about the time only: while a booking or a
    move is being searched or read back, it starts a new search instead of ending the request.
    """

    action_name = "action_change_mind"

    async def translate(self, dispatcher: Dispatcher, tracker: Tracker, state: State, practice: Practice) -> Events:
        now = runtime.now()
        said = state.text
        earlier = state.identity.birth_date or birth_date_before_correction(said, now)
        where = Where(
            state.task, state.active_form, state.choice_stored, state.identity.verified, state.identity.failed_checks
        )
        searching = where.form in SEARCH_FORMS or where.slot_chosen
        message = ChangeOfMind(
            holds_on=is_hold_on(said),
            fixed_birth_date=corrected_birth_date(said, earlier, now),
            new_search=search_changes(tracker, practice) if searching else {},
            says_goodbye=ends_with_goodbye(said),
            says_so=says_change_of_mind(said),
        )
        return await carry_out(dispatcher, tracker, change_of_mind(where, message, practice), practice)
