"""``detente actors ...``: inspect the actor knowledge base."""

from __future__ import annotations

import json

import click

from .app import date_type, handle_errors, main


@main.group("actors")
def actors() -> None:
    """Inspect the actor knowledge base (states, organisations, office holders)."""


@actors.command("lookup")
@click.argument("name")
@click.option(
    "--date",
    "date",
    callback=date_type,
    metavar="YYYY-MM-DD",
    help="Resolve as of this date (default: today); office holders depend on it.",
)
@click.option(
    "--actors",
    "actors_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra actor dictionary (YAML); repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the readings as a JSON list.")
@click.pass_context
@handle_errors
def lookup(
    ctx: click.Context, name: str, date: str | None, actors_files: tuple[str, ...], as_json: bool
) -> None:
    """Show what NAME resolves to on --date, and why (exit code 1 when unknown)."""
    from ..actors import load_kb, lookup
    from .app import settings_from

    settings = settings_from(ctx, actors_files=actors_files)
    kb = load_kb(settings.actors_files)
    readings = lookup(kb, name, date)
    if as_json:
        click.echo(json.dumps(readings, ensure_ascii=False))
    elif not readings:
        click.echo(f"{name}: not in the actor knowledge base")
    for i, reading in enumerate([] if as_json else readings):
        actor = reading["actor"]
        click.echo(
            f"{'*' if i == 0 else ' '} {actor['code'] or '-'} {actor['sector'] or '-'} "
            f"{actor['kind']} {actor['name'] or ''} [{actor['kb_id'] or ''}] via "
            f"{reading['via']}: {reading['why']}"
        )
    if not readings:
        ctx.exit(1)
