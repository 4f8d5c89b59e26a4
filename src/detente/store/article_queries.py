"""Queries of the stored articles, their stories and the rejected inputs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .contract import decode_record
from .event_queries import events
from .quote_queries import quotes
from .sql import check_date, fetch_dicts, text_clauses

__all__ = [
    "article",
    "articles",
    "rejections",
    "stories",
]


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
    if (s := check_date(since, "since")) is not None:
        where.append("published >= ?::DATE")
        params.append(s)
    if (u := check_date(until, "until")) is not None:
        where.append("published <= ?::DATE")
        params.append(u)
    if text:
        where.extend(text_clauses(("title", "text"), text, params))
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return fetch_dicts(
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
        :func:`events` returns them), ``quotes`` (as :func:`quotes` returns them), ``places``
        (the stored place records, ``Place.to_dict()``, in their order) and ``story``
        (the other article ids of its story); each mention and quote has its ``record`` (the
        stored ``to_dict()``, decoded). ``record=True`` adds each event's ``record``.
    """
    rows = fetch_dicts(con.execute("SELECT * FROM articles WHERE id = ?", [article_id]))
    if not rows:
        return None
    art = rows[0]
    for key in ("meta", "credits", "removed"):
        art[key] = json.loads(art[key]) if art[key] else ([] if key != "meta" else {})
    mentions = fetch_dicts(
        con.execute(
            "SELECT * EXCLUDE (article_id) FROM mentions WHERE article_id = ? ORDER BY idx",
            [article_id],
        )
    )
    for m in mentions:
        m["record"] = decode_record(m["record"])
    art["mentions"] = mentions
    art["events"] = events(
        con, article_id=article_id, all_events=True, record=record, limit=100_000
    )
    art["quotes"] = quotes(con, article_id=article_id, limit=100_000)
    art["places"] = [
        decode_record(r[0])
        for r in con.execute(
            "SELECT record FROM places WHERE article_id = ? ORDER BY idx", [article_id]
        ).fetchall()
    ]
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
    return fetch_dicts(
        con.execute(
            f"SELECT id, input, reason, detail, run_id, rejected_at FROM rejections{clause} "
            "ORDER BY rejected_at, input LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )
    )


def stories(
    con: Any, *, min_articles: int = 2, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Stories (groups of near-duplicate articles) with at least ``min_articles``, largest first.

    Each dict has the ``stories`` columns plus ``article_ids``.
    """
    return fetch_dicts(
        con.execute(
            "SELECT s.*, (SELECT list(a.id ORDER BY a.id) FROM articles a "
            "WHERE a.story_id = s.story_id) AS article_ids FROM stories s WHERE n_articles >= ? "
            "ORDER BY n_articles DESC, story_id LIMIT ? OFFSET ?",
            [int(min_articles), int(limit), int(offset)],
        )
    )
