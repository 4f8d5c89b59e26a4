"""What a run reports: live counts for the progress display and the final result."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["IngestResult", "Progress"]


@dataclass(slots=True)
class Progress:
    """Counts so far, handed to the progress callback after every stored chunk."""

    read: int = 0
    coded: int = 0
    skipped: int = 0
    rejected: int = 0
    mentions: int = 0
    events: int = 0
    quotes: int = 0
    total: int | None = None  # input files, when known (JSONL and WARC make it unknown)
    files: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        """Seconds since the ingest started."""
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Articles coded (or rejected) per second."""
        return (self.coded + self.rejected) / max(self.elapsed, 1e-9)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one :func:`~detente.ingest.ingest` (or :func:`~detente.ingest.recode`) call did."""

    run_id: int
    db: str
    read: int
    coded: int
    skipped: int
    rejected: int
    mentions: int
    events: int
    quotes: int
    stories: int | None
    merged_events: int | None
    seconds: float
    versions: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the result."""
        return dataclasses.asdict(self)
