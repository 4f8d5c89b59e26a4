"""The ingest runs and the totals of a database (the dashboard's front page)."""

from __future__ import annotations

import json
from typing import Any

from ..quads import QUAD_KEYS
from .schema import SCHEMA_VERSION, schema_version
from .series import date_span
from .sql import fetch_dicts, plain

__all__ = [
    "runs",
    "stats",
]


def runs(con: Any) -> list[dict[str, Any]]:
    """Every ingest run, newest first (versions, settings and inputs decoded from JSON)."""
    rows = fetch_dicts(con.execute("SELECT * FROM runs ORDER BY run_id DESC"))
    for r in rows:
        for key in ("versions", "lexicon_files", "settings", "inputs"):
            r[key] = json.loads(r[key]) if r[key] else None
    return rows


def stats(con: Any) -> dict[str, Any]:
    """Totals for a dashboard's front page.

    Returns:
        ``{"schema_version", "articles", "rejections", "mentions", "events", "factual_events",
        "merged_events", "quotes", "stories", "sources", "first_date", "last_date",
        "by_type": {type: n}, "by_quad": {quad name: n}, "rejections_by_reason": {reason: n},
        "runs", "last_run": {...} | None, "first_event_date", "last_event_date"}``; event
        counts and dates are those of factual events unless named otherwise (``first_date``/
        ``last_date`` are publication dates).
    """

    def one(sql: str) -> Any:
        row = con.execute(sql).fetchone()
        return plain(row[0]) if row else None

    out: dict[str, Any] = {
        "schema_version": schema_version(con) or SCHEMA_VERSION,
        "articles": one("SELECT count(*) FROM articles"),
        "rejections": one("SELECT count(*) FROM rejections"),
        "mentions": one("SELECT count(*) FROM mentions"),
        "events": one("SELECT count(*) FROM events"),
        "factual_events": one("SELECT count(*) FROM events WHERE factual"),
        "merged_events": one("SELECT count(*) FROM merged_events"),
        "quotes": one("SELECT count(*) FROM quotes"),
        "stories": one("SELECT count(*) FROM stories"),
        "sources": one("SELECT count(DISTINCT source) FROM articles"),
        "first_date": one("SELECT min(published) FROM articles"),
        "last_date": one("SELECT max(published) FROM articles"),
    }
    out["by_type"] = dict(
        con.execute(
            "SELECT event, count(*) FROM events WHERE factual GROUP BY event ORDER BY 2 DESC"
        ).fetchall()
    )
    out["by_quad"] = {
        QUAD_KEYS.get(int(q), str(q)): n
        for q, n in con.execute(
            "SELECT quad_code, count(*) FROM events WHERE factual AND quad_code IS NOT NULL "
            "GROUP BY quad_code ORDER BY quad_code"
        ).fetchall()
    }
    out["rejections_by_reason"] = dict(
        con.execute(
            "SELECT reason, count(*) FROM rejections GROUP BY reason ORDER BY 2 DESC"
        ).fetchall()
    )
    last = runs(con)
    out["runs"] = len(last)
    out["last_run"] = last[0] if last else None
    out["first_event_date"], out["last_event_date"] = date_span(con)
    return out
