"""Rasa component: a message made only of hesitations, or a goodbye that says none, is not understood.

DIET must give every message some intent, and it reads a lone "hein" or "ben
euh" as whatever it resembles most (an "oui", a greeting). Here such a message
becomes ``nlu_fallback`` with certainty, so the dialogue asks again and two in a
row hand over to the secretariat. The decision is the pure
:func:`assistant.core.text.is_only_hesitation`.

A goodbye ends a phone call: one the caller did not say ("bon alors avec gregoire", an unknown name read
as a goodbye, hung up a call) is a thanks when it thanks, else not understood
(:func:`assistant.language.fr.farewells.says_goodbye`).

    - name: assistant.nlu.hesitation_component.HesitationFallback
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from assistant.core.text import is_only_hesitation, normalise
from assistant.language.fr.farewells import says_goodbye
from assistant.nlu.step import PipelineStep
from assistant.nlu.triage_component import override

FALLBACK_INTENT = "nlu_fallback"
GOODBYE_INTENT = "goodbye"
THANK_INTENT = "thank"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class HesitationFallback(PipelineStep):
    def process_one(self, message: Message, text: str) -> None:
        if is_only_hesitation(text):
            override(message, FALLBACK_INTENT)
        elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == GOODBYE_INTENT and not says_goodbye(text):
            override(message, THANK_INTENT if "merci" in normalise(text).split() else FALLBACK_INTENT)
