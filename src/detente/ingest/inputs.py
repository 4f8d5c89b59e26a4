"""Which files an ingest reads, and which of the articles read still need coding.

A database written into the directory being ingested must not read itself: the output database,
its write-ahead log and any other output the caller names are left out of the inputs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..read import count_inputs, iter_inputs
from ..records import Article
from ..store.writer import Writer
from .result import Progress

__all__ = ["ChunkFilter", "input_files", "outputs_of"]


def outputs_of(
    db: str | os.PathLike[str], extra: Iterable[str | os.PathLike[str]] = ()
) -> set[Path]:
    """The files a run writes: the database, its DuckDB WAL, and ``extra`` outputs."""
    base = Path(db)
    names = [base, base.with_name(base.name + ".wal"), *(Path(p) for p in extra)]
    return {p.resolve() for p in names}


def input_files(names: Iterable[str], exclude: set[Path]) -> tuple[list[str], int | None]:
    """Expand input paths into files, leaving out ``exclude``; also count them for the display.

    Returns:
        The files in reading order and their number (``None`` when JSONL, WARC or stdin make
        the number of articles unknown).

    Raises:
        ReadError: an input path does not exist (checked before anything is written).
    """
    files = [f for f in iter_inputs(names) if f == "-" or Path(f).resolve() not in exclude]
    return files, count_inputs(files)


def _file_of(article: Article) -> str:
    # Inputs are files or records inside a file (#record, :line); count distinct files.
    return article.input.split("#", 1)[0].rsplit(":", 1)[0] if article.input else ""


class ChunkFilter:
    """Group read articles into chunks of fresh ones; set aside reader rejections.

    An article is skipped when its id or content hash is stored already or is in a chunk still
    being coded (``inflight``), so a re-run, or a duplicate inside one run, codes nothing twice.
    """

    def __init__(
        self, writer: Writer, progress: Progress, size: int, flush: Callable[[], None]
    ) -> None:
        self.writer = writer
        self.progress = progress
        self.size = size
        self.flush = flush  # stores the rejections set aside
        self.inflight: set[str] = set()
        self.rejected: list[Article] = []

    def done(self, ids: Iterable[str]) -> None:
        """Forget the keys of stored articles (the database knows them now)."""
        self.inflight.difference_update(ids)

    def _fresh(self, group: list[Article]) -> list[Article]:
        known = self.writer.known([a.id for a in group], [a.hash for a in group])
        out = []
        for art in group:
            keys = {art.id, art.hash} - {""}
            if keys & known or keys & self.inflight:
                self.progress.skipped += 1
                continue
            self.inflight.update(keys)
            if art.rejected is not None:
                self.rejected.append(art)
            else:
                out.append(art)
        if len(self.rejected) >= self.size:
            # An input of nothing but rejections must not pile them up in memory.
            self.flush()
        return out

    def chunks(self, articles: Iterable[Article]) -> Iterator[list[Article]]:
        """Yield chunks of articles that need coding, counting what was read."""
        buf: list[Article] = []
        last_input = None
        for art in articles:
            self.progress.read += 1
            name = _file_of(art)
            if name != last_input:
                self.progress.files += 1
                last_input = name
            buf.append(art)
            if len(buf) >= self.size:
                chunk = self._fresh(buf)
                buf = []
                if chunk:
                    yield chunk
        if buf and (chunk := self._fresh(buf)):
            yield chunk
