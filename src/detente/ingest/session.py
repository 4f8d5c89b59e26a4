"""One run over a database: its ``runs`` row, its counts, coding on an engine, the final steps.

Both :func:`~detente.ingest.ingest` and :func:`~detente.ingest.recode` open a session, feed it
coded batches and close it; the session records the run (status ``running``, then ``done``,
``failed`` or ``interrupted``), keeps the run's counts in step with what is stored, and closes the
connection whatever happens.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..config import Settings
from ..records import Article
from ..store.dedup import dedup
from ..store.rows import Batch
from ..store.schema import open_db
from ..store.writer import Writer, now_iso
from .coding import coding_inputs
from .result import IngestResult, Progress

__all__ = ["RunSession", "code_batches", "open_session", "settings_record"]

log = logging.getLogger(__name__)


class RunSession:
    """The state of one run: connection, writer, counts and the stage versions that coded it."""

    def __init__(
        self,
        con: Any,
        writer: Writer,
        db: str,
        progress: Progress,
        callback: Callable[[Progress], None] | None,
    ) -> None:
        self.con = con
        self.writer = writer
        self.db = db
        self.progress = progress
        self.callback = callback
        self.versions: dict[str, str] = {}
        self.now = now_iso()
        self.status = "failed"
        self.stats: dict[str, int] | None = None

    @property
    def run_id(self) -> int:
        """The id of this run in the ``runs`` table."""
        assert self.writer.run_id is not None
        return self.writer.run_id

    def set_versions(self, versions: dict[str, str]) -> None:
        """Record the stage versions once (they come with the first coded batch)."""
        if versions and not self.versions:
            self.versions.update(versions)
            self.writer.set_versions(self.versions)

    def sync_counts(self) -> None:
        """Copy the read and skipped counts into the run row's next update."""
        self.writer.counts["n_read"] = self.progress.read
        self.writer.counts["n_skipped"] = self.progress.skipped

    def counted(self, batch: Batch) -> None:
        """Add a stored batch to the counts, log it and report progress."""
        prog = self.progress
        prog.coded += batch.coded
        prog.rejected += batch.rejected
        prog.mentions += batch.mentions
        prog.events += batch.events
        prog.quotes += batch.quotes
        log.info(
            "stored %d articles (%d coded, %d rejected so far)",
            len(batch),
            prog.coded,
            prog.rejected,
        )
        if self.callback is not None:
            self.callback(prog)

    def group_and_merge(self, settings: Settings, *, force: bool = False) -> None:
        """Recompute stories and merged events (skipped when nothing changed, unless forced)."""
        self.stats = dedup(
            self.con,
            threshold=settings.dedup_threshold,
            window_days=settings.merge_window_days,
            force=force,
        )

    def result(self) -> IngestResult:
        """The run's counts as an :class:`IngestResult`."""
        prog, stats = self.progress, self.stats
        return IngestResult(
            run_id=self.run_id,
            db=self.db,
            read=prog.read,
            coded=prog.coded,
            skipped=prog.skipped,
            rejected=prog.rejected,
            mentions=prog.mentions,
            events=prog.events,
            quotes=prog.quotes,
            stories=stats["stories"] if stats else None,
            merged_events=stats["merged_events"] if stats else None,
            seconds=round(prog.elapsed, 3),
            versions=self.versions,
        )


def settings_record(settings: Settings, **extra: Any) -> dict[str, Any]:
    """The settings a run records (with what the coding depended on)."""
    record = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
    # What the coding depended on, so that ``recode`` can tell which articles are up to date.
    record["coding"] = coding_inputs(settings)
    record.update(extra)
    return record


@contextmanager
def open_session(
    db: str | os.PathLike[str],
    *,
    settings: Settings,
    inputs: Sequence[str],
    workers: int,
    progress: Progress,
    callback: Callable[[Progress], None] | None,
    **record: Any,
) -> Iterator[RunSession]:
    """Open ``db`` read-write, record a new run, and close both however the body ends.

    The body sets ``session.status = "done"`` when it finishes; an exception leaves ``failed``
    (``interrupted`` on Ctrl-C) and propagates.

    Raises:
        StoreError: the database cannot be opened (locked by another writer, newer schema).
    """
    con = open_db(db)
    try:
        writer = Writer(con)
        writer.start_run(
            versions={},
            settings=settings_record(settings, **record),
            inputs=list(inputs),
            workers=workers,
        )
    except BaseException:
        con.close()
        raise
    session = RunSession(con, writer, os.fspath(db), progress, callback)
    try:
        yield session
    except KeyboardInterrupt:
        session.status = "interrupted"
        raise
    finally:
        session.sync_counts()
        try:
            writer.update_run(session.status)
        finally:
            con.close()


def code_batches(
    chunks: Iterable[list[Article]],
    *,
    engine: str,
    settings: Settings,
    workers: int,
    run_id: int,
    now: str,
    stages: Sequence[str] | None = None,
) -> Iterator[Batch]:
    """Code chunks on the chosen engine (``local`` processes or ``spark``), one batch per chunk."""
    if engine == "spark":
        from ..engine.spark import code_chunks_spark

        return code_chunks_spark(
            chunks, settings=settings, workers=workers, run_id=run_id, now=now, stages=stages
        )
    from ..engine.local import code_chunks

    return code_chunks(
        chunks, settings=settings, workers=workers, run_id=run_id, now=now, stages=stages
    )
