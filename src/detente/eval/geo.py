"""Score toponym resolution on GeoWebNews (``geowebnews.jsonl``).

Definition (documented in docs/geo.md):

* Each gold article (``id``, ``title``, ``text``, ``toponyms``) is coded by the ``nlp``, ``actors``
  and ``places`` stages, with its title, without boilerplate removal (gold offsets point into
  ``text``).
* Each gold toponym with a point is one item. Its prediction is the place in the text whose words
  are the same as the gold phrase (normalised: case, accents, periods, a leading "the", a
  possessive) and whose offset is nearest the gold offset; none when no place has those words.
* ``found`` = items with a prediction / items; an item is right when its prediction lies within
  161 km (100 miles) of the gold point: ``acc@161km`` = right / items. ``median_km`` is the median
  error over the found items. The same figures are given per toponym ``type`` (Literal,
  Metonymic, Non_Literal_Modifier, ...).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import EvalError
from ..geo.gazetteer import normalise
from ..pipeline import Pipeline
from ..read import make_article
from ..records import Article, Place
from .gold import read_jsonl

__all__ = ["RADIUS_KM", "haversine_km", "score"]

RADIUS_KM = 161.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _key(text: str) -> str:
    text = text.strip()
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return normalise(text)


def _read(gold: Path, limit: int | None) -> list[dict[str, Any]]:
    return read_jsonl(gold, "geowebnews.jsonl", limit)


def _nearest(places: list[Place], key: str, start: int) -> Place | None:
    same = [p for p in places if _key(p.text) == key]
    return min(same, key=lambda p: abs(p.start - start)) if same else None


def _summary(errors_km: list[float | None]) -> dict[str, Any]:
    n = len(errors_km)
    found = [e for e in errors_km if e is not None]
    right = sum(1 for e in found if e <= RADIUS_KM)
    return {
        "n": n,
        "found": round(len(found) / n, 4) if n else 0.0,
        "acc@161km": round(right / n, 4) if n else 0.0,
        "median_km": round(statistics.median(found), 1) if found else None,
    }


def score(gold: Path, settings: Settings, limit: int | None = None) -> dict[str, Any]:
    """Toponym found share, acc@161km and median error on GeoWebNews (module docstring)."""
    records = _read(Path(gold), limit)
    if not records:
        raise EvalError(f"gold set {gold} has no records", code="E084")
    pipeline = Pipeline.from_settings(
        settings, stages=("nlp", "actors", "places"), on_error="raise"
    )
    arts = [
        make_article(f"<gold:{r.get('id')}>", str(r.get("text", "")), title=r.get("title") or None)
        for r in records
    ]
    coded: list[Article] = list(pipeline.pipe(arts))
    overall: list[float | None] = []
    by_type: dict[str, list[float | None]] = defaultdict(list)
    misses: list[dict[str, Any]] = []
    for record, art in zip(records, coded, strict=True):
        places = [p for p in art.places if p.field == "text"]
        for top in record.get("toponyms", ()):
            if top.get("lat") is None or top.get("lon") is None:
                continue
            pred = _nearest(places, _key(str(top["phrase"])), int(top["start"]))
            err = (
                None
                if pred is None
                else haversine_km(pred.lat, pred.lon, float(top["lat"]), float(top["lon"]))
            )
            overall.append(err)
            by_type[str(top.get("type") or "unknown")].append(err)
            if (err is None or err > RADIUS_KM) and len(misses) < 80:
                misses.append(
                    {
                        "id": record.get("id"),
                        "phrase": top["phrase"],
                        "type": top.get("type"),
                        "predicted": None if pred is None else f"{pred.name} ({pred.country})",
                        "km": None if err is None else round(err),
                    }
                )
    result = _summary(overall)
    result["articles"] = len(records)
    result["by_type"] = {t: _summary(v) for t, v in sorted(by_type.items())}
    result["errors"] = misses
    return result
