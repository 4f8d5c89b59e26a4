"""The web dashboard and JSON API over an event database (``detente serve``).

Build the application with :func:`create_app` and serve it with uvicorn; ``docs/web.md`` lists the
pages, the endpoints and the safety limits.
"""

from __future__ import annotations

from .app import DEFAULT_MAX_BODY_BYTES, create_app

__all__ = ["DEFAULT_MAX_BODY_BYTES", "create_app"]
