"""The read-only query layer over a detente database (used by the CLI and the web app).

Every function takes an open connection (``open_db(path, read_only=True)``) as its first argument
and returns plain JSON-ready values (``dict``/``list``, dates as ISO strings). Filters are keyword
arguments; ``None`` means "no filter". Events are the *raw* per-article events unless a function
says otherwise; non-factual events (negated, hypothetical, future) are left out unless
``all_events=True``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..errors import StoreError
from .schema import SCHEMA_VERSION, schema_version

__all__ = [
    "PERIODS",
    "QUAD_NAMES",
    "actor_summary",
    "article",
    "articles",
    "count_events",
    "count_quotes",
    "date_span",
    "dyad_directions",
    "event_types",
    "events",
    "merged_events",
    "quotes",
    "rejections",
    "relations",
    "runs",
    "series",
    "stats",
    "stories",
    "top_dyads",
    "vocabulary",
]

#: PLOVER quad codes (as in GDELT's QuadClass).
QUAD_NAMES: dict[int, str] = {
    1: "verbal_cooperation",
    2: "material_cooperation",
    3: "verbal_conflict",
    4: "material_conflict",
}
#: Allowed ``by`` values of :func:`relations`.
PERIODS = ("day", "week", "month", "quarter", "year")

_EVENT_COLS = (
    "e.id, e.event_id, e.article_id, e.date, e.event, e.mode, e.context, e.quad_code, "
    "e.event_scale, e.event_text, e.cameo, e.quote_id, e.factual, e.auxiliary_modes, "
    "e.actor_codes, e.recipient_codes, e.sentence, e.sentence_field, e.sentence_start, "
    "e.sentence_end, e.trigger_text, e.lexicon_entry, e.confidence, "
    "a.title AS article_title, a.url AS article_url, a.source AS article_source, "
    "a.published AS article_published, a.story_id AS story_id"
)


def _rows(cur: Any) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [{c: _plain(v) for c, v in zip(cols, row, strict=True)} for row in cur.fetchall()]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return value.hex()
    return value


def _check_date(value: str | dt.date | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise StoreError(
            f"{name}={value!r} is not a date in YYYY-MM-DD form", code="E079"
        ) from None


def _text_clauses(columns: tuple[str, ...], words: str, params: list[Any]) -> list[str]:
    """One clause per word (at most 10): some of ``columns`` contains it, case-insensitively.

    The user's ``%``, ``_`` and ``\\`` are escaped, so they match literally.
    """
    clauses = []
    for word in words.split()[:10]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("(" + " OR ".join(f"{c} ILIKE ? ESCAPE '\\'" for c in columns) + ")")
        params.extend([f"%{escaped}%"] * len(columns))
    return clauses


def _actor_match(prefix: str, value: str, params: list[Any], *, by_name: bool) -> str:
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


def _entity_clause(role: str, value: str, params: list[Any]) -> str:
    # ``role`` is one of two fixed words written in this module, never user input.
    match = _actor_match("x.", value, params, by_name=True)
    return (
        "EXISTS (SELECT 1 FROM event_entities x WHERE x.event_id = e.id AND x.role = "
        f"'{role}' AND {match})"
    )


def _event_where(
    *,
    actor: str | None = None,
    recipient: str | None = None,
    type: str | None = None,
    context: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    text: str | None = None,
    article_id: str | None = None,
    all_events: bool = False,
    both_ways: bool = False,
    known_actors: bool = False,
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if not all_events:
        where.append("e.factual")
    if known_actors:
        # events by an unnamed actor ("civilians were killed in a shelling") have no actor entity
        where.append(
            "EXISTS (SELECT 1 FROM event_entities x WHERE x.event_id = e.id AND x.role = 'actor')"
        )
    if both_ways and actor and recipient:
        # the dyad in either direction: (actor -> recipient) or (recipient -> actor)
        pair = []
        for a, b in ((actor, recipient), (recipient, actor)):
            pair.append(
                f"({_entity_clause('actor', a, params)} AND "
                f"{_entity_clause('recipient', b, params)})"
            )
        where.append(f"({pair[0]} OR {pair[1]})")
        actor = recipient = None
    if actor:
        where.append(_entity_clause("actor", actor, params))
    if recipient:
        where.append(_entity_clause("recipient", recipient, params))
    if type:
        types = [t.strip().upper() for t in type.split(",") if t.strip()]
        where.append(f"e.event IN ({', '.join('?' for _ in types)})")
        params.extend(types)
    if context:
        where.append("list_contains(e.context, ?)")
        params.append(context.strip().lower())
    if (s := _check_date(since, "since")) is not None:
        where.append("e.date >= ?::DATE")
        params.append(s)
    if (u := _check_date(until, "until")) is not None:
        where.append("e.date <= ?::DATE")
        params.append(u)
    if text:
        where.extend(_text_clauses(("e.sentence", "e.event_text"), text, params))
    if article_id:
        where.append("e.article_id = ?")
        params.append(article_id)
    return (" WHERE " + " AND ".join(where)) if where else "", params


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
    for row in _rows(cur):
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
    where, params = _event_where(
        actor=actor,
        recipient=recipient,
        type=type,
        context=context,
        since=since,
        until=until,
        text=text,
        article_id=article_id,
        all_events=all_events,
        both_ways=both_ways,
        known_actors=known_actors,
    )
    cols = f"{_EVENT_COLS}, e.record" if record else _EVENT_COLS
    order = "e.idx" if article_id else "e.date DESC NULLS LAST, e.article_id, e.idx"
    cur = con.execute(
        f"SELECT {cols} FROM events e LEFT JOIN articles a ON a.id = e.article_id{where} "
        f"ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)],
    )
    rows = _rows(cur)
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
    where, params = _event_where(**filters)
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
    if (s := _check_date(since, "since")) is not None:
        where.append("m.last_date >= ?::DATE")
        params.append(s)
    if (u := _check_date(until, "until")) is not None:
        where.append("m.date <= ?::DATE")
        params.append(u)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    cur = con.execute(
        f"SELECT m.*, (SELECT list(l.event_id ORDER BY l.event_id) FROM merged_links l "
        f"WHERE l.merged_id = m.id) AS event_ids FROM merged_events m{clause} "
        "ORDER BY m.date DESC NULLS LAST, m.id LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)],
    )
    return _rows(cur)


def date_span(con: Any, **filters: Any) -> tuple[str | None, str | None]:
    """The first and last event date (ISO) among the events matching :func:`events` filters."""
    where, params = _event_where(**filters)
    row = con.execute(f"SELECT min(e.date), max(e.date) FROM events e{where}", params).fetchone()
    return (_plain(row[0]), _plain(row[1])) if row else (None, None)


def series(con: Any, by: str = "month", **filters: Any) -> list[dict[str, Any]]:
    """Dated events matching :func:`events` filters, counted per period (``by``).

    Returns:
        One dict per period with events, in time order: ``period`` (ISO date of its first day),
        ``events``, ``verbal_cooperation``, ``material_cooperation``, ``verbal_conflict``,
        ``material_conflict`` (counts per quad class), ``intensity_sum`` (sum of event_scale),
        ``mean_intensity`` (mean event_scale, rounded to 3 places) and ``by_type``
        ({PLOVER type: count}).
    """
    if by not in PERIODS:
        raise StoreError(f"by={by!r}: use one of {', '.join(PERIODS)}", code="E079")
    where, params = _event_where(**filters)
    quads = ", ".join(
        f"count(*) FILTER (WHERE e.quad_code = {q}) AS {n}" for q, n in QUAD_NAMES.items()
    )
    date_ok = f"{where} AND e.date IS NOT NULL" if where else " WHERE e.date IS NOT NULL"
    rows = _rows(
        con.execute(
            f"SELECT date_trunc('{by}', e.date)::DATE AS period, count(*) AS events, {quads}, "
            "sum(e.event_scale) AS intensity_sum, "
            "round(avg(e.event_scale), 3) AS mean_intensity, "
            f"histogram(e.event) AS by_type FROM events e{date_ok} "
            "GROUP BY period ORDER BY period",
            params,
        )
    )
    for r in rows:
        r["by_type"] = dict(r["by_type"] or {})
    return rows


def relations(
    con: Any,
    a: str,
    b: str,
    *,
    by: str = "month",
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    both_ways: bool = False,
    all_events: bool = False,
) -> list[dict[str, Any]]:
    """The dyad ``a`` -> ``b`` over time: counts per quad class and mean intensity per period.

    Args:
        con: an open database connection.
        a, b: actor codes (matched like the ``actor`` filter of :func:`events`).
        by: period length: day, week, month, quarter or year.
        since, until: inclusive date bounds.
        both_ways: count ``b`` -> ``a`` too.
        all_events: include non-factual events.

    Returns:
        The rows of :func:`series` without ``intensity_sum``.
    """
    rows = series(
        con,
        by,
        actor=a,
        recipient=b,
        since=since,
        until=until,
        both_ways=both_ways,
        all_events=all_events,
    )
    for r in rows:
        del r["intensity_sum"]
    return rows


def event_types(con: Any, **filters: Any) -> list[dict[str, Any]]:
    """Events matching :func:`events` filters per PLOVER type, most frequent first.

    Returns:
        ``[{"event", "quad_code", "count", "mean_intensity"}]`` (the mean event_scale, not
        rounded; ``None`` when no event of the type has a scale).
    """
    where, params = _event_where(**filters)
    return _rows(
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
    by_a = _entity_clause("actor", a, acts)
    by_b = _entity_clause("actor", b, acts)
    where, params = _event_where(actor=a, recipient=b, **filters)
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
    return _rows(
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


def actor_summary(
    con: Any,
    code: str,
    *,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    limit: int = 10,
) -> dict[str, Any]:
    """What one actor did and had done to it, with its main partners.

    Returns:
        ``{"code", "name", "kind", "names", "as_actor", "as_recipient", "first_date",
        "last_date", "by_type": {type: {"as_actor": n, "as_recipient": n}}, "partners":
        [{"code", "as_actor", "as_recipient", "events", "mean_intensity", "conflict"}],
        "mentions", "quotes"}`` where ``name``/``kind`` are the usual name of its mentions
        (a state's first), ``names`` the 5 most frequent, and partners are the ``limit`` codes
        it shares most factual events with (``conflict``: those of quad class 3 or 4).
    """
    code_u = code.upper()
    out_f: dict[str, Any] = {"actor": code, "since": since, "until": until}
    in_f: dict[str, Any] = {"recipient": code, "since": since, "until": until}
    w_out, p_out = _event_where(**out_f)
    w_in, p_in = _event_where(**in_f)
    spans = [date_span(con, **out_f), date_span(con, **in_f)]
    firsts = [d for d, _ in spans if d]
    lasts = [d for _, d in spans if d]
    by_type: dict[str, dict[str, int]] = {}
    for role, filters in (("as_actor", out_f), ("as_recipient", in_f)):
        for t in event_types(con, **filters):
            by_type.setdefault(t["event"], {"as_actor": 0, "as_recipient": 0})[role] = t["count"]
    partners = _rows(
        con.execute(
            f"WITH o AS (SELECT e.id, e.event_scale, e.quad_code FROM events e{w_out}), "
            f"i AS (SELECT e.id, e.event_scale, e.quad_code FROM events e{w_in}), "
            "p AS (SELECT x.code, 'as_actor' AS role, o.id, o.event_scale, o.quad_code FROM o "
            "  JOIN event_entities x ON x.event_id = o.id AND x.role = 'recipient' "
            "  UNION ALL SELECT x.code, 'as_recipient', i.id, i.event_scale, i.quad_code FROM i "
            "  JOIN event_entities x ON x.event_id = i.id AND x.role = 'actor') "
            "SELECT code, count(DISTINCT id) FILTER (WHERE role = 'as_actor') AS as_actor, "
            "count(DISTINCT id) FILTER (WHERE role = 'as_recipient') AS as_recipient, "
            "count(DISTINCT id) AS events, round(avg(event_scale), 3) AS mean_intensity, "
            "count(DISTINCT id) FILTER (WHERE quad_code >= 3) AS conflict FROM p "
            "WHERE code IS NOT NULL AND upper(code) <> ? GROUP BY code "
            "ORDER BY events DESC, code LIMIT ?",
            [*p_out, *p_in, code_u, int(limit)],
        )
    )
    names = con.execute(
        "SELECT actor_name, actor_kind, count(*) n FROM mentions WHERE upper(actor_code) = ? "
        "AND actor_name IS NOT NULL GROUP BY actor_name, actor_kind ORDER BY n DESC, actor_name",
        [code_u],
    ).fetchall()
    usual = min(names, key=lambda r: (r[1] != "state", -r[2], r[0]), default=(None, None, 0))
    n_mentions = con.execute(
        "SELECT count(*) FROM mentions WHERE upper(actor_code) = ?", [code_u]
    ).fetchone()
    n_quotes = con.execute(
        "SELECT count(*) FROM quotes WHERE upper(speaker_code) = ?", [code_u]
    ).fetchone()
    return {
        "code": code_u,
        "name": usual[0],
        "kind": usual[1],
        "names": list(dict.fromkeys(r[0] for r in names))[:5],
        "as_actor": count_events(con, **out_f),
        "as_recipient": count_events(con, **in_f),
        "first_date": min(firsts, default=None),
        "last_date": max(lasts, default=None),
        "by_type": by_type,
        "partners": partners,
        "mentions": int(n_mentions[0]) if n_mentions else 0,
        "quotes": int(n_quotes[0]) if n_quotes else 0,
    }


def articles(
    con: Any,
    *,
    source: str | None = None,
    story_id: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    text: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Stored articles (without their text), newest first, with counts and story."""
    where: list[str] = []
    params: list[Any] = []
    if source:
        where.append("source = ?")
        params.append(source)
    if story_id:
        where.append("story_id = ?")
        params.append(story_id)
    if (s := _check_date(since, "since")) is not None:
        where.append("published >= ?::DATE")
        params.append(s)
    if (u := _check_date(until, "until")) is not None:
        where.append("published <= ?::DATE")
        params.append(u)
    if text:
        where.extend(_text_clauses(("title", "text"), text, params))
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return _rows(
        con.execute(
            "SELECT id, input, title, url, source, published, language, n_mentions, n_events, "
            f"n_quotes, story_id, run_id FROM articles{clause} "
            "ORDER BY published DESC NULLS LAST, id LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )
    )


def article(con: Any, article_id: str, *, record: bool = False) -> dict[str, Any] | None:
    """One article with everything stored about it, or ``None`` when there is no such id.

    Returns:
        The ``articles`` columns (``authors`` a list; ``meta``, ``credits`` and ``removed``
        decoded from JSON), plus ``mentions``, ``events`` (all of them, factual or not, as
        :func:`events` returns them), ``quotes`` (as :func:`quotes` returns them) and ``story``
        (the other article ids of its story). ``record=True`` adds each event's ``record``.
    """
    rows = _rows(con.execute("SELECT * FROM articles WHERE id = ?", [article_id]))
    if not rows:
        return None
    art = rows[0]
    for key in ("meta", "credits", "removed"):
        art[key] = json.loads(art[key]) if art[key] else ([] if key != "meta" else {})
    art["mentions"] = _rows(
        con.execute(
            "SELECT * EXCLUDE (article_id) FROM mentions WHERE article_id = ? ORDER BY idx",
            [article_id],
        )
    )
    art["events"] = events(
        con, article_id=article_id, all_events=True, record=record, limit=100_000
    )
    art["quotes"] = quotes(con, article_id=article_id, limit=100_000)
    art["story"] = (
        [
            r[0]
            for r in con.execute(
                "SELECT id FROM articles WHERE story_id = ? AND id <> ? ORDER BY id",
                [art["story_id"], article_id],
            ).fetchall()
        ]
        if art["story_id"]
        else []
    )
    return art


def _quote_where(
    *,
    speaker: str | None = None,
    actor: str | None = None,
    words: str | None = None,
    article_id: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if speaker:
        where.extend(_text_clauses(("q.speaker_name", "q.speaker_text"), speaker, params))
    if actor:
        where.append(_actor_match("q.speaker_", actor, params, by_name=False))
    if words:
        where.extend(_text_clauses(("q.text",), words, params))
    if article_id:
        where.append("q.article_id = ?")
        params.append(article_id)
    if (s := _check_date(since, "since")) is not None:
        where.append("a.published >= ?::DATE")
        params.append(s)
    if (u := _check_date(until, "until")) is not None:
        where.append("a.published <= ?::DATE")
        params.append(u)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def quotes(
    con: Any,
    *,
    speaker: str | None = None,
    actor: str | None = None,
    words: str | None = None,
    article_id: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Quotes, newest article first (one article's quotes in their order).

    Args:
        con: an open database connection.
        speaker: words of the speaker's name or text (case-insensitive; every word must occur).
        actor: the speaker's actor code (``RUS``), code+sector (``RUSGOV``), sector (``GOV``)
            or knowledge-base id.
        words: words the quote contains (case-insensitive; every word must occur).
        article_id: only the quotes of one article.
        since, until: bounds on the article's publication date.
        limit, offset: paging.

    Returns:
        One dict per quote: the ``quotes`` columns plus the article's title, url, source and
        published date.
    """
    clause, params = _quote_where(
        speaker=speaker,
        actor=actor,
        words=words,
        article_id=article_id,
        since=since,
        until=until,
    )
    return _rows(
        con.execute(
            "SELECT q.*, a.title AS article_title, a.url AS article_url, "
            "a.source AS article_source, a.published AS article_published "
            f"FROM quotes q LEFT JOIN articles a ON a.id = q.article_id{clause} "
            "ORDER BY a.published DESC NULLS LAST, q.article_id, q.idx LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )
    )


def count_quotes(con: Any, **filters: Any) -> int:
    """How many quotes match the filters of :func:`quotes` (for paging)."""
    filters.pop("limit", None)
    filters.pop("offset", None)
    clause, params = _quote_where(**filters)
    row = con.execute(
        f"SELECT count(*) FROM quotes q LEFT JOIN articles a ON a.id = q.article_id{clause}",
        params,
    ).fetchone()
    return int(row[0]) if row else 0


def rejections(
    con: Any,
    *,
    reason: str | None = None,
    run_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Stored rejections (input, reason, detail, run), in the order they were stored."""
    where: list[str] = []
    params: list[Any] = []
    if reason:
        where.append("reason = ?")
        params.append(reason)
    if run_id is not None:
        where.append("run_id = ?")
        params.append(int(run_id))
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return _rows(
        con.execute(
            f"SELECT id, input, reason, detail, run_id, rejected_at FROM rejections{clause} "
            "ORDER BY rejected_at, input LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )
    )


def runs(con: Any) -> list[dict[str, Any]]:
    """Every ingest run, newest first (versions, settings and inputs decoded from JSON)."""
    rows = _rows(con.execute("SELECT * FROM runs ORDER BY run_id DESC"))
    for r in rows:
        for key in ("versions", "lexicon_files", "settings", "inputs"):
            r[key] = json.loads(r[key]) if r[key] else None
    return rows


def stories(
    con: Any, *, min_articles: int = 2, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Stories (groups of near-duplicate articles) with at least ``min_articles``, largest first.

    Each dict has the ``stories`` columns plus ``article_ids``.
    """
    return _rows(
        con.execute(
            "SELECT s.*, (SELECT list(a.id ORDER BY a.id) FROM articles a "
            "WHERE a.story_id = s.story_id) AS article_ids FROM stories s WHERE n_articles >= ? "
            "ORDER BY n_articles DESC, story_id LIMIT ? OFFSET ?",
            [int(min_articles), int(limit), int(offset)],
        )
    )


def stats(con: Any) -> dict[str, Any]:
    """Totals for a dashboard's front page.

    Returns:
        ``{"schema_version", "articles", "rejections", "mentions", "events", "factual_events",
        "merged_events", "quotes", "stories", "sources", "first_date", "last_date",
        "by_type": {type: n}, "by_quad": {quad name: n}, "rejections_by_reason": {reason: n},
        "runs", "last_run": {...} | None, "first_event_date", "last_event_date"}``; event
        counts and dates are those of factual events unless named otherwise (``first_date``/
        ``last_date`` are publication dates).
    """

    def one(sql: str) -> Any:
        row = con.execute(sql).fetchone()
        return _plain(row[0]) if row else None

    out: dict[str, Any] = {
        "schema_version": schema_version(con) or SCHEMA_VERSION,
        "articles": one("SELECT count(*) FROM articles"),
        "rejections": one("SELECT count(*) FROM rejections"),
        "mentions": one("SELECT count(*) FROM mentions"),
        "events": one("SELECT count(*) FROM events"),
        "factual_events": one("SELECT count(*) FROM events WHERE factual"),
        "merged_events": one("SELECT count(*) FROM merged_events"),
        "quotes": one("SELECT count(*) FROM quotes"),
        "stories": one("SELECT count(*) FROM stories"),
        "sources": one("SELECT count(DISTINCT source) FROM articles"),
        "first_date": one("SELECT min(published) FROM articles"),
        "last_date": one("SELECT max(published) FROM articles"),
    }
    out["by_type"] = dict(
        con.execute(
            "SELECT event, count(*) FROM events WHERE factual GROUP BY event ORDER BY 2 DESC"
        ).fetchall()
    )
    out["by_quad"] = {
        QUAD_NAMES.get(int(q), str(q)): n
        for q, n in con.execute(
            "SELECT quad_code, count(*) FROM events WHERE factual AND quad_code IS NOT NULL "
            "GROUP BY quad_code ORDER BY quad_code"
        ).fetchall()
    }
    out["rejections_by_reason"] = dict(
        con.execute(
            "SELECT reason, count(*) FROM rejections GROUP BY reason ORDER BY 2 DESC"
        ).fetchall()
    )
    last = runs(con)
    out["runs"] = len(last)
    out["last_run"] = last[0] if last else None
    out["first_event_date"], out["last_event_date"] = date_span(con)
    return out
