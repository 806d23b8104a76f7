"""The spaCy document leaves the message once read; what the dialogue uses stays."""

from __future__ import annotations

import copy

from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.spacy_release import ReleaseSpacyDoc


class HeavyDoc:
    """Stands for a spaCy Doc: copying it is what must no longer happen."""

    def __deepcopy__(self, memo):
        raise AssertionError("the spaCy document was copied")


def test_the_document_is_released_and_the_parse_is_kept():
    entities = [{"entity": "motif", "value": "consultation", "start": 0, "end": 12}]
    message = Message(
        data={TEXT: "consultation", SPACY_DOCS[TEXT]: HeavyDoc(), INTENT: {"name": "inform"}, ENTITIES: entities}
    )
    ReleaseSpacyDoc().process([message])
    assert SPACY_DOCS[TEXT] not in message.data
    assert message.get(TEXT) == "consultation" and message.get(ENTITIES) == entities
    copy.deepcopy(message.as_dict())  # what Rasa's evaluation does with a fallback: now cheap and safe


def test_a_message_without_a_document_is_left_alone():
    message = Message(data={TEXT: "bonjour"})
    ReleaseSpacyDoc().process([message])
    assert message.as_dict() == {TEXT: "bonjour"}
