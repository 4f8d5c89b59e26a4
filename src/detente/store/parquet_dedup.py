"""De-duplication of a Parquet dataset: stories and merged events in one DuckDB pass.

The same stories and merged events as :mod:`detente.store.dedup` computes in a DuckDB file, in
memory bounded by DuckDB's ``memory_limit`` (it spills to disk), not by the number of articles:

* candidate pairs come from the LSH bands of the MinHash signatures, as SQL (a band is a
  substring of the signature's hex; :func:`~detente.store.dedup.lsh_bands` gives the same bands
  as the in-memory LSH), streamed and confirmed by their estimated Jaccard similarity;
* only articles with a confirmed near-duplicate enter the union-find; every other article is a
  story of its own (``coalesce(story_id, id)`` in the ``articles`` view);
* stories and merged events are the SQL of the DuckDB store (shared constants), copied to
  Parquet files of a new state directory, which ``_dedup/CURRENT`` names once all are written.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StoreError
from .dedup import MERGED_SELECT, STORIES_SELECT, find_root, grouped_sql, lsh_bands
from .parquet import DEDUP_DIR, committed, dedup_state, open_dataset, table_files
from .rows import NUM_PERM

__all__ = ["dedup_dataset"]

log = logging.getLogger(__name__)


def _state(root: str, threshold: float, window_days: int) -> str:
    """The name of the state for the current commits and parameters (same inputs, same name)."""
    commits = committed(root)
    files = [f for t in ("articles", "events", "signatures") for f in table_files(root, t, commits)]
    key = "|".join([*files, str(threshold), str(window_days)])
    return "s" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _story_pairs(con: Any, threshold: float) -> dict[str, str]:
    """Union-find parents of the articles that have a confirmed near-duplicate."""
    bands, rows = lsh_bands(threshold)
    width = rows * 16  # hex digits of one band (8 bytes per hash value)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _bands AS
        SELECT article_id, b.i AS band, substr(hex(minhash), b.i * {width} + 1, {width}) AS key
        FROM signatures, range({bands}) b(i)
        WHERE octet_length(minhash) = {NUM_PERM * 8}""")
    cur = con.execute("""
        SELECT p.a, p.b, sa.minhash, sb.minhash FROM (
            SELECT DISTINCT x.article_id AS a, y.article_id AS b
            FROM _bands x JOIN _bands y
              ON x.band = y.band AND x.key = y.key AND x.article_id < y.article_id) p
        JOIN signatures sa ON sa.article_id = p.a
        JOIN signatures sb ON sb.article_id = p.b
        ORDER BY p.a, p.b""")
    parent: dict[str, str] = {}
    while batch := cur.fetchmany(10_000):
        for a, b, blob_a, blob_b in batch:
            same = np.count_nonzero(
                np.frombuffer(blob_a, dtype="<u8") == np.frombuffer(blob_b, dtype="<u8")
            )
            if same / NUM_PERM < threshold:
                continue
            parent.setdefault(a, a)
            parent.setdefault(b, b)
            ra, rb = find_root(parent, a), find_root(parent, b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    con.execute("DROP TABLE _bands")
    return parent


def _copy(con: Any, select: str, table: str, path: str) -> None:
    """Write a query's rows as ``table``'s columns to one Parquet file."""
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    names = ", ".join(f'"{c}"' for c in cols)
    con.execute(f"COPY (SELECT * FROM ({select}) AS t({names})) TO '{path}' (FORMAT parquet)")


def dedup_dataset(
    root: str | os.PathLike[str],
    *,
    threshold: float = 0.8,
    window_days: int = 1,
    force: bool = False,
    memory_limit: str | None = None,
) -> dict[str, int] | None:
    """Group stories and merge events of a (local) Parquet dataset; write them to the dataset.

    Args:
        root: the dataset directory.
        threshold: Jaccard similarity above which two articles are one story.
        window_days: days within which events of the same type, actor and recipient merge.
        force: recompute even when the commits and parameters have not changed.
        memory_limit: DuckDB's memory limit for the pass (e.g. ``"4GB"``; default DuckDB's).

    Returns:
        ``{"stories": multi-article stories, "merged_events": n}``, or ``None`` when up to date.

    Raises:
        StoreError: bad parameters, or the dataset cannot be read or written.
    """
    if not 0.0 < threshold <= 1.0:
        raise StoreError(f"dedup threshold {threshold} must be in (0, 1]", code="E079")
    if window_days < 0:
        raise StoreError(f"merge window {window_days} must be >= 0 days", code="E079")
    name = os.fspath(root)
    state = _state(name, threshold, window_days)
    if not force and dedup_state(name) == state:
        log.info("de-duplication of %s is up to date (%s)", name, state)
        return None
    base = Path(name, DEDUP_DIR)
    out = base / state
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    con = open_dataset(name)
    try:
        con.execute(f"SET temp_directory = '{base / '.tmp'}'")
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        parent = _story_pairs(con, threshold)
        import pyarrow as pa
        import pyarrow.parquet as pq

        ids = sorted(parent)
        pq.write_table(
            pa.table(
                {
                    "id": pa.array(ids, pa.string()),
                    "story_id": pa.array([find_root(parent, i) for i in ids], pa.string()),
                }
            ),
            out / "story_ids.parquet",
        )
        con.execute("CREATE OR REPLACE TABLE story_ids (id VARCHAR, story_id VARCHAR)")
        con.execute(f"INSERT INTO story_ids SELECT * FROM '{out / 'story_ids.parquet'}'")
        if con.execute(
            "SELECT count(*) FROM duckdb_views() WHERE view_name = '_raw_articles'"
        ).fetchall()[0][0]:
            con.execute(
                "CREATE OR REPLACE VIEW articles AS SELECT a.* REPLACE "
                "(coalesce(s.story_id, a.id) AS story_id) FROM _raw_articles a "
                "LEFT JOIN story_ids s ON s.id = a.id"
            )
        _copy(con, STORIES_SELECT, "stories", str(out / "stories.parquet"))
        con.execute(f"CREATE OR REPLACE TEMP TABLE _grouped AS {grouped_sql(window_days)}")
        _copy(con, MERGED_SELECT, "merged_events", str(out / "merged_events.parquet"))
        _copy(
            con,
            "SELECT merged_id, id FROM _grouped",
            "merged_links",
            str(out / "merged_links.parquet"),
        )
        row = con.execute(
            f"SELECT (SELECT count(*) FROM '{out / 'stories.parquet'}' WHERE n_articles > 1), "
            f"(SELECT count(*) FROM '{out / 'merged_events.parquet'}')"
        ).fetchone()
        stats = {"stories": int(row[0]), "merged_events": int(row[1])} if row else {}
    except Exception as exc:
        shutil.rmtree(out, ignore_errors=True)
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"cannot de-duplicate dataset {name!r}: {exc}", code="E078") from exc
    finally:
        con.close()
    # The state becomes current in one rename; readers see the old one or the new one.
    tmp = base / ".CURRENT.tmp"
    tmp.write_text(state + "\n", "utf-8")
    os.replace(tmp, base / "CURRENT")
    for old in base.iterdir():
        if old.is_dir() and old.name != state and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    log.info(
        "de-duplication of %s: %d multi-article stories, %d merged events",
        name,
        stats["stories"],
        stats["merged_events"],
    )
    return stats
