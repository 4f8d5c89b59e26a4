"""``detente eval KIND --gold PATH``: score a component on a gold set."""

from __future__ import annotations

import json

import click

from ..eval import SCORERS, run_eval
from .app import settings_from


@click.command("eval")
@click.argument("kind", type=click.Choice(sorted(SCORERS)))
@click.option(
    "--gold",
    required=True,
    type=click.Path(exists=True),
    help="The gold set: a folder or file, depending on KIND.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N items.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--model", "model", metavar="NAME", help="Installed spaCy English pipeline to use.")
@click.option(
    "--kb",
    "kb",
    type=click.Choice(["full", "curated"]),
    help="Actor knowledge: full (curated, then the Phoenix layer; default) or curated.",
)
@click.option(
    "--gating/--no-gating",
    "gating",
    default=None,
    help="Parse only the sentences that can hold an event, quote or place (default: on).",
)
@click.pass_context
def eval_(
    ctx: click.Context,
    kind: str,
    gold: str,
    limit: int | None,
    as_json: bool,
    model: str | None,
    kb: str | None,
    gating: bool | None,
) -> None:
    """Score KIND (extraction, actors, events, quotes) on the gold set at --gold."""
    settings = settings_from(ctx, model=model, kb=kb, gating=gating)
    result = run_eval(kind, gold, settings, limit=limit)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        if isinstance(value, dict) and len(json.dumps(value)) > 200:
            continue
        click.echo(f"{key:>12}: {json.dumps(value)}")
