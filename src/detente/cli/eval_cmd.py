"""``detente eval KIND --gold PATH``: score a component on a gold set."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..eval import SCORERS, run_eval
from .app import (
    event_model_option,
    gating_option,
    kb_option,
    no_event_model_option,
    settings_from,
)


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
@kb_option
@event_model_option
@no_event_model_option
@click.option(
    "--cv",
    "cv",
    type=click.IntRange(min=2),
    help="events only: cross-validate the learned event-type model on K folds of --gold.",
)
@gating_option
@click.pass_context
def eval_(
    ctx: click.Context,
    kind: str,
    gold: str,
    limit: int | None,
    as_json: bool,
    model: str | None,
    kb: str | None,
    event_model: str | None,
    no_event_model: bool | None,
    cv: int | None,
    gating: bool | None,
) -> None:
    """Score KIND (extraction, actors, events, quotes, geo) on the gold set at --gold."""
    settings = settings_from(
        ctx,
        model=model,
        kb=kb,
        event_model=event_model,
        no_event_model=no_event_model,
        gating=gating,
    )
    if cv is not None:
        if kind != "events":
            raise click.UsageError("--cv applies to `detente eval events` only")
        from ..eval.events_cv import score_cv

        result = score_cv(Path(gold), settings, k=cv, limit=limit)
    else:
        result = run_eval(kind, gold, settings, limit=limit)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        if isinstance(value, dict) and len(json.dumps(value)) > 200:
            continue
        click.echo(f"{key:>12}: {json.dumps(value)}")
