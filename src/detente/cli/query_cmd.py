"""Commands that read a database: ``events``, ``relations``, ``rejects``, ``stories``, ``runs``.

Each opens the database read-only for the command's duration and prints a table or JSON lines.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..quads import QUAD_KEYS
from ..store.periods import PERIODS
from .app import date_type, db_option, json_option
from .output import write_json_line

__all__ = ["events_cmd", "rejects_cmd", "relations_cmd", "runs_cmd", "stories_cmd"]


@contextmanager
def _queries(db: str) -> Iterator[tuple[Any, Any]]:
    """The query functions and a read-only connection to ``db``, closed on the way out."""
    from ..store import connect, queries  # the store (DuckDB) loads only when a command runs

    con = connect(db)
    try:
        yield queries, con
    finally:
        con.close()


def _codes(entities: list[dict[str, Any]]) -> str:
    return "+".join(f"{e['code'] or '?'}{e['sector'] or ''}" for e in entities) or "-"


def _print_table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None) -> None:
    table = Table(title=title, expand=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    Console().print(table)


@click.command("rejects")
@db_option
@click.option("--reason", help="Only this reason (empty, binary, language, too_large, ...).")
@click.option("--run", "run_id", type=int, help="Only the rejections of this run.")
@click.option("--limit", type=click.IntRange(min=1), default=1000, show_default=True)
@json_option
def rejects_cmd(db: str, reason: str | None, run_id: int | None, limit: int, as_json: bool) -> None:
    """List the stored rejections: input, reason and detail."""
    with _queries(db) as (queries, con):
        rows = queries.rejections(con, reason=reason, run_id=run_id, limit=limit)
    if as_json:
        for row in rows:
            write_json_line(row, sys.stdout)
        return
    _print_table(rows, ["input", "reason", "detail", "run_id"], title=f"{len(rows)} rejections")


@click.command("relations")
@click.argument("actor")
@click.argument("recipient")
@db_option
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
@json_option
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
    with _queries(db) as (queries, con):
        rows = queries.relations(
            con, actor, recipient, by=by, since=since, until=until, both_ways=both_ways
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


@click.command("events")
@db_option
@click.option("--actor", help="Actor: code (RUS), code+sector (RUSGOV), sector, kb id or name.")
@click.option("--recipient", help="Recipient, like --actor.")
@click.option("--type", "type_", metavar="TYPE[,TYPE]", help="PLOVER event type(s).")
@click.option("--context", help="PLOVER context (military, economic, ...).")
@click.option("--since", callback=date_type, metavar="YYYY-MM-DD")
@click.option("--until", callback=date_type, metavar="YYYY-MM-DD")
@click.option("--text", help="Words in the evidence sentence.")
@click.option("--merged", is_flag=True, help="De-duplicated events with NumArticles/NumSources.")
@click.option("--all-events", is_flag=True, help="Include negated and hypothetical events.")
@click.option(
    "--known-actors", is_flag=True, help="Leave out events by an unnamed actor (actor_unknown)."
)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@json_option
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
    known_actors: bool,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Query events with their evidence sentence (factual events unless --all-events)."""
    with _queries(db) as (queries, con):
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
                known_actors=known_actors,
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


@click.command("stories")
@db_option
@click.option("--min-articles", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@json_option
def stories_cmd(db: str, min_articles: int, limit: int, as_json: bool) -> None:
    """List stories: groups of near-duplicate articles (largest first)."""
    with _queries(db) as (queries, con):
        rows = queries.stories(con, min_articles=min_articles, limit=limit)
    if as_json:
        for row in rows:
            write_json_line(row, sys.stdout)
        return
    _print_table(
        rows,
        ["story_id", "n_articles", "n_sources", "first_published", "title"],
        title=f"{len(rows)} stories",
    )


@click.command("runs")
@db_option
@json_option
def runs_cmd(db: str, as_json: bool) -> None:
    """List ingest runs with their versions and counts."""
    with _queries(db) as (queries, con):
        rows = queries.runs(con)
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
