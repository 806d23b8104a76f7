"""Rasa component: a message made only of hesitations is not understood.

DIET must give every message some intent, and it reads a lone "hein" or "ben
euh" as whatever it resembles most (an "oui", a greeting). Here such a message
becomes ``nlu_fallback`` with certainty, so the dialogue asks again and two in a
row hand over to the secretariat. The decision is the pure
:func:`assistant.core.text.is_only_hesitation`.

    - name: assistant.nlu.hesitation_component.HesitationFallback
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant.core.text import is_only_hesitation
from assistant.nlu.step import PipelineStep
from assistant.nlu.triage_component import override

FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class HesitationFallback(PipelineStep):
    def process_one(self, message: Message, text: str) -> None:
        if is_only_hesitation(text):
            override(message, FALLBACK_INTENT)
