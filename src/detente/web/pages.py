"""The dashboard's server-rendered pages (Jinja2 templates in ``templates/``).

Pages take the same validated parameters as the API (``params.py``) and read the same
repository; Jinja2's autoescaping is on for every template, and highlighted text is built by
``highlight.py``, which escapes every character of the data.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote as urlquote

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from . import charts
from .api import Repo
from .app import html
from .highlight import highlight, spans_from_article
from .params import (
    CODE_PATTERN,
    EventFilters,
    Paging,
    Period,
    QuoteFilters,
    event_filters,
    page_links,
    paging,
    quote_filters,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Code = Annotated[str, Path(pattern=CODE_PATTERN)]
OptCode = Annotated[str | None, Query(pattern=r"^$|" + CODE_PATTERN[1:])]


def _bars(rows: list[dict[str, Any]], key: str = "count") -> list[dict[str, Any]]:
    """Add a 0..100 ``pct`` to each row for a horizontal bar (relative to the largest)."""
    top = max((int(r.get(key) or 0) for r in rows), default=0) or 1
    return [{**r, "pct": round(100 * int(r.get(key) or 0) / top, 1)} for r in rows]


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, r: Repo) -> Response:
    """Counts, events over time by quad class, the most active dyads and recent events."""
    stats = r.stats()
    timeline = r.timeline()
    dyads = r.top_dyads(10)
    recent = r.events(EventFilters(), Paging(limit=8, offset=0))
    return html(request, "overview.html", {
        "stats": stats,
        "timeline": timeline,
        "chart": charts.timeline_svg(timeline["series"], intensity=True),
        "dyads": _bars(dyads, "events"),
        "recent": recent["items"],
        "articles": r.recent_articles(8),
        "types": _bars(r.event_types()),
    })


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, r: Repo,
                f: Annotated[EventFilters, Depends(event_filters)],
                p: Annotated[Paging, Depends(paging)]) -> Response:
    """The events explorer: filters, paginated results with highlighted evidence."""
    result = r.events(f, p)
    return html(request, "events.html", {
        "filters": f,
        "result": result,
        "pages": page_links("/events", f.as_query(), result["total"], p),
        "vocab": r.vocabulary(),
    })


@router.get("/dyads", response_class=HTMLResponse)
def dyad_picker(request: Request, r: Repo, a: OptCode = None, b: OptCode = None) -> Response:
    """Go to the dyad page of two codes, or list the most active dyads to choose from."""
    if a and b:
        return RedirectResponse(
            f"/dyads/{urlquote(a.upper())}/{urlquote(b.upper())}", status_code=303)
    return html(request, "dyads.html", {"dyads": _bars(r.top_dyads(50), "events"),
                                        "vocab": r.vocabulary()})


@router.get("/dyads/{a}/{b}", response_class=HTMLResponse)
def dyad_page(request: Request, r: Repo, a: Code, b: Code,
              p: Annotated[Paging, Depends(paging)],
              period: Annotated[Period | None, Query()] = None,
              directed: bool = False) -> Response:
    """Cooperation and conflict between two actors over time, event types, and the events."""
    a, b = a.upper(), b.upper()
    d = r.dyad(a, b, period=period, directed=directed, paging=p)
    query: dict[str, Any] = {}
    if period:
        query["period"] = period
    if directed:
        query["directed"] = "true"
    return html(request, "dyad.html", {
        "d": d,
        "chart": charts.timeline_svg(d["series"], intensity=True,
                                     label=f"{a}–{b}: events and mean intensity over time"),
        "types": _bars(d["event_types"]),
        "pages": page_links(f"/dyads/{urlquote(a)}/{urlquote(b)}", query, d["total"], p),
    })


@router.get("/actors", response_class=HTMLResponse)
def actor_picker(request: Request, r: Repo, code: OptCode = None) -> Response:
    """Go to an actor's page, or list the actors to choose from."""
    if code:
        return RedirectResponse(f"/actors/{urlquote(code.upper())}", status_code=303)
    return html(request, "actors.html", {"vocab": r.vocabulary()})


@router.get("/actors/{code}", response_class=HTMLResponse)
def actor_page(request: Request, r: Repo, code: Code) -> Response:
    """An actor's events as actor and as recipient, partners, and quotes by its people."""
    found = r.actor(code.upper())
    if found is None:
        raise HTTPException(404, f"no actor {code.upper()!r} in this database")
    return html(request, "actor.html", {"a": found,
                                        "partners": _bars(found["partners"], "events")})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, r: Repo,
                 article_id: Annotated[str, Path(max_length=64)]) -> Response:
    """The clean text with mentions, quotes and triggers highlighted, and what was removed."""
    found = r.article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r} in this database")
    art = found["article"]
    title_marks = spans_from_article("title", found["mentions"], found["quotes"],
                                     found["events"])
    text_marks = spans_from_article("text", found["mentions"], found["quotes"], found["events"])
    body = highlight(art.get("text") or "", text_marks)
    # Paragraphs are split after highlighting is impossible (marks may span them), so the
    # template keeps line breaks with CSS (white-space: pre-wrap) instead.
    return html(request, "article.html", {
        "d": found,
        "art": art,
        "title_html": highlight(art.get("title") or "", title_marks),
        "body_html": body,
        "counts": {"mentions": len(found["mentions"]), "events": len(found["events"]),
                   "quotes": len(found["quotes"])},
    })


@router.get("/quotes", response_class=HTMLResponse)
def quotes_page(request: Request, r: Repo,
                f: Annotated[QuoteFilters, Depends(quote_filters)],
                p: Annotated[Paging, Depends(paging)]) -> Response:
    """Quote search by speaker, actor or words."""
    result = r.quotes(f, p)
    return html(request, "quotes.html", {
        "filters": f,
        "result": result,
        "pages": page_links("/quotes", f.as_query(), result["total"], p),
        "vocab": r.vocabulary(),
    })


@router.get("/api", response_class=HTMLResponse)
def api_reference(request: Request) -> Response:
    """The API reference, rendered from the generated OpenAPI schema (no CDN needed)."""
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {"name": prm.get("name"), "in": prm.get("in"),
                 "required": prm.get("required", False),
                 "description": prm.get("description") or prm.get("schema", {}).get(
                     "description", "")}
                for prm in op.get("parameters", [])
            ]
            endpoints.append({"method": method.upper(), "path": path,
                              "summary": op.get("summary", ""),
                              "description": op.get("description", ""), "params": params,
                              "body": "requestBody" in op})
    return html(request, "api.html", {"endpoints": endpoints})
