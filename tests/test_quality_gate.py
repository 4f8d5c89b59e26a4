"""The quality gate: each gold-set score must stay at or above its pinned floor.

Floors live in ``tests/floors/<kind>.json`` as ``{"gold": path under ../shared, "floors":
{"metric.path": value}}``. A floor is raised when the code gets better, never lowered silently
(tests/floors/README.md). Without ../shared the gate skips, except with ``CI=true``, where it
fails: a CI run that cannot score the gold sets must not pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.config import Settings
from detente.eval import run_eval

from .conftest import shared_path

FLOORS = sorted((Path(__file__).parent / "floors").glob("*.json"))


def _metric(result: dict, dotted: str) -> float:
    value = result
    for part in dotted.split("."):
        value = value[part]
    return float(value)  # type: ignore[arg-type]


@pytest.mark.gold
@pytest.mark.parametrize("floor_file", FLOORS, ids=[f.stem for f in FLOORS])
def test_score_stays_above_floor(floor_file: Path) -> None:
    spec = json.loads(floor_file.read_text("utf-8"))
    gold = shared_path(spec["gold"], required_in_ci=True)
    result = run_eval(floor_file.stem, gold, Settings())
    for dotted, floor in spec["floors"].items():
        assert _metric(result, dotted) >= floor, f"{floor_file.stem} {dotted} fell below {floor}"


@pytest.mark.gold
@pytest.mark.slow
def test_event_model_cv_stays_above_floor() -> None:
    """``detente eval events --gold plv-train.jsonl --cv 5``: the learned typing's floor."""
    from detente.eval.events_cv import score_cv

    spec = json.loads((Path(__file__).parent / "floors" / "cv" / "events.json").read_text("utf-8"))
    result = score_cv(shared_path(spec["gold"]), Settings(), k=spec["folds"])
    for dotted, floor in spec["floors"].items():
        assert _metric(result, dotted) >= floor, f"events cv {dotted} fell below {floor}"
