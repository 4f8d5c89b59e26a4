"""Read-only queries of the dashboard and the API, over the store's schema (``detente.store``).

:class:`Repository` reads a database file through a read-only DuckDB connection opened for each
request (:meth:`Repository.session`) and closed after it, so the server never holds the file
between requests and ``detente ingest`` can update it while the dashboard runs (a request that
arrives during a write gets 503 with code E074). A repository over an already open connection
(tests, an in-memory database) gives each thread its own cursor. Queries return plain dicts in
the JSON shapes of the output contract: an event is ``Event.to_dict()`` (from ``events.record``)
plus the ``article`` it came from; a quote is ``Quote.to_dict()`` plus its ``article``.

Every value from a request is bound as a parameter; the SQL text is assembled only from fixed
fragments written here. ``LIKE`` searches escape ``%``, ``_`` and ``\\`` so a user's words match
literally.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import StoreError
from .params import EventFilters, Paging, Period, QuoteFilters

__all__ = ["Repository", "choose_period", "fill_periods"]

log = logging.getLogger(__name__)

#: The connection of the request being served (set by :meth:`Repository.session`).
_SESSION: contextvars.ContextVar[Any] = contextvars.ContextVar("detente_web_db", default=None)

#: The SELECT list of an event row: the stored PLOVER record and its article.
_EVENT_COLS = """e.record, e.id, e.article_id, a.title, a.published, a.source, a.url, e.date,
    e.factual"""

#: An event has an entity in a role (bound first) whose code, code+sector or sector is the value
#: (bound three times): ``RUS``, ``RUSGOV`` and ``GOV`` all work, as in ``detente.store``.
_ENTITY = """EXISTS (SELECT 1 FROM event_entities x WHERE x.event_id = e.id AND x.role = ?
    AND (upper(x.code) = ? OR upper(coalesce(x.code, '') || coalesce(x.sector, '')) = ?
         OR upper(x.sector) = ?))"""

_QUOTE_COLS = """q.id, q.quote_id, q.article_id, q.text, q.kind, q.field, q.start, q."end",
    q.cue_text, q.cue_start, q.cue_end, q.speaker_text, q.speaker_name, q.speaker_code,
    q.speaker_sector, q.speaker_kind, q.speaker_kb_id, q.speaker_via, q.confidence, q.event_ids,
    a.title, a.published, a.source"""


def _like(words: str) -> list[str]:
    """``'deep concern'`` -> ``['%deep%', '%concern%']`` with LIKE wildcards escaped."""
    out = []
    for w in words.split()[:10]:
        w = w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        out.append(f"%{w}%")
    return out


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _loads(value: Any, default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return value


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


def _period_start(d: dt.date, period: Period) -> dt.date:
    if period == "day":
        return d
    if period == "week":
        return d - dt.timedelta(days=d.weekday())
    if period == "month":
        return d.replace(day=1)
    return d.replace(month=1, day=1)


def _next_period(d: dt.date, period: Period) -> dt.date:
    if period == "day":
        return d + dt.timedelta(days=1)
    if period == "week":
        return d + dt.timedelta(days=7)
    if period == "month":
        return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return d.replace(year=d.year + 1, month=1, day=1)


def _period_label(d: dt.date, period: Period) -> str:
    if period == "month":
        return d.strftime("%Y-%m")
    if period == "year":
        return str(d.year)
    return d.isoformat()


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
        cur = _next_period(cur, period)
    if len(filled) > max_periods:
        filled = keys
    out = []
    for key in filled:
        slot = by_period.get(key, {"counts": {}, "n": 0, "scale": 0.0})
        out.append(
            {
                "period": _period_label(key, period),
                "start": key.isoformat(),
                "counts": {q: slot["counts"].get(q, 0) for q in (1, 2, 3, 4)},
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

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self._con is None and _SESSION.get() is None:
            # a call outside a request (a script, a test): open the file for this query alone
            with self.session():
                return self._all(sql, params)
        try:
            rows: list[tuple[Any, ...]] = self._cursor().execute(sql, list(params)).fetchall()
        except Exception as exc:
            # DuckDB errors carry the SQL context; log it, and give the client only the code.
            log.error("query failed: %s", exc)
            raise StoreError(f"query failed: {exc}", code="E078") from exc
        return rows

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    # -- filters -------------------------------------------------------------------------------

    @staticmethod
    def _event_where(f: EventFilters) -> tuple[str, list[Any]]:
        clauses: list[str] = [] if f.all_events else ["e.factual"]
        params: list[Any] = []
        for role, code in (("actor", f.actor), ("recipient", f.recipient)):
            if code:
                clauses.append(_ENTITY)
                params += [role, code, code, code]
        if f.event:
            clauses.append("e.event = ?")
            params.append(f.event)
        if f.context:
            clauses.append("list_contains(e.context, ?)")
            params.append(f.context)
        if f.start:
            clauses.append("e.date >= CAST(? AS DATE)")
            params.append(f.start)
        if f.end:
            clauses.append("e.date <= CAST(? AS DATE)")
            params.append(f.end)
        if f.article:
            clauses.append("e.article_id = ?")
            params.append(f.article)
        if f.q:
            for pattern in _like(f.q):
                clauses.append("e.sentence ILIKE ? ESCAPE '\\'")
                params.append(pattern)
        where = " AND ".join(clauses) if clauses else "TRUE"
        return where, params

    @staticmethod
    def _dyad_where(
        a: str, b: str, directed: bool, all_events: bool = False
    ) -> tuple[str, list[Any]]:
        pair = f"{_ENTITY} AND {_ENTITY}"
        params = ["actor", a, a, a, "recipient", b, b, b]
        factual = "TRUE" if all_events else "e.factual"
        if directed:
            return f"{factual} AND {pair}", params
        swapped = ["actor", b, b, b, "recipient", a, a, a]
        return f"{factual} AND (({pair}) OR ({pair}))", params + swapped

    def _event_row(self, row: tuple[Any, ...]) -> dict[str, Any]:
        record, key, article_id, title, published, source, url, date, factual = row
        ev = _loads(record, {})
        ev["key"] = key
        if not ev.get("date") and date is not None:
            ev["date"] = _iso(date)
        ev["factual"] = bool(factual) if factual is not None else True
        ev["article"] = {
            "id": article_id,
            "title": title,
            "published": _iso(published),
            "source": source,
            "url": url,
        }
        return ev

    def _quote_row(self, row: tuple[Any, ...]) -> dict[str, Any]:
        (
            key,
            quote_id,
            article_id,
            text,
            kind,
            field,
            start,
            end,
            cue_text,
            cue_start,
            cue_end,
            sp_text,
            sp_name,
            sp_code,
            sp_sector,
            sp_kind,
            sp_kb,
            sp_via,
            confidence,
            event_ids,
            title,
            published,
            source,
        ) = row
        speaker = None
        if sp_text or sp_name:
            actor = None
            if sp_code or sp_kb:
                actor = {
                    "code": sp_code,
                    "sector": sp_sector,
                    "name": sp_name,
                    "kind": sp_kind,
                    "kb_id": sp_kb,
                }
            speaker = {"text": sp_text, "name": sp_name, "actor": actor, "via": sp_via}
        cue = None
        if cue_text is not None:
            cue = {"text": cue_text, "start": cue_start, "end": cue_end}
        return {
            "id": quote_id,
            "key": key,
            "text": text,
            "start": start,
            "end": end,
            "field": field or "text",
            "kind": kind,
            "cue": cue,
            "speaker": speaker,
            "confidence": round(float(confidence or 0.0), 3),
            "event_ids": list(event_ids or []),
            "article": {
                "id": article_id,
                "title": title,
                "published": _iso(published),
                "source": source,
            },
        }

    # -- queries -------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """The store's totals (``detente.store.queries.stats``) plus the factual events' dates.

        ``events`` counts every stored event, ``factual_events`` those every view shows;
        ``first_date``/``last_date`` are publication dates and ``first_event_date``/
        ``last_event_date`` the factual events' dates. The last run's settings and inputs are
        left out: they name files on the server.
        """
        from ..store import queries as store_queries

        try:
            out: dict[str, Any] = store_queries.stats(self._cursor())
        except Exception as exc:
            log.error("stats query failed: %s", exc)
            raise StoreError(f"query failed: {exc}", code="E078") from exc
        out.pop("last_run", None)
        row = self._one(
            "SELECT min(date), max(date), (SELECT count(*) FROM runs) FROM events WHERE factual"
        )
        first, last, runs = row or (None, None, 0)
        out.update(first_event_date=_iso(first), last_event_date=_iso(last), runs=runs)
        return out

    def events(self, filters: EventFilters, paging: Paging) -> dict[str, Any]:
        """Events matching ``filters``, newest first, one page at a time.

        Returns:
            ``{"total": n, "limit", "offset", "items": [event, ...]}``.
        """
        where, params = self._event_where(filters)
        total_row = self._one(f"SELECT count(*) FROM events e WHERE {where}", params)
        rows = self._all(
            f"""SELECT {_EVENT_COLS} FROM events e JOIN articles a ON a.id = e.article_id
                WHERE {where}
                ORDER BY e.date DESC NULLS LAST, e.article_id, e.idx
                LIMIT ? OFFSET ?""",
            [*params, paging.limit, paging.offset],
        )
        return {
            "total": total_row[0] if total_row else 0,
            "limit": paging.limit,
            "offset": paging.offset,
            "items": [self._event_row(r) for r in rows],
        }

    def timeline(
        self, where: str = "e.factual", params: Sequence[Any] = (), period: Period | None = None
    ) -> dict[str, Any]:
        """Events per period and quad class, with mean intensity, for events matching ``where``.

        ``where`` must be one of this module's fixed fragments (never user text).
        """
        span = self._one(f"SELECT min(e.date), max(e.date) FROM events e WHERE {where}", params)
        first, last = span or (None, None)
        period = period or choose_period(first, last)
        rows = self._all(
            f"""SELECT CAST(date_trunc('{period}', e.date) AS DATE) AS p, e.quad_code, count(*),
                       sum(e.event_scale)
                FROM events e WHERE {where} AND e.date IS NOT NULL
                GROUP BY p, e.quad_code ORDER BY p""",
            params,
        )
        return {"period": period, "series": fill_periods(rows, period)}

    def top_dyads(self, limit: int = 10) -> list[dict[str, Any]]:
        """The directed actor -> recipient pairs with the most events."""
        rows = self._all(
            """
            SELECT x.code, y.code, count(DISTINCT e.id) AS n, avg(e.event_scale),
                   count(DISTINCT e.id) FILTER (WHERE e.quad_code >= 3)
            FROM events e
            JOIN event_entities x ON x.event_id = e.id AND x.role = 'actor'
            JOIN event_entities y ON y.event_id = e.id AND y.role = 'recipient'
            WHERE e.factual AND x.code IS NOT NULL AND y.code IS NOT NULL AND x.code <> y.code
            GROUP BY x.code, y.code ORDER BY n DESC, x.code, y.code LIMIT ?""",
            [limit],
        )
        return [
            {
                "actor": a,
                "recipient": b,
                "events": n,
                "mean_intensity": round(float(s), 2) if s is not None else None,
                "conflict": c,
            }
            for a, b, n, s, c in rows
        ]

    def event_types(
        self, where: str = "e.factual", params: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        """Event counts per PLOVER type for events matching ``where`` (a fixed fragment)."""
        rows = self._all(
            f"""SELECT e.event, min(e.quad_code), count(*), avg(e.event_scale) FROM events e
                WHERE {where} GROUP BY e.event ORDER BY count(*) DESC, e.event""",
            params,
        )
        return [
            {
                "event": ev,
                "quad_code": q,
                "count": n,
                "mean_intensity": round(float(s), 2) if s is not None else None,
            }
            for ev, q, n, s in rows
        ]

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
        where, params = self._dyad_where(a, b, directed, all_events)
        total = self._one(f"SELECT count(*) FROM events e WHERE {where}", params)
        rows = self._all(
            f"""SELECT {_EVENT_COLS} FROM events e JOIN articles a ON a.id = e.article_id
                WHERE {where} ORDER BY e.date DESC NULLS LAST, e.article_id, e.idx
                LIMIT ? OFFSET ?""",
            [*params, paging.limit, paging.offset],
        )
        directions = self._all(
            f"""SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM event_entities x
                      WHERE x.event_id = e.id AND x.role = 'actor' AND x.code = ?)),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM event_entities x
                      WHERE x.event_id = e.id AND x.role = 'actor' AND x.code = ?))
                FROM events e WHERE {where}""",
            [a, b, *params],
        )
        timeline = self.timeline(where, params, period)
        types = self.event_types(where, params)
        n_typed = sum(t["count"] for t in types if t["mean_intensity"] is not None)
        weighted = sum(
            t["count"] * t["mean_intensity"] for t in types if t["mean_intensity"] is not None
        )
        return {
            "actor": a,
            "recipient": b,
            "directed": directed,
            "all_events": all_events,
            "total": total[0] if total else 0,
            "from_actor": directions[0][0] if directions else 0,
            "from_recipient": directions[0][1] if directions else 0,
            "period": timeline["period"],
            "series": timeline["series"],
            "quads": {
                q: sum(t["count"] for t in types if t["quad_code"] == q) for q in (1, 2, 3, 4)
            },
            "mean_intensity": round(weighted / n_typed, 2) if n_typed else None,
            "event_types": types,
            "limit": paging.limit,
            "offset": paging.offset,
            "items": [self._event_row(r) for r in rows],
        }

    def actor(self, code: str, *, limit: int = 20) -> dict[str, Any] | None:
        """An actor's events as actor and as recipient, its partners and its people's quotes.

        Returns:
            ``None`` when the code appears nowhere in the database.
        """
        names = self._all(
            """
            SELECT actor_name, actor_kind, count(*) AS n FROM mentions
            WHERE actor_code = ? AND actor_name IS NOT NULL
            GROUP BY actor_name, actor_kind
            ORDER BY (actor_kind = 'state') DESC, n DESC, actor_name LIMIT 1""",
            [code],
        )
        role_counts = self._all(
            """
            SELECT x.role, count(DISTINCT x.event_id) FROM event_entities x
            JOIN events e ON e.id = x.event_id
            WHERE e.factual AND (upper(x.code) = ? OR upper(coalesce(x.code, '') ||
                  coalesce(x.sector, '')) = ? OR upper(x.sector) = ?)
            GROUP BY x.role""",
            [code, code, code],
        )
        counts = {r: n for r, n in role_counts}
        n_quotes = self._one("SELECT count(*) FROM quotes WHERE speaker_code = ?", [code])
        n_mentions = self._one("SELECT count(*) FROM mentions WHERE actor_code = ?", [code])
        if not counts and not (n_quotes and n_quotes[0]) and not (n_mentions and n_mentions[0]):
            return None
        page = Paging(limit=limit, offset=0)
        as_actor = self.events(EventFilters(actor=code), page)
        as_recipient = self.events(EventFilters(recipient=code), page)
        partners = self._all(
            """
            WITH pairs AS (
                SELECT x.event_id, 'out' AS dir, y.code AS partner, e.quad_code, e.event_scale
                FROM event_entities x
                JOIN event_entities y ON y.event_id = x.event_id AND y.role = 'recipient'
                JOIN events e ON e.id = x.event_id
                WHERE e.factual AND x.role = 'actor' AND upper(x.code) = ?
                UNION ALL
                SELECT x.event_id, 'in', y.code, e.quad_code, e.event_scale
                FROM event_entities x
                JOIN event_entities y ON y.event_id = x.event_id AND y.role = 'actor'
                JOIN events e ON e.id = x.event_id
                WHERE e.factual AND x.role = 'recipient' AND upper(x.code) = ?
            )
            SELECT partner, count(DISTINCT event_id) AS n,
                   count(DISTINCT event_id) FILTER (WHERE dir = 'out'),
                   count(DISTINCT event_id) FILTER (WHERE dir = 'in'),
                   avg(event_scale),
                   count(DISTINCT event_id) FILTER (WHERE quad_code >= 3)
            FROM pairs WHERE partner IS NOT NULL AND partner <> ?
            GROUP BY partner ORDER BY n DESC, partner LIMIT 15""",
            [code, code, code],
        )
        quotes = self.quotes(QuoteFilters(actor=code), Paging(limit=limit, offset=0))
        return {
            "code": code,
            "name": names[0][0] if names else None,
            "kind": names[0][1] if names else None,
            "events_as_actor": counts.get("actor", 0),
            "events_as_recipient": counts.get("recipient", 0),
            "mentions": n_mentions[0] if n_mentions else 0,
            "as_actor": as_actor["items"],
            "as_recipient": as_recipient["items"],
            "partners": [
                {
                    "code": p,
                    "events": n,
                    "outgoing": o,
                    "incoming": i,
                    "mean_intensity": round(float(s), 2) if s is not None else None,
                    "conflict": c,
                }
                for p, n, o, i, s, c in partners
            ],
            "quotes_total": quotes["total"],
            "quotes": quotes["items"],
        }

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article in the output-contract shape (``Article.to_dict()``), or ``None``."""
        row = self._one(
            """
            SELECT id, input, title, text, url, source, published, language, authors, credits,
                   removed, format, hash, meta, story_id
            FROM articles WHERE id = ?""",
            [article_id],
        )
        if row is None:
            return None
        (
            aid,
            inp,
            title,
            text,
            url,
            source,
            published,
            language,
            authors,
            credits,
            removed,
            fmt,
            hsh,
            meta,
            story_id,
        ) = row
        mentions = self._all(
            """
            SELECT text, start, "end", field, actor_code, actor_sector, actor_name, actor_kind,
                   actor_kb_id, via, confidence, label, ref
            FROM mentions WHERE article_id = ? ORDER BY idx""",
            [article_id],
        )
        events = self._all(
            f"""SELECT {_EVENT_COLS} FROM events e JOIN articles a ON a.id = e.article_id
                WHERE e.article_id = ? ORDER BY e.idx""",
            [article_id],
        )
        quotes = self._all(
            f"""SELECT {_QUOTE_COLS} FROM quotes q JOIN articles a ON a.id = q.article_id
                WHERE q.article_id = ? ORDER BY q.idx""",
            [article_id],
        )
        return {
            "article": {
                "id": aid,
                "input": inp,
                "title": title,
                "text": text,
                "url": url,
                "source": source,
                "published": _iso(published),
                "language": language,
                "authors": list(authors or []),
                "credits": _loads(credits, []),
                "removed": _loads(removed, []),
                "format": fmt,
                "hash": hsh,
                "meta": _loads(meta, {}),
                "story_id": story_id,
            },
            "mentions": [
                {
                    "text": t,
                    "start": s,
                    "end": e,
                    "field": f or "text",
                    "actor": (
                        {"code": c, "sector": sec, "name": n, "kind": k, "kb_id": kb}
                        if (c or sec or kb)
                        else None
                    ),
                    "via": via,
                    "confidence": round(float(conf or 0.0), 3),
                    "label": label,
                    "ref": ref,
                }
                for t, s, e, f, c, sec, n, k, kb, via, conf, label, ref in mentions
            ],
            "events": [self._event_row(r) for r in events],
            "quotes": [self._quote_row(r) for r in quotes],
        }

    def quotes(self, filters: QuoteFilters, paging: Paging) -> dict[str, Any]:
        """Quotes matching ``filters`` (speaker name words, speaker actor code, quote words)."""
        clauses: list[str] = []
        params: list[Any] = []
        if filters.speaker:
            for pattern in _like(filters.speaker):
                clauses.append(
                    "(q.speaker_name ILIKE ? ESCAPE '\\' OR q.speaker_text ILIKE ? ESCAPE '\\')"
                )
                params += [pattern, pattern]
        if filters.actor:
            clauses.append("(q.speaker_code = ? OR q.speaker_sector = ?)")
            params += [filters.actor, filters.actor]
        if filters.q:
            for pattern in _like(filters.q):
                clauses.append("q.text ILIKE ? ESCAPE '\\'")
                params.append(pattern)
        where = " AND ".join(clauses) if clauses else "TRUE"
        total = self._one(f"SELECT count(*) FROM quotes q WHERE {where}", params)
        rows = self._all(
            f"""SELECT {_QUOTE_COLS} FROM quotes q JOIN articles a ON a.id = q.article_id
                WHERE {where} ORDER BY a.published DESC NULLS LAST, q.article_id, q.idx
                LIMIT ? OFFSET ?""",
            [*params, paging.limit, paging.offset],
        )
        return {
            "total": total[0] if total else 0,
            "limit": paging.limit,
            "offset": paging.offset,
            "items": [self._quote_row(r) for r in rows],
        }

    def vocabulary(self) -> dict[str, list[str]]:
        """Actor codes, event types and contexts present in the database (for filter hints)."""
        codes = self._all("""SELECT code FROM event_entities WHERE code IS NOT NULL
                             GROUP BY code ORDER BY count(*) DESC, code LIMIT 300""")
        types = self._all("SELECT DISTINCT event FROM events WHERE event IS NOT NULL ORDER BY 1")
        contexts = self._all("""SELECT DISTINCT c FROM (SELECT unnest(context) AS c FROM events)
                                WHERE c IS NOT NULL ORDER BY 1""")
        return {
            "actors": [r[0] for r in codes],
            "events": [r[0] for r in types],
            "contexts": [r[0] for r in contexts],
        }

    def recent_articles(self, limit: int = 8) -> list[dict[str, Any]]:
        """The latest articles with their event and quote counts."""
        rows = self._all(
            """
            SELECT id, title, published, source, n_events, n_quotes FROM articles
            ORDER BY published DESC NULLS LAST, id LIMIT ?""",
            [limit],
        )
        return [
            {"id": i, "title": t, "published": _iso(p), "source": s, "events": ne, "quotes": nq}
            for i, t, p, s, ne, nq in rows
        ]
