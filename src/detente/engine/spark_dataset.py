"""Spark executors that read, code and write: one wave of inputs into a Parquet dataset.

What runs where:

* the driver lists the inputs through Spark's ``binaryFile`` source (any Hadoop-compatible
  path: ``file://``, ``hdfs://``, ``s3a://``), and keeps the commit markers and the run rows;
* executors read the files' bytes (``binaryFile``), turn them into articles with the local
  engine's readers (:func:`~detente.read.read_file_bytes`: text, HTML, JSONL, WARC, ``.gz``),
  drop articles already stored or repeated (an anti-join and a window, no driver round trip),
  code them with one cached pipeline per Python worker (``mapPartitions``), and write every table
  as Parquet with Spark's own commit protocol.

A wave's rows are visible only once the driver writes the wave's commit marker
(:mod:`detente.store.parquet` reads committed files only).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..store.parquet import CODED_TABLES, arrow_schema, local_path
from ..store.rows import Batch

__all__ = ["HadoopFS", "WaveCounts", "code_wave", "list_inputs", "spark_schema"]

log = logging.getLogger(__name__)

#: Names the local engine never reads as inputs (read.discover skips them too).
_SKIP_NAMES = {"metadata.tsv", "ground-truth.json", "LICENSE", "README.md", ".DS_Store"}


class HadoopFS:
    """Small file operations on the driver through Hadoop's FileSystem (works on any scheme)."""

    def __init__(self, spark: Any, root: str) -> None:
        sc = spark.sparkContext
        self._path = sc._jvm.org.apache.hadoop.fs.Path
        self.fs = self._path(root).getFileSystem(sc._jsc.hadoopConfiguration())
        self.root = str(self.fs.makeQualified(self._path(root)).toString())

    def join(self, *parts: str) -> str:
        """A path under the dataset root."""
        return "/".join([self.root.rstrip("/"), *parts])

    def exists(self, path: str) -> bool:
        """Whether ``path`` exists."""
        return bool(self.fs.exists(self._path(path)))

    def write_text(self, path: str, text: str) -> None:
        """Write a small file whole: to a hidden name first, then renamed into place."""
        target = self._path(path)
        tmp = self._path(target.getParent(), "." + target.getName() + ".tmp")
        out = self.fs.create(tmp, True)
        try:
            out.write(bytearray(text.encode("utf-8")))
        finally:
            out.close()
        self.fs.delete(target, False)
        if not self.fs.rename(tmp, target):
            raise OSError(f"cannot rename {tmp} to {target}")

    def names(self, directory: str) -> list[str]:
        """The entry names of a directory (empty when it does not exist)."""
        path = self._path(directory)
        if not self.fs.exists(path):
            return []
        return sorted(str(s.getPath().getName()) for s in self.fs.listStatus(path))

    def glob(self, pattern: str) -> list[str]:
        """The paths matching a glob."""
        found = self.fs.globStatus(self._path(pattern))
        return sorted(str(s.getPath().toString()) for s in found) if found else []

    def delete(self, path: str) -> None:
        """Delete a file or directory tree."""
        self.fs.delete(self._path(path), True)


def spark_schema(table: str, extra: Sequence[tuple[str, Any]] = ()) -> Any:
    """The Spark schema of a dataset table (from its Arrow schema), plus ``extra`` fields."""
    import pyarrow as pa
    from pyspark.sql import types as T

    def convert(t: Any) -> Any:
        if pa.types.is_timestamp(t):
            return T.TimestampNTZType()  # the store's timestamps are UTC without a zone
        if pa.types.is_date(t):
            return T.DateType()
        if pa.types.is_list(t):
            return T.ArrayType(convert(t.value_type))
        if pa.types.is_binary(t):
            return T.BinaryType()
        if pa.types.is_int32(t):
            return T.IntegerType()
        if pa.types.is_int64(t):
            return T.LongType()
        if pa.types.is_floating(t):
            return T.DoubleType()
        if pa.types.is_boolean(t):
            return T.BooleanType()
        return T.StringType()

    fields = [T.StructField(f.name, convert(f.type), True) for f in arrow_schema(table)]
    fields += [T.StructField(n, t, True) for n, t in extra]
    return T.StructType(fields)


def _out_schema() -> Any:
    from pyspark.sql import types as T

    fields = [T.StructField(t, spark_schema(t), True) for t in CODED_TABLES]
    return T.StructType([*fields, T.StructField("versions", T.StringType(), True)])


def _read_schema() -> Any:
    from pyspark.sql import types as T

    return T.StructType(
        [
            T.StructField("path", T.StringType()),
            T.StructField("seq", T.IntegerType()),
            T.StructField("id", T.StringType()),
            T.StructField("hash", T.StringType()),
            T.StructField("article", T.BinaryType()),
        ]
    )


def _converters(table: str) -> list[Callable[[Any], Any]]:
    """Per column of ``table``: turn a store row value (ISO text dates) into a Spark value."""
    import pyarrow as pa

    def date(v: Any) -> Any:
        return dt.date.fromisoformat(v) if isinstance(v, str) else v

    def stamp(v: Any) -> Any:
        return dt.datetime.fromisoformat(v) if isinstance(v, str) else v

    def same(v: Any) -> Any:
        return v

    out: list[Callable[[Any], Any]] = []
    for f in arrow_schema(table):
        if pa.types.is_timestamp(f.type):
            out.append(stamp)
        elif pa.types.is_date(f.type):
            out.append(date)
        elif pa.types.is_floating(f.type):
            out.append(lambda v: None if v is None else float(v))
        elif pa.types.is_list(f.type) and pa.types.is_string(f.type.value_type):
            out.append(
                lambda v: None if v is None else [x if type(x) is str else str(x) for x in v]
            )
        elif pa.types.is_string(f.type):
            # str subclasses (RejectReason) would reach the JVM as unknown pickled classes.
            out.append(lambda v: v if v is None or type(v) is str else str(v))
        else:
            out.append(same)
    return out


def _batch_rows(batch: Batch, convert: dict[str, list[Callable[[Any], Any]]]) -> Iterator[Any]:
    """One output row per table row of ``batch``: that table's struct set, the others null."""
    versions = json.dumps(batch.versions) if batch.versions else None
    n = len(CODED_TABLES)
    for i, table in enumerate(CODED_TABLES):
        fns = convert[table]
        for row in batch.rows.get(table) or []:
            cells: list[Any] = [None] * n
            cells[i] = tuple(fn(v) for fn, v in zip(fns, row, strict=True))
            yield (*cells, versions)


def _reader(settings: Settings) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def read(rows: Iterator[Any]) -> Iterator[Any]:
        from ..read import read_file_bytes

        for row in rows:
            arts = read_file_bytes(
                local_path(row.path),
                bytes(row.content or b""),
                max_bytes=settings.max_bytes,
                published=settings.default_date,
                source=settings.source,
            )
            for seq, art in enumerate(arts):
                blob = pickle.dumps(art, protocol=pickle.HIGHEST_PROTOCOL)
                yield (row.path, seq, art.id, art.hash or "", blob)

    return read


def _coder(
    settings: Settings, run_id: int, now: str, chunk_size: int
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def code(rows: Iterator[Any]) -> Iterator[Any]:
        from ..records import Article
        from .local import code_chunk

        convert = {t: _converters(t) for t in CODED_TABLES}
        chunk: list[Article] = []
        for row in rows:
            chunk.append(pickle.loads(row.article))
            if len(chunk) >= chunk_size:
                batch = code_chunk(chunk, settings, run_id=run_id, now=now)
                yield from _batch_rows(batch, convert)
                chunk = []
        if chunk:
            yield from _batch_rows(code_chunk(chunk, settings, run_id=run_id, now=now), convert)

    return code


def list_inputs(spark: Any, paths: Sequence[str], exclude: str) -> list[tuple[str, int, Any]]:
    """List input files (path URI, size, modification time) through Spark's ``binaryFile``.

    Directories are read recursively; the local engine's skipped names, hidden files and
    everything under ``exclude`` (the dataset itself) are left out.
    """
    df = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(list(paths))
        .select("path", "length", "modificationTime")
    )
    out = []
    for row in df.orderBy("path").collect():
        base = row.path.rsplit("/", 1)[-1]
        if base in _SKIP_NAMES or base.startswith(".") or row.path.startswith(exclude + "/"):
            continue
        out.append((row.path, int(row.length), row.modificationTime))
    return out


@dataclass(slots=True)
class WaveCounts:
    """What one wave read, skipped and stored."""

    read: int = 0
    skipped: int = 0
    coded: int = 0
    rejected: int = 0
    mentions: int = 0
    events: int = 0
    quotes: int = 0
    versions: dict[str, str] = field(default_factory=dict)


def _stored_keys(spark: Any, files: Sequence[str]) -> Any:
    """A one-column (``k``) frame of the stored ids and content hashes, or ``None``."""
    if not files:
        return None
    from pyspark.sql import functions as F

    df = spark.read.parquet(*files).select("id", "hash")
    return (
        df.select(F.col("id").alias("k"))
        .union(df.select(F.col("hash").alias("k")))
        .where("k IS NOT NULL AND k != ''")
        .distinct()
    )


def code_wave(
    spark: Any,
    fs: HadoopFS,
    files: Sequence[str],
    *,
    stored: Sequence[str],
    commit: str,
    settings: Settings,
    run_id: int,
    now: str,
    chunk_size: int = 16,
) -> WaveCounts:
    """Read, code and write one wave of input files into the dataset under ``commit``.

    Args:
        spark: the session.
        fs: the dataset's file system (root included).
        files: input file URIs (from :func:`list_inputs`).
        stored: committed ``articles`` and ``rejections`` files: their ids and hashes are
            skipped, like the local engine skips what a database holds.
        commit: the commit id the written files are filed under (invisible until committed).
        settings, run_id, now: coding settings and the run's stamps.
        chunk_size: articles coded per pipeline call.

    Returns:
        The wave's counts (and the versions of the pipeline that coded it).
    """
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    # RDD partitions of Python rows (mapInArrow would need pandas on every executor).
    source = spark.read.format("binaryFile").load(list(files))
    raw = spark.createDataFrame(
        source.rdd.mapPartitions(_reader(settings)), _read_schema()
    ).persist(StorageLevel.DISK_ONLY)
    counts = WaveCounts(read=raw.count())
    fresh = raw
    keys = _stored_keys(spark, stored)
    if keys is not None:
        fresh = fresh.join(keys, fresh.id == keys.k, "left_anti")
        fresh = fresh.join(keys, fresh.hash == keys.k, "left_anti")
    # The first of several copies (by input order) is coded, as in the local engine.
    order = ("path", "seq")
    first = Window.partitionBy("id").orderBy(*order)
    by_hash = Window.partitionBy(
        F.when(F.col("hash") == "", F.col("id")).otherwise(F.col("hash"))
    ).orderBy(*order)
    fresh = (
        fresh.withColumn("_n", F.row_number().over(first))
        .where("_n = 1")
        .withColumn("_n", F.row_number().over(by_hash))
        .where("_n = 1")
        .drop("_n")
        .persist(StorageLevel.DISK_ONLY)
    )
    n_fresh = fresh.count()
    counts.skipped = counts.read - n_fresh
    raw.unpersist()
    if n_fresh == 0:
        fresh.unpersist()
        return counts
    tasks = fresh.repartition(max(1, math.ceil(n_fresh / chunk_size)))
    coded = spark.createDataFrame(
        tasks.rdd.mapPartitions(_coder(settings, run_id, now, chunk_size)), _out_schema()
    ).persist(StorageLevel.DISK_ONLY)
    try:
        for table in CODED_TABLES:
            rows = coded.where(F.col(table).isNotNull()).select(f"{table}.*")
            rows = rows.withColumn("commit", F.lit(commit))
            parts = ["commit"]
            if table == "events":
                rows = rows.withColumn("year", F.coalesce(F.year("date"), F.lit(0))).withColumn(
                    "month", F.coalesce(F.month("date"), F.lit(0))
                )
                parts = ["year", "month", "commit"]
            rows.write.mode("append").partitionBy(*parts).parquet(fs.join(table))
        summary = coded.select(
            F.count(F.col("articles")).alias("coded"),
            F.count(F.col("rejections")).alias("rejected"),
            F.count(F.col("mentions")).alias("mentions"),
            F.count(F.col("events")).alias("events"),
            F.count(F.col("quotes")).alias("quotes"),
            F.max("versions").alias("versions"),
        ).first()
    finally:
        coded.unpersist()
        fresh.unpersist()
    counts.coded = int(summary["coded"])
    counts.rejected = int(summary["rejected"])
    counts.mentions = int(summary["mentions"])
    counts.events = int(summary["events"])
    counts.quotes = int(summary["quotes"])
    counts.versions = json.loads(summary["versions"]) if summary["versions"] else {}
    return counts
