"""Shared behaviour of every custom action: async, private, never crashing the conversation.

rasa-sdk's own error handler answers an exception with the whole request body —
the tracker, that is the patient's messages, name and birth date — and logs the
exception's text, which for database errors includes the query parameters.
:class:`SafeRun` catches everything first: it logs the action name and the
exception type only, apologises to the patient in one sentence, and hands the
conversation to the secretariat instead of leaving it stuck.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from assistant.core.model import Channel

log = logging.getLogger(__name__)

TECHNICAL_APOLOGY = (
    "Je suis désolé, un incident technique m'empêche de continuer. "
    "Le secrétariat pourra vous aider : merci de rappeler aux heures d'ouverture."
)

CHANNELS = {
    "twilio_voice": Channel.PHONE,
    "phone": Channel.PHONE,
    "voice": Channel.PHONE,
    "twilio": Channel.SMS,
    "sms": Channel.SMS,
}


def channel_of(tracker: Tracker) -> Channel:
    """The patient's channel for the audit trail and the wording (phone, SMS or chat)."""
    name = (tracker.get_latest_input_channel() or "").lower()
    for key, channel in CHANNELS.items():
        if key in name:
            return channel
    return Channel.CHAT


def caller_number(tracker: Tracker) -> str:
    """The caller's number when the channel gives one (phone metadata), else ""."""
    metadata = tracker.latest_message.get("metadata") or {}
    return str(metadata.get("caller") or metadata.get("from") or "")


def failure_events(action_name: str, error: BaseException, dispatcher: CollectingDispatcher) -> list[EventType]:
    log.error("action %s failed: %s", action_name, type(error).__name__)
    dispatcher.utter_message(text=TECHNICAL_APOLOGY)
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


class SafeAction(Action, ABC):
    """A custom action whose failure is contained: see the module docstring."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except Exception as error:
            return failure_events(self.name(), error, dispatcher)

    @abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """The action's work; may raise, :meth:`run` contains it."""


class SafeFormValidation(FormValidationAction, ABC):
    """A form validation action with the same containment as :class:`SafeAction`."""

    @abstractmethod
    def name(self) -> str:
        """``validate_<form>``; abstract so that rasa-sdk does not register this base class."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        try:
            return await super().run(dispatcher, tracker, domain)
        except Exception as error:
            return failure_events(self.name(), error, dispatcher)
