"""The shared base of this project's stateless Rasa components (no configuration, nothing to train or load)."""

from __future__ import annotations

from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

T = TypeVar("T", bound="StatelessComponent")


class StatelessComponent(GraphComponent):
    """A pipeline step that only rewrites messages: Rasa creates it as is, for training and prediction."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls: type[T],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> T:
        return cls()
