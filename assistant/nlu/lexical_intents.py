"""Rasa component: DIET's intent ranking blended with a lexical linear classifier.

DIET reads a sentence through spaCy vectors and a transformer trained on our
~3,900 examples. On a phrasing it has never seen, its second opinion is weak:
in 5-fold cross-validation a plain linear model over TF-IDF words and character
n-grams (``python -m assistant.nlu_baseline``) recognises more left-out
sentences than DIET does, and the two err on different sentences. Averaging
their probabilities beats both (one fold of 2026-12-04, real pipeline on 80 % of
the data: DIET 0.775, linear 0.819, blend 0.839 intent macro-F1).

This component trains that linear model in the pipeline (multinomial logistic
regression, balanced classes, so its output is a probability like DIET's
softmax). Besides the n-grams it reads the sentence vector the ``SpacyFeaturizer``
left on the message (the mean of fr_core_news_md's word vectors, unit length,
times ``vector_weight``): a left-out sentence whose words never appear in
training ("piscine", "garagiste") still lands near its neighbours' meaning
(linear model alone in 5-fold CV, 2026-12-05: 0.832 → 0.851 macro-F1). It and replaces the intent and the ranking with the weighted average
``model_weight × DIET + (1 − model_weight) × linear``. It runs right after
DIET and before the rewriting steps (bare answers, triage, hesitations) and the
``FallbackClassifier``, which therefore judge the blended confidence. Entities
stay DIET's.

The fitted model is stored with skops (no pickle); loading refuses any type
outside scikit-learn's and SciPy's sparse matrix. The two vocabularies (some
40,000 terms) are stored apart as plain JSON: skops writes a dictionary entry by
entry, which made a 49 MB file taking seconds to load, against 6 MB and a
tenth of a second this way.

    - name: assistant.nlu.lexical_intents.LexicalIntentBlend
      model_weight: 0.3
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.step import PipelineStep

log = logging.getLogger(__name__)

MODEL_FILE = "lexical_intents.skops"
VOCABULARIES_FILE = "lexical_vocabularies.json"
#: Bumped whenever the stored files change, so that ``rasa train`` retrains a model stored the old way.
STORAGE_FORMAT = "3"  # 2: vocabularies apart, as JSON; 3: the sentence vector among the features (2026-12-05)
#: The only non-scikit-learn type a fitted TF-IDF pipeline holds (its idf diagonal).
TRUSTED_EXTRA_TYPES = frozenset({"scipy.sparse._csr.csr_matrix"})


def checked_weight(value: float | str) -> float:
    """DIET's share of the blend, refused unless between 0 and 1 (checked at start, and by :func:`blend_rankings`)."""
    weight = float(value)
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"LexicalIntentBlend: model_weight must lie between 0 and 1, not {weight}")
    return weight


def blend_rankings(
    model_ranking: Mapping[str, float], lexical: Mapping[str, float], model_weight: float
) -> list[tuple[str, float]]:
    """Intents by decreasing blended confidence, ties by name so that the order is stable.

    An intent missing from one ranking (DIET reports only its top ten) counts as
    0 there. Both inputs sum to about 1, so the result does too.
    """
    checked_weight(model_weight)
    names = set(model_ranking) | set(lexical)
    blended = {
        name: model_weight * model_ranking.get(name, 0.0) + (1.0 - model_weight) * lexical.get(name, 0.0)
        for name in names
    }
    return sorted(blended.items(), key=lambda item: (-item[1], item[0]))


def build_classifier(regularisation: float) -> Any:
    """The untrained linear model: TF-IDF words (1–2) and in-word character n-grams (2–5), accents folded."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode"),
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                sublinear_tf=True,
                strip_accents="unicode",
                max_features=40000,
            ),
        ),
        LogisticRegression(C=regularisation, class_weight="balanced", max_iter=3000),
    )


def sentence_vector(message: Message) -> Any:
    """The dense sentence feature a featurizer left on ``message`` (a 1-D array), or None."""
    _, sentence = message.get_dense_features(TEXT)
    if sentence is None:
        return None
    return sentence.features.reshape(-1)


def feature_matrix(classifier: Any, texts: list[str], vectors: Any, vector_weight: float, fit: bool = False) -> Any:
    """The n-gram TF-IDF of ``texts`` beside their unit-length sentence vectors times ``vector_weight``.

    ``vectors`` is an array of one row per text, or None (no vector columns). With
    ``fit`` the vectorizers are fitted on ``texts`` first (training).
    """
    import numpy as np
    from scipy import sparse

    union = classifier.steps[0][1]
    ngrams = union.fit_transform(texts) if fit else union.transform(texts)
    if vectors is None:
        return ngrams
    lengths = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(lengths, 1e-9)
    return sparse.hstack([ngrams, sparse.csr_matrix(vector_weight * unit)]).tocsr()


def vector_size(classifier: Any) -> int:
    """How many sentence-vector columns the fitted model expects (0: trained on n-grams only)."""
    ngram_columns = sum(len(vectorizer.vocabulary_) for vectorizer in vectorizers(classifier))
    return int(classifier.steps[-1][1].n_features_in_) - ngram_columns


def vectorizers(classifier: Any) -> list[Any]:
    """The TF-IDF vectorizers of a pipeline made by :func:`build_classifier`, words first."""
    return [vectorizer for _, vectorizer in classifier.steps[0][1].transformer_list]


@contextmanager
def vectorizers_without_vocabulary(classifier: Any) -> Iterator[list[dict[str, int]]]:
    """The vocabularies as plain ``{term: column}``, taken out of ``classifier`` while inside (put back after)."""
    taken = [vectorizer.vocabulary_ for vectorizer in vectorizers(classifier)]
    try:
        for vectorizer in vectorizers(classifier):
            vectorizer.vocabulary_ = None
        yield [{term: int(column) for term, column in vocabulary.items()} for vocabulary in taken]
    finally:
        for vectorizer, vocabulary in zip(vectorizers(classifier), taken, strict=True):
            vectorizer.vocabulary_ = vocabulary


def stored_classifier(model_storage: ModelStorage, resource: Resource) -> Any:
    """The fitted model stored for ``resource`` with its vocabularies, or None when none was trained.

    Refuses (``ValueError``) a stored model holding any type outside :data:`TRUSTED_EXTRA_TYPES` and scikit-learn's.
    """
    import skops.io as sio

    with ExitStack() as stack:
        try:
            directory = stack.enter_context(model_storage.read_from(resource))
        except ValueError:  # no resource: the component was never trained (e.g. a core-only model)
            return None
        path = directory / MODEL_FILE
        if not path.exists():
            return None
        untrusted = sio.get_untrusted_types(file=path)
        refused = sorted(set(untrusted) - TRUSTED_EXTRA_TYPES)
        if refused:
            raise ValueError(f"LexicalIntentBlend: the stored model holds untrusted types {refused}")
        classifier = sio.load(path, trusted=list(untrusted))
        words = json.loads((directory / VOCABULARIES_FILE).read_text(encoding="utf-8"))
        for vectorizer, vocabulary in zip(vectorizers(classifier), words, strict=True):
            vectorizer.vocabulary_ = vocabulary
    return classifier


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LexicalIntentBlend(PipelineStep):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"model_weight": 0.3, "regularisation": 20.0, "ranking_length": 10, "vector_weight": 1.0}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Part of Rasa's fingerprint: a model whose files are stored another way counts as changed."""
        return STORAGE_FORMAT

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: Any = None,
    ) -> None:
        super().__init__(config)
        self.model_weight = checked_weight(self.component_config["model_weight"])
        self.ranking_length = int(self.component_config["ranking_length"])
        self.vector_weight = float(self.component_config["vector_weight"])
        if self.vector_weight < 0:
            raise ValueError(f"LexicalIntentBlend: vector_weight must not be negative, not {self.vector_weight}")
        self._vector_size = vector_size(classifier) if classifier is not None else 0
        self._model_storage = model_storage
        self._resource = resource
        self.classifier = classifier

    @classmethod
    def build(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, serving: bool
    ) -> LexicalIntentBlend:
        """To train, or loaded with the stored model (none stored: DIET's ranking is kept as is)."""
        classifier = stored_classifier(model_storage, resource) if serving else None
        return cls(config, model_storage, resource, classifier)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [example for example in training_data.intent_examples if example.get(TEXT)]
        texts = [str(example.get(TEXT)) for example in examples]
        intents = [str(example.get(INTENT)) for example in examples]
        if len(set(intents)) < 2:
            log.warning("LexicalIntentBlend: fewer than two intents to learn; DIET's ranking is kept as is.")
            return self._resource
        classifier = build_classifier(float(self.component_config["regularisation"]))
        vectors = self._training_vectors(examples)
        classifier.steps[-1][1].fit(feature_matrix(classifier, texts, vectors, self.vector_weight, fit=True), intents)
        for vectorizer in vectorizers(classifier):
            # Terms cut by max_features, kept only for introspection: large, and not needed to predict.
            if hasattr(vectorizer, "stop_words_"):
                delattr(vectorizer, "stop_words_")
        self.classifier = classifier
        self._vector_size = vector_size(classifier)
        self.persist()
        return self._resource

    def _training_vectors(self, examples: list[Message]) -> Any:
        """One sentence vector per example, or None when the weight is 0 or any example has none."""
        import numpy as np

        if self.vector_weight == 0:
            return None
        vectors = [sentence_vector(example) for example in examples]
        if any(vector is None for vector in vectors):
            log.warning("LexicalIntentBlend: no sentence vectors on the training data (no dense featurizer before it)")
            return None
        return np.vstack(vectors)

    def persist(self) -> None:
        import skops.io as sio

        with (
            self._model_storage.write_to(self._resource) as directory,
            vectorizers_without_vocabulary(self.classifier) as words,
        ):
            sio.dump(self.classifier, directory / MODEL_FILE, compression=zipfile.ZIP_DEFLATED)
            (directory / VOCABULARIES_FILE).write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")

    def process(self, messages: list[Message]) -> list[Message]:
        return messages if self.classifier is None else super().process(messages)

    def process_one(self, message: Message, text: str) -> None:
        import numpy as np

        vectors = None
        if self._vector_size:
            vector = sentence_vector(message)
            if vector is None or vector.shape[0] != self._vector_size:
                # Trained with vectors, none here (a featurizer missing): the n-grams still decide.
                vector = np.zeros(self._vector_size)
            vectors = vector.reshape(1, -1)
        features = feature_matrix(self.classifier, [text], vectors, self.vector_weight)
        linear = self.classifier.steps[-1][1]
        probabilities = linear.predict_proba(features)[0]
        lexical = {str(name): float(p) for name, p in zip(linear.classes_, probabilities, strict=True)}
        model_ranking = {
            str(entry.get(INTENT_NAME_KEY)): float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            for entry in message.get(INTENT_RANKING_KEY) or []
        }
        weight = self.model_weight if model_ranking else 0.0
        ranking = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
            for name, confidence in blend_rankings(model_ranking, lexical, weight)
        ]
        if self.ranking_length > 0:
            ranking = ranking[: self.ranking_length]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
