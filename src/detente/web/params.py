"""Query parameters shared by the API and the pages, validated once (FastAPI dependencies).

Every value a user sends is checked here (length, pattern, range) before it reaches a query, and
queries bind it as a parameter; nothing from a request is ever pasted into SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Query

from ..store.periods import Period

__all__ = [
    "CODE_PATTERN",
    "MAX_CODE_CHARS",
    "OPT_CODE_PATTERN",
    "EventFilters",
    "Paging",
    "Period",
    "QuoteFilters",
    "event_filters",
    "paging",
    "quote_filters",
]

#: Actor codes: country (RUS), sector (GOV), or both (RUSGOV); letters, digits, ``_`` and ``-``.
CODE_PATTERN = r"^[A-Za-z0-9_\-]{1,32}$"
EVENT_PATTERN = r"^[A-Za-z_]{1,20}$"
#: The same, or empty (an empty form field means "no filter").
OPT_CODE_PATTERN = r"^(|[A-Za-z0-9_\-]{1,32})$"
OPT_EVENT_PATTERN = r"^(|[A-Za-z_]{1,20})$"

MAX_PAGE_SIZE = 200
#: Largest article ``POST /api/code`` accepts, in characters (the body limit applies as well).
MAX_CODE_CHARS = 200_000
MAX_OFFSET = 100_000


@dataclass(frozen=True, slots=True)
class EventFilters:
    """Filters of the events explorer and ``GET /api/events`` (all optional, combined with AND)."""

    actor: str | None = None
    recipient: str | None = None
    event: str | None = None
    context: str | None = None
    start: str | None = None
    end: str | None = None
    q: str | None = None
    article: str | None = None
    location: str | None = None
    country: str | None = None
    all_events: bool = False
    known_actors: bool = False

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query-string parameters (for links and pagination)."""
        flags = ("all_events", "known_actors")
        out = {k: v for k, v in asdict(self).items() if v and k not in flags}
        for flag in flags:
            if getattr(self, flag):
                out[flag] = "true"
        return out


@dataclass(frozen=True, slots=True)
class QuoteFilters:
    """Filters of the quote search and ``GET /api/quotes``."""

    speaker: str | None = None
    actor: str | None = None
    q: str | None = None
    topics: bool = False

    def as_query(self) -> dict[str, str]:
        """The filters that are set, as query-string parameters."""
        out = {k: v for k, v in asdict(self).items() if v and k != "topics"}
        if self.topics:
            out["topics"] = "true"
        return out


@dataclass(frozen=True, slots=True)
class Paging:
    """A page of a result list."""

    limit: int
    offset: int


def _blank(value: str | None) -> str | None:
    """Empty form fields arrive as ``""``: treat them as absent."""
    value = (value or "").strip()
    return value or None


def _code(value: str | None) -> str | None:
    value = _blank(value)
    return value.upper() if value else None


def event_filters(
    actor: Annotated[
        str | None,
        Query(
            description="Actor code (country or sector), e.g. RUS.",
            pattern=OPT_CODE_PATTERN,
        ),
    ] = None,
    recipient: Annotated[
        str | None,
        Query(description="Recipient code, e.g. JPN.", pattern=OPT_CODE_PATTERN),
    ] = None,
    event: Annotated[
        str | None,
        Query(description="PLOVER event type, e.g. ACCUSE.", pattern=OPT_EVENT_PATTERN),
    ] = None,
    context: Annotated[
        str | None, Query(description="PLOVER context, e.g. military.", max_length=40)
    ] = None,
    start: Annotated[dt.date | None, Query(description="First event date (YYYY-MM-DD).")] = None,
    end: Annotated[dt.date | None, Query(description="Last event date (YYYY-MM-DD).")] = None,
    q: Annotated[
        str | None, Query(description="Words in the evidence sentence.", max_length=200)
    ] = None,
    article: Annotated[
        str | None, Query(description="Only events of this article id.", max_length=200)
    ] = None,
    location: Annotated[
        str | None,
        Query(description="Only events located at this place name, e.g. Moscow.", max_length=200),
    ] = None,
    country: Annotated[
        str | None,
        Query(
            description="Only events located in this country (ISO 3166-1 alpha-3), e.g. RUS.",
            pattern=r"^(|[A-Za-z]{3})$",
        ),
    ] = None,
    all_events: Annotated[
        bool,
        Query(
            description="Include non-factual events (negated, "
            "hypothetical, future); left out by default."
        ),
    ] = False,
    known_actors: Annotated[
        bool,
        Query(description="Leave out events by an unnamed actor (evidence.actor_unknown)."),
    ] = False,
) -> EventFilters:
    """Validate the event filters (a FastAPI dependency)."""
    return EventFilters(
        actor=_code(actor),
        recipient=_code(recipient),
        event=_code(event),
        context=(_blank(context) or "").lower() or None,
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
        q=_blank(q),
        article=_blank(article),
        location=_blank(location),
        country=_code(country),
        all_events=all_events,
        known_actors=known_actors,
    )


def quote_filters(
    speaker: Annotated[
        str | None, Query(description="Words in the speaker's name.", max_length=100)
    ] = None,
    actor: Annotated[
        str | None,
        Query(description="The speaker's actor code, e.g. RUS.", pattern=OPT_CODE_PATTERN),
    ] = None,
    q: Annotated[str | None, Query(description="Words in the quote.", max_length=200)] = None,
    topics: Annotated[
        bool,
        Query(
            description="Include topics (attributions whose text is what was talked about, "
            "not words said); left out by default."
        ),
    ] = False,
) -> QuoteFilters:
    """Validate the quote filters (a FastAPI dependency)."""
    return QuoteFilters(speaker=_blank(speaker), actor=_code(actor), q=_blank(q), topics=topics)


def paging(
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Page size (1..{MAX_PAGE_SIZE}).")
    ] = 50,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="Number of results to skip.")
    ] = 0,
) -> Paging:
    """Validate the page size and offset (a FastAPI dependency)."""
    return Paging(limit=limit, offset=offset)


def page_links(base: str, query: dict[str, Any], total: int, paging: Paging) -> dict[str, Any]:
    """Previous/next links and a 'showing a-b of n' summary for a result page."""
    from urllib.parse import urlencode

    def link(offset: int) -> str:
        params = {**query, "limit": paging.limit, "offset": offset}
        if offset == 0:
            params.pop("offset")
        if paging.limit == 50:
            params.pop("limit")
        qs = urlencode(params)
        return f"{base}?{qs}" if qs else base

    prev_off = max(0, paging.offset - paging.limit)
    next_off = paging.offset + paging.limit
    return {
        "first": paging.offset + 1 if total else 0,
        "last": min(total, paging.offset + paging.limit),
        "total": total,
        "prev": link(prev_off) if paging.offset > 0 else None,
        "next": link(next_off) if next_off < total and next_off <= MAX_OFFSET else None,
    }
