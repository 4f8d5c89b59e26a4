"""Queries of where events happened: map points (``events.location_*``) for the dashboard."""

from __future__ import annotations

from typing import Any

from ..quads import QUAD_CLASSES
from .sql import event_where

__all__ = ["map_points"]


def map_points(con: Any, *, limit: int = 2000, **filters: Any) -> list[dict[str, Any]]:
    """Located events matching :func:`detente.store.event_queries.events` filters, one point per
    place, the most eventful first.

    Events are grouped by their location's name, country and point (so two towns of one name in
    different countries stay apart); events without a location are left out.

    Returns:
        ``[{"name", "country", "admin1", "lat", "lon", "count", "quads": {1: n, 2: n, 3: n,
        4: n}, "located"}]``: ``count`` the events placed there, ``quads`` how many of them are
        of each quad class (events without a quad class count only in ``count``), ``located``
        the located events of every place (the limit applied or not).
    """
    where, params = event_where(**filters)
    located = "e.location_lat IS NOT NULL AND e.location_lon IS NOT NULL"
    clause = f"{where} AND {located}" if where else f" WHERE {located}"
    quads = ", ".join(
        f"count(*) FILTER (WHERE e.quad_code = {int(q)}) AS q{int(q)}" for q in QUAD_CLASSES
    )
    cur = con.execute(
        "SELECT e.location_name AS name, e.location_country AS country, "
        "min(e.location_admin1) AS admin1, round(e.location_lat, 4) AS lat, "
        f"round(e.location_lon, 4) AS lon, count(*) AS count, {quads}, "
        f"sum(count(*)) OVER () AS located FROM events e{clause} "
        "GROUP BY e.location_name, e.location_country, round(e.location_lat, 4), "
        "round(e.location_lon, 4) ORDER BY count DESC, name, country LIMIT ?",
        [*params, int(limit)],
    )
    cols = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        rec = dict(zip(cols, row, strict=True))
        rec["quads"] = {q: int(rec.pop(f"q{q}")) for q in QUAD_CLASSES}
        rec["count"] = int(rec["count"])
        rec["located"] = int(rec["located"])
        out.append(rec)
    return out
