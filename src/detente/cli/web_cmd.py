"""``detente serve``: the web dashboard and JSON API over an event database."""

from __future__ import annotations

import click


@click.command("serve")
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(),
    help="DuckDB database built by `detente ingest`, or a Parquet dataset directory "
    "(opened read-only).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (0.0.0.0 exposes the dashboard to the network).",
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port."
)
def serve(db: str, host: str, port: int) -> None:
    """Serve the dashboard and the JSON API over DB (read-only) until interrupted.

    Open http://HOST:PORT/ for the dashboard and /api for the API reference.
    """
    import uvicorn

    from ..web import create_app

    app = create_app(db)
    click.echo(f"detente: serving {db} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
