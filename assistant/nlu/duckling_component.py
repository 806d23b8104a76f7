"""Rasa 3.6 NLU component: French time wishes and birth dates, with Duckling on this machine.

Rasa's own ``DucklingEntityExtractor`` calls a Duckling HTTP server and hands its
raw readings to the dialogue. This component runs Duckling (``pyduckling-native-phihos``)
in a worker process of the Rasa process (:mod:`assistant.nlu.duckling_process`: its
Haskell runtime must not share Rasa's threads and signals), started when the model is
loaded, and emits what the dialogue needs:

- ``time_wish``: the patient's wish as a JSON dict (see
  :func:`assistant.nlu.time_wish.to_serializable`; rebuild it with
  :func:`assistant.nlu.time_wish.from_serializable`), spanning every expression used;
- ``birth_date``: an ISO date, when the utterance contains one ("12 mars 1985",
  "douze zéro trois quatre-vingt-cinq", "12031985").

Pipeline entry (``config.yml``)::

    - name: assistant.nlu.duckling_component.TimeWishExtractor
      timezone: Europe/Paris
      horizon_days: 90

The reference time is, in order: the message metadata ``now`` (or
``reference_time``: ISO local time or with offset), the message's ``time``
(epoch seconds), then the assistant clock (``ASSISTANT_NOW`` freezes it, see
:mod:`assistant.clock`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    METADATA,
)
from rasa.shared.nlu.training_data.message import Message

from assistant.clock import clock_from_env, parse_instant
from assistant.language.fr.birth_dates import find_birth_date, mentions_birth
from assistant.language.fr.time_wishes import resolve_timezone, to_serializable
from assistant.nlu.duckling_process import DucklingUnavailable
from assistant.nlu.step import PipelineStep
from assistant.nlu.time_wish import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_TIMEZONE,
    analyse_time_wish,
    duckling_engine,
)

logger = logging.getLogger(__name__)

TIME_WISH_ENTITY = "time_wish"
BIRTH_DATE_ENTITY = "birth_date"
METADATA_NOW_KEYS = ("now", "reference_time")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class TimeWishExtractor(PipelineStep, EntityExtractorMixin):
    """Adds ``time_wish`` and ``birth_date`` entities to French messages."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Timezone of the practice and how far ahead open wishes ("après le 15") reach."""
        return {
            "timezone": DEFAULT_TIMEZONE,
            "horizon_days": DEFAULT_HORIZON_DAYS,
            "birth_dates": True,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["duckling", "dateutil"]

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        self._tz, self._tz_name = resolve_timezone(self.component_config["timezone"])
        self._horizon_days = int(self.component_config["horizon_days"])

    def warm_up(self) -> None:
        """Starts the Duckling worker when a model is loaded, so the first patient does not wait; a failure is not fatal.

        Without Duckling, dates are still read by the lexicon (see ``extract``), and
        every later message tries the worker again.
        """
        try:
            duckling_engine().start()
        except DucklingUnavailable as error:
            logger.warning("Duckling worker not started at model load: %s", error)

    def reference_time(self, message: Message) -> datetime:
        """The "now" the message is read at: metadata, message time, then the clock."""
        metadata = message.get(METADATA) or {}
        if isinstance(metadata, dict):
            for key in METADATA_NOW_KEYS:
                value = metadata.get(key)
                if isinstance(value, str) and value.strip():
                    try:
                        return parse_instant(value, self._tz)
                    except ValueError:
                        logger.warning("Ignoring unparsable metadata %r=%r", key, value)
        if message.time is not None:
            try:
                return datetime.fromtimestamp(float(message.time), timezone.utc).astimezone(self._tz)
            except (TypeError, ValueError, OverflowError):
                logger.warning("Ignoring unparsable message time %r", message.time)
        return clock_from_env(self._tz).now()

    def extract(self, text: str, now: datetime) -> list[dict[str, Any]]:
        """The entities for one text at ``now`` (without the extractor name)."""
        entities: list[dict[str, Any]] = []
        if not text or not text.strip():
            return entities
        birth = find_birth_date(text, now) if self.component_config.get("birth_dates", True) else None
        if birth is not None:
            entities.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: BIRTH_DATE_ENTITY,
                    ENTITY_ATTRIBUTE_START: birth.start,
                    ENTITY_ATTRIBUTE_END: birth.end,
                    ENTITY_ATTRIBUTE_VALUE: birth.value.isoformat(),
                    ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
                }
            )
        if birth is None and mentions_birth(text):
            return entities  # "je suis née le douze mars": not an appointment wish
        analysis = analyse_time_wish(text, now, self._tz_name, self._horizon_days)
        if analysis.found and analysis.start is not None and analysis.end is not None:
            if birth is None or not (birth.start <= analysis.start and analysis.end <= birth.end):
                entities.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: TIME_WISH_ENTITY,
                        ENTITY_ATTRIBUTE_START: analysis.start,
                        ENTITY_ATTRIBUTE_END: analysis.end,
                        ENTITY_ATTRIBUTE_VALUE: to_serializable(analysis.wish),
                        ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
                        "additional_info": {
                            "reference_time": now.isoformat(),
                            "expressions": [
                                {"text": e.text, "start": e.start, "end": e.end, "kind": e.kind}
                                for e in analysis.expressions
                            ],
                        },
                    }
                )
        return sorted(entities, key=lambda entity: entity[ENTITY_ATTRIBUTE_START])

    def process_one(self, message: Message, text: str) -> None:
        """Augments the message with the entities found in its text."""
        extracted = self.extract(text, self.reference_time(message))
        for entity in extracted:
            entity[EXTRACTOR] = self.name
        message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
