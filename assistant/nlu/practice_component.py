"""Rasa component: the practice's own practitioners and motifs, read from the practice loaded in the agenda.

The model is trained on roles with invented names ("avec le docteur X", "pour un X"); the values come
from the practice file at run time (issue 18): a practice loaded with ``assistant practice load`` is
understood on the next messages, without retraining or restarting. A message naming the practice's motif
or practitioner that the model called out of scope, or was unsure of, is about the practice. The reading
is the pure :func:`assistant.language.fr.practice_mentions.find_mentions`,
:func:`~assistant.language.fr.practice_mentions.reconcile` and
:func:`~assistant.language.fr.practice_mentions.practice_intent`; the practice comes from
:class:`assistant.adapters.practice_watch.PracticeWatch`, which never makes a message wait on the database.

Beside the practice's words, two everyday French patterns the model misses from one training to the next
are read here by rule, the same for every practice: a condition given as the reason ("un lumbago",
:mod:`assistant.language.fr.conditions`) and the relative the call is about ("mon fils",
:func:`assistant.language.fr.relatives.relatives_in`).

    - name: assistant.nlu.practice_component.PracticeEntities
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from assistant.adapters.practice_watch import PracticeWatch
from assistant.language.fr.practice_mentions import (
    PracticeVocabulary,
    find_mentions,
    motifs_in_context,
    practice_intent,
    reconcile,
    visit_evidence,
    vocabulary_of,
    within_categories,
)
from assistant.language.fr.relatives import relatives_in
from assistant.nlu.step import PipelineStep
from assistant.nlu.triage_component import override

#: One watch per process: every loaded model (and every test) reads the same practice.
WATCH: PracticeWatch[PracticeVocabulary] = PracticeWatch(vocabulary_of)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PracticeEntities(PipelineStep):
    def warm_up(self) -> None:
        WATCH.start()

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "unsure_below": 0.45,  # the FallbackClassifier's threshold
            # the categorical entities and their values (the synonyms of data/nlu/synonyms.yml)
            "categories": {
                "patient_status": ["new", "existing"],
                "relation": ["child", "parent", "spouse", "other"],
            },
        }

    def process_one(self, message: Message, text: str) -> None:
        vocabulary = WATCH.current()
        if vocabulary is None:
            return
        mentions = find_mentions(text, vocabulary)
        entities = reconcile(message.get(ENTITIES, []) or [], mentions, vocabulary, text)
        entities = within_categories(entities, self.component_config["categories"])
        ranking = [
            (str(entry.get(INTENT_NAME_KEY)), float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
            for entry in (message.get(INTENT_RANKING_KEY) or [])
        ]
        evidence = visit_evidence(mentions, text, ranking[0][0] if ranking else None)
        intent = practice_intent(ranking, evidence, float(self.component_config["unsure_below"]))
        if intent is not None:
            override(message, intent)
        final = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        entities = relatives_in(motifs_in_context(entities, final, vocabulary.motif_ids), text, final)
        message.set(ENTITIES, entities, add_to_output=True)
