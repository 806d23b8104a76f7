"""Rasa component: drops the spaCy document from a message once nothing reads it any more.

``SpacyNLP`` stores a full ``Doc`` in every parsed message, and a ``Doc`` drags its
whole vocabulary along, word vectors included. After the featurizers and
``SpacyEntityExtractor`` nothing in this pipeline reads it, yet it travels with the
message: Rasa's NLU evaluation deep-copies every message the ``FallbackClassifier``
marked as not understood, and copying the vocabulary took about ten seconds a
message (cross-validation ran for hours). Placed right after the last spaCy
reader, this component releases the document; the text, tokens, features and
entities stay.

    - name: assistant.nlu.spacy_release.ReleaseSpacyDoc
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.step import PipelineStep


# Registered as an (untrained) extractor: Rasa then runs it at prediction only, in pipeline order,
# like the other post-processing components here; a featurizer would be run on training data too.
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ReleaseSpacyDoc(PipelineStep):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            for key in SPACY_DOCS.values():
                message.data.pop(key, None)
        return messages
