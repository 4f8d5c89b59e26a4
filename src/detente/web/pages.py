"""The dashboard's server-rendered pages (Jinja2 templates in ``templates/``).

Pages take the same validated parameters as the API (``params.py``) and read the same
repository; Jinja2's autoescaping is on for every template, and highlighted text is built by
``highlight.py``, which escapes every character of the data.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote as urlquote
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from . import charts, maps
from .deps import Repo
from .highlight import highlight, spans_from_article
from .params import (
    CODE_PATTERN,
    MAX_CODE_CHARS,
    OPT_CODE_PATTERN,
    EventFilters,
    Paging,
    Period,
    QuoteFilters,
    event_filters,
    page_links,
    paging,
    quote_filters,
)
from .render import html

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Code = Annotated[str, Path(pattern=CODE_PATTERN)]
OptCode = Annotated[str | None, Query(pattern=OPT_CODE_PATTERN)]


def _bars(rows: list[dict[str, Any]], key: str = "count") -> list[dict[str, Any]]:
    """Add bar widths (0..100, relative to the largest row) for horizontal bar charts.

    ``pct`` is the whole bar; rows with a ``conflict`` count also get ``coop_pct`` and
    ``conflict_pct``, the two parts of a split cooperation/conflict bar.
    """
    top = max((int(r.get(key) or 0) for r in rows), default=0) or 1
    out = []
    for r in rows:
        total = int(r.get(key) or 0)
        row = {**r, "pct": round(100 * total / top, 1)}
        if "conflict" in r:
            conflict = int(r.get("conflict") or 0)
            row["conflict_pct"] = round(100 * conflict / top, 1)
            row["coop_pct"] = round(100 * (total - conflict) / top, 1)
        out.append(row)
    return out


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, r: Repo) -> Response:
    """Counts, events over time by quad class, the most active dyads and recent events."""
    stats = r.stats()
    timeline = r.timeline()
    dyads = r.top_dyads(10)
    recent = r.events(EventFilters(), Paging(limit=8, offset=0))
    return html(
        request,
        "overview.html",
        {
            "stats": stats,
            "timeline": timeline,
            "chart": charts.timeline_svg(timeline["series"], intensity=True),
            "dyads": _bars(dyads, "events"),
            "recent": recent["items"],
            "articles": r.recent_articles(8),
            "types": _bars(r.event_types()),
        },
    )


@router.get("/events", response_class=HTMLResponse)
def events_page(
    request: Request,
    r: Repo,
    f: Annotated[EventFilters, Depends(event_filters)],
    p: Annotated[Paging, Depends(paging)],
) -> Response:
    """The events explorer: filters, paginated results with highlighted evidence."""
    result = r.events(f, p)
    # the same filters without the place, for the "all places" and map links
    unplaced = {k: v for k, v in f.as_query().items() if k not in ("location", "country")}
    return html(
        request,
        "events.html",
        {
            "filters": f,
            "unplaced": f"?{urlencode(unplaced)}" if unplaced else "",
            "result": result,
            "pages": page_links("/events", f.as_query(), result["total"], p),
            "vocab": r.vocabulary(),
        },
    )


@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request,
    r: Repo,
    f: Annotated[EventFilters, Depends(event_filters)],
) -> Response:
    """Where the events happened: one point per place, sized by count, coloured by quad class;
    each point links to the events page filtered to that place."""
    found = r.map_points(f)
    query = f.as_query()
    places = [{**p, "link": maps.event_link(p, query)} for p in found["points"]]
    return html(
        request,
        "map.html",
        {
            "filters": f,
            "map": found,
            "svg": maps.world_map_svg(found["points"], query),
            "places": places[:30],
            "vocab": r.vocabulary(),
        },
    )


@router.get("/dyads", response_class=HTMLResponse)
def dyad_picker(request: Request, r: Repo, a: OptCode = None, b: OptCode = None) -> Response:
    """Go to the dyad page of two codes, or list the most active dyads to choose from."""
    if a and b:
        return RedirectResponse(
            f"/dyads/{urlquote(a.upper())}/{urlquote(b.upper())}", status_code=303
        )
    return html(
        request, "dyads.html", {"dyads": _bars(r.top_dyads(50), "events"), "vocab": r.vocabulary()}
    )


@router.get("/dyads/{a}/{b}", response_class=HTMLResponse)
def dyad_page(
    request: Request,
    r: Repo,
    a: Code,
    b: Code,
    p: Annotated[Paging, Depends(paging)],
    period: Annotated[Period | None, Query()] = None,
    directed: bool = False,
    all_events: bool = False,
) -> Response:
    """Cooperation and conflict between two actors over time, event types, and the events."""
    a, b = a.upper(), b.upper()
    d = r.dyad(a, b, period=period, directed=directed, all_events=all_events, paging=p)
    query: dict[str, Any] = {}
    if period:
        query["period"] = period
    if directed:
        query["directed"] = "true"
    if all_events:
        query["all_events"] = "true"
    return html(
        request,
        "dyad.html",
        {
            "d": d,
            "chart": charts.timeline_svg(
                d["series"], intensity=True, label=f"{a}–{b}: events and mean intensity over time"
            ),
            "types": _bars(d["event_types"]),
            "pages": page_links(f"/dyads/{urlquote(a)}/{urlquote(b)}", query, d["total"], p),
        },
    )


@router.get("/actors", response_class=HTMLResponse)
def actor_picker(request: Request, r: Repo, code: OptCode = None) -> Response:
    """Go to an actor's page, or list the actors to choose from."""
    if code:
        return RedirectResponse(f"/actors/{urlquote(code.upper())}", status_code=303)
    return html(request, "actors.html", {"vocab": r.vocabulary()})


@router.get("/actors/{code}", response_class=HTMLResponse)
def actor_page(request: Request, r: Repo, code: Code) -> Response:
    """An actor's events as actor and as recipient, partners, and quotes by its people."""
    found = r.actor(code.upper(), limit=10)
    if found is None:
        raise HTTPException(404, f"no actor {code.upper()!r} in this database")
    return html(request, "actor.html", {"a": found, "partners": _bars(found["partners"], "events")})


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(
    request: Request, r: Repo, article_id: Annotated[str, Path(max_length=200)]
) -> Response:
    """The clean text with mentions, quotes and triggers highlighted, and what was removed."""
    found = r.article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r} in this database")
    return html(request, "article.html", _article_context(found))


def _article_context(found: dict[str, Any], *, coded: bool = False) -> dict[str, Any]:
    """What ``article.html`` needs from an article in the output-contract shape."""
    art = found["article"]
    title_marks = spans_from_article("title", found["mentions"], found["quotes"], found["events"])
    text_marks = spans_from_article("text", found["mentions"], found["quotes"], found["events"])
    # Marks may cross paragraph breaks, so the text is not split into <p>; the template keeps
    # the line breaks with CSS (white-space: pre-wrap) instead.
    return {
        "d": found,
        "art": art,
        "coded": coded,
        "title_html": highlight(art.get("title") or "", title_marks),
        "body_html": highlight(art.get("text") or "", text_marks),
        "counts": {
            "mentions": len(found["mentions"]),
            "events": len(found["events"]),
            "quotes": len(found["quotes"]),
        },
    }


@router.get("/code", response_class=HTMLResponse)
def code_form(request: Request) -> Response:
    """A form to code an article without storing it (the page version of ``POST /api/code``)."""
    return html(request, "code.html", {"form": {}})


@router.post("/code", response_class=HTMLResponse)
def code_page(
    request: Request,
    text: Annotated[str, Form(min_length=1, max_length=MAX_CODE_CHARS)],
    title: Annotated[str, Form(max_length=1000)] = "",
    date: Annotated[str, Form(pattern=r"^(|\d{4}-\d{2}-\d{2})$")] = "",
) -> Response:
    """Code the posted text and show it like a stored article (nothing is stored)."""
    from ..api import code_text

    article = code_text(text, title=title.strip() or None, date=date or None)
    found = article.to_dict()
    if article.rejected is not None:
        return html(
            request,
            "code.html",
            {"form": {"text": text, "title": title, "date": date}, "rejected": found["rejected"]},
            status_code=422,
        )
    return html(request, "article.html", _article_context(found, coded=True))


@router.get("/quotes", response_class=HTMLResponse)
def quotes_page(
    request: Request,
    r: Repo,
    f: Annotated[QuoteFilters, Depends(quote_filters)],
    p: Annotated[Paging, Depends(paging)],
) -> Response:
    """Quote search by speaker, actor or words."""
    result = r.quotes(f, p)
    return html(
        request,
        "quotes.html",
        {
            "filters": f,
            "result": result,
            "pages": page_links("/quotes", f.as_query(), result["total"], p),
            "vocab": r.vocabulary(),
        },
    )


@router.get("/api", response_class=HTMLResponse)
def api_reference(request: Request) -> Response:
    """The API reference, rendered from the generated OpenAPI schema (no CDN needed)."""
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": prm.get("name"),
                    "in": prm.get("in"),
                    "required": prm.get("required", False),
                    "description": prm.get("description")
                    or prm.get("schema", {}).get("description", ""),
                }
                for prm in op.get("parameters", [])
            ]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "body": "requestBody" in op,
                }
            )
    return html(request, "api.html", {"endpoints": endpoints})
