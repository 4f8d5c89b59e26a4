"""Progress display for long runs (``ingest``, ``recode``): a rich bar or plain log lines.

Progress is information: on a terminal a live bar on stderr; otherwise an INFO log line every
few seconds (shown with ``-v``). Warnings are for things that went wrong.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console

__all__ = ["progress_display"]

log = logging.getLogger("detente.ingest")


def _bar(label: str) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def _log_lines(label: str, every: float) -> Callable[[Any], None]:
    last = [time.monotonic()]

    def log_line(p: Any) -> None:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            total = f"/{p.total} files" if p.total else ""
            log.info(
                "%s: %d read%s, %d coded, %d skipped, %d rejected, %d events, "
                "%d quotes, %.1f articles/s",
                label,
                p.read,
                total,
                p.coded,
                p.skipped,
                p.rejected,
                p.events,
                p.quotes,
                p.rate,
            )

    return log_line


@contextmanager
def progress_display(
    enabled: bool, every: float = 10.0, label: str = "ingest"
) -> Iterator[Callable[[Any], None]]:
    """A progress callback: a live rich bar when ``enabled``, an INFO line every ``every`` s else.

    Args:
        enabled: show the bar (a terminal, or ``--progress``).
        every: seconds between log lines when the bar is off.
        label: the run's name on the bar and in the lines.
    """
    if not enabled:
        yield _log_lines(label, every)
        return
    bar = _bar(label)
    task = bar.add_task(label, total=None, info="")

    def update(p: Any) -> None:
        # The total is in input files; JSONL/WARC inputs leave it unknown (no ETA).
        bar.update(
            task,
            total=p.total,
            completed=min(p.files, p.total or p.files),
            info=f"{p.rate:.1f}/s {p.coded} coded {p.skipped} skip {p.rejected} rej "
            f"{p.events} ev {p.quotes} q",
        )

    with bar:
        yield update
