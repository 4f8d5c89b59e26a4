"""Command-line interface: ``detente COMMAND``.

Layout: :mod:`.app` builds the group and holds the shared options; :mod:`.group` is the one error
boundary; :mod:`.commands` lists every command; each ``*_cmd`` module holds the commands of one
concern (``ingest_cmd``: writing a database, ``query_cmd``: reading it, ``export_cmd``, ...);
:mod:`.progress` and :mod:`.output` render.
"""

from __future__ import annotations

from .app import make_main
from .commands import COMMANDS

main = make_main(COMMANDS)

__all__ = ["main"]
