"""Store commands: ``ingest``, ``rejects``, ``relations``, ``events``, ``export``, ``stories``,
``dedup`` and ``runs`` (registered on import)."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..quads import QUAD_KEYS
from ..store.periods import PERIODS
from .app import date_type, handle_errors, main, settings_from, settings_options
from .output import write_json_line

log = logging.getLogger("detente.ingest")

_DB = click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="The detente DuckDB database.",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def _connect(db: str) -> Any:
    from ..store import connect

    return connect(db)


@contextmanager
def _progress(enabled: bool, every: float = 10.0) -> Iterator[Callable[[Any], None]]:
    """A progress callback: a live rich bar on a terminal, a log line every ``every`` s else."""
    if enabled:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn("[bold]ingest"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        task = bar.add_task("ingest", total=None, info="")

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
        return
    last = [time.monotonic()]

    def log_line(p: Any) -> None:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            total = f"/{p.total} files" if p.total else ""
            log.warning(
                "ingest: %d read%s, %d coded, %d skipped, %d rejected, %d events, "
                "%d quotes, %.1f articles/s",
                p.read,
                total,
                p.coded,
                p.skipped,
                p.rejected,
                p.events,
                p.quotes,
                p.rate,
            )

    yield log_line


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@_DB
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes, each loading spaCy once (0: one per core).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Articles per chunk (one transaction each).",
)
@click.option(
    "--dedup-threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    help="Jaccard similarity above which articles are one story (default 0.8).",
)
@click.option(
    "--merge-window",
    "merge_window_days",
    type=click.IntRange(min=0),
    help="Days within which same actor/recipient/type events merge (default 1).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="local: worker processes; spark: Apache Spark.",
)
@click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Live progress bar (default: on a terminal; log lines otherwise).",
)
@_JSON
@settings_options
@click.pass_context
@handle_errors
def ingest_cmd(
    ctx: click.Context,
    paths: tuple[str, ...],
    db: str,
    workers: int,
    chunk_size: int,
    dedup_threshold: float | None,
    merge_window_days: int | None,
    engine: str,
    show_progress: bool | None,
    as_json: bool,
    **opts: Any,
) -> None:
    """Code PATHS (files, directories, WARC, JSONL, - for stdin) into the database --db.

    Articles already stored (same id or content hash) are skipped, so re-running the command,
    after an interruption too, stores only what is missing. Exit code 1 when some inputs of this
    run were rejected (list them with `detente rejects`).
    """
    from ..store import ingest

    settings = settings_from(ctx, **opts).replace(
        dedup_threshold=dedup_threshold, merge_window_days=merge_window_days
    )
    tty = sys.stderr.isatty() if show_progress is None else show_progress
    with _progress(tty) as callback:
        result = ingest(
            paths,
            db,
            workers=workers,
            settings=settings,
            chunk_size=chunk_size,
            progress=callback,
            engine=engine,
        )
    if as_json:
        write_json_line(result.to_dict(), sys.stdout)
    else:
        click.echo(
            f"run {result.run_id}: {result.read} read, {result.coded} coded, "
            f"{result.skipped} skipped (already stored), {result.rejected} rejected; "
            f"{result.mentions} mentions, {result.events} events, {result.quotes} quotes "
            f"in {result.seconds:.1f}s"
        )
        if result.stories is not None:
            click.echo(
                f"de-duplication: {result.stories} multi-article stories, "
                f"{result.merged_events} merged events"
            )
    if result.rejected:
        sys.exit(1)


def _codes(entities: list[dict[str, Any]]) -> str:
    return "+".join(f"{e['code'] or '?'}{e['sector'] or ''}" for e in entities) or "-"


def _print_table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None) -> None:
    table = Table(title=title, expand=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    Console().print(table)


@main.command("rejects")
@_DB
@click.option("--reason", help="Only this reason (empty, binary, language, too_large, ...).")
@click.option("--run", "run_id", type=int, help="Only the rejections of this run.")
@click.option("--limit", type=click.IntRange(min=1), default=1000, show_default=True)
@_JSON
@handle_errors
def rejects_cmd(db: str, reason: str | None, run_id: int | None, limit: int, as_json: bool) -> None:
    """List the stored rejections: input, reason and detail."""
    from ..store import queries

    con = _connect(db)
    rows = queries.rejections(con, reason=reason, run_id=run_id, limit=limit)
    if as_json:
        for row in rows:
            write_json_line(row, sys.stdout)
        return
    _print_table(rows, ["input", "reason", "detail", "run_id"], title=f"{len(rows)} rejections")


@main.command("relations")
@click.argument("actor")
@click.argument("recipient")
@_DB
@click.option(
    "--by",
    type=click.Choice(PERIODS),
    default="month",
    show_default=True,
    help="Period length.",
)
@click.option("--since", callback=date_type, metavar="YYYY-MM-DD")
@click.option("--until", callback=date_type, metavar="YYYY-MM-DD")
@click.option("--both-ways", is_flag=True, help="Count RECIPIENT -> ACTOR events too.")
@_JSON
@handle_errors
def relations_cmd(
    actor: str,
    recipient: str,
    db: str,
    by: str,
    since: str | None,
    until: str | None,
    both_ways: bool,
    as_json: bool,
) -> None:
    """The dyad ACTOR -> RECIPIENT over time: events per quad class and mean intensity."""
    from ..store import queries

    rows = queries.relations(
        _connect(db), actor, recipient, by=by, since=since, until=until, both_ways=both_ways
    )
    if as_json:
        click.echo(
            json.dumps(
                {"actor": actor, "recipient": recipient, "by": by, "periods": rows},
                ensure_ascii=False,
            )
        )
        return
    for row in rows:
        row["types"] = ", ".join(f"{k} {v}" for k, v in sorted(row["by_type"].items()))
    _print_table(
        rows,
        [
            "period",
            "events",
            *QUAD_KEYS.values(),
            "mean_intensity",
            "types",
        ],
        title=f"{actor.upper()} → {recipient.upper()} by {by}",
    )


@main.command("events")
@_DB
@click.option("--actor", help="Actor: code (RUS), code+sector (RUSGOV), sector, kb id or name.")
@click.option("--recipient", help="Recipient, like --actor.")
@click.option("--type", "type_", metavar="TYPE[,TYPE]", help="PLOVER event type(s).")
@click.option("--context", help="PLOVER context (military, economic, ...).")
@click.option("--since", callback=date_type, metavar="YYYY-MM-DD")
@click.option("--until", callback=date_type, metavar="YYYY-MM-DD")
@click.option("--text", help="Words in the evidence sentence.")
@click.option("--merged", is_flag=True, help="De-duplicated events with NumArticles/NumSources.")
@click.option("--all-events", is_flag=True, help="Include negated and hypothetical events.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@_JSON
@handle_errors
def events_cmd(
    db: str,
    actor: str | None,
    recipient: str | None,
    type_: str | None,
    context: str | None,
    since: str | None,
    until: str | None,
    text: str | None,
    merged: bool,
    all_events: bool,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Query events with their evidence sentence (factual events unless --all-events)."""
    from ..store import queries

    con = _connect(db)
    if merged:
        rows = queries.merged_events(
            con,
            actor=actor,
            recipient=recipient,
            type=type_,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
        cols = [
            "date",
            "event",
            "actor_codes",
            "recipient_codes",
            "num_mentions",
            "num_articles",
            "num_sources",
            "event_scale",
        ]
    else:
        rows = queries.events(
            con,
            actor=actor,
            recipient=recipient,
            type=type_,
            context=context,
            since=since,
            until=until,
            text=text,
            all_events=all_events,
            limit=limit,
            offset=offset,
        )
        cols = ["date", "event", "mode", "actor", "recipient", "evidence"]
    if as_json:
        for row in rows:
            write_json_line(row, sys.stdout)
        return
    if not merged:
        # The table shows code+sector and a shortened sentence; --json has everything.
        table_rows = []
        for row in rows:
            sentence = " ".join((row["sentence"] or "").split())
            table_rows.append(
                {
                    **row,
                    "actor": _codes(row["actor"]),
                    "recipient": _codes(row["recipient"]),
                    "evidence": sentence if len(sentence) <= 160 else sentence[:157] + "...",
                }
            )
        rows = table_rows
    _print_table(rows, cols, title=f"{len(rows)} events")


@main.command("export")
@_DB
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["plover", "gdelt", "parquet", "csv"]),
    required=True,
    help="plover: JSONL records; gdelt: GDELT 2.0 61-column TSV of "
    "merged events; parquet/csv: flattened events table.",
)
@click.option(
    "--out",
    "out",
    required=True,
    metavar="PATH",
    help="Output file (- for stdout with plover and gdelt).",
)
@click.option("--all-events", is_flag=True, help="Include negated and hypothetical events.")
@handle_errors
def export_cmd(db: str, fmt: str, out: str, all_events: bool) -> None:
    """Export the events of --db to PLOVER JSONL, GDELT TSV, Parquet or CSV."""
    from ..store import export

    n = export(_connect(db), fmt, sys.stdout if out == "-" else out, all_events=all_events)
    click.echo(f"exported {n} rows to {out}", err=True)


@main.command("stories")
@_DB
@click.option("--min-articles", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@_JSON
@handle_errors
def stories_cmd(db: str, min_articles: int, limit: int, as_json: bool) -> None:
    """List stories: groups of near-duplicate articles (largest first)."""
    from ..store import queries

    rows = queries.stories(_connect(db), min_articles=min_articles, limit=limit)
    if as_json:
        for row in rows:
            write_json_line(row, sys.stdout)
        return
    _print_table(
        rows,
        ["story_id", "n_articles", "n_sources", "first_published", "title"],
        title=f"{len(rows)} stories",
    )


@main.command("dedup")
@_DB
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    help="Jaccard similarity for one story (default: settings, 0.8).",
)
@click.option(
    "--merge-window",
    "window",
    type=click.IntRange(min=0),
    help="Days within which events merge (default: settings, 1).",
)
@click.pass_context
@handle_errors
def dedup_cmd(ctx: click.Context, db: str, threshold: float | None, window: int | None) -> None:
    """Recompute stories and merged events (e.g. with another threshold or window)."""
    from ..store import dedup, open_db

    settings = settings_from(ctx)
    con = open_db(db)
    try:
        stats = dedup(
            con,
            threshold=threshold or settings.dedup_threshold,
            window_days=settings.merge_window_days if window is None else window,
            force=True,
        )
    finally:
        con.close()
    assert stats is not None
    click.echo(f"{stats['stories']} multi-article stories, {stats['merged_events']} merged events")


@main.command("runs")
@_DB
@_JSON
@handle_errors
def runs_cmd(db: str, as_json: bool) -> None:
    """List ingest runs with their versions and counts."""
    from ..store import queries

    rows = queries.runs(_connect(db))
    if as_json:
        for row in rows:
            write_json_line(row, sys.stdout)
        return
    for row in rows:
        row["nlp"] = (row["versions"] or {}).get("nlp", "")
    _print_table(
        rows,
        [
            "run_id",
            "started_at",
            "status",
            "n_read",
            "n_coded",
            "n_skipped",
            "n_rejected",
            "n_events",
            "n_quotes",
            "nlp",
        ],
        title="runs (--json: all stage versions)",
    )
