"""The read-only query layer over a detente database (used by the CLI and the web app).

Every function takes an open connection (``open_db(path, read_only=True)``) as its first argument
and returns plain JSON-ready values (``dict``/``list``, dates as ISO strings). Filters are keyword
arguments; ``None`` means "no filter". Events are the *raw* per-article events unless a function
says otherwise; non-factual events (negated, hypothetical, future) are left out unless
``all_events=True``.

This module gathers the query functions, one idea per module: events (:mod:`.event_queries`),
time series (:mod:`.series`), one actor (:mod:`.actor_queries`), articles, stories and rejections
(:mod:`.article_queries`), quotes (:mod:`.quote_queries`), map points (:mod:`.geo_queries`), runs
and totals (:mod:`.stats`); the
SQL building blocks are in :mod:`.sql`.
"""

from __future__ import annotations

from ..quads import QUAD_KEYS
from .actor_queries import actor_summary
from .article_queries import article, articles, rejections, stories
from .event_queries import (
    count_events,
    dyad_directions,
    event_types,
    events,
    merged_events,
    top_dyads,
    vocabulary,
)
from .geo_queries import map_points
from .periods import PERIODS
from .quote_queries import count_quotes, quotes
from .series import date_span, relations, series
from .stats import runs, stats

__all__ = [
    "PERIODS",
    "QUAD_NAMES",
    "actor_summary",
    "article",
    "articles",
    "count_events",
    "count_quotes",
    "date_span",
    "dyad_directions",
    "event_types",
    "events",
    "map_points",
    "merged_events",
    "quotes",
    "rejections",
    "relations",
    "runs",
    "series",
    "stats",
    "stories",
    "top_dyads",
    "vocabulary",
]

#: Quad code -> column name of :func:`series` (``verbal_cooperation``, ...); the table is
#: :data:`detente.quads.QUAD_KEYS`.
QUAD_NAMES = QUAD_KEYS
