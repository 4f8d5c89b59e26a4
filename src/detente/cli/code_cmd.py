"""``detente code``: read inputs and print coded articles."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from ..api import code_paths
from .app import report_rejected, settings_from, settings_options
from .output import print_article_table, write_json_line


@click.command("code")
@click.argument("paths", nargs=-1, required=True)
@settings_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "plover"]),
    default="table",
    show_default=True,
    help="table: readable summary; jsonl: the output contract, one object per input; "
    "plover: PLOVER event records only, one per line.",
)
@click.option(
    "--all-events",
    is_flag=True,
    help="With --format plover, include negated and hypothetical events.",
)
@click.pass_context
def code(
    ctx: click.Context, paths: tuple[str, ...], fmt: str, all_events: bool, **opts: str
) -> None:
    """Code articles from PATHS (files, directories, - for stdin; .gz read transparently).

    Formats are told by extension (.txt, .html, .jsonl, .warc) or by content. Exit code 1 when
    some inputs were rejected (each is reported with its reason); the others are still coded.
    """
    settings = settings_from(ctx, **opts)
    console = Console()
    out = sys.stdout
    failed = 0
    for article in code_paths(paths, settings=settings):
        failed += report_rejected(article)
        if fmt == "jsonl":
            write_json_line(article.to_dict(), out)
        elif fmt == "plover":
            for ev in article.events:
                if all_events or ev.factual:
                    write_json_line(ev.to_dict(), out)
        else:
            print_article_table(article, console)
        out.flush()
    if failed:
        sys.exit(1)
