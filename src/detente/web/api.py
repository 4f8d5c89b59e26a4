"""The JSON API: ``/api/...`` endpoints over the event database, and ``POST /api/code``.

Each endpoint is documented by the generated OpenAPI schema (``/api/openapi.json``, rendered at
``/api``). List endpoints page with ``limit`` (at most 200) and ``offset``; errors are problem
details. Storing is not exposed over HTTP: ``POST /api/code`` codes a posted article and returns
it without writing anything.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query
from pydantic import BaseModel, Field, model_validator

from .deps import Repo
from .params import (
    CODE_PATTERN,
    MAX_CODE_CHARS,
    EventFilters,
    Paging,
    Period,
    QuoteFilters,
    event_filters,
    paging,
    quote_filters,
)
from .queries import public_article

__all__ = ["MAX_CODE_CHARS", "CodeRequest", "router"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["api"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Not found (problem details)", **_PROBLEM},
    422: {"description": "Invalid parameter (problem details)", **_PROBLEM},
}


ActorCode = Annotated[str, Path(pattern=CODE_PATTERN, description="Actor code, e.g. RUS.")]


class Page(BaseModel):
    """A page of results."""

    total: int = Field(description="Number of matching results.")
    limit: int
    offset: int
    items: list[dict[str, Any]]


class CodeRequest(BaseModel):
    """An article to code: plain `text` (with an optional `title`) or an `html` page."""

    text: str | None = Field(None, max_length=MAX_CODE_CHARS, description="Plain-text article.")
    html: str | None = Field(None, max_length=MAX_CODE_CHARS, description="HTML page.")
    title: str | None = Field(None, max_length=1000, description="Headline (text only).")
    date: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Publication date, YYYY-MM-DD."
    )
    source: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _one_input(self) -> CodeRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError("send exactly one of 'text' or 'html'")
        return self


@router.get("/stats", summary="Database counts", responses=_ERRORS)
def stats(r: Repo) -> dict[str, Any]:
    """Counts of articles, events, quotes, sources, mentions and rejections, and the date range."""
    return r.stats()


@router.get("/events", summary="Search events", response_model=Page, responses=_ERRORS)
def events(
    r: Repo,
    f: Annotated[EventFilters, Depends(event_filters)],
    p: Annotated[Paging, Depends(paging)],
) -> dict[str, Any]:
    """Events (PLOVER records with their evidence and article), newest first.

    Filters combine with AND: actor and recipient codes, event type, context, date range, words in
    the evidence sentence, and article id.
    """
    return r.events(f, p)


@router.get("/map", summary="Where events happened", responses=_ERRORS)
def event_map(r: Repo, f: Annotated[EventFilters, Depends(event_filters)]) -> dict[str, Any]:
    """Events per place (their `location`), for a map: the same filters as `/api/events`.

    Each point has the location's name, country (ISO alpha-3), admin1 (ISO 3166-2), lat, lon,
    the number of events placed there (`count`) and how many of each quad class (`counts`, keyed
    "1".."4": verbal and material cooperation, verbal and material conflict); `total` counts
    the located events and `unlocated` the matching events that have no location.
    """
    return r.map_points(f)


@router.get("/dyads/{a}/{b}", summary="Relations between two actors", responses=_ERRORS)
def dyad(
    r: Repo,
    a: ActorCode,
    b: Annotated[str, Path(pattern=CODE_PATTERN, description="Other actor code, e.g. JPN.")],
    p: Annotated[Paging, Depends(paging)],
    period: Annotated[
        Period | None,
        Query(description="Time-series period (default: chosen from the date range)."),
    ] = None,
    directed: Annotated[bool, Query(description="Only events of a on b.")] = False,
    all_events: Annotated[bool, Query(description="Include non-factual events.")] = False,
) -> dict[str, Any]:
    """Counts per quad class and mean intensity per period, event types, and the events.

    Both directions count unless `directed`; non-factual events (negated, hypothetical,
    future) are left out unless `all_events`.
    """
    return r.dyad(
        a.upper(), b.upper(), period=period, directed=directed, all_events=all_events, paging=p
    )


@router.get("/actors/{code}", summary="One actor", responses=_ERRORS)
def actor(r: Repo, code: ActorCode) -> dict[str, Any]:
    """An actor's events as actor and as recipient, its partners, and its people's quotes."""
    found = r.actor(code.upper())
    if found is None:
        raise HTTPException(404, f"no actor {code.upper()!r} in this database")
    return found


@router.get("/articles/{article_id:path}", summary="One article", responses=_ERRORS)
def article(
    r: Repo,
    article_id: Annotated[str, Path(max_length=200, description="Article id (a content hash).")],
) -> dict[str, Any]:
    """The article as `detente code --format jsonl` prints it (article, mentions, events,
    quotes), without `input` (a path on the server)."""
    found = r.article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r} in this database")
    return found


@router.get("/quotes", summary="Search quotes", response_model=Page, responses=_ERRORS)
def quotes(
    r: Repo,
    f: Annotated[QuoteFilters, Depends(quote_filters)],
    p: Annotated[Paging, Depends(paging)],
) -> dict[str, Any]:
    """Quotes by speaker name, speaker actor code, or words in the quote."""
    return r.quotes(f, p)


@router.post(
    "/code",
    summary="Code an article (not stored)",
    responses={413: {"description": "Body too large (problem details)", **_PROBLEM}, **_ERRORS},
)
def code(req: Annotated[CodeRequest, Body()]) -> dict[str, Any]:
    """Code a posted article and return the JSON of `detente code --format jsonl`, without the
    article's and the rejection's `input`.

    Nothing is stored. The body is limited (1 MB by default) and so is each field.
    """
    from ..api import code_html, code_text

    if req.html is not None:
        art = code_html(req.html, url=req.url, date=req.date, source=req.source)
    else:
        art = code_text(
            req.text or "", title=req.title, date=req.date, source=req.source, url=req.url
        )
    out = art.to_dict()
    out["article"] = public_article(out["article"])
    if out.get("rejected"):
        out["rejected"] = {k: v for k, v in out["rejected"].items() if k != "input"}
    return out
