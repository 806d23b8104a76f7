"""Load the trained model for serving only: about 1 GB less memory per Rasa process (issue 20).

Rasa 3.6 loads a model as if it were going to train it again. Measured on this project's model
(``python -m bench.load_bench``, resident memory of the Rasa process):

- **spaCy twice.** The pipeline's ``SpacyNLP`` is two graph nodes (the one that provides the
  language model to the tokenizer and featurizer, the one that runs it on messages), and each calls
  :meth:`SpacyNLP.load_model`, i.e. ``spacy.load("fr_core_news_md")``: two copies of the same
  read-only model, 426 + 330 MB. :func:`install` makes the process load each spaCy model once.
- **A training step to build the weights.** ``RasaModel.load`` compiles the model with an optimiser
  and runs ``fit`` on one example so that every variable exists before the checkpoint is read: that
  traces the whole training graph (forward pass, gradients, Adam's slots), 593 MB for DIET and 74 MB
  for TED, kept for the life of the process although a server never trains. :func:`install` builds
  the variables with one prediction instead, reads the checkpoint's weights (the optimiser's are
  not needed), then prepares the prediction again with the real weights, as Rasa does after ``fit``.

The predictions are those of Rasa's own loading, to the last digit of every confidence: the
end-to-end tier checks it on the trained model (``tests/e2e/test_lean_model_loading.py``).

Installed by the Rasa server's entry point (:mod:`assistant.adapters.rasa_server`) and by the
evaluation's reader, so that what is measured is what is served. Training and fine-tuning are left to
Rasa's own code: a model loaded with ``finetune_mode`` takes Rasa's path unchanged.
"""

from __future__ import annotations

import functools
from typing import Any

_installed = False


def install() -> None:
    """Patch Rasa's loading in this process (idempotent); call before the model is loaded."""
    global _installed
    if _installed:
        return
    _share_spacy_models()
    _load_tensorflow_models_for_inference()
    _installed = True


def _share_spacy_models() -> None:
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    # ``load_model`` is a staticmethod of pure reading: one loaded Language per model name serves
    # every SpacyNLP node of the process (spaCy's Language is used read-only once loaded).
    SpacyNLP.load_model = staticmethod(functools.lru_cache(maxsize=None)(SpacyNLP.load_model))


def _load_tensorflow_models_for_inference() -> None:
    import tensorflow as tf
    from rasa.utils.tensorflow.models import RasaModel

    rasa_load = RasaModel.load.__func__  # type: ignore[attr-defined]

    def load(
        cls: type[RasaModel],
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode or predict_data_example is None:
            return rasa_load(
                cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
            )
        config = kwargs.get("config", {})
        model = cls(*args, **kwargs)
        model.compile(
            optimizer=tf.keras.optimizers.Adam(config.get("learning_rate", 0.001)),
            run_eagerly=config.get("run_eagerly"),
        )
        # One prediction creates every variable the prediction uses (random values for now) ...
        model.run_inference(predict_data_example)
        # ... the checkpoint then gives them their trained values; the training-only objects it also
        # holds (the optimiser's slots) have nothing to go into, which is expected.
        model.load_weights(model_file_name).expect_partial()
        # What the first prediction computed from the random weights is computed again: the labels'
        # embeddings, and the traced prediction function that captured them.
        model.prepare_for_predict()
        model._tf_predict_step = None
        model.run_inference(predict_data_example)
        return model

    RasaModel.load = classmethod(load)  # type: ignore[method-assign,assignment]
