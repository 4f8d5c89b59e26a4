"""Commands that write a database: ``ingest`` (code inputs into it), ``recode`` (code its
stored texts again) and ``dedup`` (regroup stories, re-merge events)."""

from __future__ import annotations

import sys
from contextlib import closing
from typing import Any

import click

from .app import (
    date_type,
    db_option,
    event_model_option,
    json_option,
    no_event_model_option,
    settings_from,
    settings_options,
)
from .output import write_json_line
from .progress import progress_display

__all__ = ["dedup_cmd", "ingest_cmd", "recode_cmd"]


# Options that ingest and recode share: how the coding is spread and shown.
_WORKERS = click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes, each loading spaCy once (0: one per core).",
)
_CHUNK_SIZE = click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Articles per chunk (one transaction each).",
)
_PROGRESS = click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Live progress bar (default: on a terminal; log lines otherwise).",
)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="The DuckDB database to write (or give --parquet with --engine spark).",
)
@click.option(
    "--parquet",
    "parquet",
    metavar="DIR",
    help="With --engine spark: write a Parquet dataset here (any Hadoop-compatible path; "
    "read it back with --db DIR).",
)
@click.option(
    "--wave",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="With --parquet: input files per commit (a killed run redoes at most one wave).",
)
@_WORKERS
@_CHUNK_SIZE
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
@_PROGRESS
@json_option
@settings_options
@click.pass_context
def ingest_cmd(
    ctx: click.Context,
    paths: tuple[str, ...],
    db: str | None,
    parquet: str | None,
    wave: int,
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
    from ..ingest import ingest, ingest_dataset

    if parquet is not None and engine != "spark":
        raise click.UsageError("--parquet DIR needs --engine spark")
    if (db is None) == (parquet is None):
        raise click.UsageError("give either --db FILE or --engine spark --parquet DIR")
    settings = settings_from(ctx, **opts).replace(
        dedup_threshold=dedup_threshold, merge_window_days=merge_window_days
    )
    tty = sys.stderr.isatty() if show_progress is None else show_progress
    with progress_display(tty) as callback:
        if parquet is not None:
            result = ingest_dataset(
                paths,
                parquet,
                workers=workers,
                settings=settings,
                chunk_size=chunk_size,
                wave=wave,
                progress=callback,
            )
        else:
            assert db is not None
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


@click.command("recode")
@db_option
@click.option(
    "--actors",
    "actors_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra actor dictionary (YAML); repeatable.",
)
@click.option(
    "--lexicon",
    "lexicon_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra event trigger lexicon (YAML); repeatable.",
)
@event_model_option
@no_event_model_option
@click.option("--model", "model", metavar="NAME", help="Installed spaCy English pipeline to use.")
@click.option("--since", callback=date_type, metavar="YYYY-MM-DD", help="Published on or after.")
@click.option("--until", callback=date_type, metavar="YYYY-MM-DD", help="Published on or before.")
@_WORKERS
@_CHUNK_SIZE
@_PROGRESS
@json_option
@click.pass_context
def recode_cmd(
    ctx: click.Context,
    db: str,
    since: str | None,
    until: str | None,
    workers: int,
    chunk_size: int,
    show_progress: bool | None,
    as_json: bool,
    **opts: Any,
) -> None:
    """Code the stored texts of --db again with the current actors, lexicons and models.

    In place (same article ids), one transaction per chunk; an interrupted run is resumed by
    running the command again. Articles already coded with the same stage versions and files
    are skipped. Stories and merged events are recomputed.
    """
    from ..ingest import recode

    settings = settings_from(ctx, **opts)
    tty = sys.stderr.isatty() if show_progress is None else show_progress
    with progress_display(tty, label="recode") as callback:
        result = recode(
            db,
            settings=settings,
            workers=workers,
            chunk_size=chunk_size,
            since=since,
            until=until,
            progress=callback,
        )
    if as_json:
        write_json_line(result.to_dict(), sys.stdout)
        return
    click.echo(
        f"run {result.run_id}: {result.coded} re-coded, {result.skipped} up to date, "
        f"{result.rejected} kept their old coding (a stage failed); {result.mentions} mentions, "
        f"{result.events} events, {result.quotes} quotes in {result.seconds:.1f}s"
    )


@click.command("dedup")
@db_option
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
def dedup_cmd(ctx: click.Context, db: str, threshold: float | None, window: int | None) -> None:
    """Recompute stories and merged events (e.g. with another threshold or window).

    --db may be a Parquet dataset directory: the pass then runs in DuckDB over its files.
    """
    from ..store import dedup, open_db
    from ..store.parquet import is_dataset

    settings = settings_from(ctx)
    if is_dataset(db):
        from ..store.parquet_dedup import dedup_dataset

        stats = dedup_dataset(
            db,
            threshold=threshold or settings.dedup_threshold,
            window_days=settings.merge_window_days if window is None else window,
            force=True,
        )
        assert stats is not None
        click.echo(
            f"{stats['stories']} multi-article stories, {stats['merged_events']} merged events"
        )
        return
    with closing(open_db(db)) as con:
        stats = dedup(
            con,
            threshold=threshold or settings.dedup_threshold,
            window_days=settings.merge_window_days if window is None else window,
            force=True,
        )
    assert stats is not None
    click.echo(f"{stats['stories']} multi-article stories, {stats['merged_events']} merged events")
