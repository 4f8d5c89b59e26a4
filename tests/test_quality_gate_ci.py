"""The quality gate fails, not skips, on CI (``CI=true``) when ../shared is missing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, shared_path
from .test_quality_gate import GATE_TESTS


def test_missing_shared_fails_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires it"):
        shared_path("gold/plover-gsr-dev.jsonl", required_in_ci=True, root=tmp_path / "missing")


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_missing_shared_skips_outside_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="is absent"):
        shared_path("gold/plover-gsr-dev.jsonl", required_in_ci=True, root=tmp_path / "missing")


def test_other_shared_tests_still_skip_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the gate insists on the data; golden and browser tests may skip on CI.
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.skip.Exception):
        shared_path("corpora/polnear-news", root=tmp_path / "missing")


def test_present_shared_is_returned_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "x.jsonl").write_text("{}\n", "utf-8")
    assert shared_path("gold/x.jsonl", required_in_ci=True, root=tmp_path) == (
        tmp_path / "gold" / "x.jsonl"
    )


def _run_gate(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["DETENTE_SHARED"] = str(tmp_path / "no-shared-here")
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rfs",
            "tests/test_quality_gate.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _count(output: str, word: str) -> int:
    found = re.search(rf"(\d+) {word}", output)
    return int(found.group(1)) if found else 0


@pytest.mark.slow
def test_gate_run_fails_in_ci_without_shared(tmp_path: Path) -> None:
    # The whole gate, as CI runs it: every floor file fails, none is skipped.
    proc = _run_gate(tmp_path, "true")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert _count(out, "failed") == GATE_TESTS, out
    assert _count(out, "skipped") == 0, out
    assert "CI=true requires it" in out


@pytest.mark.slow
def test_gate_run_skips_without_ci(tmp_path: Path) -> None:
    proc = _run_gate(tmp_path, None)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert _count(out, "skipped") == GATE_TESTS, out
