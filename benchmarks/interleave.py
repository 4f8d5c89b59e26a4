"""Interleaved throughput: bare spaCy and the full ingest on the same batch, one after the other.

Used by ``throughput.py --interleave``. The corpus is cut into batches of N articles; for each
batch, bare ``nlp.pipe`` over the texts (title + text, the baseline's input) and ``ingest`` of
the same files into a fresh database (reading, every stage, the store write and de-duplication)
run back to back, the order alternating from batch to batch, in one process with the pipeline
loaded once. Load from other processes then hits both sides of a pair alike, and the per-batch
ratios are summarised by their median and interquartile range, which one disturbed batch cannot
move.

Noise control: one warm-up pair (the first batch) runs before the timed pairs and is discarded
(lazy loads, caches, the first DuckDB connection); the garbage collector is run before each side
and disabled while a side is timed, so a collection triggered by one side is never charged to
the other; CPU time is ``time.process_time`` (this process, all its threads: DuckDB's included).
"""

from __future__ import annotations

import gc
import importlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: The parts of an ingest timed inside each batch (wrapped around the functions ingest calls).
PARTS = ("code", "store", "dedup")

#: Fewer full batch pairs than this give a median that moves by rank from run to run: a
#: batch's entity decoding runs to its longest document, so batch ratios spread widely
#: (docs/performance.md, "Batch count"); 12 pairs gave 0.78-0.88 where 40 held 0.92-0.93.
STEADY_PAIRS = 30


def pairs_warning(n_pairs: int) -> str | None:
    """A warning when ``n_pairs`` full batch pairs are too few for a steady median, else None."""
    if n_pairs >= STEADY_PAIRS:
        return None
    return (
        f"only {n_pairs} batch pairs in the median: below {STEADY_PAIRS} it moves from run to "
        "run; use a larger --limit (or a smaller --batch) to compare code"
    )


def corpus_files(corpus: Path, limit: int | None) -> list[Path]:
    """The corpus's input files in a stable order (at most ``limit``)."""
    from detente.read.discover import iter_inputs

    files = [Path(name) for name in iter_inputs([corpus])]
    return files[:limit] if limit else files


def split_batches(items: Sequence[Any], size: int) -> list[list[Any]]:
    """Cut ``items`` into consecutive batches of ``size`` (the last one may be shorter)."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def summarise(values: Sequence[float]) -> dict[str, Any]:
    """Median, interquartile range (Q1, Q3), minimum and maximum of ``values``."""
    if not values:
        raise ValueError("no values to summarise")
    vals = sorted(values)
    if len(vals) == 1:
        q1 = q3 = vals[0]
    else:
        q1, _, q3 = statistics.quantiles(vals, n=4, method="inclusive")
    return {
        "median": round(statistics.median(vals), 4),
        "iqr": [round(q1, 4), round(q3, 4)],
        "min": round(vals[0], 4),
        "max": round(vals[-1], 4),
    }


class _PartClock:
    """Wall and CPU seconds spent inside the wrapped functions since the last :meth:`reset`."""

    def __init__(self) -> None:
        self.wall = dict.fromkeys(PARTS, 0.0)
        self.cpu = dict.fromkeys(PARTS, 0.0)

    def reset(self) -> None:
        for part in PARTS:
            self.wall[part] = self.cpu[part] = 0.0

    def wrap(self, part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall[part] += time.perf_counter() - wall
                self.cpu[part] += time.process_time() - cpu

        return timed


@contextmanager
def _timed_parts(clock: _PartClock) -> Iterator[None]:
    """Wrap the functions :func:`detente.ingest.ingest` calls: coding, writing, de-duplication.

    The benchmark patches module attributes rather than the library, so ``ingest`` runs its own
    code path unchanged.
    """
    from detente.engine import local
    from detente.store.writer import Writer

    # the module that calls ``dedup`` (the ingest session), patched where it is looked up
    ingest_mod = importlib.import_module("detente.ingest.session")

    saved = (local.code_chunk, Writer.write, ingest_mod.dedup)
    local.code_chunk = clock.wrap("code", local.code_chunk)
    Writer.write = clock.wrap("store", Writer.write)
    ingest_mod.dedup = clock.wrap("dedup", ingest_mod.dedup)
    try:
        yield
    finally:
        local.code_chunk, Writer.write, ingest_mod.dedup = saved


@contextmanager
def _quiet_gc(enabled: bool) -> Iterator[None]:
    """Collect now, then keep the collector off while a side is timed (when ``enabled``)."""
    gc.collect()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _bare(nlp: Any, texts: list[str], batch_size: int, gc_off: bool) -> dict[str, float]:
    with _quiet_gc(gc_off):
        wall, cpu = time.perf_counter(), time.process_time()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"seconds": wall, "cpu_s": cpu, "tokens": tokens}


def _detente(
    files: list[Path], db: Path, settings: Any, clock: _PartClock, gc_off: bool
) -> dict[str, Any]:
    from detente.ingest import ingest
    from detente.store.schema import open_db

    open_db(db).close()  # the schema is made once per database, not per article: off the clock
    clock.reset()
    with _quiet_gc(gc_off), _timed_parts(clock):
        wall, cpu = time.perf_counter(), time.process_time()
        result = ingest([str(f) for f in files], db, workers=1, settings=settings)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    parts = {k: round(v, 4) for k, v in clock.wall.items()}
    # reading, skip checks and run bookkeeping: what ingest does around the timed parts
    parts["read_other"] = round(wall - sum(clock.wall.values()), 4)
    return {
        "seconds": wall,
        "cpu_s": cpu,
        "parts_s": parts,
        "parts_cpu_s": {k: round(v, 4) for k, v in clock.cpu.items()},
        "coded": result.coded,
        "rejected": result.rejected,
        "events": result.events,
        "quotes": result.quotes,
    }


def _texts(files: list[Path], settings: Any) -> list[str]:
    """What the bare side parses for these files: title + text as read, like the baseline."""
    from detente.read import read_paths

    out = []
    for art in read_paths(
        files, max_bytes=settings.max_bytes, published=settings.default_date, source=settings.source
    ):
        if art.rejected is None:
            out.append(f"{art.title}\n\n{art.text}" if art.title else art.text)
    return out


def _pair(
    index: int,
    files: list[Path],
    tmp: Path,
    nlp: Any,
    settings: Any,
    clock: _PartClock,
    gc_off: bool,
) -> dict[str, Any]:
    texts = _texts(files, settings)
    db = tmp / f"batch-{index}.duckdb"
    bare_first = index % 2 == 0
    load = os.getloadavg()[0]
    if bare_first:
        bare = _bare(nlp, texts, settings.batch_size, gc_off)
        det = _detente(files, db, settings, clock, gc_off)
    else:
        det = _detente(files, db, settings, clock, gc_off)
        bare = _bare(nlp, texts, settings.batch_size, gc_off)
    for suffix in ("", ".wal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    n = len(files)
    return {
        "batch": index,
        "articles": n,
        "first": "bare" if bare_first else "detente",
        "bare_s": round(bare["seconds"], 4),
        "bare_cpu_s": round(bare["cpu_s"], 4),
        "detente_s": round(det["seconds"], 4),
        "detente_cpu_s": round(det["cpu_s"], 4),
        "bare_articles_per_s": round(n / bare["seconds"], 3),
        "detente_articles_per_s": round(n / det["seconds"], 3),
        # detente articles/s over bare articles/s on the same articles
        "ratio": round(bare["seconds"] / det["seconds"], 4),
        "cpu_ratio": round(bare["cpu_s"] / det["cpu_s"], 4),
        "tokens": bare["tokens"],
        "detente_parts_s": det["parts_s"],
        "detente_parts_cpu_s": det["parts_cpu_s"],
        "coded": det["coded"],
        "rejected": det["rejected"],
        "events": det["events"],
        "quotes": det["quotes"],
        "load_avg_1m": round(load, 2),
    }


def run_interleaved(
    corpus: Path,
    *,
    limit: int | None,
    batch: int,
    settings: Any,
    gc_off: bool = True,
    warmup: bool = True,
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run the interleaved benchmark and return its summary with the per-batch figures."""
    from detente.api import get_pipeline
    from detente.nlp import load_nlp

    files = corpus_files(corpus, limit)
    batches = split_batches(files, batch)
    # the pipeline (and so spaCy) is loaded once, before any clock starts
    get_pipeline(settings)
    nlp = load_nlp(settings.model)
    clock = _PartClock()
    pairs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if warmup and batches:
            _pair(-1, batches[0], tmp, nlp, settings, clock, gc_off)  # discarded
        for i, group in enumerate(batches):
            pairs.append(_pair(i, group, tmp, nlp, settings, clock, gc_off))
            if progress is not None:
                progress(pairs[-1])
    # A short last batch would weigh as much as a full one in the median: leave it out.
    full = [p for p in pairs if p["articles"] == batch] or pairs
    ratio = summarise([p["ratio"] for p in full])
    cpu = summarise([p["cpu_ratio"] for p in full])
    bare_s = sum(p["bare_s"] for p in pairs)
    det_s = sum(p["detente_s"] for p in pairs)
    n = sum(p["articles"] for p in pairs)
    parts_total = {k: 0.0 for k in (*PARTS, "read_other")}
    for p in pairs:
        for k, v in p["detente_parts_s"].items():
            parts_total[k] += v
    load = round(statistics.median(p["load_avg_1m"] for p in pairs), 2)
    return {
        "ratio_median": ratio["median"],
        "ratio_iqr": ratio["iqr"],
        "ratio_min_max": [ratio["min"], ratio["max"]],
        "cpu_ratio_median": cpu["median"],
        "cpu_ratio_iqr": cpu["iqr"],
        "batch": batch,
        "batch_pairs": len(pairs),
        "batch_pairs_in_median": len(full),
        "warning": pairs_warning(len(full)),
        "warmup_discarded": warmup,
        "gc_disabled_while_timed": gc_off,
        "articles": n,
        "bare_articles_per_s_overall": round(n / bare_s, 3),
        "detente_articles_per_s_overall": round(n / det_s, 3),
        "detente_parts_share": {k: round(v / det_s, 4) for k, v in parts_total.items()},
        "load_avg_1m_median": load,
        # More runnable processes than cores: wall-time ratios are the scheduler's, not the
        # code's; quote the CPU-time ratio (docs/performance.md).
        "machine_busy": load > len(os.sched_getaffinity(0)),
        "batches": pairs,
    }
