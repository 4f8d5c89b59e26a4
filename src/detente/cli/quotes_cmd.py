"""``detente quotes``: who said what, as a readable list or JSON lines."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from ..api import code_paths
from ..records import Article, Quote
from .app import report_rejected, settings_from, settings_options
from .output import write_json_line

__all__ = ["quotes"]


def _who(quote: Quote) -> str:
    sp = quote.speaker
    if sp is None:
        return "?"
    who = sp.name or sp.text
    if sp.actor is not None and sp.actor.code:
        who += f" ({sp.actor.code}{'/' + sp.actor.sector if sp.actor.sector else ''})"
    return who


def _table(article: Article, quotes: list[Quote], console: Console) -> None:
    title = article.title or article.input
    table = Table(title=f"{title} — {len(quotes)} quote(s)", expand=True)
    table.add_column("speaker", overflow="fold", ratio=2)
    table.add_column("kind", no_wrap=True)
    table.add_column("quote", overflow="fold", ratio=6)
    for q in quotes:
        table.add_row(_who(q), q.kind, q.text)
    console.print(table)


@click.command("quotes")
@click.argument("paths", nargs=-1, required=True)
@settings_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="table: speaker, kind and quote per row; jsonl: one quote object per line "
    "(the `quotes` items of the output contract, with an `article` id).",
)
@click.option(
    "--topics",
    is_flag=True,
    help="Also list topics: attributions whose text is what was talked about, not words said "
    '("Lavrov\'s comments on North Korea"), marked `topic: true`.',
)
@click.pass_context
def quotes(ctx: click.Context, paths: tuple[str, ...], fmt: str, topics: bool, **opts: str) -> None:
    """List the quotations in PATHS (files, directories, - for stdin): speaker, kind, quote.

    Topics (attributions whose text is a topic, not words said) are left out unless --topics.
    Exit code 1 when some inputs were rejected (each is reported with its reason).
    """
    settings = settings_from(ctx, **opts)
    console = Console()
    failed = 0
    for article in code_paths(paths, settings=settings):
        if report_rejected(article):
            failed += 1
            continue
        shown = [q for q in article.quotes if topics or not q.topic]
        if fmt == "jsonl":
            for q in shown:
                write_json_line({"article": article.id, **q.to_dict()}, sys.stdout)
        else:
            _table(article, shown, console)
        sys.stdout.flush()
    if failed:
        sys.exit(1)
