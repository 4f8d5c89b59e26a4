"""Engines that code many articles: a local multiprocess runner and a Spark runner.

:func:`~detente.engine.local.code_chunks` codes chunks of read articles in N worker processes
(each loads the spaCy pipeline once) with a bounded number of chunks in flight, and yields each
chunk's store rows (:class:`~detente.store.rows.Batch`) as soon as it is done.
:mod:`detente.engine.spark` does the same on Apache Spark (the driver writes one DuckDB file);
:mod:`detente.engine.spark_dataset` is Spark at cluster scale: executors read, code and write a
Parquet dataset themselves.
"""

from __future__ import annotations

from .local import code_chunks, default_workers

__all__ = ["code_chunks", "default_workers"]
