"""Shared helpers for readers: article construction, ids, decoding, and rejections."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..records import Article, Rejected, RejectReason, content_hash

__all__ = ["decode", "fill_defaults", "make_article", "normalise_date", "reject"]

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def normalise_date(value: Any) -> str | None:
    """Return an ISO ``YYYY-MM-DD`` date from a date, datetime or string, or ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = _DATE_RE.match(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:
        from htmldate.validators import convert_date

        converted = convert_date(text, "%Y-%m-%d", "%Y-%m-%d")
        return str(converted) if converted else None
    except Exception:
        # an unparseable date is simply unknown
        return None


def reject(input_name: str, reason: RejectReason, detail: str, **fields: Any) -> Article:
    """Make a rejected article that names its input and the reason."""
    return Article(
        id=fields.pop("id", None) or "r" + content_hash(f"{input_name}\0{reason}\0{detail}"),
        input=input_name,
        text="",
        rejected=Rejected(reason=reason, detail=detail, input=input_name),
        **fields,
    )


def make_article(
    input_name: str,
    text: str,
    *,
    title: str | None = None,
    id: str | None = None,
    url: str | None = None,
    source: str | None = None,
    published: Any = None,
    authors: tuple[str, ...] = (),
    format: str = "text",
    meta: dict[str, Any] | None = None,
) -> Article:
    """Build an article from read text; the id is stable (same content, same id) unless given."""
    title = title.strip() if title and title.strip() else None
    digest = content_hash(f"{title or ''}\n{text}")
    return Article(
        id=str(id) if id not in (None, "") else "a" + digest,
        input=input_name,
        text=text,
        raw_text=text,
        title=title,
        url=url or None,
        source=source or None,
        published=normalise_date(published),
        authors=tuple(a for a in authors if a),
        format=format,
        hash=digest,
        meta=meta or {},
    )


def decode(data: bytes) -> str | None:
    """Decode bytes as text (UTF-8, with BOM, UTF-16 by BOM, or cp1252); ``None`` if binary."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    # cp1252 decodes almost anything; insist the result looks like text
    control = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\r\n\f")
    return None if control > 0.01 * max(1, min(len(text), 8192)) else text


def fill_defaults(article: Article, published: str | None, source: str | None) -> Article:
    """Give an article the default publication date and source where it has none."""
    changes: dict[str, Any] = {}
    if not article.published and published:
        changes["published"] = published
    if not article.source and source:
        changes["source"] = source
    return article.with_(**changes) if changes else article
