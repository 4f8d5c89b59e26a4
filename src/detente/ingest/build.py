"""Build a database from input paths: read, skip what is stored, code in parallel, write.

The calling process reads inputs (streaming), drops articles already stored (same id or content
hash, in the database or in flight), hands chunks to the engine, and writes each coded chunk in
one transaction. A chunk is stored whole or not at all, so after a crash (kill -9 included)
re-running the same command codes exactly what is missing. Stories and merged events are
recomputed at the end of every run that added something.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable

from ..config import Settings, load_settings
from ..read import read_paths
from ..store.rows import Batch
from .inputs import ChunkFilter, input_files, outputs_of
from .result import IngestResult, Progress
from .session import RunSession, code_batches, open_session

__all__ = ["ingest"]

log = logging.getLogger(__name__)


def _store(session: RunSession, chunker: ChunkFilter, batch: Batch) -> None:
    """Write one coded batch (with the reader rejections set aside so far) in one transaction."""
    for art in chunker.rejected:
        batch.add(art, run_id=session.run_id, now=session.now)
    chunker.rejected.clear()
    session.sync_counts()
    session.set_versions(batch.versions)
    session.writer.write(batch)
    chunker.done(batch.ids)
    chunker.done(batch.hashes)
    session.counted(batch)


def _code_and_store(
    session: RunSession,
    files: list[str],
    *,
    settings: Settings,
    workers: int,
    chunk_size: int,
    engine: str,
) -> None:
    """Read ``files``, code the fresh articles on ``engine`` and store every chunk."""
    chunker = ChunkFilter(
        session.writer,
        session.progress,
        chunk_size,
        flush=lambda: _store(session, chunker, Batch()),
    )
    arts = read_paths(
        files,
        max_bytes=settings.max_bytes,
        published=settings.default_date,
        source=settings.source,
    )
    batches = code_batches(
        chunker.chunks(arts),
        engine=engine,
        settings=settings,
        workers=workers,
        run_id=session.run_id,
        now=session.now,
    )
    for batch in batches:
        _store(session, chunker, batch)
    if chunker.rejected:  # rejections read after the last coded chunk
        _store(session, chunker, Batch())


def _record_versions(session: RunSession, settings: Settings) -> None:
    """Record the stage versions when no chunk brought them (nothing needed coding)."""
    # The parent process loads spaCy only now: workers load their own pipelines.
    if not session.versions:
        from ..api import get_pipeline

        session.set_versions(get_pipeline(settings).versions)


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    db: str | os.PathLike[str],
    *,
    workers: int = 0,
    settings: Settings | None = None,
    chunk_size: int = 16,
    progress: Callable[[Progress], None] | None = None,
    dedup_after: bool = True,
    engine: str = "local",
    exclude: Iterable[str | os.PathLike[str]] = (),
) -> IngestResult:
    """Read, code and store every input under ``paths`` into the database ``db``.

    Re-running with the same inputs adds nothing (articles with a stored id or content hash are
    skipped, rejections included); after an interrupted run it codes only what is missing. The
    database itself, its ``.wal`` and the ``exclude`` files are never read as inputs, so the
    database may live inside an input directory.

    Args:
        paths: files, directories (recursive), ``-`` for stdin; text, HTML, JSONL, WARC, ``.gz``.
        db: the DuckDB file (created with the current schema when missing).
        workers: worker processes, each loading the spaCy pipeline once (0: one per core).
        settings: pipeline settings (default: :func:`~detente.config.load_settings`); also gives
            ``dedup_threshold`` and ``merge_window_days``.
        chunk_size: articles per chunk (one transaction per chunk).
        progress: called with the counts after every stored chunk.
        dedup_after: group stories and merge events at the end.
        engine: ``local`` (multiprocess) or ``spark``.
        exclude: other outputs of this run (an export file, say) to leave out of the inputs.

    Returns:
        The run's counts.

    Raises:
        ReadError: an input path does not exist (checked before anything is written).
        StoreError: the database cannot be opened (locked by another writer, newer schema).
    """
    from ..engine.local import default_workers

    settings = settings or load_settings()
    names = [os.fspath(p) for p in paths]
    workers = workers or default_workers()
    files, total = input_files(names, outputs_of(db, exclude))
    with open_session(
        db,
        settings=settings,
        inputs=names,
        workers=workers,
        progress=Progress(total=total),
        callback=progress,
    ) as session:
        log.info(
            "run %d: ingesting %s into %s with %d worker(s)",
            session.run_id,
            ", ".join(names),
            os.fspath(db),
            workers,
        )
        _code_and_store(
            session,
            files,
            settings=settings,
            workers=workers,
            chunk_size=chunk_size,
            engine=engine,
        )
        _record_versions(session, settings)
        if dedup_after:
            session.group_and_merge(settings)
        session.status = "done"
    prog = session.progress
    log.info(
        "run %d done: %d read, %d coded, %d skipped, %d rejected in %.1fs",
        session.run_id,
        prog.read,
        prog.coded,
        prog.skipped,
        prog.rejected,
        prog.elapsed,
    )
    return session.result()
