"""HTML reader: main text and metadata with trafilatura; the original publication date via htmldate.

trafilatura is run with comments excluded and precision favoured (the configuration that scores
best on the article-extraction benchmark, see ``detente eval extraction``).
"""

from __future__ import annotations

import logging
from typing import Any

from ..records import Article
from .base import make_article, normalise_date, reject

__all__ = ["extract_html", "read_html"]

log = logging.getLogger(__name__)


def extract_html(html: str, url: str | None = None) -> dict[str, Any] | None:
    """Extract ``{text, title, authors, site_name, published, url}`` from an HTML page.

    Returns ``None`` when no main text can be found.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={"original_date": True, "extensive_search": True},
    )
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip()
    if not text:
        return None
    author = data.get("author") or ""
    authors = tuple(a.strip() for a in author.replace(" and ", ";").split(";") if a.strip())
    return {
        "text": text,
        "title": data.get("title"),
        "authors": authors,
        "site_name": data.get("sitename"),
        "published": normalise_date(data.get("date")),
        "url": data.get("url") or url,
    }


def read_html(input_name: str, html: str, **fields: Any) -> Article:
    """Read an HTML page into an article (rejected with ``no_text`` when nothing is found)."""
    try:
        found = extract_html(html, url=fields.get("url"))
    except Exception as exc:  # noqa: BLE001 - a broken page is a rejection, not a crash
        return reject(input_name, "unreadable", f"HTML could not be parsed: {exc}")
    if found is None:
        return reject(input_name, "no_text", "no main text found in the HTML page")
    meta = {"site_name": found["site_name"]} if found["site_name"] else {}
    return make_article(
        input_name,
        found["text"],
        title=fields.pop("title", None) or found["title"],
        url=fields.pop("url", None) or found["url"],
        source=fields.pop("source", None) or found["site_name"],
        published=fields.pop("published", None) or found["published"],
        authors=found["authors"],
        format="html",
        meta=meta,
        **fields,
    )
