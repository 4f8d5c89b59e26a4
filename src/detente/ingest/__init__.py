"""Building and re-coding a database: the layer above the engines and the store.

``ingest(paths, db, workers=0, settings=None, progress=None) -> IngestResult``
    Read every input (files, directories, ``-``, ``.gz``, JSONL, HTML, WARC; never the database
    itself or its WAL), skip articles already stored (same id or content hash), code the rest
    on an engine, store articles, mentions, events, quotes and rejections, one transaction per
    chunk (resumable after kill -9), record the run, then group stories and merge events.
``ingest_dataset(paths, out, workers=0, settings=None, wave=10000) -> IngestResult``
    The same on Spark at cluster scale: executors read and code the inputs and write a Parquet
    dataset (:mod:`.dataset`), committed wave by wave; read it back with ``connect(out)``.
``recode(db, settings=None, since=None, until=None) -> IngestResult``
    Code the stored texts again with the current knowledge, in place, one transaction per chunk,
    resumable; articles already coded with the same stage versions and inputs are skipped.

Modules: :mod:`.build` (the ingest driver), :mod:`.recode`, :mod:`.inputs` (which files, which
articles), :mod:`.session` (one run's row, counts and engine), :mod:`.coding` (what coding
depends on), :mod:`.result` (progress counts and the result).
"""

from __future__ import annotations

from .build import ingest
from .coding import CODING_STAGES
from .dataset import ingest_dataset
from .recode import recode
from .result import IngestResult, Progress

__all__ = ["CODING_STAGES", "IngestResult", "Progress", "ingest", "ingest_dataset", "recode"]
