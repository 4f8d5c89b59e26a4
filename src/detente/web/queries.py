"""Read-only queries of the dashboard and the API, over the store's schema (``detente.store``).

:class:`Repository` reads a database file through a read-only DuckDB connection opened for each
request (:meth:`Repository.session`) and closed after it, so the server never holds the file
between requests and ``detente ingest`` can update it while the dashboard runs (a request that
arrives during a write gets 503 with code E074). A repository over an already open connection
(tests, an in-memory database) gives each thread its own cursor. Queries return plain dicts in
the JSON shapes of the output contract: an event is ``Event.to_dict()`` (from ``events.record``)
plus the ``article`` it came from; a quote is ``Quote.to_dict()`` plus its ``article``.

The SQL lives in :mod:`detente.store.queries` (shared with the CLI); this module opens the
connections, calls it and shapes its rows. Every value from a request is bound as a parameter
there, and ``LIKE`` searches escape ``%``, ``_`` and ``\\`` so a user's words match literally.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import StoreError
from ..quads import QUAD_CLASSES, QUAD_KEYS
from ..store import queries as sq
from ..store.contract import stored_article
from ..store.periods import Period, next_period, period_label
from .params import EventFilters, Paging, QuoteFilters

__all__ = ["PRIVATE_ARTICLE_KEYS", "Repository", "choose_period", "fill_periods", "public_article"]

log = logging.getLogger(__name__)

#: The connection of the request being served (set by :meth:`Repository.session`).
_SESSION: contextvars.ContextVar[Any] = contextvars.ContextVar("detente_web_db", default=None)


#: Keys of the contract's ``article`` object that no response shows: ``input`` names a file on
#: the server.
PRIVATE_ARTICLE_KEYS = frozenset({"input"})


def public_article(article: dict[str, Any]) -> dict[str, Any]:
    """The contract's ``article`` object without its private keys (:data:`PRIVATE_ARTICLE_KEYS`)."""
    return {k: v for k, v in article.items() if k not in PRIVATE_ARTICLE_KEYS}


def _round(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


def choose_period(first: dt.date | None, last: dt.date | None) -> Period:
    """Pick a period so that a chart has a readable number of bars (at most about 120)."""
    if first is None or last is None:
        return "month"
    days = (last - first).days
    if days <= 31:
        return "day"
    if days <= 182:
        return "week"
    if days <= 10 * 366:
        return "month"
    return "year"


def fill_periods(
    rows: Sequence[tuple[Any, ...]], period: Period, *, max_periods: int = 400
) -> list[dict[str, Any]]:
    """Turn ``(period_start, quad_code, count, scale_sum)`` rows into a gap-free series.

    Periods with no event are kept (with zero counts) so that a chart's time axis is linear;
    a very long span falls back to the periods that have events.
    """
    by_period: dict[dt.date, dict[str, Any]] = {}
    for start, quad, count, scale_sum in rows:
        if start is None:
            continue
        key = start.date() if isinstance(start, dt.datetime) else start
        slot = by_period.setdefault(key, {"counts": {}, "n": 0, "scale": 0.0})
        if quad is not None:
            slot["counts"][int(quad)] = slot["counts"].get(int(quad), 0) + int(count)
        slot["n"] += int(count)
        slot["scale"] += float(scale_sum or 0.0)
    if not by_period:
        return []
    keys = sorted(by_period)
    filled: list[dt.date] = []
    cur = keys[0]
    while cur <= keys[-1] and len(filled) <= max_periods:
        filled.append(cur)
        cur = next_period(cur, period)
    if len(filled) > max_periods:
        filled = keys
    out = []
    for key in filled:
        slot = by_period.get(key, {"counts": {}, "n": 0, "scale": 0.0})
        out.append(
            {
                "period": period_label(key, period),
                "start": key.isoformat(),
                "counts": {q: slot["counts"].get(q, 0) for q in QUAD_CLASSES},
                "events": slot["n"],
                "mean_intensity": round(slot["scale"] / slot["n"], 2) if slot["n"] else None,
            }
        )
    return out


class Repository:
    """Read-only access to a detente database for the web application."""

    def __init__(self, con: Any, *, path: str = "") -> None:
        """Wrap an open DuckDB connection, or (``con=None``) the file at ``path``.

        Use :meth:`open` to serve a database file: it is then opened for each request.
        """
        self._con = con
        self._local = threading.local()
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Repository:
        """Serve a database built by ``detente ingest``, read-only, opened per request.

        Raises:
            StoreError: the file is missing, locked, or not a detente database (checked now, so a
                bad path fails at start-up rather than on the first request).
        """
        from ..store import connect

        connect(path).close()
        return cls(None, path=os.fspath(path))

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Open the database for one request and close it afterwards (no-op over a connection).

        Raises:
            StoreError: the file cannot be opened now (E074 while an ingest writes to it).
        """
        if self._con is not None or _SESSION.get() is not None:
            yield
            return
        from ..store import connect

        con = connect(self.path)
        token = _SESSION.set(con)
        try:
            yield
        finally:
            _SESSION.reset(token)
            con.close()

    def close(self) -> None:
        """Close the connection, if this repository holds one."""
        if self._con is not None:
            self._con.close()

    # -- plumbing ------------------------------------------------------------------------------

    def _cursor(self) -> Any:
        session = _SESSION.get()
        if session is not None:
            return session
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def _call(self, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``query(connection, *args, **kwargs)`` (a :mod:`detente.store.queries` function)."""
        if self._con is None and _SESSION.get() is None:
            # a call outside a request (a script, a test): open the file for this query alone
            with self.session():
                return self._call(query, *args, **kwargs)
        try:
            return query(self._cursor(), *args, **kwargs)
        except StoreError:
            raise
        except Exception as exc:
            # DuckDB errors carry the SQL context; log it, and give the client only the code.
            log.error("query failed: %s", exc)
            raise StoreError(f"query failed: {exc}", code="E078") from exc

    @staticmethod
    def _filters(f: EventFilters) -> dict[str, Any]:
        """``EventFilters`` as keyword filters of :func:`detente.store.queries.events`."""
        return {
            "actor": f.actor,
            "recipient": f.recipient,
            "type": f.event,
            "context": f.context,
            "since": f.start,
            "until": f.end,
            "text": f.q,
            "article_id": f.article,
            "location": f.location,
            "country": f.country,
            "all_events": f.all_events,
            "known_actors": f.known_actors,
        }

    @staticmethod
    def _event_row(row: dict[str, Any]) -> dict[str, Any]:
        ev = dict(row["record"])
        ev["key"] = row["id"]
        if not ev.get("date") and row["date"] is not None:
            ev["date"] = row["date"]
        ev["factual"] = bool(row["factual"]) if row["factual"] is not None else True
        ev["article"] = {
            "id": row["article_id"],
            "title": row["article_title"],
            "published": row["article_published"],
            "source": row["article_source"],
            "url": row["article_url"],
        }
        return ev

    @staticmethod
    def _quote_row(row: dict[str, Any]) -> dict[str, Any]:
        q = dict(row["record"])
        q["key"] = row["id"]
        q["article"] = {
            "id": row["article_id"],
            "title": row["article_title"],
            "published": row["article_published"],
            "source": row["article_source"],
        }
        return q

    # -- queries -------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """The store's totals (``detente.store.queries.stats``), with the factual events' dates.

        ``events`` counts every stored event, ``factual_events`` those every view shows;
        ``first_date``/``last_date`` are publication dates and ``first_event_date``/
        ``last_event_date`` the factual events' dates. The last run's settings and inputs are
        left out: they name files on the server.
        """
        out: dict[str, Any] = self._call(sq.stats)
        out.pop("last_run", None)
        return out

    def events(self, filters: EventFilters, paging: Paging) -> dict[str, Any]:
        """Events matching ``filters``, newest first, one page at a time.

        Returns:
            ``{"total": n, "limit", "offset", "items": [event, ...]}``.
        """
        return self._event_page(self._filters(filters), paging)

    def _event_page(self, filters: dict[str, Any], paging: Paging) -> dict[str, Any]:
        rows = self._call(
            sq.events, **filters, record=True, limit=paging.limit, offset=paging.offset
        )
        return {
            "total": self._call(sq.count_events, **filters),
            "limit": paging.limit,
            "offset": paging.offset,
            "items": [self._event_row(r) for r in rows],
        }

    def timeline(
        self, filters: EventFilters | None = None, period: Period | None = None
    ) -> dict[str, Any]:
        """Events per period and quad class, with mean intensity, for events matching ``filters``
        (default: every factual event)."""
        return self._timeline(self._filters(filters or EventFilters()), period)

    def _timeline(self, filters: dict[str, Any], period: Period | None) -> dict[str, Any]:
        first, last = self._call(sq.date_span, **filters)
        period = period or choose_period(
            dt.date.fromisoformat(first) if first else None,
            dt.date.fromisoformat(last) if last else None,
        )
        rows: list[tuple[Any, ...]] = []
        for r in self._call(sq.series, period, **filters):
            start = dt.date.fromisoformat(r["period"])
            quads = {q: r[name] for q, name in QUAD_KEYS.items()}
            rows += [(start, q, n, 0.0) for q, n in quads.items()]
            rows.append((start, None, r["events"] - sum(quads.values()), r["intensity_sum"]))
        return {"period": period, "series": fill_periods(rows, period)}

    def map_points(self, filters: EventFilters | None = None) -> dict[str, Any]:
        """Where the events matching ``filters`` happened: one point per place.

        Returns:
            ``{"total": located events, "unlocated": events without a location, "points":
            [{"name", "country", "admin1", "lat", "lon", "count", "counts": {quad: n}}]}``,
            the most eventful place first (at most 2,000 places).
        """
        f = self._filters(filters or EventFilters())
        rows = self._call(sq.map_points, **f)
        points = [
            {
                "name": r["name"],
                "country": r["country"],
                "admin1": r["admin1"],
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
                "count": r["count"],
                "counts": {str(q): n for q, n in r["quads"].items()},
            }
            for r in rows
        ]
        total = rows[0]["located"] if rows else 0
        return {
            "total": total,
            "unlocated": max(0, self._call(sq.count_events, **f) - total),
            "points": points,
        }

    def top_dyads(self, limit: int = 10) -> list[dict[str, Any]]:
        """The directed actor -> recipient pairs with the most events."""
        rows: list[dict[str, Any]] = self._call(sq.top_dyads, limit)
        for r in rows:
            r["mean_intensity"] = _round(r["mean_intensity"])
        return rows

    def event_types(self, filters: EventFilters | None = None) -> list[dict[str, Any]]:
        """Event counts per PLOVER type for events matching ``filters`` (default: factual)."""
        return self._event_types(self._filters(filters or EventFilters()))

    def _event_types(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._call(sq.event_types, **filters)
        for r in rows:
            r["mean_intensity"] = _round(r["mean_intensity"])
        return rows

    def dyad(
        self,
        a: str,
        b: str,
        *,
        period: Period | None = None,
        directed: bool = False,
        all_events: bool = False,
        paging: Paging | None = None,
    ) -> dict[str, Any]:
        """Relations between two actors: time series, event types and the events themselves.

        Args:
            a, b: actor codes (``RUS``, ``JPN``).
            period: the time-series period (default: chosen from the date range).
            directed: only ``a`` acting on ``b``; by default both directions count.
            all_events: include non-factual events (left out by default, as everywhere).
            paging: the page of events to return.
        """
        paging = paging or Paging(limit=50, offset=0)
        filters = {"actor": a, "recipient": b, "both_ways": not directed, "all_events": all_events}
        page = self._event_page(filters, paging)
        from_a, from_b = self._call(
            sq.dyad_directions, a, b, both_ways=not directed, all_events=all_events
        )
        timeline = self._timeline(filters, period)
        types = self._event_types(filters)
        n_typed = sum(t["count"] for t in types if t["mean_intensity"] is not None)
        weighted = sum(
            t["count"] * t["mean_intensity"] for t in types if t["mean_intensity"] is not None
        )
        return {
            "actor": a,
            "recipient": b,
            "directed": directed,
            "all_events": all_events,
            "total": page["total"],
            "from_actor": from_a,
            "from_recipient": from_b,
            "period": timeline["period"],
            "series": timeline["series"],
            "quads": {
                q: sum(t["count"] for t in types if t["quad_code"] == q) for q in QUAD_CLASSES
            },
            "mean_intensity": round(weighted / n_typed, 2) if n_typed else None,
            "event_types": types,
            "limit": paging.limit,
            "offset": paging.offset,
            "items": page["items"],
        }

    def actor(self, code: str, *, limit: int = 20) -> dict[str, Any] | None:
        """An actor's events as actor and as recipient, its partners and its people's quotes.

        Returns:
            ``None`` when the code appears nowhere in the database.
        """
        summary = self._call(sq.actor_summary, code, limit=15)
        if not (
            summary["as_actor"]
            or summary["as_recipient"]
            or summary["mentions"]
            or summary["quotes"]
        ):
            return None
        page = Paging(limit=limit, offset=0)
        as_actor = self.events(EventFilters(actor=code), page)
        as_recipient = self.events(EventFilters(recipient=code), page)
        quotes = self.quotes(QuoteFilters(actor=code), page)
        return {
            "code": code,
            "name": summary["name"],
            "kind": summary["kind"],
            "events_as_actor": summary["as_actor"],
            "events_as_recipient": summary["as_recipient"],
            "mentions": summary["mentions"],
            "as_actor": as_actor["items"],
            "as_recipient": as_recipient["items"],
            "partners": [
                {
                    "code": p["code"],
                    "events": p["events"],
                    "outgoing": p["as_actor"],
                    "incoming": p["as_recipient"],
                    "mean_intensity": _round(p["mean_intensity"]),
                    "conflict": p["conflict"],
                }
                for p in summary["partners"]
            ],
            "quotes_total": quotes["total"],
            "quotes": quotes["items"],
        }

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article in the output-contract shape (``Article.to_dict()`` as stored, without
        ``rejected``), or ``None``.

        The ``article`` object has ``story_id`` too and leaves out ``input`` (a file path on the
        server); each event has its ``key``, ``factual`` and ``article`` as in :meth:`events`, and
        each quote its ``key`` and ``article`` as in :meth:`quotes`.
        """
        art = self._call(sq.article, article_id, record=True)
        if art is None:
            return None
        found = stored_article(art)
        article = public_article(found["article"])
        article["story_id"] = art["story_id"]
        return {
            "article": article,
            "mentions": found["mentions"],
            "events": [self._event_row(r) for r in art["events"]],
            "quotes": [self._quote_row(r) for r in art["quotes"]],
            "places": found["places"],
        }

    def quotes(self, filters: QuoteFilters, paging: Paging) -> dict[str, Any]:
        """Quotes matching ``filters`` (speaker name words, speaker actor code, quote words).

        Topics are left out unless ``filters.topics``.
        """
        f = {
            "speaker": filters.speaker,
            "actor": filters.actor,
            "words": filters.q,
            "topics": filters.topics,
        }
        rows = self._call(sq.quotes, **f, limit=paging.limit, offset=paging.offset)
        return {
            "total": self._call(sq.count_quotes, **f),
            "limit": paging.limit,
            "offset": paging.offset,
            "items": [self._quote_row(r) for r in rows],
        }

    def vocabulary(self) -> dict[str, list[str]]:
        """Actor codes, event types and contexts present in the database (for filter hints)."""
        vocab: dict[str, list[str]] = self._call(sq.vocabulary)
        return vocab

    def recent_articles(self, limit: int = 8) -> list[dict[str, Any]]:
        """The latest articles with their event and quote counts."""
        return [
            {
                "id": a["id"],
                "title": a["title"],
                "published": a["published"],
                "source": a["source"],
                "events": a["n_events"],
                "quotes": a["n_quotes"],
            }
            for a in self._call(sq.articles, limit=limit)
        ]
