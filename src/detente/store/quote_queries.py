"""Queries of the stored quotes: search by speaker, speaker actor, words, article and date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .contract import decode_record
from .sql import actor_match, check_date, fetch_dicts, text_clauses

__all__ = [
    "count_quotes",
    "quotes",
]


def _quote_where(
    *,
    speaker: str | None = None,
    actor: str | None = None,
    words: str | None = None,
    article_id: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    topics: bool = True,
) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if not topics:
        # the flag lives in the stored record (Quote.to_dict()); records migrated from schema 1
        # have none and count as words said
        where.append("NOT coalesce(CAST(json_extract(q.record, '$.topic') AS BOOLEAN), false)")
    if speaker:
        where.extend(text_clauses(("q.speaker_name", "q.speaker_text"), speaker, params))
    if actor:
        where.append(actor_match("q.speaker_", actor, params, by_name=False))
    if words:
        where.extend(text_clauses(("q.text",), words, params))
    if article_id:
        where.append("q.article_id = ?")
        params.append(article_id)
    if (s := check_date(since, "since")) is not None:
        where.append("a.published >= ?::DATE")
        params.append(s)
    if (u := check_date(until, "until")) is not None:
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
    topics: bool = True,
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
        topics: include quotes whose text is a topic (``Quote.topic``: what was talked about,
            not words said); ``False`` leaves them out.
        limit, offset: paging.

    Returns:
        One dict per quote: the ``quotes`` columns (``record``: the stored ``Quote.to_dict()``,
        decoded) plus the article's title, url, source and published date.
    """
    clause, params = _quote_where(
        speaker=speaker,
        actor=actor,
        words=words,
        article_id=article_id,
        since=since,
        until=until,
        topics=topics,
    )
    rows = fetch_dicts(
        con.execute(
            "SELECT q.*, a.title AS article_title, a.url AS article_url, "
            "a.source AS article_source, a.published AS article_published "
            f"FROM quotes q LEFT JOIN articles a ON a.id = q.article_id{clause} "
            "ORDER BY a.published DESC NULLS LAST, q.article_id, q.idx LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )
    )
    for r in rows:
        r["record"] = decode_record(r["record"])
    return rows


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
