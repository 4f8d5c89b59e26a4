"""De-duplication: near-duplicate articles grouped into stories, and events merged across them.

Stories: every stored article has a MinHash signature of its word 5-gram shingles (computed by
the workers). :func:`group_stories` indexes them in a MinHash LSH (datasketch) at a Jaccard
threshold, confirms each candidate pair by its estimated Jaccard similarity, and takes connected
components as stories; a story's id is its smallest article id, so grouping is deterministic and
re-running it changes nothing.

Merged events: factual events with the same type, actor codes and recipient codes are chained in
date order; a gap longer than the merge window starts a new merged event. A merged event counts
its raw events (mentions), distinct articles, distinct sources and stories, like GDELT's
NumMentions/NumArticles/NumSources, and ``merged_links`` keeps every raw event it merged.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from ..errors import StoreError
from .rows import NUM_PERM
from .writer import register

__all__ = [
    "MERGED_SELECT",
    "SOURCE_SQL",
    "STORIES_SELECT",
    "dedup",
    "find_root",
    "group_stories",
    "grouped_sql",
    "lsh_bands",
    "merge_events",
]

log = logging.getLogger(__name__)


#: An article's source: its name, else its URL's host; articles with neither count as one
#: "unknown" source, so that unknown sources never inflate NumSources.
SOURCE_SQL = (
    "coalesce(nullif(a.source, ''), nullif(regexp_extract(a.url, '^[a-z]+://([^/]+)', 1), ''), "
    "'(unknown)')"
)


#: The ``stories`` rows from ``articles`` with their ``story_id`` set.
STORIES_SELECT = (
    f"SELECT story_id, count(*), count(DISTINCT {SOURCE_SQL}), min(published), max(published), "
    "arg_min(title, id) FROM articles a GROUP BY story_id"
)

#: The ``merged_events`` rows from the ``_grouped`` events of :func:`grouped_sql`.
#:
#: The most common mode and CAMEO code of a merged event are chosen with ties broken by the
#: smallest value: DuckDB's ``mode()`` keeps whichever tied value it met first, and the order
#: the rows arrive in differs between the DuckDB store and a Parquet dataset written by Spark.
#: NULLs never win unless every value is NULL, as with ``mode()``.
MERGED_SELECT = """
            WITH t AS (
                SELECT *, count(*) OVER (PARTITION BY merged_id, mode) AS n_mode,
                          count(*) OVER (PARTITION BY merged_id, cameo) AS n_cameo
                FROM _grouped)
            SELECT merged_id, any_value(event), any_value(actor_codes),
                   any_value(recipient_codes), min(d), max(d),
                   first(mode ORDER BY mode IS NULL, n_mode DESC, mode),
                   any_value(quad_code), round(avg(event_scale), 3),
                   first(cameo ORDER BY cameo IS NULL, n_cameo DESC, cameo), count(*),
                   count(DISTINCT article_id), count(DISTINCT src), count(DISTINCT story_id),
                   arg_min(id, id), arg_min(url, id)
            FROM t GROUP BY merged_id"""


def grouped_sql(window_days: int) -> str:
    """Factual events with their merge group (``merged_id``): chained by date within the window.

    Reads ``events`` and ``articles`` (with ``story_id`` set); shared by the DuckDB store and the
    Parquet dataset's de-duplication pass.
    """
    return f"""
            WITH f AS (
                SELECT e.id, e.article_id, e.event, e.actor_codes, e.recipient_codes, e.mode,
                       e.quad_code, e.event_scale, e.cameo,
                       coalesce(e.date, a.published) AS d,
                       {SOURCE_SQL} AS src,
                       a.story_id, a.url
                FROM events e JOIN articles a ON a.id = e.article_id
                WHERE e.factual),
            g AS (
                SELECT *, CASE WHEN d - lag(d) OVER w > {int(window_days)} THEN 1 ELSE 0 END
                          AS brk
                FROM f WINDOW w AS (PARTITION BY event, actor_codes, recipient_codes
                                    ORDER BY d NULLS LAST, id)),
            c AS (
                SELECT *, sum(brk) OVER (PARTITION BY event, actor_codes, recipient_codes
                                         ORDER BY d NULLS LAST, id
                                         ROWS UNBOUNDED PRECEDING) AS grp
                FROM g)
            SELECT *, 'm' || substr(md5(event || '|' || actor_codes || '|' || recipient_codes
                   || '|' || coalesce(CAST(min(d) OVER k AS VARCHAR), '')
                   || '|' || CAST(d IS NULL AS VARCHAR)), 1, 16) AS merged_id
            FROM c WINDOW k AS (PARTITION BY event, actor_codes, recipient_codes, grp,
                                d IS NULL)"""


def lsh_bands(threshold: float) -> tuple[int, int]:
    """The bands and rows per band of the MinHash LSH that proposes story candidates.

    Two signatures are candidates when all hash values of one band are equal; a pass over a
    Parquet dataset uses the same bands as :func:`group_stories`, so both find the same stories.
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=min(threshold, 0.9), num_perm=NUM_PERM)
    return int(lsh.b), int(lsh.r)


def find_root(parent: dict[str, str], x: str) -> str:
    """The root of ``x`` in a union-find forest (with path compression)."""
    return _find(parent, x)


def _find(parent: dict[str, str], x: str) -> str:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:  # path compression keeps later finds short
        parent[x], x = root, parent[x]
    return root


def group_stories(con: Any, *, threshold: float = 0.8) -> int:
    """Group near-duplicate articles into stories and fill ``articles.story_id`` and ``stories``.

    Args:
        con: a read-write connection.
        threshold: Jaccard similarity (0-1) of word 5-gram shingles above which two articles
            are the same story.

    Returns:
        The number of stories with more than one article.
    """
    from datasketch import MinHash, MinHashLSH

    if not 0.0 < threshold <= 1.0:
        raise StoreError(f"dedup threshold {threshold} must be in (0, 1]", code="E079")
    # The LSH only proposes candidates (it needs at least two bands, so its threshold is capped);
    # every candidate is confirmed against the real threshold below.
    lsh = MinHashLSH(threshold=min(threshold, 0.9), num_perm=NUM_PERM)
    sigs: dict[str, Any] = {}
    parent: dict[str, str] = {}
    # One permutation table for all signatures (the same seed made them all).
    perms = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations
    cur = con.execute("SELECT article_id, minhash FROM signatures ORDER BY article_id")
    while rows := cur.fetchmany(10_000):
        for art_id, blob in rows:
            values = np.frombuffer(blob, dtype="<u8").astype(np.uint64)
            if len(values) != NUM_PERM:
                continue
            mh = MinHash(
                num_perm=NUM_PERM, seed=1, hashvalues=values, permutations=perms, scheme="affine32"
            )
            parent[art_id] = art_id
            for other in lsh.query(mh):
                # LSH gives candidates; confirm with the estimated similarity (the share of
                # equal hash values, what MinHash.jaccard computes).
                if np.count_nonzero(values == sigs[other]) / NUM_PERM >= threshold:
                    ra, rb = _find(parent, art_id), _find(parent, other)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
            lsh.insert(art_id, mh)
            sigs[art_id] = values  # the bare array: half the memory of a MinHash object
    import pyarrow as pa

    ids = list(parent)
    table = pa.table({"id": ids, "story_id": [_find(parent, i) for i in ids]})
    register(con, "_stories", table)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL")
        con.execute(
            "UPDATE articles SET story_id = s.story_id FROM _stories s WHERE articles.id = s.id"
        )
        # Articles without words (no signature) are stories of their own.
        con.execute("UPDATE articles SET story_id = id WHERE story_id IS NULL")
        con.execute("DELETE FROM stories")
        con.execute(f"INSERT INTO stories {STORIES_SELECT}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_stories")
    row = con.execute("SELECT count(*) FROM stories WHERE n_articles > 1").fetchone()
    return int(row[0]) if row else 0


def merge_events(con: Any, *, window_days: int = 1) -> int:
    """Merge factual events into ``merged_events`` (and ``merged_links``); return their number.

    Args:
        con: a read-write connection.
        window_days: events of the same type, actor and recipient whose dates are at most this
            many days apart (chained) are one real-world event.
    """
    if window_days < 0:
        raise StoreError(f"merge window {window_days} must be >= 0 days", code="E079")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM merged_links")
        con.execute("DELETE FROM merged_events")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _grouped AS {grouped_sql(window_days)}")
        con.execute(f"INSERT INTO merged_events {MERGED_SELECT}")
        con.execute("INSERT INTO merged_links SELECT merged_id, id FROM _grouped")
        con.execute("DROP TABLE _grouped")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    row = con.execute("SELECT count(*) FROM merged_events").fetchone()
    return int(row[0]) if row else 0


def dedup(
    con: Any, *, threshold: float = 0.8, window_days: int = 1, force: bool = False
) -> dict[str, int] | None:
    """Group stories then merge events, unless nothing changed since the last time.

    The state (article and event counts, threshold, window) is kept in ``meta`` so a re-run of
    an ingest that added nothing does not redo the work; ``force`` redoes it anyway.

    Returns:
        ``{"stories": multi-article stories, "merged_events": n}``, or ``None`` when skipped.
    """
    row = con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)"
    ).fetchone()
    state = f"{row[0] if row else 0}:{row[1] if row else 0}:{threshold}:{window_days}"
    old = con.execute("SELECT value FROM meta WHERE key = 'dedup_state'").fetchone()
    if not force and old and old[0] == state:
        log.info("de-duplication is up to date (%s)", state)
        return None
    n_stories = group_stories(con, threshold=threshold)
    n_merged = merge_events(con, window_days=window_days)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('dedup_state', ?)", [state])
    log.info("de-duplication: %d multi-article stories, %d merged events", n_stories, n_merged)
    return {"stories": n_stories, "merged_events": n_merged}
