"""Cross-validated scores of the event-type model (``detente eval events --gold F --cv K``).

The gold sentences are dealt into K stratified folds (fixed seed); per fold the model is trained
on the other folds and predicts the held-out sentences, so no sentence is scored by a model that
saw it. The prediction of a sentence is the decision of the events stage: the best-scoring rule
candidate, or the model's own type (see docs/events.md, "How a type is decided"); YIELD stands
for CONCEDE or RETREAT. Training needs scikit-learn (the ``train`` extra).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Settings

__all__ = ["score_cv"]


def score_cv(
    gold: Path,
    settings: Settings,
    *,
    k: int = 5,
    seed: int | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Top-1 accuracy, macro-F1, per-type F1 and the share with no event, out of fold.

    Raises:
        EventError: the gold file is unreadable or malformed.
    """
    from ..training import events as T
    from ..training.card import cv_scores

    seed = T.DEFAULT_SEED if seed is None else seed
    examples = T.read_gold_examples(gold, T._coder(settings), group="gold")
    if limit:
        examples = examples[:limit]
    probs = T.cross_validate(examples, k=k, seed=seed)
    temperature, threshold, keep = T.calibrate(examples, probs)
    scores = cv_scores(examples, probs, temperature, threshold, keep)["gold"]
    out: dict[str, Any] = {"n": len(examples), "folds": k, "seed": seed}
    out.update({key: v for key, v in scores["integrated"].items() if key != "n"})
    out["model_alone"] = scores["model_alone"]
    out["calibration"] = {
        "temperature": temperature,
        "threshold": threshold,
        "keep_rule_ratio": keep,
    }
    return out
