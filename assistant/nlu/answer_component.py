"""Rasa component: a bare answer (a phone number, a time) is an answer, whatever DIET guessed.

Asked "à quel numéro peut-on vous rappeler ?", a patient says "zéro six douze
trente-quatre…"; asked "quand ?", "vendredi après-midi". DIET has never seen most
strings of number words and reads a bare day as whatever it resembles ("vendredi"
is close to the opening-hours questions). Such an intent is an interruption for the
forms, which then reject the answer: the callback number or the time wish is lost.

Here a message that is nothing but a phone number, or nothing but the time
expressions Duckling found (``TimeWishExtractor`` runs before), becomes ``inform``
with certainty:

- a phone number overrides any intent but ``emergency``;
- a time overrides only the intents a time can be mistaken for (practical questions,
  small talk, out of scope); a choice among proposed slots ("le premier", "plutôt
  l'après-midi"), a yes or a no keep theirs.

The same goes for the one word the phone greeting gives to reach a person: "le secrétariat !"
alone becomes ``request_human`` (:func:`assistant.dialogue.understanding.asks_for_the_secretariat`).

``TriageOverride`` runs after this component and keeps the last word on emergencies.
The decisions are the pure :func:`assistant.dialogue.understanding.is_bare_phone_answer`
and :func:`assistant.dialogue.understanding.is_bare_time_answer`.

    - name: assistant.nlu.answer_component.BareAnswerOverride
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from assistant.core.text import normalise
from assistant.language.fr.bare_answers import is_bare_phone_answer, is_bare_time_answer
from assistant.language.fr.requests import asks_for_the_secretariat
from assistant.nlu.duckling_component import TIME_WISH_ENTITY
from assistant.nlu.step import PipelineStep
from assistant.nlu.triage_component import override

ANSWER_INTENT = "inform"
HUMAN_INTENT = "request_human"
#: Intents a bare time is mistaken for; any other keeps DIET's reading.
TIME_MISREADINGS = frozenset(
    {
        "ask_hours",
        "ask_address",
        "ask_fees",
        "ask_documents",
        "ask_practitioners",
        "ask_on_call",
        "check_appointment",  # "et demain ?" after an hours answer read as "my appointment tomorrow"
        "cancel_appointment",
        "reschedule_appointment",
        "out_of_scope",
        "bot_challenge",
        "greet",
        "thank",
    }
)


#: How a goodbye that names a time begins: "à demain", "au revoir et à lundi", "bonne soirée".
GOODBYE_OPENINGS = frozenset({"a", "au", "bonne", "bon", "ciao", "salut", "merci", "allez"})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BareAnswerOverride(PipelineStep):
    def process_one(self, message: Message, text: str) -> None:
        if bare_answer(message, text):
            override(message, ANSWER_INTENT)
        elif asks_for_the_secretariat(text) and _intent(message) != "emergency":
            override(message, HUMAN_INTENT)  # the greeting's own keyword: "dites « secrétariat »"


def _intent(message: Message) -> str | None:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


def bare_answer(message: Message, text: str) -> bool:
    """Whether ``message`` is only an answer that its predicted intent would make the forms reject."""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    confidence = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    if intent == "emergency" or (intent == ANSWER_INTENT and confidence >= 1.0):
        return False
    if is_bare_phone_answer(text):
        return True
    # An answer DIET already called ``inform``, but unsure ("et samedi", 0.41), is made certain too:
    # the FallbackClassifier would otherwise turn it into "je n'ai pas compris". A goodbye only when
    # it is not one of the "à demain", "à lundi" kind: "mercredi matin de bonne heure" hung up a call.
    said = normalise(text).split()
    time_goodbye = intent == "goodbye" and bool(said) and said[0] not in GOODBYE_OPENINGS
    if intent not in TIME_MISREADINGS and intent != ANSWER_INTENT and not time_goodbye:
        return False
    spans = [
        (entity.get("start"), entity.get("end"))
        for entity in message.get(ENTITIES) or []
        if entity.get("entity") == TIME_WISH_ENTITY
        and isinstance(entity.get("start"), int)
        and isinstance(entity.get("end"), int)
    ]
    return is_bare_time_answer(text, spans)
