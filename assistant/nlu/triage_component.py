"""Triage on every message, inside the NLU pipeline, so an emergency is never missed.

The French rule file (``assistant/triage/rules_fr.yml``) is read by the pure
``assistant.core.triage``; this component runs it after DIET on every message
and combines it with the predicted intent, recall first:

- an emergency or suicide risk found by the rules (or the ``emergency`` intent)
  makes the message's intent ``emergency`` with full confidence, whatever DIET
  said ("je voudrais un rdv, j'ai très mal à la poitrine" is an emergency, not
  a booking), so the dialogue's emergency rule fires inside or outside forms;
- an urgent need (a human today) turns a booking or information intent into
  ``medical_question``, which the dialogue escalates with urgency "urgent";
- a sensitive request (a treatment question, results, a complaint…) the model
  was unsure of (below ``unsure_below``, the FallbackClassifier's threshold)
  takes the intent its rule names: it is handed over rather than "not
  understood" ("mon ordonnance est finie je peux arrêter mon traitement");
- the triage result is attached to the message (``triage``: category, urgency,
  numbers, reasons, rules) for the escalation record.

Because the intent is then certain, the FallbackClassifier placed after this
component does not turn an emergency into "I did not understand".
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from assistant.core.triage import TriageResult, load_triage_rules, triage
from assistant.nlu.step import PipelineStep

log = logging.getLogger(__name__)

EMERGENCY_INTENT = "emergency"
URGENT_INTENT = "medical_question"
ESCALATING_INTENTS = frozenset(
    {"emergency", "medical_question", "ask_results", "complaint", "request_records", "request_human", "announce_late"}
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TriageOverride(PipelineStep):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # unsure_below: the FallbackClassifier's threshold (config.yml; a test keeps them equal)
        return {"rules_file": None, "unsure_below": 0.45}

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self.rules = load_triage_rules(self.component_config.get("rules_file"))

    def process_one(self, message: Message, text: str) -> None:
        intent = message.get(INTENT) or {}
        name = intent.get(INTENT_NAME_KEY)
        confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        result: TriageResult = triage(text, self.rules, name, confidence)
        message.set("triage", as_dict(result), add_to_output=True)
        if result.category in ("emergency", "suicide"):
            override(message, EMERGENCY_INTENT)
        elif result.category == "urgent" and name not in ESCALATING_INTENTS:
            override(message, URGENT_INTENT)
        elif result.category == "sensitive" and confidence < float(self.component_config.get("unsure_below", 0.45)):
            # unsure, even of a hand-over intent ("medical_question" at 0.33): the rule's intent, certain
            named = self.sensitive_intent(result)
            if named is not None:
                override(message, named)

    def sensitive_intent(self, result: TriageResult) -> str | None:
        """The intent the first matching sensitive rule names, if any."""
        for rule_id in result.matched_rules:
            rule = self.rules.rule(rule_id)
            if rule.category == "sensitive" and rule.intent:
                return rule.intent
        return None


def as_dict(result: TriageResult) -> dict[str, Any]:
    return {
        "category": result.category,
        "urgency": result.urgency,
        "numbers": list(result.numbers),
        "reasons": list(result.reasons),
        "rules": list(result.matched_rules),
    }


def override(message: Message, intent_name: str) -> None:
    """Make ``intent_name`` the certain intent: every other intent of the ranking drops to 0.

    The others keep their order (the record shows what the model had thought), but not their
    confidence: the FallbackClassifier that comes next also calls a message ambiguous when the
    second intent is within 0.05 of the first, and DIET's 0.99 for a booking behind the emergency
    turned "je voudrais un rendez-vous, j'ai mal à la poitrine" into "je n'ai pas compris". The
    model's own first choice stays in ``intent_before_override``.
    """
    previous = message.get(INTENT) or {}
    ranking = [
        {**entry, PREDICTED_CONFIDENCE_KEY: 0.0}
        for entry in (message.get(INTENT_RANKING_KEY) or [])
        if entry.get(INTENT_NAME_KEY) != intent_name
    ]
    top = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set("intent_before_override", dict(previous), add_to_output=True)
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
