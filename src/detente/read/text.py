"""Plain-text reader: the first line is the title when it looks like a headline."""

from __future__ import annotations

import re
from typing import Any

from ..records import Article
from .base import make_article

__all__ = ["looks_like_headline", "read_text", "split_title"]

_TERMINAL = re.compile(r"[.!?…:;,]['\"”’)]?$")


def looks_like_headline(line: str) -> bool:
    """A headline is short, does not end like a sentence, and has at least two words."""
    line = line.strip()
    words = line.split()
    if not 2 <= len(words) <= 30 or len(line) > 250:
        return False
    if _TERMINAL.search(line) and not line.endswith("?"):
        return False
    return line[0].isupper() or line[0].isdigit() or line[0] in "\"“‘'"


def split_title(text: str) -> tuple[str | None, str]:
    """Split a plain text into ``(title, body)``; the title is ``None`` when there is none."""
    stripped = text.lstrip("\ufeff")
    first, sep, rest = stripped.partition("\n")
    if sep and rest.strip() and looks_like_headline(first):
        return first.strip(), rest.lstrip("\r\n")
    return None, stripped


def read_text(input_name: str, text: str, **fields: Any) -> Article:
    """Read a plain-text article; ``fields`` (source, published, ...) fill what the text lacks."""
    title, body = split_title(text)
    if fields.get("title"):
        title, body = fields.pop("title"), text
    fields.pop("title", None)
    return make_article(input_name, body, title=title, format="text", **fields)
