"""JSONL reader: one article per line with ``text`` or ``html`` and optional metadata."""

from __future__ import annotations

import json
from typing import Any

from ..records import Article, RejectReason
from .base import reject
from .html import read_html
from .text import read_text

__all__ = ["read_jsonl_line"]


def read_jsonl_line(input_name: str, line: str, **defaults: Any) -> Article:
    """Read one JSONL line: ``{"text"|"html", "title"?, "url"?, "source"?, "published"?, "id"?}``.

    ``defaults`` (source, published) apply where the line has no value.
    """
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return reject(
            input_name,
            RejectReason.INVALID_JSON,
            f"not valid JSON: {exc.msg} at column {exc.colno}",
        )
    if not isinstance(obj, dict):
        return reject(input_name, RejectReason.INVALID_JSON, "a JSONL line must be an object")
    fields: dict[str, Any] = {
        "title": obj.get("title"),
        "url": obj.get("url"),
        "source": obj.get("source") or defaults.get("source"),
        "published": obj.get("published") or obj.get("date") or defaults.get("published"),
        "id": obj.get("id"),
    }
    if isinstance(obj.get("text"), str) and obj["text"].strip():
        text = obj["text"]
        if not fields["title"]:
            return read_text(input_name, text, **{k: v for k, v in fields.items() if k != "title"})
        return read_text(input_name, text, **fields)
    if isinstance(obj.get("html"), str) and obj["html"].strip():
        return read_html(input_name, obj["html"], **{k: v for k, v in fields.items() if v})
    return reject(
        input_name,
        RejectReason.EMPTY,
        "the line has neither a non-empty 'text' nor 'html'",
        id=str(obj["id"]) if obj.get("id") else None,
    )
