"""Spark runner: code chunks of articles on Apache Spark (pyspark), store them in DuckDB.

The same contract as :func:`detente.engine.local.code_chunks`: chunks go in, one
:class:`~detente.store.rows.Batch` of table rows per chunk comes out. Chunks are sent to Spark in
waves of ``wave`` chunks (the driver's memory stays bounded), each chunk is one task, and every
Python worker builds the pipeline once (Spark reuses its Python workers, and the pipeline is
cached per process). The driver keeps writing: DuckDB has one writer, so rows come back to it.

With no master configured it starts ``local[workers]``; set ``spark.master`` (or
``$SPARK_MASTER``) to run on a cluster where detente and the spaCy pipeline are installed on
every node.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..config import Settings
from ..errors import PipelineError
from ..records import Article
from ..store.rows import Batch

__all__ = ["code_chunks_spark", "spark_session"]

log = logging.getLogger(__name__)


def spark_session(workers: int, app: str = "detente") -> Any:
    """Get or start a Spark session (``local[workers]`` unless ``$SPARK_MASTER`` is set).

    Raises:
        PipelineError: pyspark (or Java) is not available.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise PipelineError(
            "the Spark engine needs pyspark: pip install 'detente[spark]' (and Java 17)",
            code="E024",
        ) from exc
    master = os.environ.get("SPARK_MASTER", f"local[{max(1, workers)}]")
    # Executors must run this interpreter (the one where detente and spaCy are installed).
    # (PySpark reads $PYSPARK_PYTHON when the context starts; the conf is for spark-submit.)
    python = os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        session = (
            SparkSession.builder.appName(app)
            .master(master)
            .config("spark.python.worker.reuse", "true")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.pyspark.python", python)
            .config("spark.pyspark.driver.python", sys.executable)
            .getOrCreate()
        )
    except Exception as exc:  # Java missing or the cluster unreachable
        raise PipelineError(
            f"cannot start Spark ({master}): {exc}; is Java 17 installed?", code="E025"
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


def _python_error(text: str) -> str:
    """The Python exception line inside a Spark error (not the JVM stack around it)."""
    lines = [ln.strip() for ln in text.splitlines()]
    found = [ln for ln in lines if re.match(r"^[A-Za-z_.]*(Error|Exception)\b.*:", ln)]
    return found[-1] if found else (lines[0] if lines else text)


def _code_partition(
    settings: Settings, run_id: int | None, now: str | None, stages: Sequence[str] | None
) -> Any:
    def run(chunks: Iterable[list[Article]]) -> Iterator[Batch]:
        from .local import code_chunk

        for chunk in chunks:
            yield code_chunk(chunk, settings, run_id=run_id, now=now, stages=stages)

    return run


def code_chunks_spark(
    chunks: Iterable[list[Article]],
    *,
    settings: Settings,
    workers: int = 0,
    run_id: int | None = None,
    now: str | None = None,
    wave: int | None = None,
    stages: Sequence[str] | None = None,
) -> Iterator[Batch]:
    """Code chunks of articles on Spark and yield one :class:`Batch` per chunk.

    Args:
        chunks: article lists, consumed lazily, one wave at a time.
        settings: pipeline settings (shipped to the executors).
        workers: local cores when no cluster is configured (0: one per core).
        run_id, now: stamped on the rows.
        wave: chunks per Spark job (default: four per worker).
        stages: the stages to run (default: every stage).
    """
    from .local import default_workers

    workers = workers or default_workers()
    spark = spark_session(workers)
    sc = spark.sparkContext
    wave = wave or 4 * workers
    fn = _code_partition(settings, run_id, now, stages)
    group: list[list[Article]] = []

    def flush() -> Iterator[Batch]:
        rdd = sc.parallelize(group, numSlices=len(group))
        try:
            yield from rdd.mapPartitions(fn).toLocalIterator()
        except Exception as exc:  # a failed Spark job: say what failed, not the JVM stack
            raise PipelineError(
                f"Spark job failed: {_python_error(str(exc))}; run with "
                "--engine local to see the Python error",
                code="E026",
            ) from exc

    for chunk in chunks:
        if chunk:
            group.append(chunk)
        if len(group) >= wave:
            yield from flush()
            group = []
    if group:
        yield from flush()
