"""The interleaved benchmark's batching and summary (median, interquartile range)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _interleave():  # benchmarks/ is scripts, not a package: load the module from its file
    spec = importlib.util.spec_from_file_location("interleave", ROOT / "benchmarks/interleave.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_summary_median_and_quartiles() -> None:
    out = _interleave().summarise([0.9, 0.5, 0.7, 0.6, 0.8])
    assert out["median"] == 0.7
    assert out["iqr"] == [0.6, 0.8]
    assert (out["min"], out["max"]) == (0.5, 0.9)


def test_summary_resists_one_disturbed_batch() -> None:
    calm = [0.80, 0.81, 0.79, 0.80, 0.82, 0.78, 0.80, 0.81, 0.79, 0.80]
    out = _interleave().summarise([*calm, 0.20])
    assert out["median"] == 0.8
    assert out["iqr"][0] >= 0.79


def test_summary_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        _interleave().summarise([])


def test_batches_cover_every_item_in_order() -> None:
    batches = _interleave().split_batches(list(range(45)), 20)
    assert [len(b) for b in batches] == [20, 20, 5]
    assert [x for b in batches for x in b] == list(range(45))
    with pytest.raises(ValueError, match="at least 1"):
        _interleave().split_batches([1], 0)


def test_too_few_batch_pairs_are_warned_about() -> None:
    mod = _interleave()
    few = mod.pairs_warning(mod.STEADY_PAIRS - 1)
    assert few is not None and f"only {mod.STEADY_PAIRS - 1} batch pairs" in few
    assert "--limit" in few
    assert mod.pairs_warning(mod.STEADY_PAIRS) is None
