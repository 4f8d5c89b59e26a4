"""Build a database from input paths: read, skip what is stored, code in parallel, write.

The calling process reads inputs (streaming), drops articles already stored (same id or content
hash, in the database or in flight), hands chunks to the engine, and writes each coded chunk in
one transaction. A chunk is stored whole or not at all, so after a crash (kill -9 included)
re-running the same command codes exactly what is missing. Stories and merged events are
recomputed at the end of every run that added something.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings, load_settings
from ..read import read_paths
from ..records import Article
from .dedup import dedup
from .rows import Batch
from .schema import open_db
from .writer import Writer, now_iso

__all__ = ["IngestResult", "Progress", "ingest"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Progress:
    """Counts so far, handed to the progress callback after every stored chunk."""

    read: int = 0
    coded: int = 0
    skipped: int = 0
    rejected: int = 0
    mentions: int = 0
    events: int = 0
    quotes: int = 0
    total: int | None = None  # input files, when known (JSONL and WARC make it unknown)
    files: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        """Seconds since the ingest started."""
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Articles coded (or rejected) per second."""
        return (self.coded + self.rejected) / max(self.elapsed, 1e-9)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one :func:`ingest` call did."""

    run_id: int
    db: str
    read: int
    coded: int
    skipped: int
    rejected: int
    mentions: int
    events: int
    quotes: int
    stories: int | None
    merged_events: int | None
    seconds: float
    versions: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the result."""
        return dataclasses.asdict(self)


def _chunks(
    articles: Iterable[Article],
    writer: Writer,
    progress: Progress,
    inflight: set[str],
    rejected_now: list[Article],
    size: int,
    flush: Callable[[], None],
) -> Iterator[list[Article]]:
    """Group fresh articles into chunks; collect reader rejections; skip stored ones."""
    buf: list[Article] = []

    def fresh(group: list[Article]) -> list[Article]:
        known = writer.known([a.id for a in group], [a.hash for a in group])
        out = []
        for art in group:
            keys = {art.id, art.hash} - {""}
            if keys & known or keys & inflight:
                progress.skipped += 1
                continue
            inflight.update(keys)
            if art.rejected is not None:
                rejected_now.append(art)
            else:
                out.append(art)
        if len(rejected_now) >= size:
            # An input of nothing but rejections must not pile them up in memory.
            flush()
        return out

    last_input = None
    for art in articles:
        progress.read += 1
        # Inputs are files or records inside a file (#record, :line); count distinct files.
        name = art.input.split("#", 1)[0].rsplit(":", 1)[0] if art.input else ""
        if name != last_input:
            progress.files += 1
            last_input = name
        buf.append(art)
        if len(buf) >= size:
            chunk = fresh(buf)
            buf = []
            if chunk:
                yield chunk
    if buf and (chunk := fresh(buf)):
        yield chunk


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
) -> IngestResult:
    """Read, code and store every input under ``paths`` into the database ``db``.

    Re-running with the same inputs adds nothing (articles with a stored id or content hash are
    skipped, rejections included); after an interrupted run it codes only what is missing.

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

    Returns:
        The run's counts.

    Raises:
        ReadError: an input path does not exist (checked before anything is written).
        StoreError: the database cannot be opened (locked by another writer, newer schema).
    """
    from ..api import get_pipeline
    from ..engine.local import code_chunks, default_workers
    from ..read import count_inputs

    settings = settings or load_settings()
    names = [os.fspath(p) for p in paths]
    workers = workers or default_workers()
    total = count_inputs(names)  # also raises ReadError for a missing path, before any write
    # The stage versions come back with the first coded chunk: the parent process does not
    # load spaCy (memory, start-up time) unless it codes itself or nothing needed coding.
    versions: dict[str, str] = {}
    con = open_db(db)
    writer = Writer(con)
    settings_dict = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
    run_id = writer.start_run(
        versions=versions, settings=settings_dict, inputs=names, workers=workers
    )
    log.info(
        "run %d: ingesting %s into %s with %d worker(s)",
        run_id,
        ", ".join(names),
        os.fspath(db),
        workers,
    )
    prog = Progress(total=total)
    inflight: set[str] = set()
    rejected_now: list[Article] = []
    now = now_iso()
    status = "failed"
    stats: dict[str, int] | None = None

    def store(batch: Batch) -> None:
        if rejected_now:
            for art in rejected_now:
                batch.add(art, run_id=run_id, now=now)
            rejected_now.clear()
        writer.counts["n_read"] = prog.read
        writer.counts["n_skipped"] = prog.skipped
        if batch.versions and not versions:
            versions.update(batch.versions)
            writer.set_versions(versions)
        writer.write(batch)
        inflight.difference_update(batch.ids)
        inflight.difference_update(batch.hashes)
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
        if progress is not None:
            progress(prog)

    try:
        arts = read_paths(
            names,
            max_bytes=settings.max_bytes,
            published=settings.default_date,
            source=settings.source,
        )
        chunks = _chunks(
            arts, writer, prog, inflight, rejected_now, chunk_size, lambda: store(Batch())
        )
        if engine == "spark":
            from ..engine.spark import code_chunks_spark

            batches = code_chunks_spark(
                chunks, settings=settings, workers=workers, run_id=run_id, now=now
            )
        else:
            batches = code_chunks(
                chunks, settings=settings, workers=workers, run_id=run_id, now=now
            )
        for batch in batches:
            store(batch)
        if rejected_now:  # rejections read after the last coded chunk
            store(Batch())
        if not versions:
            versions.update(get_pipeline(settings).versions)
            writer.set_versions(versions)
        if dedup_after:
            stats = dedup(
                con, threshold=settings.dedup_threshold, window_days=settings.merge_window_days
            )
        status = "done"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        writer.counts["n_read"] = prog.read
        writer.counts["n_skipped"] = prog.skipped
        try:
            writer.update_run(status)
        finally:
            con.close()
    log.info(
        "run %d done: %d read, %d coded, %d skipped, %d rejected in %.1fs",
        run_id,
        prog.read,
        prog.coded,
        prog.skipped,
        prog.rejected,
        prog.elapsed,
    )
    return IngestResult(
        run_id=run_id,
        db=os.fspath(db),
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
        versions=versions,
    )
