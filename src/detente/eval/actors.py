"""Score actor resolution on the PLOVER gold standard records (``plover-gsr-dev.jsonl``).

Definition (documented in docs/actors.md):

* Each gold record is one sentence with a date; it is coded by the ``nlp`` and ``actors`` stages
  only (no boilerplate removal or language filter), with the record's date as publication date.
* Every gold source and target actor that has a non-empty code is one item (``n``). Its
  ``actorText`` is located in the sentence (first case-insensitive occurrence).
* The predicted code of an item is the code of the coded mention that overlaps the actor text the
  most (ties: the earliest); mentions without a code are ignored. Locations count (a gold actor
  such as "Tel Aviv" is a place standing for its country).
* Gold codes are normalised (older CAMEO codes such as JAP, ITL -> JPN, ITA) and so are predicted
  codes; an item is correct when the two are equal. ``accuracy`` = correct / n.
* ``sector_accuracy`` is measured over the items whose gold sector is one of the standard PLOVER
  sectors and whose code is correct.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..actors.kb import normalise_code
from ..config import Settings
from ..errors import EvalError
from ..pipeline import Pipeline
from ..read import make_article
from ..records import Article, Mention
from .gold import read_jsonl

__all__ = ["score"]

SECTORS = frozenset(
    {
        "GOV",
        "MIL",
        "COP",
        "JUD",
        "LEG",
        "OPP",
        "REB",
        "PTY",
        "SPY",
        "BUS",
        "MED",
        "JRN",
        "CVL",
        "REL",
        "EDU",
        "LAB",
        "REF",
        "CRM",
    }
)


def _read(gold: Path, limit: int | None) -> list[dict[str, Any]]:
    return read_jsonl(gold, "plover-gsr-dev.jsonl", limit)


def _actors(record: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for role in ("source", "target"):
        value = record.get(role)
        if isinstance(value, list):
            out.extend((role, a) for a in value if isinstance(a, dict) and a.get("code"))
    return out


def _locate(text: str, needle: str) -> tuple[int, int] | None:
    needle = " ".join(needle.split())
    low = text.lower()
    at = low.find(needle.lower())
    if at >= 0:
        return at, at + len(needle)
    # Gold texts sometimes differ in spacing or a possessive ("Jordan's King Abdullah II").
    words = [w for w in needle.replace("'s", "").split() if len(w) > 2]
    for word in sorted(words, key=len, reverse=True):
        at = low.find(word.lower())
        if at >= 0:
            return at, at + len(word)
    return None


def _best(mentions: tuple[Mention, ...], start: int, end: int) -> Mention | None:
    best: tuple[int, int, Mention] | None = None
    for m in mentions:
        if m.actor is None or not m.actor.code:
            continue
        overlap = min(end, m.end) - max(start, m.start)
        if overlap <= 0:
            continue
        key = (overlap, -m.start)
        if best is None or key > best[:2]:
            best = (overlap, -m.start, m)
    return best[2] if best else None


def score(gold: Path, settings: Settings, limit: int | None = None) -> dict[str, Any]:
    """Actor accuracy at country level on the PLOVER gold records (see module docstring)."""
    records = _read(Path(gold), limit)
    if not records:
        raise EvalError(f"gold set {gold} has no records", code="E084")
    pipeline = Pipeline.from_settings(settings, stages=("nlp", "actors"), on_error="raise")
    arts = [
        make_article(
            f"<gold:{r.get('id')}>", str(r.get("text", "")).strip(), published=r.get("date")
        )
        for r in records
    ]
    coded: list[Article] = list(pipeline.pipe(arts))
    n = correct = missed = sector_n = sector_ok = 0
    by_role: dict[str, list[int]] = {"source": [0, 0], "target": [0, 0]}
    errors: list[dict[str, Any]] = []
    for record, art in zip(records, coded, strict=True):
        for role, actor in _actors(record):
            n += 1
            by_role[role][1] += 1
            gold_code = normalise_code(str(actor["code"]), cameo=True)
            where = _locate(art.text, str(actor.get("actorText", "")))
            mention = _best(art.mentions, *where) if where else None
            predicted = normalise_code(mention.actor.code) if mention and mention.actor else None
            if predicted is None:
                missed += 1
            if predicted == gold_code:
                correct += 1
                by_role[role][0] += 1
                sector = str(actor.get("sector") or "")
                if sector in SECTORS and mention is not None and mention.actor is not None:
                    sector_n += 1
                    sector_ok += int(mention.actor.sector == sector)
            elif len(errors) < 60:
                errors.append(
                    {
                        "id": record.get("id"),
                        "role": role,
                        "actor_text": actor.get("actorText"),
                        "gold": gold_code,
                        "predicted": predicted,
                        "mention": mention.text if mention else None,
                        "via": mention.via if mention else None,
                    }
                )
    return {
        "accuracy": round(correct / n, 4) if n else 0.0,
        "n": n,
        "correct": correct,
        "missed": missed,
        "wrong": n - correct - missed,
        "records": len(records),
        "source_accuracy": round(by_role["source"][0] / by_role["source"][1], 4)
        if by_role["source"][1]
        else 0.0,
        "target_accuracy": round(by_role["target"][0] / by_role["target"][1], 4)
        if by_role["target"][1]
        else 0.0,
        "sector_accuracy": round(sector_ok / sector_n, 4) if sector_n else 0.0,
        "sector_n": sector_n,
        "errors": errors,
    }
