"""A read-back answered with a yes *and* something else: the yes is kept, then the rest is answered.

"Je récapitule : … Je confirme ce rendez-vous ?" — "Oui. Et il y a un parking chez vous ?" The NLU
reads the question (rightly: it is most of the message), the rules answer it, and the booking was
never made while the caller believed it was (phone QA, 2026-12-05, three calls). The actions that
answer such a turn (the practical answers, the fallback) ask :func:`confirm_if_yes` first: when the
message before was a read-back and this one opens with a plain yes, the confirmed action runs.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import SafeAction, latest_text, previous_action
from actions.booking import ActionBookAppointment
from actions.manage import ActionCancelAppointment, ActionMoveAppointment
from assistant.dialogue.understanding import opens_with_yes

#: The question the bot asked → what a yes to it does.
CONFIRMED_BY_YES: dict[str, type[SafeAction]] = {
    "action_confirm_booking": ActionBookAppointment,
    "action_confirm_move": ActionMoveAppointment,
}


def read_back_answered(tracker: Tracker) -> type[SafeAction] | None:
    """The action a yes to the bot's last question would run, if that question was a read-back."""
    name = previous_action(tracker)
    if name in CONFIRMED_BY_YES:
        return CONFIRMED_BY_YES[name]
    if (
        name == "action_find_appointments"
        and tracker.get_slot("task") == "cancel"
        and tracker.get_slot("identity_verified")
        and tracker.get_slot("appointment_id")
    ):
        return ActionCancelAppointment  # "Voulez-vous l'annuler ?"
    return None


async def confirm_if_yes(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[EventType] | None:
    """The confirmed action's events when the latest message says yes to a read-back, else None."""
    confirmed = read_back_answered(tracker)
    if confirmed is None or not opens_with_yes(latest_text(tracker)):
        return None
    return await confirmed().act(dispatcher, tracker, domain)


def hands_over(events: list[EventType]) -> bool:
    """Whether the confirmed action handed the turn on (a refusal: other slots, a callback)."""
    return any(event.get("event") == "followup" for event in events)
