"""The read model: the output contract (``records.py`` ``to_dict()``) rebuilt from stored rows.

Events, mentions, quotes and places are stored with their record JSON (``record``), so reading
one back is decoding it, not listing its fields again; the ``article`` object takes the keys of
:meth:`detente.records.Article.article_dict` from the ``articles`` columns of the same names.
The web app and the CLI build their output from these functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..records import Article

__all__ = ["ARTICLE_KEYS", "article_object", "decode_record", "stored_article"]

#: The keys of the contract's ``article`` object, in its order.
ARTICLE_KEYS: tuple[str, ...] = tuple(Article(id="", input="", text="").article_dict())

# Columns stored as JSON text, and what an empty one reads as.
_JSON_COLUMNS: dict[str, Any] = {"meta": dict, "credits": list, "removed": list}


def decode_record(value: Any) -> dict[str, Any]:
    """A stored ``record`` column as a dict (already decoded values pass through)."""
    if isinstance(value, str):
        decoded = json.loads(value)
        return decoded if isinstance(decoded, dict) else {}
    return dict(value) if isinstance(value, Mapping) else {}


def article_object(row: Mapping[str, Any]) -> dict[str, Any]:
    """The contract's ``article`` object from an ``articles`` row (JSON columns decoded)."""
    out: dict[str, Any] = {}
    for key in ARTICLE_KEYS:
        value = row.get(key)
        if key in _JSON_COLUMNS:
            value = json.loads(value) if isinstance(value, str) and value else value
            value = value if value else _JSON_COLUMNS[key]()
        elif key == "authors":
            value = list(value or [])
        out[key] = value
    return out


def stored_article(art: Mapping[str, Any]) -> dict[str, Any]:
    """An article of :func:`detente.store.queries.article` (``record=True``) in the contract's
    shape: ``{"article", "mentions", "events", "quotes", "places", "rejected": None}``."""
    return {
        "article": article_object(art),
        "mentions": [decode_record(m["record"]) for m in art["mentions"]],
        "events": [decode_record(e["record"]) for e in art["events"]],
        "quotes": [decode_record(q["record"]) for q in art["quotes"]],
        "places": [decode_record(p) for p in art.get("places", [])],
        "rejected": None,
    }
