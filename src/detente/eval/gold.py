"""Reading gold sets: one JSON record a line, shared by the scorers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import EvalError

__all__ = ["read_jsonl"]


def read_jsonl(gold: Path, default_name: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The records of a JSONL gold file (or of ``default_name`` in a gold folder).

    Raises:
        EvalError: the file cannot be read or a line is not JSON (E083).
    """
    path = gold if gold.is_file() else gold / default_name
    records: list[dict[str, Any]] = []
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    records.append(json.loads(line))
                    if limit and len(records) >= limit:
                        break
    except (OSError, json.JSONDecodeError) as exc:
        raise EvalError(f"cannot read gold set {path}: {exc}", code="E083") from exc
    return records
