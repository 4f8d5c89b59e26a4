"""The learned event-type model: features of a sentence, and scores for its PLOVER types.

The rules (``extractor.py``) say who did what to whom, with which trigger, mode and negation;
this model says which PLOVER type a sentence most likely holds. It is a sparse linear model
(multinomial logistic regression over TF-IDF-weighted features) stored as data, not as a pickle:

* ``model.json``: classes, feature vocabulary, idf, intercepts, the calibration (a softmax
  temperature) and the decision threshold, both fitted on cross-validation folds;
* ``weights.npz``: the coefficient matrix (classes x features, float16: half the size, no loss
  that matters for an argmax over 16 classes);
* ``model_card.json`` / ``MODEL_CARD.md``: data, scores, seed, versions.

Inference needs only numpy and the spaCy parse. Training (``detente.training.events``) needs
scikit-learn, from the ``train`` extra.

Features of a sentence (see :func:`sentence_features`): lowercased words and word bigrams,
lemmas of content words, dependency arcs ``head-lemma>dep>child-lemma`` around verbs, the root
verb and its open-clause chain, the entity labels in subject and object position, whether an
actor candidate is present, and the types the rules proposed (``rule:ACCUSE``; ``rule~:ACCUSE``
for negated or hypothetical candidates; ``rule:none``).
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import EventError

__all__ = [
    "DEFAULT_MODEL_DIR",
    "NONE",
    "YIELD",
    "EventTypeModel",
    "Vectoriser",
    "model_class",
    "sentence_features",
]

#: The label of sentences without a political event.
NONE = "NONE"
#: PLV gold merges CONCEDE and RETREAT into one root.
YIELD = "YIELD"
_YIELD_TYPES = frozenset({"CONCEDE", "RETREAT"})

#: The shipped model (``detente/events/model``).
DEFAULT_MODEL_DIR = Path(str(resources.files("detente.events") / "model"))

_CONTENT_POS = frozenset({"VERB", "NOUN", "ADJ", "PROPN", "ADV"})
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "dative", "agent", "attr"})
_CHAIN_DEPS = frozenset({"xcomp", "ccomp", "conj", "advcl"})


def model_class(event_type: str) -> str:
    """The model's class for a PLOVER type: CONCEDE and RETREAT are both ``YIELD``."""
    return YIELD if event_type in _YIELD_TYPES else event_type


def _lemma(tok: Any) -> str:
    if tok.ent_type_ in {"GPE", "NORP", "PERSON", "ORG"}:
        return f"<{tok.ent_type_}>"
    return str(tok.lemma_).lower() or str(tok.text).lower()


def sentence_features(
    tokens: Iterable[Any],
    rule_types: Iterable[tuple[str, bool]] = (),
    *,
    has_actor: bool = False,
) -> list[str]:
    """The feature strings of one sentence (a spaCy ``Span`` or ``Doc``, or any token sequence).

    Args:
        tokens: the sentence's spaCy tokens (with tags, lemmas, dependencies and entities).
        rule_types: the rules' candidates as ``(PLOVER type, factual)`` pairs.
        has_actor: whether the sentence holds an actor candidate.

    Returns:
        The features, one string per occurrence (counts matter), in a stable order.
    """
    toks = [t for t in tokens if not t.is_space]
    feats: list[str] = []
    words = [str(t.lower_) for t in toks if not t.is_punct]
    feats.extend(f"w:{w}" for w in words)
    feats.extend(f"b:{a}_{b}" for a, b in itertools.pairwise(words))
    for t in toks:
        if t.pos_ in _CONTENT_POS:
            feats.append(f"l:{_lemma(t)}")
        head = t.head
        if head is not t and head.pos_ in {"VERB", "AUX"} and not t.is_punct:
            feats.append(f"d:{_lemma(head)}>{t.dep_}>{_lemma(t)}")
            if t.dep_ in _ARG_DEPS and t.ent_type_:
                feats.append(f"a:{head.lemma_.lower()}>{t.dep_}>{t.ent_type_}")
        if t.dep_ == "ROOT":
            feats.append(f"root:{_lemma(t)}")
            for child in t.children:
                if child.dep_ in _CHAIN_DEPS and child.pos_ in {"VERB", "NOUN"}:
                    feats.append(f"chain:{_lemma(t)}>{child.dep_}>{_lemma(child)}")
                if child.dep_ == "neg":
                    feats.append("neg:root")
    feats.append(f"actor:{'yes' if has_actor else 'no'}")
    rules = sorted({(model_class(t), bool(f)) for t, f in rule_types})
    if not rules:
        feats.append("rule:none")
    for cls, factual in rules:
        feats.append(f"rule:{cls}" if factual else f"rule~:{cls}")
    return feats


@dataclass(frozen=True)
class Vectoriser:
    """Feature strings -> sublinear TF-IDF vector, L2-normalised (scikit-learn's formula)."""

    vocabulary: Mapping[str, int]
    idf: np.ndarray

    def transform_one(self, feats: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """The sparse vector of one sentence: ``(indices, values)``."""
        # Column -> count, in the order the features first occur (the vocabulary is one-to-one,
        # so this is the order, and so the float sums, of counting the feature strings).
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for f in feats:
            col = vocabulary.get(f)
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = np.array([1.0 + math.log(c) for c in counts.values()], dtype=np.float64)
        val = tf * self.idf[idx]
        norm = float(np.sqrt((val * val).sum()))
        return idx, (val / norm if norm else val)

    @staticmethod
    def fit(docs: list[list[str]], min_df: int = 2) -> Vectoriser:
        """Learn the vocabulary (features in at least ``min_df`` sentences) and smooth idf."""
        df: Counter[str] = Counter()
        for feats in docs:
            df.update(set(feats))
        vocab_list = sorted(f for f, n in df.items() if n >= min_df)
        vocab = {f: i for i, f in enumerate(vocab_list)}
        n = len(docs)
        idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in vocab_list])
        return Vectoriser(vocab, idf)


@dataclass(frozen=True)
class EventTypeModel:
    """A trained event-type model: :meth:`scores` gives a calibrated probability per type.

    Attributes:
        name, version: identify the model in ``evidence.model``.
        classes: the model's labels (PLOVER roots, ``YIELD``, ``NONE``).
        threshold: the least probability at which the model alone codes an event (where no
            rule fired), fitted on the folds.
        temperature: softmax temperature fitted on the folds (calibration).
        keep_rule_ratio: a rule candidate keeps the sentence's type while its probability is
            at least this share of the model's top class; below, the model's class wins (0:
            the rules' candidates always win). Fitted on the folds.
    """

    name: str
    version: str
    classes: tuple[str, ...]
    vectoriser: Vectoriser
    coef: np.ndarray
    intercept: np.ndarray
    threshold: float
    temperature: float = 1.0
    keep_rule_ratio: float = 0.0
    meta: Mapping[str, Any] | None = None

    @classmethod
    def load(cls, directory: str | Path = DEFAULT_MODEL_DIR) -> EventTypeModel:
        """Read a model directory written by ``detente train events``.

        Raises:
            EventError: the directory lacks ``model.json`` / ``weights.npz`` or they disagree.
        """
        d = Path(directory)
        spec_path, weights_path = d / "model.json", d / "weights.npz"
        if not spec_path.is_file() or not weights_path.is_file():
            raise EventError(
                f"event model {d}: needs model.json and weights.npz (train one with "
                "`detente train events`)",
                code="E068",
            )
        try:
            spec = json.loads(spec_path.read_text(encoding="utf-8"))
            with np.load(weights_path, allow_pickle=False) as npz:
                coef = np.asarray(npz["coef"], dtype=np.float64)
            features = list(spec["features"])
            classes = tuple(spec["classes"])
            idf = np.asarray(spec["idf"], dtype=np.float64)
            intercept = np.asarray(spec["intercept"], dtype=np.float64)
        except (OSError, ValueError, KeyError) as exc:
            raise EventError(f"event model {d}: unreadable ({exc})", code="E068") from exc
        if coef.shape != (len(classes), len(features)) or len(idf) != len(features):
            raise EventError(
                f"event model {d}: weights {coef.shape} do not fit {len(classes)} classes x "
                f"{len(features)} features",
                code="E068",
            )
        return cls(
            name=str(spec["name"]),
            version=str(spec["version"]),
            classes=classes,
            vectoriser=Vectoriser({f: i for i, f in enumerate(features)}, idf),
            coef=coef,
            intercept=intercept,
            threshold=float(spec["threshold"]),
            temperature=float(spec.get("temperature", 1.0)),
            keep_rule_ratio=float(spec.get("keep_rule_ratio", 0.0)),
            meta=spec,
        )

    def scores_features(self, feats: Iterable[str]) -> dict[str, float]:
        """Calibrated probabilities per class for a sentence's features (sum to 1)."""
        idx, val = self.vectoriser.transform_one(feats)
        logits = self.intercept + (self.coef[:, idx] @ val if len(idx) else 0.0)
        z = logits / self.temperature
        z = np.exp(z - z.max())
        p = z / z.sum()
        return {c: float(v) for c, v in zip(self.classes, p, strict=True)}

    def scores(
        self,
        sentence: Iterable[Any],
        rule_types: Iterable[tuple[str, bool]] = (),
        *,
        has_actor: bool = False,
    ) -> dict[str, float]:
        """Calibrated probabilities per class of a parsed sentence (spaCy ``Span`` or ``Doc``).

        Args:
            sentence: the parsed sentence.
            rule_types: the rules' candidates there, ``(PLOVER type, factual)``.
            has_actor: whether the sentence holds an actor candidate.
        """
        return self.scores_features(sentence_features(sentence, rule_types, has_actor=has_actor))

    def type_probability(self, scores: Mapping[str, float], event_type: str) -> float:
        """The probability of a PLOVER type under ``scores`` (CONCEDE/RETREAT read ``YIELD``)."""
        return float(scores.get(model_class(event_type), 0.0))

    def top(self, scores: Mapping[str, float]) -> tuple[str, float]:
        """The best class other than ``NONE``, with its probability."""
        best = max((c for c in self.classes if c != NONE), key=lambda c: scores.get(c, 0.0))
        return best, float(scores.get(best, 0.0))

    def decide(
        self,
        scores: Mapping[str, float],
        rule_types: Iterable[str],
        *,
        has_actor: bool,
    ) -> tuple[str | None, str, float]:
        """The sentence's type: ``(class or None, type_source, probability)``.

        When rules fired: their best-scoring candidate (``"lexicon+model"``), unless the
        model's top class is far more probable (the candidate's probability is below
        :attr:`keep_rule_ratio` times the top's): then the top class (``"model"``). Where no
        rule fired: the model's top class when the sentence has an actor candidate, the model
        does not rank ``NONE`` first and the class clears :attr:`threshold` (``"model"``);
        otherwise None. Returned classes are model classes (``YIELD`` for CONCEDE/RETREAT).
        """
        cands = sorted({model_class(t) for t in rule_types})
        cls, prob = self.top(scores)
        if cands:
            best = max(cands, key=lambda t: (scores.get(t, 0.0), t))
            p_best = float(scores.get(best, 0.0))
            if p_best >= self.keep_rule_ratio * prob:
                return best, "lexicon+model", p_best
            return cls, "model", prob
        if not has_actor or prob < self.threshold or scores.get(NONE, 0.0) > prob:
            return None, "", prob
        return cls, "model", prob


@lru_cache(maxsize=4)
def load_model(directory: str = str(DEFAULT_MODEL_DIR)) -> EventTypeModel:
    """A cached :meth:`EventTypeModel.load`."""
    return EventTypeModel.load(directory)
