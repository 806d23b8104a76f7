"""The shared base of this project's Rasa components: Rasa's plumbing written once.

Rasa builds a component with ``create`` (training, and tests) or ``load`` (a trained model about
to serve); both get the pipeline entry, the model storage, the component's resource and the
execution context. Here ``load`` is ``create`` for serving, and both go through
:meth:`PipelineStep.build`, which by default makes the component from its configuration alone
(nothing trained, nothing stored). A step that starts something before the first message
overrides :meth:`PipelineStep.warm_up` (run by ``load`` only); one with a stored model overrides
``build``. Every step reads French, and most rewrite each message that has some text: they give
:meth:`PipelineStep.process_one`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

T = TypeVar("T", bound="PipelineStep")


class PipelineStep(GraphComponent):
    """A French pipeline step; ``component_config`` is its defaults overridden by its pipeline entry."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.component_config = {**self.get_default_config(), **(config or {})}

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @staticmethod
    def supported_languages() -> list[str] | None:
        return ["fr"]

    @classmethod
    def create(
        cls: type[T],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        *,
        serving: bool = False,
    ) -> T:
        """Rasa's constructor for training (``serving``: for :meth:`load`): :meth:`build`."""
        return cls.build(config, model_storage, resource, serving)

    @classmethod
    def load(cls: type[T], *args: Any, **kwargs: Any) -> T:
        """Rasa's constructor for a trained model about to serve: :meth:`create` for serving, then :meth:`warm_up`.

        It takes the arguments of :meth:`create`, written there once: Rasa passes them by keyword
        (and outputs of earlier nodes only to a constructor that names them, which no step does).
        """
        component = cls.create(*args, serving=True, **kwargs)
        component.warm_up()
        return component

    @classmethod
    def build(
        cls: type[T], config: dict[str, Any], model_storage: ModelStorage, resource: Resource, serving: bool
    ) -> T:
        """The component; ``serving``: for a trained model (read what was stored). By default: the configuration alone."""
        return cls(config)

    def warm_up(self) -> None:
        """What to start once a model is loaded, so that the first message does not wait: nothing by default."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text:
                self.process_one(message, str(text))
        return messages

    def process_one(self, message: Message, text: str) -> None:
        """Rewrites one message that has some ``text``: nothing by default."""
