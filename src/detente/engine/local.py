"""Local multiprocess runner: code chunks of articles in worker processes, bounded in flight.

Workers are started with the ``spawn`` method (the parent holds a DuckDB connection and threads,
which must not be forked) and each builds the pipeline once in its initializer. At most
``max_pending`` chunks are submitted and not yet collected, so memory stays flat however long the
input is. With one worker, chunks are coded in the calling process (no copying between processes).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from ..config import Settings
from ..records import Article, Rejected, RejectReason
from ..store.rows import Batch

__all__ = ["code_chunk", "code_chunks", "default_workers"]

log = logging.getLogger(__name__)

_worker_settings: Settings | None = None
_worker_stages: tuple[str, ...] | None = None


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _exit_with_parent(parent: int) -> None:
    """Make this worker die with the parent: a killed ingest (kill -9) must leave no orphans."""
    try:  # Linux: the kernel sends SIGKILL when the parent dies
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # elsewhere: notice being re-parented
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="detente-parent-watch", daemon=True).start()


def _init_worker(
    settings: Settings, log_level: int, parent: int, stages: tuple[str, ...] | None = None
) -> None:
    global _worker_settings, _worker_stages
    _exit_with_parent(parent)
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    _worker_settings = settings
    _worker_stages = stages
    from ..api import get_pipeline

    get_pipeline(settings, stages)  # load spaCy once, before the first chunk


def code_chunk(
    articles: list[Article],
    settings: Settings | None = None,
    *,
    run_id: int | None = None,
    now: str | None = None,
    stages: Sequence[str] | None = None,
) -> Batch:
    """Code one chunk of read articles and return their rows (rejected ones included).

    Args:
        articles: read articles (already-rejected ones pass through as rejections).
        settings: pipeline settings (in a worker, those given to the pool).
        run_id, now: stamped on the rows.
        stages: the stages to run (default: in a worker, those given to the pool; else all).
    """
    from ..api import code_articles, get_pipeline

    settings = settings or _worker_settings or Settings()
    pipeline = get_pipeline(settings, stages if stages is not None else _worker_stages)
    batch = Batch(versions=pipeline.versions)
    for art in code_articles(articles, settings=settings, pipeline=pipeline):
        art = art.with_(doc=None)
        try:
            rows = Batch()
            rows.add(art, run_id=run_id, now=now)
        except Exception as exc:  # one unstorable article must not sink the whole chunk
            log.warning("cannot make store rows for %s: %s", art.input, exc)
            rows = Batch()
            rows.add(
                art.with_(
                    rejected=Rejected(
                        reason=RejectReason.ERROR,
                        detail=f"store rows: {type(exc).__name__}: {exc}",
                        input=art.input,
                    )
                ),
                run_id=run_id,
                now=now,
            )
        batch.extend(rows)
    return batch


def code_chunks(
    chunks: Iterable[list[Article]],
    *,
    settings: Settings,
    workers: int = 0,
    max_pending: int | None = None,
    run_id: int | None = None,
    now: str | None = None,
    recycle: int = 200,
    stages: Sequence[str] | None = None,
) -> Iterator[Batch]:
    """Code chunks of articles and yield one :class:`Batch` per chunk as each is done.

    Args:
        chunks: an iterable of article lists, consumed lazily (only as workers free up).
        settings: pipeline settings.
        workers: worker processes (0: one per core); 1 codes in this process.
        max_pending: chunks in flight at most (default: two per worker).
        run_id, now: stamped on the rows.
        recycle: chunks a worker codes before it is replaced by a fresh one (0: never).
        stages: the stages to run (default: every stage; re-coding runs the coding stages).

    Yields:
        Batches in completion order (not input order when ``workers`` > 1).
    """
    workers = workers or default_workers()
    if workers == 1:
        for chunk in chunks:
            yield code_chunk(chunk, settings, run_id=run_id, now=now, stages=stages)
        return
    max_pending = max_pending or 2 * workers
    ctx = multiprocessing.get_context("spawn")
    level = logging.getLogger().getEffectiveLevel()
    pending: set[Future[Batch]] = set()
    # A worker is replaced after ``recycle`` chunks: spaCy's string store and the allocator
    # only grow in a long-lived process, and a fresh worker caps that at a small load cost.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(settings, level, os.getpid(), tuple(stages) if stages is not None else None),
        max_tasks_per_child=recycle or None,
    ) as pool:
        try:
            for chunk in chunks:
                if not chunk:
                    continue
                pending.add(pool.submit(code_chunk, chunk, None, run_id=run_id, now=now))
                while len(pending) >= max_pending:
                    done, pending = _wait(pending)
                    yield from (f.result() for f in done)
            while pending:
                done, pending = _wait(pending)
                yield from (f.result() for f in done)
        except BaseException:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _wait(pending: set[Future[Any]]) -> tuple[set[Future[Any]], set[Future[Any]]]:
    done, rest = wait(pending, return_when=FIRST_COMPLETED)
    return set(done), set(rest)
