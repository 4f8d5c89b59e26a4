"""WARC reader (news crawls): every HTML response record becomes an article."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from ..records import Article, RejectReason
from .base import decode, normalise_date, reject
from .html import read_html

__all__ = ["read_warc"]


def read_warc(name: str, stream: BinaryIO, *, max_bytes: int, **fields: Any) -> Iterator[Article]:
    """Read HTML response records from a (gzipped or plain) WARC stream.

    Each record's input name is ``FILE#RECORD-ID``; its URL and date come from the WARC headers
    when the page has none.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found = 0
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type not in ("response", "resource"):
                continue
            ctype = (
                record.http_headers.get_header("Content-Type")
                if record.http_headers
                else record.rec_headers.get_header("Content-Type")
            ) or ""
            if "html" not in ctype.lower():
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            rec_id = record.rec_headers.get_header("WARC-Record-ID") or url or "?"
            rec_name = f"{name}#{rec_id.strip('<>')}"
            found += 1
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield reject(
                    rec_name, RejectReason.TOO_LARGE, f"record is larger than {max_bytes} bytes"
                )
                continue
            html = decode(body)
            if html is None:
                yield reject(rec_name, RejectReason.BINARY, "record body is not text")
                continue
            published = fields.get("published")
            art = read_html(
                rec_name,
                html,
                url=url,
                **{k: v for k, v in fields.items() if v and k != "published"},
            )
            if art.rejected is None and not art.published:
                warc_date = normalise_date(record.rec_headers.get_header("WARC-Date"))
                art = art.with_(published=published or warc_date)
            yield art
    except ArchiveLoadFailed as exc:
        yield reject(name, RejectReason.UNREADABLE, f"not a valid WARC file: {exc}")
        return
    if not found:
        # an input never vanishes silently: say that nothing in it could be coded
        yield reject(
            name, RejectReason.NO_TEXT, "the WARC file has no HTML response or resource record"
        )
