"""The single writer: inserts batches of rows atomically and keeps the ``runs`` table.

Each batch is one transaction: after a crash (kill -9 included) a batch is either fully stored or
not at all, so re-running an ingest skips what was stored and codes the rest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from .._version import __version__
from ..errors import StoreError
from .rows import COLUMNS, Batch

__all__ = ["Writer", "now_iso", "register"]

log = logging.getLogger(__name__)

_RUN_COUNTS = ("n_read", "n_coded", "n_skipped", "n_rejected", "n_mentions", "n_events", "n_quotes")


def now_iso() -> str:
    """The current UTC time as an ISO timestamp without zone (DuckDB ``TIMESTAMP``)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _arrow_table(columns: Sequence[str], rows: list[tuple[Any, ...]]) -> Any:
    import pyarrow as pa

    data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    return pa.table(data)


def register(con: Any, name: str, table: Any) -> None:
    """Register an Arrow table as a view on ``con``.

    DuckDB refuses ``register`` while an earlier ``execute`` result is unfinished (a
    ``fetchone``); a finished statement first makes registering safe whatever ran before.
    """
    con.execute("SELECT 1").fetchall()
    con.register(name, table)


#: Which column of each table names the article a row belongs to.
_ARTICLE_COLUMN = {
    "articles": 0,
    "mentions": 0,
    "events": 2,
    "quotes": 2,
    "places": 0,
    "rejections": 0,
    "signatures": 0,
}


#: Tables without a primary key (``INSERT OR IGNORE`` needs one).
_NO_KEY = {"mentions", "places", "event_entities"}


def _drop_stored(
    table: str, rows: list[tuple[Any, ...]], stored: set[str], batch: Batch
) -> list[tuple[Any, ...]]:
    """Leave out the rows of articles already stored (a batch written twice adds nothing)."""
    if table == "event_entities":
        dropped = {r[0] for r in batch.rows["events"] if r[2] in stored}
        return [r for r in rows if r[0] not in dropped]
    col = _ARTICLE_COLUMN[table]
    return [r for r in rows if r[col] not in stored]


def _quoted(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


class Writer:
    """Insert coded articles into an open read-write database, one transaction per batch."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.run_id: int | None = None
        self.counts = dict.fromkeys(_RUN_COUNTS, 0)

    # -- runs -------------------------------------------------------------------------------

    def start_run(
        self,
        *,
        versions: dict[str, str],
        settings: dict[str, Any],
        inputs: Sequence[str],
        workers: int,
    ) -> int:
        """Record a new run (status ``running``) and return its id."""
        row = self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()
        self.run_id = int(row[0]) if row else 1
        files = {
            k: settings.get(k, []) for k in ("actors_files", "lexicon_files", "boilerplate_files")
        }
        self.con.execute(
            "INSERT INTO runs (run_id, started_at, status, detente_version, versions, "
            "lexicon_files, settings, inputs, workers) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)",
            [
                self.run_id,
                now_iso(),
                __version__,
                json.dumps(versions),
                json.dumps(files),
                json.dumps(settings, default=str),
                json.dumps(list(inputs)),
                workers,
            ],
        )
        return self.run_id

    def set_versions(self, versions: dict[str, str]) -> None:
        """Record the stage versions of the pipeline that coded this run's articles."""
        if self.run_id is not None and versions:
            self.con.execute(
                "UPDATE runs SET versions = ? WHERE run_id = ?", [json.dumps(versions), self.run_id]
            )

    def update_run(self, status: str | None = None, counts: dict[str, int] | None = None) -> None:
        """Store the run's counts so far (and its final status)."""
        if self.run_id is None:
            return
        counts = counts or self.counts
        sets = ", ".join(f"{k} = ?" for k in _RUN_COUNTS)
        params: list[Any] = [counts[k] for k in _RUN_COUNTS]
        if status is not None:
            sets += ", status = ?, finished_at = ?"
            params += [status, now_iso()]
        self.con.execute(f"UPDATE runs SET {sets} WHERE run_id = ?", [*params, self.run_id])

    # -- articles ---------------------------------------------------------------------------

    def known(self, ids: Sequence[str], hashes: Sequence[str]) -> set[str]:
        """Return which of ``ids`` and ``hashes`` are already stored (articles or rejections)."""
        if not ids and not hashes:
            return set()
        import pyarrow as pa

        probe = pa.table({"k": list(ids) + [h for h in hashes if h]})
        register(self.con, "_probe", probe)
        try:
            rows = self.con.execute(
                "SELECT id FROM articles WHERE id IN (SELECT k FROM _probe) "
                "UNION SELECT hash FROM articles WHERE hash IN (SELECT k FROM _probe) "
                "UNION SELECT id FROM rejections WHERE id IN (SELECT k FROM _probe) "
                "UNION SELECT hash FROM rejections WHERE hash IN (SELECT k FROM _probe)"
            ).fetchall()
        finally:
            self.con.unregister("_probe")
        return {r[0] for r in rows}

    def _stored_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self.con.execute(
            "SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[])) "
            "UNION SELECT id FROM rejections WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [list(ids), list(ids)],
        ).fetchall()
        return {r[0] for r in rows}

    def write(self, batch: Batch) -> None:
        """Insert a batch of rows in one transaction.

        Raises:
            StoreError: the database refused the rows (the transaction is rolled back).
        """
        con = self.con
        try:
            con.execute("BEGIN TRANSACTION")
            stored = self._stored_ids(batch.ids)
            for table, columns in COLUMNS.items():
                rows = batch.rows.get(table) or []
                if stored:
                    rows = _drop_stored(table, rows, stored, batch)
                if not rows:
                    continue
                name = f"_rows_{table}"
                register(con, name, _arrow_table(columns, rows))
                try:
                    # OR IGNORE: keyed rows (events, quotes) of a faulty stage that repeats an
                    # id must not fail the whole chunk.
                    verb = "INSERT" if table in _NO_KEY else "INSERT OR IGNORE"
                    con.execute(
                        f"{verb} INTO {table} ({_quoted(columns)}) "
                        f"SELECT {_quoted(columns)} FROM {name}"
                    )
                finally:
                    con.unregister(name)
            counts = dict(self.counts)
            counts["n_coded"] += batch.coded
            counts["n_rejected"] += batch.rejected
            counts["n_mentions"] += batch.mentions
            counts["n_events"] += batch.events
            counts["n_quotes"] += batch.quotes
            # The run's counts commit with the rows, so they match what is stored.
            self.update_run(counts=counts)
            con.execute("COMMIT")
            self.counts = counts
        except Exception as exc:
            # The transaction may already be aborted.
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            if isinstance(exc, StoreError):
                raise
            raise StoreError(
                f"cannot store a batch of {len(batch)} articles: {exc}", code="E078"
            ) from exc
