"""Time series of events: the date span, counts per period and quad class, and a dyad over time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import StoreError
from ..quads import QUAD_KEYS
from .periods import PERIODS
from .sql import event_where, fetch_dicts, plain

__all__ = [
    "date_span",
    "relations",
    "series",
]


def date_span(con: Any, **filters: Any) -> tuple[str | None, str | None]:
    """The first and last event date (ISO) among the events matching :func:`events` filters."""
    where, params = event_where(**filters)
    row = con.execute(f"SELECT min(e.date), max(e.date) FROM events e{where}", params).fetchone()
    return (plain(row[0]), plain(row[1])) if row else (None, None)


def series(con: Any, by: str = "month", **filters: Any) -> list[dict[str, Any]]:
    """Dated events matching :func:`events` filters, counted per period (``by``).

    Returns:
        One dict per period with events, in time order: ``period`` (ISO date of its first day),
        ``events``, ``verbal_cooperation``, ``material_cooperation``, ``verbal_conflict``,
        ``material_conflict`` (counts per quad class), ``intensity_sum`` (sum of event_scale),
        ``mean_intensity`` (mean event_scale, rounded to 3 places) and ``by_type``
        ({PLOVER type: count}).
    """
    if by not in PERIODS:
        raise StoreError(f"by={by!r}: use one of {', '.join(PERIODS)}", code="E079")
    where, params = event_where(**filters)
    quads = ", ".join(
        f"count(*) FILTER (WHERE e.quad_code = {q}) AS {n}" for q, n in QUAD_KEYS.items()
    )
    date_ok = f"{where} AND e.date IS NOT NULL" if where else " WHERE e.date IS NOT NULL"
    rows = fetch_dicts(
        con.execute(
            f"SELECT date_trunc('{by}', e.date)::DATE AS period, count(*) AS events, {quads}, "
            "sum(e.event_scale) AS intensity_sum, "
            "round(avg(e.event_scale), 3) AS mean_intensity, "
            f"histogram(e.event) AS by_type FROM events e{date_ok} "
            "GROUP BY period ORDER BY period",
            params,
        )
    )
    for r in rows:
        r["by_type"] = dict(r["by_type"] or {})
    return rows


def relations(
    con: Any,
    a: str,
    b: str,
    *,
    by: str = "month",
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    both_ways: bool = False,
    all_events: bool = False,
) -> list[dict[str, Any]]:
    """The dyad ``a`` -> ``b`` over time: counts per quad class and mean intensity per period.

    Args:
        con: an open database connection.
        a, b: actor codes (matched like the ``actor`` filter of :func:`events`).
        by: period length: day, week, month, quarter or year.
        since, until: inclusive date bounds.
        both_ways: count ``b`` -> ``a`` too.
        all_events: include non-factual events.

    Returns:
        The rows of :func:`series` without ``intensity_sum``.
    """
    rows = series(
        con,
        by,
        actor=a,
        recipient=b,
        since=since,
        until=until,
        both_ways=both_ways,
        all_events=all_events,
    )
    for r in rows:
        del r["intensity_sum"]
    return rows
