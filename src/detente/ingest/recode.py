"""Re-code stored articles in place after a knowledge or model change.

The stored text and title are coded again by the coding stages (:data:`CODING_STAGES`: not
reading, not cleaning), and each chunk's old mentions, events, quotes and signatures are replaced
by the new ones in one transaction, so the article ids stay and nothing is duplicated. The run is
recorded like an ingest (with the new stage versions); an article counts as up to date when the
run that last coded it had the same coding-stage versions and inputs, so a re-run after a kill
codes only what is left, and a re-run after a finished one codes nothing. Stories and merged
events are recomputed at the end.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..config import Settings, load_settings
from ..errors import StoreError
from ..records import Article, Credit, Removed
from ..store.rows import COLUMNS, Batch
from ..store.writer import register
from .coding import CODING_STAGES, coding_inputs, coding_versions
from .result import IngestResult, Progress
from .session import RunSession, code_batches, open_session

__all__ = ["recode"]

log = logging.getLogger(__name__)

#: The stored fields an article is rebuilt from (the coded records are what is replaced).
_ARTICLE_FIELDS = (
    "id",
    "hash",
    "input",
    "title",
    "text",
    "url",
    "source",
    "published",
    "language",
    "authors",
    "format",
    "meta",
    "credits",
    "removed",
    "ingested_at",
)

#: Tables holding an article's coded records, and the column naming the article.
_CODED_TABLES = {"mentions": "article_id", "quotes": "article_id", "signatures": "article_id"}


def _up_to_date_runs(con: Any, versions: dict[str, str], inputs: dict[str, Any]) -> set[int]:
    """The runs whose coding matches the current one (same coding-stage versions and inputs)."""
    want_versions = coding_versions(versions)
    runs = set()
    for run_id, raw_versions, raw_settings in con.execute(
        "SELECT run_id, versions, settings FROM runs"
    ).fetchall():
        recorded = json.loads(raw_settings or "{}").get("coding")
        if recorded == inputs and coding_versions(json.loads(raw_versions or "{}")) == (
            want_versions
        ):
            runs.add(int(run_id))
    return runs


def _stale_ids(
    con: Any, current: set[int], since: str | None, until: str | None
) -> tuple[list[str], int]:
    """The ids of stored articles in the date range not coded by an up-to-date run.

    Returns:
        The ids to re-code (in id order) and the number of articles in the range.
    """
    where, params = "TRUE", []
    if since:
        where += " AND published >= ?::DATE"
        params.append(since)
    if until:
        where += " AND published <= ?::DATE"
        params.append(until)
    rows = con.execute(
        f"SELECT id, run_id IS NOT NULL AND list_contains(?, run_id) FROM articles "
        f"WHERE {where} ORDER BY id",
        [sorted(current), *params],
    ).fetchall()
    return [r[0] for r in rows if not r[1]], len(rows)


def _article(row: dict[str, Any]) -> Article:
    """Rebuild an article, as it was after cleaning, from its ``articles`` row."""
    published = row["published"]
    return Article(
        id=row["id"],
        input=row["input"] or "",
        text=row["text"] or "",
        title=row["title"],
        url=row["url"],
        source=row["source"],
        published=published.isoformat() if published is not None else None,
        language=row["language"],
        authors=tuple(row["authors"] or ()),
        credits=tuple(Credit(**c) for c in json.loads(row["credits"] or "[]")),
        removed=tuple(Removed(**r) for r in json.loads(row["removed"] or "[]")),
        format=row["format"] or "text",
        hash=row["hash"] or "",
        meta=json.loads(row["meta"] or "{}"),
    )


def _load(con: Any, ids: Sequence[str]) -> list[Article]:
    cols = ", ".join(f'"{c}"' for c in _ARTICLE_FIELDS)
    rows = con.execute(
        f"SELECT {cols} FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[])) ORDER BY id",
        [list(ids)],
    ).fetchall()
    return [_article(dict(zip(_ARTICLE_FIELDS, r, strict=True))) for r in rows]


def _chunks(con: Any, ids: list[str], size: int, progress: Progress) -> Iterator[list[Article]]:
    for start in range(0, len(ids), size):
        chunk = _load(con, ids[start : start + size])
        progress.read += len(chunk)
        progress.files += len(chunk)
        if chunk:
            yield chunk


def _arrow(columns: Sequence[str], rows: list[tuple[Any, ...]]) -> Any:
    import pyarrow as pa

    return pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})


def _replace(session: RunSession, batch: Batch) -> None:
    """Replace the coded rows of the batch's articles in one transaction.

    Raises:
        StoreError: the database refused the rows (the transaction is rolled back).
    """
    con, writer = session.con, session.writer
    ids = [r[0] for r in batch.rows["articles"]]
    try:
        con.execute("BEGIN TRANSACTION")
        ingested = dict(
            con.execute(
                "SELECT id, ingested_at FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                [ids],
            ).fetchall()
        )
        con.execute(
            "DELETE FROM event_entities WHERE event_id IN (SELECT id FROM events "
            "WHERE article_id IN (SELECT unnest(?::VARCHAR[])))",
            [ids],
        )
        for table, column in {**_CODED_TABLES, "events": "article_id", "articles": "id"}.items():
            con.execute(
                f"DELETE FROM {table} WHERE {column} IN (SELECT unnest(?::VARCHAR[]))", [ids]
            )
        at = COLUMNS["articles"].index("ingested_at")
        # The article keeps when it was first stored; run_id names the run that coded it.
        batch.rows["articles"] = [
            (*r[:at], ingested.get(r[0], r[at]), *r[at + 1 :]) for r in batch.rows["articles"]
        ]
        for table, columns in COLUMNS.items():
            rows = batch.rows.get(table) or []
            if table == "rejections" or not rows:
                continue
            register(con, f"_recode_{table}", _arrow(columns, rows))
            try:
                quoted = ", ".join(f'"{c}"' for c in columns)
                con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _recode_{table}")
            finally:
                con.unregister(f"_recode_{table}")
        counts = dict(writer.counts)
        counts["n_coded"] += batch.coded
        counts["n_rejected"] += batch.rejected
        counts["n_mentions"] += batch.mentions
        counts["n_events"] += batch.events
        counts["n_quotes"] += batch.quotes
        writer.update_run(counts=counts)
        con.execute("COMMIT")
        writer.counts = counts
    except Exception as exc:
        with contextlib.suppress(Exception):  # the transaction may already be aborted
            con.execute("ROLLBACK")
        raise StoreError(
            f"cannot store a re-coded batch of {len(ids)} articles: {exc}", code="E078"
        ) from exc


def recode(
    db: str | os.PathLike[str],
    *,
    settings: Settings | None = None,
    workers: int = 0,
    chunk_size: int = 16,
    since: str | None = None,
    until: str | None = None,
    progress: Callable[[Progress], None] | None = None,
    engine: str = "local",
) -> IngestResult:
    """Re-code the stored articles of ``db`` with the current settings, in place.

    Articles coded by a run with the same coding-stage versions and inputs (model, actor and
    lexicon files by content, event model) are skipped; the rest are coded again from their
    stored title and text, one transaction per chunk. Stories and merged events are recomputed.

    Args:
        db: an existing detente database.
        settings: the settings to code with (default: :func:`~detente.config.load_settings`).
        workers: worker processes (0: one per core; 1 codes in this process).
        chunk_size: articles per chunk (one transaction each).
        since, until: only articles published in this range (``YYYY-MM-DD``, inclusive).
        progress: called with the counts after every stored chunk.
        engine: ``local`` (multiprocess) or ``spark``.

    Returns:
        The run's counts (``skipped``: articles already up to date).

    Raises:
        StoreError: the database is missing, locked or refuses the rows.
    """
    from ..api import get_pipeline
    from ..engine.local import default_workers
    from ..store.schema import open_db

    settings = settings or load_settings()
    workers = workers or default_workers()
    open_db(db, read_only=True).close()  # a missing file is an error, not a new database
    # The parent needs the new versions to tell which articles are up to date.
    versions = get_pipeline(settings, CODING_STAGES).versions
    inputs = coding_inputs(settings)
    with open_session(
        db,
        settings=settings,
        inputs=[f"recode:{os.fspath(db)}"],
        workers=workers,
        progress=Progress(),
        callback=progress,
        recode={"since": since, "until": until},
    ) as session:
        session.set_versions(versions)
        # The new run codes with the current settings, so it counts as up to date too.
        stale, in_range = _stale_ids(
            session.con,
            _up_to_date_runs(session.con, versions, inputs) | {session.run_id},
            since,
            until,
        )
        session.progress.total = len(stale)
        session.progress.skipped = in_range - len(stale)
        log.info("run %d: re-coding %d stored articles of %s", session.run_id, len(stale), db)
        batches = code_batches(
            _chunks(session.con, stale, chunk_size, session.progress),
            engine=engine,
            settings=settings,
            workers=workers,
            run_id=session.run_id,
            now=session.now,
            stages=CODING_STAGES,
        )
        for batch in batches:
            for rej in batch.rows["rejections"]:  # a stage failed: the old coding stays
                log.warning("recode: %s kept its old coding: %s: %s", rej[2], rej[3], rej[4])
            session.sync_counts()
            _replace(session, batch)
            session.counted(batch)
        session.group_and_merge(settings, force=True)
        session.status = "done"
    return session.result()
