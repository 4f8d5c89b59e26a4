"""A Parquet dataset store: the layout Spark writes, and read-only DuckDB views over it.

``detente ingest --engine spark --parquet DIR`` writes a directory any Hadoop-compatible file
system can hold; every read command opens it with ``--db DIR`` through :func:`open_dataset`,
which builds an in-memory DuckDB database whose tables are views over the committed Parquet
files, with the same names, columns and types as a DuckDB store (so every query, export and
page works unchanged).

Layout (``C`` is a commit id ``r<run>w<wave>-<token>``)::

    DIR/_detente.json                       the marker: format and schema version
    DIR/_commits/C.json                     written last: commit C is visible
    DIR/<table>/commit=C/part-*.parquet     articles, mentions, event_entities, quotes,
                                            rejections, signatures, inputs, runs
    DIR/events/year=Y/month=M/commit=C/...  events, by year and month of their date (0: none)
    DIR/_dedup/CURRENT                      names the current de-duplication state S
    DIR/_dedup/S/<table>.parquet            story_ids, stories, merged_events, merged_links

Files of a commit without its marker (a killed run) are never read, and the next run deletes
them. ``runs`` holds one row per run and commit (the run's counts when it committed); the view
keeps the latest.
"""

from __future__ import annotations

import functools
import glob
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .rows import COLUMNS
from .schema import SCHEMA, SCHEMA_VERSION

__all__ = [
    "CODED_TABLES",
    "COMMITS",
    "DATASET_FILE",
    "DATASET_FORMAT",
    "DEDUP_DIR",
    "DEDUP_TABLES",
    "INPUTS_COLUMNS",
    "arrow_schema",
    "committed",
    "dedup_state",
    "is_dataset",
    "local_path",
    "open_dataset",
    "table_files",
]

DATASET_FILE = "_detente.json"
DATASET_FORMAT = 1
COMMITS = "_commits"
DEDUP_DIR = "_dedup"

#: The tables the executors fill, with the columns the DuckDB writer inserts (rows.COLUMNS).
CODED_TABLES: tuple[str, ...] = tuple(COLUMNS)
#: The tables the de-duplication pass writes (``story_ids`` maps article -> story).
DEDUP_TABLES: tuple[str, ...] = ("story_ids", "stories", "merged_events", "merged_links")
#: Which inputs a commit read (a rerun skips them): path, size in bytes, modification time.
INPUTS_COLUMNS: tuple[str, ...] = ("path", "length", "modified")

_INPUTS_DDL = "CREATE TABLE inputs (path VARCHAR, length BIGINT, modified TIMESTAMP)"
_STORY_IDS_DDL = "CREATE TABLE story_ids (id VARCHAR, story_id VARCHAR)"


def local_path(uri: str) -> str:
    """A ``file:`` URI as a plain path (other schemes unchanged)."""
    if uri.startswith("file://"):
        return uri[len("file://") :] or "/"
    if uri.startswith("file:"):
        return uri[len("file:") :]
    return uri


@functools.cache
def _empty_schema() -> Any:
    """An in-memory DuckDB holding every table of the schema, empty (the source of the types)."""
    import duckdb

    con = duckdb.connect(":memory:")
    for ddl in SCHEMA.values():
        con.execute(ddl)
    con.execute(_INPUTS_DDL)
    con.execute(_STORY_IDS_DDL)
    return con


def _columns(table: str) -> tuple[str, ...]:
    if table in COLUMNS:
        return COLUMNS[table]
    rows = _empty_schema().execute(f"DESCRIBE {table}").fetchall()
    return tuple(r[0] for r in rows)


def arrow_schema(table: str) -> Any:
    """The Arrow schema of a dataset table: the DuckDB table's columns (writer order) and types.

    Derived from :data:`~detente.store.schema.SCHEMA` and
    :data:`~detente.store.rows.COLUMNS`, so the Parquet files cannot drift from the DuckDB store.
    """
    import pyarrow as pa

    cols = _columns(table)
    quoted = ", ".join(f'"{c}"' for c in cols)
    full = _empty_schema().sql(f"SELECT {quoted} FROM {table} LIMIT 0").to_arrow_table().schema
    # Plain Arrow types only (no DuckDB extension metadata): Spark and DuckDB both read them.
    return pa.schema([pa.field(f.name, f.type) for f in full])


def _duckdb_types(table: str) -> dict[str, str]:
    rows = _empty_schema().execute(f"DESCRIBE {table}").fetchall()
    return {r[0]: r[1] for r in rows}


def is_dataset(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a detente Parquet dataset directory."""
    return (Path(path) / DATASET_FILE).is_file()


def committed(root: str | os.PathLike[str]) -> list[str]:
    """The ids of the committed commits of a local dataset, in order."""
    names = Path(root, COMMITS).glob("*.json")
    return sorted(p.stem for p in names if not p.name.startswith("."))


def _commit_of(path: str) -> str | None:
    for part in Path(path).parts:
        if part.startswith("commit="):
            return part[len("commit=") :]
    return None


def table_files(root: str | os.PathLike[str], table: str, commits: Sequence[str]) -> list[str]:
    """The Parquet files of ``table`` that belong to the ``commits`` (never Spark's staging)."""
    depth = "year=*/month=*/commit=*" if table == "events" else "commit=*"
    pattern = os.path.join(os.fspath(root), table, depth, "*.parquet")
    keep = set(commits)
    return sorted(f for f in glob.glob(pattern) if _commit_of(f) in keep)


def dedup_state(root: str | os.PathLike[str]) -> str | None:
    """The current de-duplication state's directory name (``None``: never de-duplicated)."""
    current = Path(root, DEDUP_DIR, "CURRENT")
    try:
        name = current.read_text("utf-8").strip()
    except OSError:
        return None
    return name if name and Path(root, DEDUP_DIR, name).is_dir() else None


def _sql_list(items: Sequence[str]) -> str:
    return "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def _view(con: Any, table: str, files: Sequence[str], name: str | None = None) -> None:
    """Replace the empty ``table`` by a view casting the files' columns to the table's types."""
    name = name or table
    types = _duckdb_types(table)
    cols = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in types.items())
    con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(
        f"CREATE VIEW {name} AS SELECT {cols} FROM read_parquet({_sql_list(files)}, "
        "union_by_name = true, hive_partitioning = false)"
    )


def open_dataset(root: str | os.PathLike[str]) -> Any:
    """Open a Parquet dataset read-only: an in-memory DuckDB with a view per store table.

    Only committed files are read; tables with no file are empty tables of the right types.
    ``articles.story_id`` comes from the current de-duplication state (``NULL`` before one).

    Raises:
        StoreError: ``root`` is not a detente dataset or has another format version.
    """
    import duckdb

    name = os.fspath(root)
    try:
        marker = json.loads(Path(name, DATASET_FILE).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(
            f"{name!r} is not a detente Parquet dataset ({DATASET_FILE}: {exc}); write one with "
            f"`detente ingest PATHS --engine spark --parquet {name}`",
            code="E076",
        ) from exc
    if marker.get("format") != DATASET_FORMAT or marker.get("schema_version") != SCHEMA_VERSION:
        raise StoreError(
            f"dataset {name!r} has format {marker.get('format')} / schema "
            f"{marker.get('schema_version')}; this detente reads "
            f"{DATASET_FORMAT} / {SCHEMA_VERSION}",
            code="E077",
        )
    con = duckdb.connect(":memory:")
    for ddl in SCHEMA.values():
        con.execute(ddl)
    con.execute(_INPUTS_DDL)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    commits = committed(name)
    for table in (*CODED_TABLES, "inputs"):
        files = table_files(name, table, commits)
        if files:
            _view(con, table, files, f"_raw_{table}" if table == "articles" else None)
    runs = table_files(name, "runs", commits)
    if runs:
        _view(con, "runs", runs, "_raw_runs")
        con.execute(
            "CREATE VIEW runs AS SELECT * FROM _raw_runs QUALIFY row_number() OVER "
            "(PARTITION BY run_id ORDER BY n_read + n_coded + n_rejected DESC, "
            "finished_at DESC NULLS LAST) = 1"
        )
    state = dedup_state(name)
    if state is not None:
        con.execute(_STORY_IDS_DDL)
        for table in DEDUP_TABLES:
            path = os.path.join(name, DEDUP_DIR, state, f"{table}.parquet")
            if os.path.isfile(path):
                _view(con, table, [path])
        con.execute("INSERT INTO meta VALUES ('dedup_state', ?)", [state])
    if table_files(name, "articles", commits):
        story = "coalesce(s.story_id, a.id)" if state is not None else "CAST(NULL AS VARCHAR)"
        join = " LEFT JOIN story_ids s ON s.id = a.id" if state is not None else ""
        con.execute(
            f"CREATE VIEW articles AS SELECT a.* REPLACE ({story} AS story_id) "
            f"FROM _raw_articles a{join}"
        )
    return con
