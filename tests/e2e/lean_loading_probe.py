"""Load the trained model in this process, Rasa's way or the serving way, and write what it predicts.

    python -m tests.e2e.lean_loading_probe MODEL rasa|lean OUT.json

Run twice by ``test_lean_model_loading.py``, one process per way (each way patches Rasa for the whole
process). It writes the parse of every sentence of the development set (intent ranking with full
confidences, entities), the actions the dialogue policies predict for a short conversation, and how
many times the loading ran a training step (Keras ``fit``) and loaded a spaCy model.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def main(model: str, way: str, out: str) -> None:
    import spacy
    import tensorflow as tf

    counts = {"fit": 0, "spacy_load": 0}
    keras_fit, spacy_load = tf.keras.Model.fit, spacy.load

    def counted_fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        counts["fit"] += 1
        return keras_fit(self, *args, **kwargs)

    def counted_spacy_load(*args: Any, **kwargs: Any) -> Any:
        counts["spacy_load"] += 1
        return spacy_load(*args, **kwargs)

    tf.keras.Model.fit = counted_fit
    spacy.load = counted_spacy_load
    if way == "lean":
        from assistant.adapters import lean_model_loading

        lean_model_loading.install()
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(model)
    sentences = [m.get("text") for m in load_data(str(ROOT / "tests/nlu/dev_fr.yml")).training_examples]

    async def predictions() -> dict[str, Any]:
        parses = []
        for sentence in sentences:
            parsed = await agent.parse_message(sentence)
            parses.append(
                {
                    "ranking": [(r["name"], r["confidence"]) for r in parsed.get("intent_ranking", [])],
                    "entities": [
                        (e["entity"], e["start"], e["end"], json.dumps(e.get("value"), sort_keys=True))
                        for e in parsed["entities"]
                    ],
                }
            )
        for message in ("bonjour", "je voudrais un rendez-vous", "pour une toux", "au revoir"):
            await agent.handle_text(message, sender_id="lean-loading-probe")
        tracker = await agent.tracker_store.retrieve("lean-loading-probe")
        actions = [e.action_name for e in tracker.events if getattr(e, "action_name", None)]
        return {"parses": parses, "actions": actions}

    Path(out).write_text(json.dumps({**asyncio.run(predictions()), **counts}), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:4])
