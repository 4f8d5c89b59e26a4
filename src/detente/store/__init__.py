"""The store: an embedded DuckDB database of coded articles, its queries and exports.

The store is persistence only: building a database (reading and coding inputs) is
:mod:`detente.ingest`, which uses the store; the store imports neither it nor the engines.

Contract (stable for the CLI and the web app; every table and column is in ``docs/store.md``):

Opening
    ``open_db(path, read_only=False) -> duckdb connection``: creates the schema in a new file,
    migrates an older one (``meta.schema_version``, :data:`SCHEMA_VERSION`). With
    ``read_only=True`` the file must exist and have the current schema; a database being written
    by an ingest cannot be opened (DuckDB allows one writer process) and raises
    :class:`~detente.errors.StoreError` (code ``E074``). ``connect(path)`` is the read-only form;
    it also opens a Parquet dataset directory (:mod:`detente.store.parquet`) as views.

Writing
    :class:`~detente.store.writer.Writer` inserts the rows of coded articles
    (:class:`~detente.store.rows.Batch`) one transaction per batch and keeps the ``runs`` table;
    :func:`dedup` groups stories and merges events.

Tables
    ``meta``, ``runs``, ``articles``, ``mentions``, ``events``, ``event_entities``, ``quotes``,
    ``rejections``, ``signatures``, ``stories``, ``merged_events``, ``merged_links``.

Queries (``detente.store.queries``; first argument an open connection, JSON-ready results)
    ``events(con, actor=, recipient=, type=, context=, since=, until=, text=, article_id=,
    all_events=False, limit=50, offset=0)`` and ``count_events(con, **same filters)``;
    ``merged_events(con, actor=, recipient=, type=, since=, until=, limit=, offset=)``;
    ``relations(con, a, b, by="month", since=, until=, both_ways=False)``;
    ``actor_summary(con, code, since=, until=, limit=10)``;
    ``articles(con, source=, story_id=, since=, until=, text=, limit=, offset=)``;
    ``article(con, article_id)``; ``quotes(con, speaker=, actor=, words=, article_id=, since=,
    until=, limit=, offset=)``; ``rejections(con, reason=, run_id=, limit=, offset=)``;
    ``runs(con)``; ``stories(con, min_articles=2, limit=, offset=)``; ``stats(con)``.
    Default views and counts leave non-factual events (negated, hypothetical, future) out.

Exports
    ``export(con, fmt, out, merged=False, all_events=False) -> int``: ``plover`` (JSONL, one
    PLOVER record per line), ``gdelt`` (GDELT 2.0 event table, 61 tab-separated columns),
    ``parquet`` and ``csv`` (the events table with actor and recipient flattened).
"""

from __future__ import annotations

import os
from typing import Any

from . import queries
from .dedup import dedup, group_stories, merge_events
from .export import EXPORT_FORMATS, GDELT_COLUMNS, export
from .schema import SCHEMA_VERSION, TABLES, open_db

__all__ = [
    "EXPORT_FORMATS",
    "GDELT_COLUMNS",
    "SCHEMA_VERSION",
    "TABLES",
    "connect",
    "dedup",
    "export",
    "group_stories",
    "merge_events",
    "open_db",
    "queries",
]


def connect(path: str | os.PathLike[str]) -> Any:
    """Open a detente database read-only (what queries, the CLI readers and the web app use).

    ``path`` is a DuckDB file or a Parquet dataset directory (written by ``detente ingest
    --engine spark --parquet DIR``), opened as read-only views with the same tables.

    Raises:
        StoreError: the file is missing, not a detente database, or being written.
    """
    from .parquet import is_dataset, open_dataset

    if is_dataset(path):
        return open_dataset(path)
    return open_db(path, read_only=True)
