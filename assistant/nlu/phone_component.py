"""Rasa component: a phone number the model read where the message gives none is no phone number.

DIET tags number words as ``phone_number`` by their look: "dix-huit" in "celui de dix-huit heures
trente", "neuf cent" in a birth year, "cinquante" in an age. The ``phone`` slot is filled from that
entity in any turn, so such a reading would replace the caller's number. The decision is the pure
:func:`assistant.language.fr.phone.names_a_phone_number`.

    - name: assistant.nlu.phone_component.PhoneNumberCheck
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from assistant.language.fr.phone import names_a_phone_number
from assistant.nlu.step import PipelineStep

PHONE_ENTITY = "phone_number"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PhoneNumberCheck(PipelineStep):
    def process_one(self, message: Message, text: str) -> None:
        entities = message.get(ENTITIES) or []
        kept = [entity for entity in entities if not _no_phone_number(entity, text)]
        if len(kept) != len(entities):
            message.set(ENTITIES, kept, add_to_output=True)


def _no_phone_number(entity: dict, text: str) -> bool:
    if entity.get("entity") != PHONE_ENTITY:
        return False
    start, end = entity.get("start"), entity.get("end")
    span = text[start:end] if isinstance(start, int) and isinstance(end, int) else str(entity.get("value", ""))
    return not names_a_phone_number(span, text)
