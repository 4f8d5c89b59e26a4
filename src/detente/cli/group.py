"""The CLI's one error boundary: a click group that turns a :class:`DetenteError` into a message.

Library code raises; the command line reports. Every command and sub-group runs inside
:meth:`DetenteGroup.invoke`, so no command needs its own handler: an error prints one line
(``detente: error: [E0xx] ...``) on stderr and exits with the error's ``exit_code`` (2).
"""

from __future__ import annotations

from typing import Any

import click

from ..errors import DetenteError

__all__ = ["DetenteGroup"]


class DetenteGroup(click.Group):
    """A click group whose commands' :class:`DetenteError` become an exit code and a message."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the chosen command; report a :class:`DetenteError` instead of a traceback."""
        try:
            return super().invoke(ctx)
        except DetenteError as exc:
            click.echo(f"detente: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
