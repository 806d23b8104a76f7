"""Carrying out a use case's decision (``assistant.conversation``): replies said, then events."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import runtime
from actions.handover import open_escalation
from actions.say import utter
from actions.state_adapter import slot_events, slot_values, with_slots
from assistant.conversation.decision import Decision


async def carry_out(
    dispatcher: CollectingDispatcher, tracker: Tracker, decision: Decision, practice: Any = None
) -> list[EventType]:
    """A decision as events: the callback number kept, its replies said, the form ended, its slot changes, the
    hand-over, what follows."""
    escalation_id = tracker.get_slot("escalation_id")
    if decision.callback_number and escalation_id:
        service = runtime.container().escalations
        await runtime.off_loop(service.set_callback, int(escalation_id), decision.callback_number)
    if decision.said:
        await utter(dispatcher, tracker, *decision.said, practice=practice)
    events: list[EventType] = [ActiveLoop(None)] if decision.stop_form else []
    events.extend(slot_events(**decision.changes))
    if decision.handover is not None:
        handover = decision.handover
        # what the decision has just learnt is in the summary: an identity verified in this very turn (a
        # change too close to make here: QA read « identité vérifiée : non » and no patient on the request)
        learnt = with_slots(tracker, slot_values({k: v for k, v in decision.changes.items() if v is not None}))
        events.extend(
            await open_escalation(
                dispatcher, learnt, handover.reason, handover.category, handover.urgency, handover.announce
            )
        )
        events.extend(slot_events(**decision.after_handover))
    if decision.follow:
        events.append(FollowupAction(decision.follow))
    return events
