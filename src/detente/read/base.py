"""Shared helpers for readers: article construction, ids, decoding, and rejections."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..records import Article, Rejected, RejectReason, content_hash
from .repair import merge_reports, repair_text

__all__ = ["decode", "fill_defaults", "make_article", "normalise_date", "reject"]

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_SURROGATE = re.compile("[\ud800-\udfff]")


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


def _writable(value: Any) -> Any:
    """``value`` with lone surrogates replaced by U+FFFD when it is a string, else unchanged."""
    if isinstance(value, str) and _SURROGATE.search(value):
        return _SURROGATE.sub("\ufffd", value)
    return value


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
    """Build an article from read text; the id is stable (same content, same id) unless given.

    Text and title are repaired first (mojibake, C1 controls, stray entities, see
    :func:`~detente.read.repair.repair_text`); what was fixed is ``meta["text_repaired"]``, and
    the id, the hash and every offset are of the repaired text.
    """
    text, text_report = repair_text(text)
    title_report = None
    if title:
        title, title_report = repair_text(title)
    title = title.strip() if title and title.strip() else None
    # other fields are kept as given, but a lone surrogate (a JSON "\ud800") cannot be stored
    url, source, id = _writable(url), _writable(source), _writable(id)
    authors = tuple(_writable(a) or "" for a in authors)
    report = merge_reports((meta or {}).get("text_repaired"), title_report, text_report)
    if report:
        meta = {**(meta or {}), "text_repaired": report}
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


#: A cp1252 reading with more non-ASCII characters than this share is probably another encoding.
_FOREIGN_SHARE = 0.1
#: Bytes looked at to detect an encoding (charset-normalizer samples within them).
_DETECT_BYTES = 1 << 20
#: Below this many characters detection guesses wildly ("Café" as UTF-16): cp1252 it is.
_DETECT_MIN = 64


def _looks_textual(text: str) -> bool:
    control = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\r\n\f")
    return control <= 0.01 * max(1, min(len(text), 8192))


def _detect(data: bytes, *, wide_only: bool = False) -> str | None:
    """Decode with the encoding charset-normalizer detects (only UTF-16/32 with ``wide_only``)."""
    from charset_normalizer import from_bytes

    try:
        best = from_bytes(data[:_DETECT_BYTES]).best()
        if best is None or (wide_only and not best.encoding.startswith(("utf_16", "utf_32"))):
            return None
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return text if _looks_textual(text) else None


def decode(data: bytes) -> str | None:
    """Decode bytes as text; ``None`` if binary.

    UTF-8 (with or without BOM) and UTF-16 by BOM first; then cp1252 when it reads as mostly
    ASCII text (English with a few curly quotes); else the encoding charset-normalizer detects
    (cp1251, Latin-2, UTF-16 without BOM, ...); else cp1252 if it looks like text at all.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:8192]:
        return _detect(data, wide_only=True)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    # cp1252 decodes almost anything; insist the result looks like text
    if text is not None and not _looks_textual(text):
        text = None
    sample = text[:8192] if text else ""
    if text is not None and (
        len(sample) < _DETECT_MIN
        or sum(not c.isascii() for c in sample) <= _FOREIGN_SHARE * len(sample)
    ):
        return text
    return _detect(data) or text


def fill_defaults(article: Article, published: str | None, source: str | None) -> Article:
    """Give an article the default publication date and source where it has none."""
    changes: dict[str, Any] = {}
    if not article.published and published:
        changes["published"] = published
    if not article.source and source:
        changes["source"] = source
    return article.with_(**changes) if changes else article
