"""Find inputs (files, directories, stdin, .gz) and dispatch each to its reader by format."""

from __future__ import annotations

import gzip
import io
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import ReadError
from ..records import Article, RejectReason
from .base import decode, fill_defaults, reject
from .html import read_html
from .jsonl import read_jsonl_line
from .text import read_text

__all__ = [
    "count_inputs",
    "detect_format",
    "iter_inputs",
    "read_bytes_input",
    "read_file_bytes",
    "read_paths",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_SUFFIX_FORMAT = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".arc": "warc",
    ".rss": "feed",
    ".atom": "feed",
}
_SKIP_NAMES = {"metadata.tsv", "ground-truth.json", "LICENSE", "README.md", ".DS_Store"}


def detect_format(name: str, head: bytes = b"") -> str:
    """Guess an input's format from its name (ignoring ``.gz``), then from its first bytes."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    fmt = _SUFFIX_FORMAT.get(os.path.splitext(lower)[1])
    if fmt:
        return fmt
    sniff = head.lstrip()[:200].lower()
    if sniff.startswith(b"warc/"):
        return "warc"
    if b"<rss" in sniff or b"<feed" in head[:1000].lower() or b"<rdf:rdf" in sniff:
        return "feed"
    if sniff.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head[:4096].lower():
        return "html"
    if sniff.startswith(b"{"):
        return "jsonl"
    return "text"


def iter_inputs(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Expand paths into input files in a stable order: directories recursively, ``-`` as is.

    Raises:
        ReadError: a path does not exist.
    """
    for raw in paths:
        name = os.fspath(raw)
        if name == "-":
            yield name
            continue
        path = Path(name)
        if path.is_dir():
            for sub in sorted(p for p in path.rglob("*") if p.is_file()):
                if sub.name in _SKIP_NAMES or any(part.startswith(".") for part in sub.parts[-1:]):
                    continue
                yield str(sub)
        elif path.exists():
            yield name
        else:
            raise ReadError(f"input {name!r} does not exist", code="E031")


def count_inputs(paths: Iterable[str | os.PathLike[str]]) -> int | None:
    """Count input files (``None`` when a JSONL, WARC or stdin input makes the total unknown)."""
    total = 0
    for name in iter_inputs(paths):
        if name == "-" or detect_format(name) in ("jsonl", "warc"):
            return None
        total += 1
    return total


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    return stream.read(limit + 1)


def _open_bytes(name: str, limit: int) -> bytes:
    if name == "-":
        return _read_limited(sys.stdin.buffer, limit)
    if name.lower().endswith(".gz"):
        with gzip.open(name, "rb") as fh:
            return _read_limited(fh, limit)  # type: ignore[arg-type]
    with open(name, "rb") as fh:
        return _read_limited(fh, limit)


def read_bytes_input(
    name: str,
    data: bytes,
    *,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    **fields: Any,
) -> Iterator[Article]:
    """Read one input given as bytes (a file's content, stdin, an HTTP body)."""
    if len(data) > max_bytes:
        yield reject(
            name,
            RejectReason.TOO_LARGE,
            f"input is larger than the limit of {max_bytes} bytes (set max_bytes to raise it)",
        )
        return
    if not data.strip():
        yield reject(name, RejectReason.EMPTY, "input is empty")
        return
    fmt = fmt or detect_format(name, data[:4096])
    if fmt == "warc":
        from .warc import read_warc

        yield from read_warc(name, io.BytesIO(data), max_bytes=max_bytes, **fields)
        return
    if fmt == "feed":
        from .feed import read_feed

        yield from read_feed(name, data, **fields)
        return
    text = decode(data)
    if text is None:
        yield reject(
            name, RejectReason.BINARY, "input is binary or in an unknown encoding, not text"
        )
        return
    if fmt == "jsonl":
        for lineno, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield read_jsonl_line(f"{name}:{lineno}", line, **fields)
        return
    if fmt == "html":
        yield read_html(name, text, **{k: v for k, v in fields.items() if v})
        return
    yield read_text(name, text, **fields)


def read_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    published: str | None = None,
    source: str | None = None,
) -> Iterator[Article]:
    """Read every input under ``paths`` into articles, in order.

    ``published`` and ``source`` fill articles that have none. Inputs that cannot be read become
    rejected articles; the rest go on.

    Raises:
        ReadError: a path does not exist (checked before anything is read).
    """
    names = list(iter_inputs(paths))
    fields: dict[str, Any] = {"published": published, "source": source}
    for name in names:
        fmt = detect_format(name)
        if fmt in ("jsonl", "warc") and name != "-":
            # Streamed: JSONL and WARC files may be far larger than one article's limit.
            yield from _read_stream(name, fmt, max_bytes=max_bytes, **fields)
            continue
        try:
            data = _open_bytes(name, max_bytes)
        except (OSError, EOFError, zlib.error) as exc:
            yield reject(name, RejectReason.UNREADABLE, f"cannot read input: {exc}")
            continue
        for art in read_bytes_input(name, data, max_bytes=max_bytes, **fields):
            yield fill_defaults(art, published, source)


def read_file_bytes(
    name: str,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    published: str | None = None,
    source: str | None = None,
) -> Iterator[Article]:
    """Read one input file given as its raw bytes, exactly as :func:`read_paths` reads the file.

    What a distributed reader needs: an executor holds a file's bytes (Spark's ``binaryFile``
    source) rather than a local path. ``.gz`` is decompressed, JSONL and WARC are read record by
    record (a crawl file may be far larger than one article's limit), ``published`` and
    ``source`` fill articles that have none.
    """
    fields: dict[str, Any] = {"published": published, "source": source}
    fmt = detect_format(name)
    if fmt in ("jsonl", "warc"):
        yield from _read_stream(name, fmt, max_bytes=max_bytes, data=data, **fields)
        return
    if name.lower().endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                data = _read_limited(fh, max_bytes)  # type: ignore[arg-type]
        except (OSError, EOFError, zlib.error) as exc:
            yield reject(name, RejectReason.UNREADABLE, f"cannot read input: {exc}")
            return
    for art in read_bytes_input(name, data, max_bytes=max_bytes, **fields):
        yield fill_defaults(art, published, source)


def _open_stream(name: str, fmt: str, data: bytes | None) -> BinaryIO:
    if data is not None:  # the bytes of the file, read by someone else (a Spark executor)
        raw: BinaryIO = io.BytesIO(data)
        if fmt == "jsonl" and name.lower().endswith(".gz"):
            return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
        return raw
    if fmt == "jsonl" and name.lower().endswith(".gz"):
        return gzip.open(name, "rb")  # type: ignore[return-value]
    return open(name, "rb")


def _read_stream(
    name: str, fmt: str, *, max_bytes: int, data: bytes | None = None, **fields: Any
) -> Iterator[Article]:
    try:
        if fmt == "warc":
            from .warc import read_warc

            with _open_stream(name, fmt, data) as fh:
                yield from read_warc(name, fh, max_bytes=max_bytes, **fields)
            return
        with _open_stream(name, fmt, data) as fh:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                line_name = f"{name}:{lineno}"
                if len(raw) > max_bytes:
                    yield reject(
                        line_name,
                        RejectReason.TOO_LARGE,
                        f"line is larger than the limit of {max_bytes} bytes",
                    )
                    continue
                text = decode(raw)
                if text is None:
                    yield reject(line_name, RejectReason.UNDECODABLE, "line is not valid text")
                    continue
                yield fill_defaults(
                    read_jsonl_line(line_name, text, **fields),
                    fields.get("published"),
                    fields.get("source"),
                )
    except (OSError, EOFError, zlib.error) as exc:
        yield reject(name, RejectReason.UNREADABLE, f"cannot read input: {exc}")
