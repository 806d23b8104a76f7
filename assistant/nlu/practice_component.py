"""Rasa component: the practice's own practitioners and motifs, read from the practice loaded in the agenda.

The model is trained on roles with invented names ("avec le docteur X", "pour un X"); the values come
from the practice file at run time (issue 18): a practice loaded with ``assistant practice load`` is
understood on the next messages, without retraining or restarting. The reading is the pure
:func:`assistant.language.fr.practice_mentions.find_mentions` and
:func:`~assistant.language.fr.practice_mentions.reconcile`; the practice comes from
:class:`assistant.adapters.practice_watch.PracticeWatch`, which never makes a message wait on the database.

    - name: assistant.nlu.practice_component.PracticeEntities
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from assistant.adapters.practice_watch import PracticeWatch
from assistant.language.fr.practice_mentions import PracticeVocabulary, find_mentions, reconcile, vocabulary_of
from assistant.nlu.step import PipelineStep

#: One watch per process: every loaded model (and every test) reads the same practice.
WATCH: PracticeWatch[PracticeVocabulary] = PracticeWatch(vocabulary_of)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PracticeEntities(PipelineStep):
    def warm_up(self) -> None:
        WATCH.start()

    def process_one(self, message: Message, text: str) -> None:
        vocabulary = WATCH.current()
        if vocabulary is None:
            return
        entities = reconcile(message.get(ENTITIES, []) or [], find_mentions(text, vocabulary), vocabulary)
        message.set(ENTITIES, entities, add_to_output=True)
