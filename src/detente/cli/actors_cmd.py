"""``detente actors ...``: inspect the actor knowledge base."""

from __future__ import annotations

import json

import click

from .app import date_type


@click.group("actors")
def actors() -> None:
    """Inspect the actor knowledge base (states, organisations, office holders)."""


_KB_OPTION = click.option(
    "--kb",
    "kb_choice",
    type=click.Choice(["full", "curated"]),
    help="Knowledge layers: full (curated, then Phoenix; default) or curated only.",
)
_ACTORS_OPTION = click.option(
    "--actors",
    "actors_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra actor dictionary (YAML); repeatable.",
)


@actors.command("lookup")
@click.argument("name")
@click.option(
    "--date",
    "date",
    callback=date_type,
    metavar="YYYY-MM-DD",
    help="Resolve as of this date (default: today); office holders depend on it.",
)
@_ACTORS_OPTION
@_KB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the readings as a JSON list.")
@click.pass_context
def lookup(
    ctx: click.Context,
    name: str,
    date: str | None,
    actors_files: tuple[str, ...],
    kb_choice: str | None,
    as_json: bool,
) -> None:
    """Show what NAME resolves to on --date, why, and from which layer (exit 1 when unknown)."""
    from ..actors import load_kb, lookup
    from .app import settings_from

    settings = settings_from(ctx, actors_files=actors_files, kb=kb_choice)
    kb = load_kb(settings.actors_files, layers=settings.kb)
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
            f"{reading['via']} ({reading['layer']}): {reading['why']}"
        )
    if not readings:
        ctx.exit(1)


@actors.command("stats")
@_ACTORS_OPTION
@_KB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
@click.pass_context
def stats(
    ctx: click.Context, actors_files: tuple[str, ...], kb_choice: str | None, as_json: bool
) -> None:
    """Count the knowledge base's entries per layer and kind, its people and names."""
    from ..actors import kb_stats, load_kb
    from .app import settings_from

    settings = settings_from(ctx, actors_files=actors_files, kb=kb_choice)
    counts = kb_stats(load_kb(settings.actors_files, layers=settings.kb))
    if as_json:
        click.echo(json.dumps(counts))
        return
    for layer, info in counts["layers"].items():
        kinds = ", ".join(f"{k} {n}" for k, n in info["entries"].items())
        click.echo(f"{layer}: {info['people']} people, {info['names']} names; {kinds}")
    total = counts["total"]
    click.echo(
        f"total: {total['entries']} entries, {total['people']} people, {total['names']} names"
    )


@actors.group("import")
def import_group() -> None:
    """Convert external actor dictionaries into detente's actor-file format."""


@import_group.command("phoenix")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The actor file to write (YAML, or JSON for *.json); load it with --actors FILE.",
)
def import_phoenix(folder: str, out: str) -> None:
    """Convert the PETRARCH/Phoenix dictionaries in FOLDER (MIT, Open Event Data) to --out."""
    from ..actors.importers.phoenix import HEADER, convert_dir, write_actor_file

    doc = convert_dir(folder)
    write_actor_file(doc, out, HEADER.format(folder=folder))
    click.echo(
        f"{out}: {len(doc['states'])} states, {len(doc['organisations'])} organisations, "
        f"{len(doc['people'])} people, {sum(len(a['words']) for a in doc['agents'])} agent "
        f"nouns, {len(doc['discards'])} discards",
        err=True,
    )


@import_group.command("wikidata")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The actor file to write (YAML, or JSON for *.json); load it with --actors FILE.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on the first line that is not a JSON entity (default: skip it with a warning).",
)
def import_wikidata(dump: str, out: str, strict: bool) -> None:
    """Convert a Wikidata JSON dump (DUMP.json[.gz], one entity a line) to --out.

    Keeps states, IGOs, armed groups, political parties and people with positions held (P39)
    as dated offices; no network access.
    """
    from ..actors.importers.phoenix import write_actor_file
    from ..actors.importers.wikidata import HEADER, convert_dump

    doc, stats = convert_dump(dump, strict=strict)
    write_actor_file(doc, out, HEADER.format(dump=dump))
    click.echo(
        f"{out}: {stats.states} states, {stats.organisations} organisations, {stats.people} "
        f"people ({stats.offices} offices) from {stats.entities} entities; "
        f"{stats.bad_lines} bad lines skipped",
        err=True,
    )


# ---------------------------------------------------------------------- actors unknown
@actors.command("unknown")
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="The detente DuckDB database.",
)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per name.")
@click.option(
    "--yaml", "as_yaml", is_flag=True, help="Print a starter user actor file (--actors FILE)."
)
def unknown(db: str, limit: int, as_json: bool, as_yaml: bool) -> None:
    """List the most frequent names in event roles that resolve to no actor (kind unknown)."""
    from ..store import connect
    from ..store.unknown import starter_actor_file, unknown_actors

    con = connect(db)
    try:
        rows = unknown_actors(con, limit=limit)
    finally:
        con.close()
    if as_yaml:
        click.echo(starter_actor_file(rows), nl=False)
        return
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo("no unresolved names in event roles")
    for row in rows:
        example = row["example"] if len(row["example"]) <= 100 else row["example"][:97] + "..."
        click.echo(
            f"{row['events']:>5}  {row['name']}  [{row['label'] or '-'}] "
            f"{row['first_date'] or '?'}..{row['last_date'] or '?'}  {example}"
        )
