"""Queries of the raw and merged events: search, counts, types, dyads and the vocabulary.

Non-factual events (negated, hypothetical, future) are left out unless ``all_events=True``;
filters are those of :func:`detente.store.sql.event_where`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .sql import EVENT_COLS, check_date, entity_clause, event_where, fetch_dicts

__all__ = [
    "count_events",
    "dyad_directions",
    "event_types",
    "events",
    "merged_events",
    "top_dyads",
    "vocabulary",
]


def _entities(con: Any, event_ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    out: dict[str, dict[str, list[dict[str, Any]]]] = {
        i: {"actor": [], "recipient": []} for i in event_ids
    }
    if not event_ids:
        return out
    cur = con.execute(
        "SELECT event_id, role, code, sector, entity_text, name, kind, kb_id FROM event_entities "
        "WHERE list_contains(?, event_id) ORDER BY event_id, role, idx",
        [event_ids],
    )
    for row in fetch_dicts(cur):
        ev = out.get(row.pop("event_id"))
        if ev is not None:
            ev[row.pop("role")].append(row)
    return out


def events(
    con: Any,
    *,
    actor: str | None = None,
    recipient: str | None = None,
    type: str | None = None,
    context: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    text: str | None = None,
    article_id: str | None = None,
    location: str | None = None,
    country: str | None = None,
    all_events: bool = False,
    both_ways: bool = False,
    known_actors: bool = False,
    record: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Raw events (one per article mention) with their evidence, newest first.

    Args:
        con: an open database connection.
        actor: actor code (``RUS``), code+sector (``RUSGOV``), sector (``GOV``), knowledge-base
            id or name (case-insensitive).
        recipient: the same, for the recipient.
        type: PLOVER event type, or several comma-separated (``ACCUSE,THREATEN``).
        context: a PLOVER context (``military``).
        since, until: inclusive ``YYYY-MM-DD`` bounds on the event date.
        text: words that the evidence sentence or event text contains (case-insensitive;
            every word must occur, not necessarily together).
        article_id: only the events of one article (then in their order in the article).
        location: only events located at a place of this name (case-insensitive).
        country: only events located in this country (ISO alpha-3).
        all_events: include non-factual events (negated, hypothetical, future).
        both_ways: with ``actor`` and ``recipient``, the dyad in either direction.
        known_actors: leave out events by an unnamed actor (``evidence.actor_unknown``).
        record: add ``record``, the stored PLOVER record (``Event.to_dict()``, decoded).
        limit, offset: paging.

    Returns:
        One dict per event: the ``events`` columns (id, date, event, mode, context, quad_code,
        event_scale, cameo, factual, sentence, trigger_text, lexicon_entry, confidence, ...),
        ``actor``/``recipient`` lists of entities (code, sector, entity_text, name, kind, kb_id),
        ``evidence`` (sentence, field, start, end, trigger, lexicon_entry) and the article's
        title, url, source, published and story_id.
    """
    where, params = event_where(
        actor=actor,
        recipient=recipient,
        type=type,
        context=context,
        since=since,
        until=until,
        text=text,
        article_id=article_id,
        location=location,
        country=country,
        all_events=all_events,
        both_ways=both_ways,
        known_actors=known_actors,
    )
    cols = f"{EVENT_COLS}, e.record" if record else EVENT_COLS
    order = "e.idx" if article_id else "e.date DESC NULLS LAST, e.article_id, e.idx"
    cur = con.execute(
        f"SELECT {cols} FROM events e LEFT JOIN articles a ON a.id = e.article_id{where} "
        f"ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)],
    )
    rows = fetch_dicts(cur)
    ents = _entities(con, [r["id"] for r in rows])
    for r in rows:
        r.update(ents[r["id"]])
        if record:
            r["record"] = json.loads(r["record"]) if isinstance(r["record"], str) else {}
        r["evidence"] = {
            "sentence": r["sentence"],
            "field": r["sentence_field"],
            "start": r["sentence_start"],
            "end": r["sentence_end"],
            "trigger": r["trigger_text"],
            "lexicon_entry": r["lexicon_entry"],
            "confidence": r["confidence"],
        }
    return rows


def count_events(con: Any, **filters: Any) -> int:
    """How many raw events match the filters of :func:`events` (for paging)."""
    filters.pop("limit", None)
    filters.pop("offset", None)
    where, params = event_where(**filters)
    row = con.execute(f"SELECT count(*) FROM events e{where}", params).fetchone()
    return int(row[0]) if row else 0


def merged_events(
    con: Any,
    *,
    actor: str | None = None,
    recipient: str | None = None,
    type: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """De-duplicated events (same actor, recipient, type and date window), newest first.

    Actor and recipient filter on the merged ``actor_codes``/``recipient_codes`` (a code is one
    of the ``+``-joined codes). Each dict has the ``merged_events`` columns plus ``event_ids``:
    the raw events (article mentions) merged into it.
    """
    where: list[str] = []
    params: list[Any] = []
    for col, value in (("actor_codes", actor), ("recipient_codes", recipient)):
        if value:
            where.append(f"list_contains(string_split(m.{col}, '+'), ?)")
            params.append(value.upper())
    if type:
        types = [t.strip().upper() for t in type.split(",") if t.strip()]
        where.append(f"m.event IN ({', '.join('?' for _ in types)})")
        params.extend(types)
    if (s := check_date(since, "since")) is not None:
        where.append("m.last_date >= ?::DATE")
        params.append(s)
    if (u := check_date(until, "until")) is not None:
        where.append("m.date <= ?::DATE")
        params.append(u)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    cur = con.execute(
        f"SELECT m.*, (SELECT list(l.event_id ORDER BY l.event_id) FROM merged_links l "
        f"WHERE l.merged_id = m.id) AS event_ids FROM merged_events m{clause} "
        "ORDER BY m.date DESC NULLS LAST, m.id LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)],
    )
    return fetch_dicts(cur)


def event_types(con: Any, **filters: Any) -> list[dict[str, Any]]:
    """Events matching :func:`events` filters per PLOVER type, most frequent first.

    Returns:
        ``[{"event", "quad_code", "count", "mean_intensity"}]`` (the mean event_scale, not
        rounded; ``None`` when no event of the type has a scale).
    """
    where, params = event_where(**filters)
    return fetch_dicts(
        con.execute(
            "SELECT e.event, min(e.quad_code) AS quad_code, count(*) AS count, "
            f"avg(e.event_scale) AS mean_intensity FROM events e{where} "
            "GROUP BY e.event ORDER BY count(*) DESC, e.event",
            params,
        )
    )


def dyad_directions(con: Any, a: str, b: str, **filters: Any) -> tuple[int, int]:
    """Of the events between ``a`` and ``b`` (:func:`events` filters), how many have ``a``
    and how many have ``b`` as an actor."""
    acts: list[Any] = []
    by_a = entity_clause("actor", a, acts)
    by_b = entity_clause("actor", b, acts)
    where, params = event_where(actor=a, recipient=b, **filters)
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE {by_a}), count(*) FILTER (WHERE {by_b}) "
        f"FROM events e{where}",
        [*acts, *params],
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def top_dyads(con: Any, limit: int = 10) -> list[dict[str, Any]]:
    """The directed actor -> recipient code pairs with the most factual events.

    Returns:
        ``[{"actor", "recipient", "events", "mean_intensity", "conflict"}]`` (mean event_scale
        not rounded; ``conflict``: events of quad class 3 or 4).
    """
    return fetch_dicts(
        con.execute(
            "SELECT x.code AS actor, y.code AS recipient, count(DISTINCT e.id) AS events, "
            "avg(e.event_scale) AS mean_intensity, "
            "count(DISTINCT e.id) FILTER (WHERE e.quad_code >= 3) AS conflict FROM events e "
            "JOIN event_entities x ON x.event_id = e.id AND x.role = 'actor' "
            "JOIN event_entities y ON y.event_id = e.id AND y.role = 'recipient' "
            "WHERE e.factual AND x.code IS NOT NULL AND y.code IS NOT NULL AND x.code <> y.code "
            "GROUP BY x.code, y.code ORDER BY events DESC, x.code, y.code LIMIT ?",
            [int(limit)],
        )
    )


def vocabulary(con: Any) -> dict[str, list[str]]:
    """The actor codes (most frequent 300), event types and contexts present in the store."""
    codes = con.execute(
        "SELECT code FROM event_entities WHERE code IS NOT NULL "
        "GROUP BY code ORDER BY count(*) DESC, code LIMIT 300"
    ).fetchall()
    types = con.execute(
        "SELECT DISTINCT event FROM events WHERE event IS NOT NULL ORDER BY 1"
    ).fetchall()
    contexts = con.execute(
        "SELECT DISTINCT c FROM (SELECT unnest(context) AS c FROM events) "
        "WHERE c IS NOT NULL ORDER BY 1"
    ).fetchall()
    return {
        "actors": [r[0] for r in codes],
        "events": [r[0] for r in types],
        "contexts": [r[0] for r in contexts],
    }
