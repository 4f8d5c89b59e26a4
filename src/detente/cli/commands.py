"""Every ``detente`` command, in one explicit list, grouped by concern.

A command module defines plain ``click`` commands and registers nothing on import; add a new
command by importing it here and appending it to :data:`COMMANDS`.
"""

from __future__ import annotations

import click

from .actors_cmd import actors
from .code_cmd import code
from .eval_cmd import eval_
from .export_cmd import export_cmd
from .ingest_cmd import dedup_cmd, ingest_cmd, recode_cmd
from .query_cmd import events_cmd, rejects_cmd, relations_cmd, runs_cmd, stories_cmd
from .quotes_cmd import quotes
from .train_cmd import train
from .web_cmd import serve

__all__ = ["COMMANDS"]

COMMANDS: tuple[click.Command, ...] = (
    # coding inputs and printing the result
    code,
    quotes,
    actors,
    eval_,
    train,
    # building a database
    ingest_cmd,
    recode_cmd,
    dedup_cmd,
    # reading a database
    events_cmd,
    relations_cmd,
    rejects_cmd,
    runs_cmd,
    stories_cmd,
    export_cmd,
    # serving it
    serve,
)
