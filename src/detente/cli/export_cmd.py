"""``detente export``: the events of a database as PLOVER JSONL, GDELT TSV, Parquet or CSV."""

from __future__ import annotations

import sys
from contextlib import closing

import click

from .app import db_option

__all__ = ["export_cmd"]


@click.command("export")
@db_option
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
def export_cmd(db: str, fmt: str, out: str, all_events: bool) -> None:
    """Export the events of --db to PLOVER JSONL, GDELT TSV, Parquet or CSV."""
    from ..store import connect, export

    with closing(connect(db)) as con:
        n = export(con, fmt, sys.stdout if out == "-" else out, all_events=all_events)
    click.echo(f"exported {n} rows to {out}", err=True)
