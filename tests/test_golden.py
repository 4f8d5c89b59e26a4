"""Golden outputs: refactoring keeps the JSON contract byte-for-byte (see tests/golden/)."""

from __future__ import annotations

import json

import pytest

from .conftest import shared_path
from .golden.make_golden import GOLDEN, POLNEAR, digests, outputs


@pytest.mark.gold
@pytest.mark.slow
def test_outputs_match_golden_digests() -> None:
    shared_path(POLNEAR)
    golden = json.loads(GOLDEN.read_text("utf-8"))
    seen = {}
    for key, record in outputs():
        seen[key] = digests(record)
    assert sorted(seen) == sorted(golden), "the golden inputs changed"
    changed = {
        key: sorted(
            name
            for name in set(seen[key]["sections"]) | set(golden[key]["sections"])
            if seen[key]["sections"].get(name) != golden[key]["sections"].get(name)
        )
        for key in seen
        if seen[key] != golden[key]
    }
    assert not changed, (
        f"output changed for {changed}; if on purpose, run "
        "`python -m tests.golden.make_golden` and say why in CHANGELOG"
    )
