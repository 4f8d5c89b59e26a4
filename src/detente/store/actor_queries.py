"""What one actor did and had done to it: counts, dates, event types, partners, names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .event_queries import count_events, event_types
from .series import date_span
from .sql import event_where, fetch_dicts

__all__ = [
    "actor_summary",
]


def actor_summary(
    con: Any,
    code: str,
    *,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    limit: int = 10,
) -> dict[str, Any]:
    """What one actor did and had done to it, with its main partners.

    Returns:
        ``{"code", "name", "kind", "names", "as_actor", "as_recipient", "first_date",
        "last_date", "by_type": {type: {"as_actor": n, "as_recipient": n}}, "partners":
        [{"code", "as_actor", "as_recipient", "events", "mean_intensity", "conflict"}],
        "mentions", "quotes"}`` where ``name``/``kind`` are the usual name of its mentions
        (a state's first), ``names`` the 5 most frequent, and partners are the ``limit`` codes
        it shares most factual events with (``conflict``: those of quad class 3 or 4).
    """
    code_u = code.upper()
    out_f: dict[str, Any] = {"actor": code, "since": since, "until": until}
    in_f: dict[str, Any] = {"recipient": code, "since": since, "until": until}
    w_out, p_out = event_where(**out_f)
    w_in, p_in = event_where(**in_f)
    spans = [date_span(con, **out_f), date_span(con, **in_f)]
    firsts = [d for d, _ in spans if d]
    lasts = [d for _, d in spans if d]
    by_type: dict[str, dict[str, int]] = {}
    for role, filters in (("as_actor", out_f), ("as_recipient", in_f)):
        for t in event_types(con, **filters):
            by_type.setdefault(t["event"], {"as_actor": 0, "as_recipient": 0})[role] = t["count"]
    partners = fetch_dicts(
        con.execute(
            f"WITH o AS (SELECT e.id, e.event_scale, e.quad_code FROM events e{w_out}), "
            f"i AS (SELECT e.id, e.event_scale, e.quad_code FROM events e{w_in}), "
            "p AS (SELECT x.code, 'as_actor' AS role, o.id, o.event_scale, o.quad_code FROM o "
            "  JOIN event_entities x ON x.event_id = o.id AND x.role = 'recipient' "
            "  UNION ALL SELECT x.code, 'as_recipient', i.id, i.event_scale, i.quad_code FROM i "
            "  JOIN event_entities x ON x.event_id = i.id AND x.role = 'actor') "
            "SELECT code, count(DISTINCT id) FILTER (WHERE role = 'as_actor') AS as_actor, "
            "count(DISTINCT id) FILTER (WHERE role = 'as_recipient') AS as_recipient, "
            "count(DISTINCT id) AS events, round(avg(event_scale), 3) AS mean_intensity, "
            "count(DISTINCT id) FILTER (WHERE quad_code >= 3) AS conflict FROM p "
            "WHERE code IS NOT NULL AND upper(code) <> ? GROUP BY code "
            "ORDER BY events DESC, code LIMIT ?",
            [*p_out, *p_in, code_u, int(limit)],
        )
    )
    names = con.execute(
        "SELECT actor_name, actor_kind, count(*) n FROM mentions WHERE upper(actor_code) = ? "
        "AND actor_name IS NOT NULL GROUP BY actor_name, actor_kind ORDER BY n DESC, actor_name",
        [code_u],
    ).fetchall()
    usual = min(names, key=lambda r: (r[1] != "state", -r[2], r[0]), default=(None, None, 0))
    n_mentions = con.execute(
        "SELECT count(*) FROM mentions WHERE upper(actor_code) = ?", [code_u]
    ).fetchone()
    n_quotes = con.execute(
        "SELECT count(*) FROM quotes WHERE upper(speaker_code) = ?", [code_u]
    ).fetchone()
    return {
        "code": code_u,
        "name": usual[0],
        "kind": usual[1],
        "names": list(dict.fromkeys(r[0] for r in names))[:5],
        "as_actor": count_events(con, **out_f),
        "as_recipient": count_events(con, **in_f),
        "first_date": min(firsts, default=None),
        "last_date": max(lasts, default=None),
        "by_type": by_type,
        "partners": partners,
        "mentions": int(n_mentions[0]) if n_mentions else 0,
        "quotes": int(n_quotes[0]) if n_quotes else 0,
    }
