"""The FastAPI application factory: ``create_app(db)`` serves the dashboard and the JSON API.

The database is opened read-only per request; the pages (``pages.py``) and the API (``api.py``)
read it through :class:`detente.web.queries.Repository`, render through ``render.py`` and get
their dependencies from ``deps.py``, so neither imports this module. Nothing is fetched from the
internet: templates, CSS, JavaScript and the logo are served from this package, and the API
reference is rendered from the generated OpenAPI schema by the app itself (FastAPI's Swagger UI
would load from a CDN).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import DetenteError, StoreError, WebError
from . import api, pages
from .problems import (
    BodyLimitMiddleware,
    DatabaseSessionMiddleware,
    SecurityHeadersMiddleware,
    problem,
    wants_html,
)
from .queries import Repository
from .render import html, make_templates

__all__ = ["DEFAULT_MAX_BODY_BYTES", "create_app"]

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent

#: Largest request body accepted (``POST /api/code``): 1 MB of article is plenty.
DEFAULT_MAX_BODY_BYTES = 1_000_000

_TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid request",
    500: "Internal server error",
    503: "Service unavailable",
}


def create_app(
    db: str | Path | None = None,
    *,
    repository: Repository | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """Build the web application over an event database.

    Args:
        db: a DuckDB file built by ``detente ingest``; opened read-only.
        repository: an already opened repository (tests); overrides ``db``.
        max_body_bytes: requests with a larger body are refused with 413.

    Returns:
        The FastAPI application (serve it with uvicorn).

    Raises:
        WebError: neither ``db`` nor ``repository`` was given.
        StoreError: the database cannot be opened.
    """
    owned = repository is None
    if repository is None:
        if db is None:
            raise WebError("create_app needs a database: pass db=PATH", code="E092")
        repository = Repository.open(db)
    repo = repository

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # Release the database file when the server stops (a repository passed in is the
        # caller's to close).
        if owned:
            repo.close()

    app = FastAPI(
        lifespan=lifespan,
        title="detente",
        version=__version__,
        summary="Political event data (PLOVER) from news: events, dyads, actors and quotes.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.repo = repository
    app.state.templates = make_templates()
    app.state.max_body_bytes = max_body_bytes
    app.add_middleware(DatabaseSessionMiddleware, repo=repository)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def _respond(request: Request, status: int, body: dict[str, Any]) -> Response:
    """Answer an error as a page for browsers, as problem JSON for everyone else."""
    if wants_html(request.url.path, request.headers.get("accept", "")):
        return html(request, "error.html", {"problem": body}, status_code=status)
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = _TITLES.get(exc.status_code, "Error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        resp = _respond(
            request,
            exc.status_code,
            problem(exc.status_code, title, detail, instance=request.url.path),
        )
        if exc.headers:
            resp.headers.update(exc.headers)
        return resp

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # Echo where and why, never the offending input itself (it may be a whole article).
        errors = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"][1:] or first["loc"])
        detail = f"{where}: {first['msg']}" if where else str(first["msg"])
        return _respond(
            request,
            422,
            problem(422, _TITLES[422], detail, instance=request.url.path, errors=errors),
        )

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error on %s: %s", request.url.path, exc)
        return _respond(
            request,
            503,
            problem(
                503,
                _TITLES[503],
                "the event database could not answer; check the server log",
                instance=request.url.path,
                code=exc.code,
            ),
        )

    @app.exception_handler(DetenteError)
    async def detente_error(request: Request, exc: DetenteError) -> Response:
        log.error("error on %s: %s", request.url.path, exc)
        return _respond(
            request,
            400,
            problem(400, _TITLES[400], str(exc), instance=request.url.path, code=exc.code),
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _respond(
            request,
            500,
            problem(
                500,
                _TITLES[500],
                "an unexpected error occurred; it has been logged",
                instance=request.url.path,
                code="E099",
            ),
        )
