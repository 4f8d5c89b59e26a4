"""Gold-set scorers behind ``detente eval KIND --gold PATH``.

Each scorer is a module ``detente.eval.<kind>`` with ``score(gold, settings, limit=None) -> dict``
that returns JSON-ready metrics. The quality gate (``tests/test_quality_gate.py``) runs them against
the floors in ``tests/quality_floors.json``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import EvalError

__all__ = ["SCORERS", "run_eval"]

#: Evaluation kind -> module implementing ``score``.
SCORERS: dict[str, str] = {
    "extraction": "detente.eval.extraction",
    "actors": "detente.eval.actors",
    "events": "detente.eval.events",
    "quotes": "detente.eval.quotes",
    "geo": "detente.eval.geo",
}


def run_eval(
    kind: str, gold: str | Path, settings: Settings | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Score the component named ``kind`` on the gold set at ``gold``.

    Raises:
        EvalError: unknown kind, or the gold set is missing or malformed.
    """
    if kind not in SCORERS:
        raise EvalError(
            f"unknown evaluation {kind!r}; choose one of {', '.join(SCORERS)}", code="E081"
        )
    path = Path(gold)
    if not path.exists():
        raise EvalError(f"gold set {path} does not exist", code="E082")
    module = importlib.import_module(SCORERS[kind])
    result: dict[str, Any] = module.score(path, settings or Settings(), limit=limit)
    return result
