"""``detente train events --gold FILE ... --out DIR``: train the learned event-type model."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .app import settings_from


@click.group("train")
def train() -> None:
    """Train a model from gold data (needs the `train` extra: scikit-learn)."""


@train.command("events")
@click.option(
    "--gold",
    "gold",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Gold JSONL file (text, event); repeatable.",
)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Model dir.")
@click.option(
    "--negatives",
    type=click.Path(exists=True, file_okay=False),
    help="Folder of plain-text news articles to draw sentences with no event from.",
)
@click.option("--max-negatives", default=500, show_default=True, type=click.IntRange(min=0))
@click.option("--seed", default=20261201, show_default=True, type=int)
@click.option("--folds", "k", default=5, show_default=True, type=click.IntRange(min=2))
@click.option("--date", "date", metavar="YYYY-MM-DD", help="Date for the card (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print the model card as JSON.")
@click.pass_context
def train_events_cmd(
    ctx: click.Context,
    gold: tuple[str, ...],
    out: str,
    negatives: str | None,
    max_negatives: int,
    seed: int,
    k: int,
    date: str | None,
    as_json: bool,
) -> None:
    """Train the event-type model on --gold files and write it (with its card) to --out."""
    from ..training.events import train_events

    card = train_events(
        [Path(g) for g in gold],
        Path(out),
        negatives=Path(negatives) if negatives else None,
        max_negatives=max_negatives,
        seed=seed,
        k=k,
        date=date,
        settings=settings_from(ctx),
    )
    if as_json:
        click.echo(json.dumps(card, ensure_ascii=False))
        return
    click.echo(f"wrote {out}: {card['name']} {card['version']} ({card['n_features']} features)")
    for group, s in card["cv"].items():
        i = s["integrated"]
        click.echo(
            f"{group:>24}: accuracy {i['accuracy']:.3f}  macro-F1 {i['macro_f1']:.3f}  "
            f"no event {i['no_event']:.3f}"
        )
