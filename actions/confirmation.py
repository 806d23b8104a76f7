"""A read-back answered with a yes *and* something else: the yes is kept, then the rest is answered.

"Je récapitule : … Je confirme ce rendez-vous ?" — "Oui. Et il y a un parking chez vous ?" The NLU
reads the question (rightly: it is most of the message), the rules answer it, and the booking was
never made while the caller believed it was (phone QA, 2026-12-05, three calls). The actions that
answer such a turn (the practical answers, the fallback) ask :func:`confirm_if_yes` first: when the
message before was a read-back and this one opens with a plain yes, the confirmed change is made
(the same function the confirming action runs: no action calls another).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import book_appointment
from actions.manage import cancel_appointment, move_appointment
from actions.state_adapter import latest_text, previous_action, read_state
from assistant.language.fr.yes_no import opens_with_yes

Change = Callable[[CollectingDispatcher, Tracker], Awaitable[list[EventType]]]

#: The question the bot asked → what a yes to it does.
CONFIRMED_BY_YES: dict[str, Change] = {
    "action_confirm_booking": book_appointment,
    "action_confirm_move": move_appointment,
}


def read_back_answered(tracker: Tracker) -> Change | None:
    """The change a yes to the bot's last question would make, if that question was a read-back."""
    name = previous_action(tracker)
    if name in CONFIRMED_BY_YES:
        return CONFIRMED_BY_YES[name]
    state = read_state(tracker)
    if (
        name == "action_find_appointments"
        and state.task == "cancel"
        and state.identity.verified
        and state.appointment_id
    ):
        return cancel_appointment  # "Voulez-vous l'annuler ?"
    return None


def says_yes_to_read_back(tracker: Tracker) -> bool:
    """Whether the latest message opens with a yes to a read-back."""
    return read_back_answered(tracker) is not None and opens_with_yes(latest_text(tracker))


async def confirm_if_yes(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The confirmed change's events when the latest message says yes to a read-back, else None."""
    confirmed = read_back_answered(tracker)
    if confirmed is None or not opens_with_yes(latest_text(tracker)):
        return None
    return await confirmed(dispatcher, tracker)


def hands_over(events: list[EventType]) -> bool:
    """Whether the confirmed change handed the turn on (a refusal: other slots, a callback)."""
    return any(event.get("event") == "followup" for event in events)
