"""Where the time goes: each pipeline stage timed on its own, as shares of the total.

Used by ``throughput.py --stages``. The articles are read, then passed through the pipeline's
stages one stage at a time (every article through stage 1, then every article through stage 2,
...), so each stage's clock holds only that stage's work; batching stages (``pipe``) get batches
of their ``batch_size``, as :class:`detente.pipeline.Pipeline` gives them; rejected articles are
passed over, as the pipeline does. The store rows, the write (one transaction per chunk of 16,
with the skip check, as ``ingest`` does) and the de-duplication follow. Stage names come from the
pipeline itself, so new stages (places, an event model) appear in the table without a change here.

``profile`` runs the same pass again under cProfile and lists the functions of detente (not of
spaCy, thinc or DuckDB) with the most time of their own.
"""

from __future__ import annotations

import cProfile
import gc
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHUNK = 16  # articles per store transaction, as ingest's default chunk_size


def _run_stage(stage: Any, arts: list[Any]) -> list[Any]:
    """Apply one stage to every live article (batched when the stage has ``pipe``)."""
    batch_pipe = getattr(stage, "pipe", None)
    if batch_pipe is None:
        return [a if a.rejected is not None else stage(a) for a in arts]
    size = max(1, getattr(stage, "batch_size", 32))
    live = [a for a in arts if a.rejected is None]
    done: list[Any] = []
    for i in range(0, len(live), size):
        done.extend(batch_pipe(live[i : i + size]))
    it = iter(done)
    return [a if a.rejected is not None else next(it) for a in arts]


def _pass(
    files: list[Path], settings: Any, db: Path, clock: Callable[[str, float, float], None]
) -> int:
    """Read, run each stage, store and de-duplicate ``files``; report each step to ``clock``."""
    from detente.api import get_pipeline
    from detente.read import read_paths
    from detente.store.dedup import dedup
    from detente.store.rows import Batch
    from detente.store.schema import open_db
    from detente.store.writer import Writer, now_iso

    pipeline = get_pipeline(settings)
    t, c = time.perf_counter(), time.process_time()
    arts = list(
        read_paths(
            files,
            max_bytes=settings.max_bytes,
            published=settings.default_date,
            source=settings.source,
        )
    )
    clock("read", time.perf_counter() - t, time.process_time() - c)
    for stage in pipeline.stages:
        t, c = time.perf_counter(), time.process_time()
        arts = _run_stage(stage, arts)
        clock(stage.name, time.perf_counter() - t, time.process_time() - c)
    con = open_db(db)
    try:
        writer = Writer(con)
        run_id = writer.start_run(versions=pipeline.versions, settings={}, inputs=[], workers=1)
        now = now_iso()
        t, c = time.perf_counter(), time.process_time()
        for i in range(0, len(arts), CHUNK):
            chunk = arts[i : i + CHUNK]
            writer.known([a.id for a in chunk], [a.hash for a in chunk])
            batch = Batch(versions=pipeline.versions)
            for art in chunk:
                batch.add(art.with_(doc=None), run_id=run_id, now=now)
            writer.write(batch)
        clock("store", time.perf_counter() - t, time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        dedup(con, threshold=settings.dedup_threshold, window_days=settings.merge_window_days)
        clock("dedup", time.perf_counter() - t, time.process_time() - c)
        writer.update_run("done")
    finally:
        con.close()
    return len(arts)


def stage_table(files: list[Path], settings: Any, *, warmup: int = 5) -> dict[str, Any]:
    """Time every step over ``files``; return seconds, shares of the total and articles/s."""
    from detente.api import get_pipeline
    from detente.ingest import ingest
    from detente.nlp import load_nlp
    from detente.read import read_paths

    get_pipeline(settings)
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def clock(name: str, secs: float, cpu_s: float) -> None:
        seconds[name] = seconds.get(name, 0.0) + secs
        cpu[name] = cpu.get(name, 0.0) + cpu_s

    with tempfile.TemporaryDirectory() as tmp:
        if warmup:
            # lazy loads (lexicons, automata, the first DuckDB connection) are not per article
            _pass(files[:warmup], settings, Path(tmp) / "warmup.duckdb", _ignore)
        gc.collect()
        n = _pass(files, settings, Path(tmp) / "stages.duckdb", clock)
        total = sum(seconds.values())
        total_cpu = sum(cpu.values())
        # For reconciliation: the same files through ingest, and bare nlp.pipe of their texts.
        gc.collect()
        t = time.perf_counter()
        ingest(files, Path(tmp) / "ingest.duckdb", workers=1, settings=settings)
        ingest_s = time.perf_counter() - t
    texts = [a.doc_text for a in read_paths(files) if a.rejected is None]
    gc.collect()
    t = time.perf_counter()
    for _doc in load_nlp(settings.model).pipe(texts, batch_size=settings.batch_size):
        pass
    bare_s = time.perf_counter() - t
    return {
        "articles": n,
        "total_s": round(total, 3),
        "articles_per_s": round(n / total, 3),
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "share": {k: round(v / total, 4) for k, v in seconds.items()},
        # CPU time is what the stage costs whatever else the machine runs: the table to quote
        "cpu_total_s": round(total_cpu, 3),
        "cpu_seconds": {k: round(v, 3) for k, v in cpu.items()},
        "cpu_share": {k: round(v / total_cpu, 4) for k, v in cpu.items()},
        "ingest_same_files_s": round(ingest_s, 3),
        "bare_same_texts_s": round(bare_s, 3),
    }


def _ignore(_name: str, _secs: float, _cpu: float) -> None:
    pass


def _is_own(filename: str) -> bool:
    return "/detente/" in filename and "site-packages" not in filename


def profile(files: list[Path], settings: Any, out: Path | None = None, top: int = 25) -> dict:
    """Profile one pass with cProfile; return detente's functions by own time and cumulative."""
    from detente.api import get_pipeline

    get_pipeline(settings)
    with tempfile.TemporaryDirectory() as tmp:
        _pass(files[:5], settings, Path(tmp) / "warmup.duckdb", _ignore)
        prof = cProfile.Profile()
        prof.enable()
        _pass(files, settings, Path(tmp) / "profile.duckdb", _ignore)
        prof.disable()
    if out is not None:
        prof.dump_stats(str(out))
    stats = pstats.Stats(prof)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max(getattr(stats, "total_tt", 0.0), 1e-9)
    rows = []
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in raw.items():
        if not _is_own(filename):
            continue
        short = filename.split("/detente/", 1)[1]
        rows.append(
            {
                "function": f"detente/{short}:{line}:{func}",
                "calls": ncalls,
                "own_s": round(tottime, 3),
                "own_share": round(tottime / total, 4),
                "cumulative_s": round(cumtime, 3),
                "cumulative_share": round(cumtime / total, 4),
            }
        )
    by_own = sorted(rows, key=lambda r: -r["own_s"])[:top]
    by_cum = sorted(rows, key=lambda r: -r["cumulative_s"])[:top]
    # Everything, libraries included (spaCy's parser, DuckDB, MinHash): what else costs time
    every = sorted(raw.items(), key=lambda kv: -kv[1][2])[:top]
    anywhere = [
        {
            "function": f"{_short(fn)}:{line}:{func}",
            "own_s": round(tt, 3),
            "own_share": round(tt / total, 4),
            "cumulative_s": round(ct, 3),
        }
        for (fn, line, func), (_cc, _nc, tt, ct, _callers) in every
    ]
    return {
        "profiled_total_s": round(total, 3),
        "by_own_time": by_own,
        "by_cumulative": by_cum,
        "all_by_own_time": anywhere,
    }


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/src/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename
