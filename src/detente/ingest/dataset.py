"""Build a Parquet dataset on Spark: waves of inputs, each committed whole, then de-duplicated.

The commit protocol: the inputs not yet committed are cut into waves of ``wave`` files. A wave
is one commit: executors write its rows of every table under ``commit=C`` directories (each
table's write uses Spark's own job commit, so no task's half-written file is visible), then the
driver writes the wave's inputs list and a runs row, and last the marker ``_commits/C.json``.
Readers see a commit only through its marker, so a run killed at any point leaves nothing half
visible; the next run deletes the unmarked files and starts after the committed inputs. A rerun
on the same inputs lists them, finds them all committed, and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .._version import __version__
from ..config import Settings, load_settings
from ..errors import PipelineError, ReadError
from ..store.parquet import (
    COMMITS,
    DATASET_FILE,
    DATASET_FORMAT,
    INPUTS_COLUMNS,
    local_path,
)
from ..store.schema import SCHEMA_VERSION
from ..store.writer import now_iso
from .result import IngestResult, Progress
from .session import settings_record

__all__ = ["ingest_dataset"]

log = logging.getLogger(__name__)

_TABLE_DIRS = ("inputs", "runs")


def _commits(fs: Any) -> list[str]:
    return sorted(n[: -len(".json")] for n in fs.names(fs.join(COMMITS)) if n.endswith(".json"))


def _committed_files(fs: Any, table: str, commits: set[str]) -> list[str]:
    found = fs.glob(fs.join(table, "commit=*", "*.parquet"))
    return [f for f in found if f.rsplit("/", 2)[-2][len("commit=") :] in commits]


def _clean_uncommitted(fs: Any, tables: Iterable[str], commits: set[str]) -> int:
    """Delete the files of commits that never got their marker (a killed run's leftovers)."""
    removed = 0
    for table in tables:
        depth = ("year=*", "month=*", "commit=*") if table == "events" else ("commit=*",)
        for path in fs.glob(fs.join(table, *depth)):
            if path.rsplit("/", 1)[-1][len("commit=") :] not in commits:
                fs.delete(path)
                removed += 1
    return removed


def _run_row(
    run_id: int,
    started: str,
    status: str,
    settings: dict[str, Any],
    inputs: Sequence[str],
    workers: int,
    versions: dict[str, str],
    prog: Progress,
) -> dict[str, Any]:
    files = {k: settings.get(k, []) for k in ("actors_files", "lexicon_files", "boilerplate_files")}
    return {
        "run_id": run_id,
        "started_at": dt.datetime.fromisoformat(started),
        "finished_at": dt.datetime.fromisoformat(now_iso()) if status != "running" else None,
        "status": status,
        "detente_version": __version__,
        "versions": json.dumps(versions),
        "lexicon_files": json.dumps(files),
        "settings": json.dumps(settings, default=str),
        "inputs": json.dumps(list(inputs)),
        "workers": workers,
        "n_read": prog.read,
        "n_coded": prog.coded,
        "n_skipped": prog.skipped,
        "n_rejected": prog.rejected,
        "n_mentions": prog.mentions,
        "n_events": prog.events,
        "n_quotes": prog.quotes,
    }


def _write_small(spark: Any, fs: Any, table: str, rows: list[dict[str, Any]], commit: str) -> None:
    from pyspark.sql import functions as F

    from ..engine.spark_dataset import spark_schema

    df = spark.createDataFrame(rows, spark_schema(table)).withColumn("commit", F.lit(commit))
    df.coalesce(1).write.mode("append").partitionBy("commit").parquet(fs.join(table))


def commit_marker(fs: Any, commit: str, record: dict[str, Any]) -> None:
    """Make a commit visible: its marker is the last file written (one rename)."""
    fs.write_text(fs.join(COMMITS, f"{commit}.json"), json.dumps(record, sort_keys=True))


def ingest_dataset(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    workers: int = 0,
    settings: Settings | None = None,
    chunk_size: int = 16,
    wave: int = 10_000,
    progress: Callable[[Progress], None] | None = None,
    dedup_after: bool = True,
) -> IngestResult:
    """Read, code and write every input under ``paths`` into the Parquet dataset ``out`` on Spark.

    Args:
        paths: input files or directories (any Hadoop-compatible URI or local path).
        out: the dataset directory (created when missing; any Hadoop-compatible URI). The
            de-duplication pass and the read commands need it on a local (or mounted) path.
        workers: local cores when no cluster is configured (``$SPARK_MASTER``; 0: all).
        settings: pipeline settings (default: :func:`~detente.config.load_settings`).
        chunk_size: articles per pipeline call on an executor (and per Spark task).
        wave: input files per commit (what a killed run can lose).
        progress: called with the counts after every committed wave.
        dedup_after: group stories and merge events at the end (local datasets only).

    Returns:
        The run's counts (``db`` is the dataset).

    Raises:
        ReadError: a local input path does not exist (checked before anything is written).
        PipelineError: Spark cannot start or a Spark job failed.
    """
    from ..engine.local import default_workers
    from ..engine.spark import _python_error, spark_session
    from ..engine.spark_dataset import CODED_TABLES, HadoopFS, code_wave, list_inputs

    settings = settings or load_settings()
    workers = workers or default_workers()
    names = [os.fspath(p) for p in paths]
    for name in names:  # local paths are checked before Spark starts (remote ones by Spark)
        if ":" not in name.split("/", 1)[0] and not os.path.exists(name):
            raise ReadError(f"input {name!r} does not exist", code="E031")
    spark = spark_session(workers, app="detente-dataset")
    fs = HadoopFS(spark, os.fspath(out))
    if not fs.exists(fs.join(DATASET_FILE)):
        fs.write_text(
            fs.join(DATASET_FILE),
            json.dumps({"format": DATASET_FORMAT, "schema_version": SCHEMA_VERSION}),
        )
    commits = set(_commits(fs))
    removed = _clean_uncommitted(fs, (*CODED_TABLES, *_TABLE_DIRS), commits)
    if removed:
        log.info("removed %d uncommitted part(s) of an interrupted run", removed)
    prog = Progress()
    try:
        files = list_inputs(spark, names, fs.root)
        done: set[tuple[str, int]] = set()
        inputs_files = _committed_files(fs, "inputs", commits)
        if inputs_files:
            for row in spark.read.parquet(*inputs_files).select("path", "length").collect():
                done.add((row.path, int(row.length)))
        run_files = _committed_files(fs, "runs", commits)
        run_id = 1
        if run_files:
            row = spark.read.parquet(*run_files).selectExpr("max(run_id) AS m").first()
            run_id = int(row["m"] or 0) + 1
        pending = [f for f in files if (f[0], f[1]) not in done]
        prog.total = len(files)
        prog.skipped = 0
        token = secrets.token_hex(4)
        started = now_iso()
        record = settings_record(settings)
        versions: dict[str, str] = {}
        log.info(
            "run %d: %d input files, %d already committed, %d to code into %s",
            run_id,
            len(files),
            len(files) - len(pending),
            len(pending),
            fs.root,
        )
        n_waves = 0
        for start in range(0, len(pending), max(1, wave)):
            n_waves += 1
            commit = f"r{run_id:06d}w{n_waves:06d}-{token}"
            group = pending[start : start + max(1, wave)]
            stored = _committed_files(fs, "articles", commits) + _committed_files(
                fs, "rejections", commits
            )
            counts = code_wave(
                spark,
                fs,
                [g[0] for g in group],
                stored=stored,
                commit=commit,
                settings=settings,
                run_id=run_id,
                now=started,
                chunk_size=chunk_size,
            )
            versions = versions or counts.versions
            prog.read += counts.read
            prog.files += len(group)
            prog.skipped += counts.skipped
            prog.coded += counts.coded
            prog.rejected += counts.rejected
            prog.mentions += counts.mentions
            prog.events += counts.events
            prog.quotes += counts.quotes
            inputs = [dict(zip(INPUTS_COLUMNS, g, strict=True)) for g in group]
            _write_small(spark, fs, "inputs", inputs, commit)
            _write_small(
                spark,
                fs,
                "runs",
                [_run_row(run_id, started, "running", record, names, workers, versions, prog)],
                commit,
            )
            commit_marker(fs, commit, {"run_id": run_id, "wave": n_waves, "files": len(group)})
            commits.add(commit)
            log.info("run %d: committed wave %d (%d files)", run_id, n_waves, len(group))
            if progress is not None:
                progress(prog)
    except PipelineError:
        raise
    except Exception as exc:  # a failed Spark job: say what failed, not the JVM stack
        raise PipelineError(
            f"Spark job failed: {_python_error(str(exc))}; run with --engine local to see "
            "the Python error",
            code="E026",
        ) from exc
    stats = None
    root = local_path(fs.root)
    if dedup_after and fs.root.startswith("file:"):
        from ..store.parquet_dedup import dedup_dataset

        stats = dedup_dataset(
            root, threshold=settings.dedup_threshold, window_days=settings.merge_window_days
        )
    elif dedup_after:
        log.warning("%s is not local: run `detente dedup --db DIR` where it is mounted", fs.root)
    # Every run is recorded (one that added nothing too); its final row says ``done``.
    final = f"r{run_id:06d}w{n_waves + 1:06d}-{token}"
    row = _run_row(run_id, started, "done", record, names, workers, versions, prog)
    _write_small(spark, fs, "runs", [row], final)
    commit_marker(fs, final, {"run_id": run_id, "wave": n_waves + 1, "files": 0})
    return IngestResult(
        run_id=run_id,
        db=root,
        read=prog.read,
        coded=prog.coded,
        skipped=prog.skipped + (len(files) - len(pending)),
        rejected=prog.rejected,
        mentions=prog.mentions,
        events=prog.events,
        quotes=prog.quotes,
        stories=stats["stories"] if stats else None,
        merged_events=stats["merged_events"] if stats else None,
        seconds=round(prog.elapsed, 3),
        versions=versions,
    )
