"""Conversation control that belongs to no single task: changing one's mind."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.base import SafeAction, latest_text, slot_date, utter
from actions.booking import BOOKING_SLOTS_TO_RESET, search_changes
from actions.manage import MAX_IDENTITY_CHECKS, failed_identity_checks
from assistant.dialogue.speech import birth_date_corrected
from assistant.dialogue.understanding import (
    birth_date_before_correction,
    corrected_birth_date,
    ends_with_goodbye,
    is_hold_on,
)

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
            await utter(dispatcher, tracker, "take_your_time")
            return [FollowupAction("action_listen")]
        said = latest_text(tracker)
        earlier = slot_date(tracker, "birth_date") or birth_date_before_correction(said, runtime.now())
        fixed = corrected_birth_date(said, earlier, runtime.now())
        if fixed is not None and tracker.get_slot("task"):
            # "ah non pardon, je suis né en 1979, pas 1978": the date is corrected, the request goes on
            # (it was dropped: "j'abandonne cette demande", at the read-back or after a failed check).
            follow = after_birth_date_fix(tracker)
            if follow is None:
                practice = await runtime.practice()
                await utter(dispatcher, tracker, "no_more_checks_call", practice=practice, phone=practice.phone)
                return [FollowupAction("utter_anything_else")]
            dispatcher.utter_message(text=birth_date_corrected(fixed))
            return [SlotSet("birth_date", fixed.isoformat()), FollowupAction(follow)]
        form = tracker.active_loop_name
        searching = form in SEARCH_FORMS or isinstance(tracker.get_slot("chosen_slot"), dict)
        if searching and tracker.get_slot("task") in ("book", "move"):
            changes = search_changes(tracker, await runtime.practice())
            if changes:
                await utter(dispatcher, tracker, "ok")
                follow = form if form in SEARCH_FORMS else "slot_choice_form"
                return [*(SlotSet(name, value) for name, value in changes.items()), FollowupAction(str(follow))]
        await utter(dispatcher, tracker, "request_dropped")
        # "Puis-je faire autre chose pour vous ?" is the domain's question, whose "non" the rules close;
        # "laissez tomber, je rappellerai, au revoir" is not asked it (phone QA).
        closing = "utter_goodbye" if ends_with_goodbye(latest_text(tracker)) else "utter_anything_else"
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("task", None),
            *[SlotSet(name, None) for name in BOOKING_SLOTS_TO_RESET],
            FollowupAction(closing),
        ]


def after_birth_date_fix(tracker: Tracker) -> str | None:
    """What follows a corrected birth date: the read-back again, the identity check again, or the form;
    None when the identity was already checked too often to try once more."""
    task = tracker.get_slot("task")
    if task == "book" and isinstance(tracker.get_slot("chosen_slot"), dict) and not tracker.active_loop_name:
        return "action_confirm_booking"
    failed = failed_identity_checks(tracker)
    if task in ("move", "cancel", "check") and tracker.get_slot("identity_verified") is False:
        # A second check, not more: trying birth dates one after another is how an identity is guessed.
        return "action_find_appointments" if failed < MAX_IDENTITY_CHECKS else None
    return tracker.active_loop_name or "action_listen"
