"""RSS and Atom feed reader: every entry with a body becomes an article.

Feeds often carry only a summary; detente codes what the feed holds (the full ``content`` when
present, else the summary) and keeps the entry's link as the article URL.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from ..records import Article, RejectReason
from .base import make_article, normalise_date, reject
from .html import extract_html

__all__ = ["read_feed"]


def _entry_html(entry: Any) -> str:
    contents = entry.get("content") or []
    if contents:
        return "\n".join(c.get("value", "") for c in contents)
    return str(entry.get("summary") or entry.get("description") or "")


def _strip_tags(html: str) -> str:
    import lxml.html

    try:
        return str(lxml.html.fromstring(html).text_content()).strip()
    except Exception:
        # an unparseable fragment is taken as text
        return html.strip()


def read_feed(name: str, data: bytes, **fields: Any) -> Iterator[Article]:
    """Read an RSS or Atom document; entries are named ``FILE#N`` (N counts from 1)."""
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.get("bozo") and not parsed.entries:
        yield reject(
            name, RejectReason.UNREADABLE, f"not a valid feed: {parsed.get('bozo_exception')}"
        )
        return
    if not parsed.entries:
        yield reject(name, RejectReason.EMPTY, "the feed has no entries")
        return
    site = parsed.feed.get("title") if parsed.get("feed") else None
    for n, entry in enumerate(parsed.entries, 1):
        entry_name = f"{name}#{n}"
        body = _entry_html(entry)
        text = ""
        if "<" in body:
            found = extract_html(f"<html><body><article>{body}</article></body></html>")
            text = found["text"] if found else _strip_tags(body)
        else:
            text = body.strip()
        if not text:
            yield reject(entry_name, RejectReason.EMPTY, "the feed entry has no content or summary")
            continue
        parsed_date = entry.get("published_parsed") or entry.get("updated_parsed")
        published = time.strftime("%Y-%m-%d", parsed_date) if parsed_date else None
        yield make_article(
            entry_name,
            text,
            title=entry.get("title"),
            id=entry.get("id") or None,
            url=entry.get("link"),
            source=fields.get("source") or site,
            published=normalise_date(published) or fields.get("published"),
            authors=tuple(a.get("name", "") for a in entry.get("authors", []) if a.get("name")),
            format="feed",
        )
