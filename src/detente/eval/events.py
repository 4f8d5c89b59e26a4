"""Score the event coder on a PLOVER gold set (``detente eval events --gold FILE``).

The gold file holds one JSON record per line: ``text``, ``date``, ``event`` (older PLOVER labels
allowed), ``source`` (list of ``{code, ...}``) and ``target`` (list, string or empty). Each
sentence is coded on its own with its date. Only factual events count (negated and hypothetical
ones are left out, as in counts and exports).

* type score: per sentence, the set of predicted event types against the gold type;
* triple score: per sentence, the set of predicted ``(type, actor code, recipient code)`` against
  the gold record; a prediction matches when the type agrees, one of its actor codes is one of the
  gold source codes and, when the gold names a target, one of its recipient codes is a gold target
  code (country level: the first three letters, older CAMEO codes mapped to ISO).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ..actors.kb import normalise_code
from ..config import Settings
from ..errors import EvalError
from ..events.ontology import load_ontology
from ..records import Event

__all__ = ["country", "gold_codes", "read_gold", "score", "score_records"]


def country(code: str | None, *, gold: bool = False) -> str | None:
    """Normalise an actor code to country level (three letters, older CAMEO codes mapped).

    ``gold`` codes are CAMEO-coded: their region codes and the CAMEO codes that are also ISO codes
    of another state are mapped too (see ``detente/actors/data/cameo_codes.yaml``).
    """
    if not code:
        return None
    return normalise_code(code.strip().upper()[:3], cameo=gold) or None


def gold_codes(value: Any) -> set[str]:
    """The normalised codes of a gold ``source`` or ``target`` field (list, string or empty)."""
    if not value:
        return set()
    items = value if isinstance(value, list) else [value]
    out: set[str] = set()
    for item in items:
        code = item.get("code") if isinstance(item, dict) else str(item)
        norm = country(code, gold=True)
        if norm:
            out.add(norm)
    return out


def read_gold(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Read a PLOVER gold JSONL file.

    Raises:
        EvalError: a line is not JSON or lacks ``text`` / ``event``.
    """
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalError(f"{path}:{n}: not JSON ({exc})", code="E085") from exc
            if "text" not in rec or "event" not in rec:
                raise EvalError(f"{path}:{n}: a gold record needs `text` and `event`", code="E086")
            records.append(rec)
            if limit and len(records) >= limit:
                break
    return records


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def score_records(gold: list[dict[str, Any]], predicted: list[tuple[Event, ...]]) -> dict[str, Any]:
    """Score predicted events (one tuple per gold record) against the gold records."""
    onto = load_ontology()
    t_tp = t_fp = t_fn = 0
    x_tp = x_fp = x_fn = 0
    per_type: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for rec, events in zip(gold, predicted, strict=True):
        want, _ = onto.normalise(str(rec["event"]))
        src, tgt = gold_codes(rec.get("source")), gold_codes(rec.get("target"))
        factual = [e for e in events if e.factual]
        types = {e.event for e in factual}
        hit = want in types
        t_tp += hit
        t_fn += not hit
        t_fp += len(types - {want})
        per_type[want]["tp" if hit else "fn"] += 1
        for other in types - {want}:
            per_type[other]["fp"] += 1
        if not types:
            confusion[want]["(none)"] += 1
        for got in types:
            confusion[want][got] += 1
        triples = {
            (
                e.event,
                tuple(sorted({country(a.code) or "" for a in e.actor})),
                tuple(sorted({country(r.code) or "" for r in e.recipient})),
            )
            for e in factual
        }
        matched = False
        for ev, actors, recipients in triples:
            ok = ev == want and bool(src & set(actors)) and (not tgt or bool(tgt & set(recipients)))
            if ok and not matched:
                matched = True
            else:
                x_fp += 1
        x_tp += matched
        x_fn += not matched
    return {
        "n": len(gold),
        "type": _prf(t_tp, t_fp, t_fn),
        "triple": _prf(x_tp, x_fp, x_fn),
        "per_type": {k: _prf(v["tp"], v["fp"], v["fn"]) for k, v in sorted(per_type.items())},
        "confusion": {k: dict(v.most_common()) for k, v in sorted(confusion.items())},
    }


def score(gold: Path, settings: Settings, limit: int | None = None) -> dict[str, Any]:
    """Code each gold sentence with its date and score types and (type, actor, recipient)."""
    from ..api import code_text, get_pipeline

    records = read_gold(gold, limit)
    pipeline = get_pipeline(settings)
    predicted = [
        code_text(
            str(rec["text"]),
            date=str(rec.get("date") or "") or None,
            settings=settings,
            pipeline=pipeline,
        ).events
        for rec in records
    ]
    return score_records(records, predicted)
