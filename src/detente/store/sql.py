"""SQL building blocks of the query modules: row conversion, date checks and WHERE clauses.

Every value from a caller is bound as a parameter; ``LIKE`` searches escape ``%``, ``_`` and
``\\``, so a user's words match literally.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import StoreError

__all__ = [
    "EVENT_COLS",
    "actor_match",
    "check_date",
    "entity_clause",
    "event_where",
    "fetch_dicts",
    "plain",
    "text_clauses",
]

#: The columns of an event row, with its article's, that ``event_queries.events`` returns.
EVENT_COLS = (
    "e.id, e.event_id, e.article_id, e.date, e.event, e.mode, e.context, e.quad_code, "
    "e.event_scale, e.event_text, e.cameo, e.quote_id, e.factual, e.auxiliary_modes, "
    "e.actor_codes, e.recipient_codes, e.sentence, e.sentence_field, e.sentence_start, "
    "e.sentence_end, e.trigger_text, e.lexicon_entry, e.confidence, "
    "a.title AS article_title, a.url AS article_url, a.source AS article_source, "
    "a.published AS article_published, a.story_id AS story_id"
)


def fetch_dicts(cur: Any) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [{c: plain(v) for c, v in zip(cols, row, strict=True)} for row in cur.fetchall()]


def plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return value.hex()
    return value


def check_date(value: str | dt.date | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise StoreError(
            f"{name}={value!r} is not a date in YYYY-MM-DD form", code="E079"
        ) from None


def text_clauses(columns: tuple[str, ...], words: str, params: list[Any]) -> list[str]:
    """One clause per word (at most 10): some of ``columns`` contains it, case-insensitively.

    The user's ``%``, ``_`` and ``\\`` are escaped, so they match literally.
    """
    clauses = []
    for word in words.split()[:10]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("(" + " OR ".join(f"{c} ILIKE ? ESCAPE '\\'" for c in columns) + ")")
        params.extend([f"%{escaped}%"] * len(columns))
    return clauses


def actor_match(prefix: str, value: str, params: list[Any], *, by_name: bool) -> str:
    """A clause matching an actor by code (RUS), code+sector (RUSGOV), sector (GOV) or
    knowledge-base id — and, ``by_name``, by name (case-insensitive) — over the columns
    ``{prefix}code``, ``{prefix}sector``, ``{prefix}kb_id`` (and ``{prefix}name``)."""
    up = value.upper()
    params.extend([up, up, up, value])
    clause = (
        f"upper({prefix}code) = ? OR upper(coalesce({prefix}code, '') || "
        f"coalesce({prefix}sector, '')) = ? OR upper({prefix}sector) = ? OR {prefix}kb_id = ?"
    )
    if by_name:
        params.append(value)
        clause += f" OR lower({prefix}name) = lower(?)"
    return f"({clause})"


def entity_clause(role: str, value: str, params: list[Any]) -> str:
    # ``role`` is one of two fixed words written in this module, never user input.
    match = actor_match("x.", value, params, by_name=True)
    return (
        "EXISTS (SELECT 1 FROM event_entities x WHERE x.event_id = e.id AND x.role = "
        f"'{role}' AND {match})"
    )


def event_where(
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
) -> tuple[str, list[Any]]:
    """The WHERE clause (with its parameters) of the event filters; ``location`` is the name of
    the event's location (case-insensitive) and ``country`` its ISO alpha-3 country."""
    where: list[str] = []
    params: list[Any] = []
    if not all_events:
        where.append("e.factual")
    if both_ways and actor and recipient:
        # the dyad in either direction: (actor -> recipient) or (recipient -> actor)
        pair = []
        for a, b in ((actor, recipient), (recipient, actor)):
            pair.append(
                f"({entity_clause('actor', a, params)} AND {entity_clause('recipient', b, params)})"
            )
        where.append(f"({pair[0]} OR {pair[1]})")
        actor = recipient = None
    if actor:
        where.append(entity_clause("actor", actor, params))
    if recipient:
        where.append(entity_clause("recipient", recipient, params))
    if type:
        types = [t.strip().upper() for t in type.split(",") if t.strip()]
        where.append(f"e.event IN ({', '.join('?' for _ in types)})")
        params.extend(types)
    if context:
        where.append("list_contains(e.context, ?)")
        params.append(context.strip().lower())
    if (s := check_date(since, "since")) is not None:
        where.append("e.date >= ?::DATE")
        params.append(s)
    if (u := check_date(until, "until")) is not None:
        where.append("e.date <= ?::DATE")
        params.append(u)
    if text:
        where.extend(text_clauses(("e.sentence", "e.event_text"), text, params))
    if article_id:
        where.append("e.article_id = ?")
        params.append(article_id)
    if location:
        where.append("lower(e.location_name) = lower(?)")
        params.append(location)
    if country:
        where.append("e.location_country = ?")
        params.append(country.upper())
    if known_actors:
        # events by an unnamed actor ("civilians were killed in a shelling") have no actor entity
        where.append(
            "EXISTS (SELECT 1 FROM event_entities x WHERE x.event_id = e.id AND x.role = 'actor')"
        )
    return (" WHERE " + " AND ".join(where)) if where else "", params
