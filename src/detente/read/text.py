"""Plain-text reader: the first line is the title when it looks like a headline.

A headline may end with a full stop when it stands as its own paragraph at the top of a longer
article (PolNeAR's files add one to every headline), or with ``;`` when a deck line follows it.
"""

from __future__ import annotations

import re
from typing import Any

from ..records import Article
from .base import make_article

__all__ = ["looks_like_headline", "read_text", "split_title"]

_TERMINAL = re.compile(r"[.!?…:;,]['\"”’)]?$")
# one full stop or exclamation mark ending a line, maybe inside a closing quote
# ("… Nature.’")
_STOP = re.compile(r"(?<![.!?…:,;])([.!])(['\"”’)]?)$")


def looks_like_headline(line: str) -> bool:
    """A headline is short, does not end like a sentence, and has at least two words."""
    line = line.strip()
    words = line.split()
    if not 2 <= len(words) <= 30 or len(line) > 250:
        return False
    if _TERMINAL.search(line) and not line.endswith("?"):
        return False
    return line[0].isupper() or line[0].isdigit() or line[0] in "\"“‘'"


#: A headline ending with a stop has at most this many words (a lead sentence is longer).
_MAX_STOPPED_WORDS = 20
#: In a Title Case line at least this share of the words after the first are capitalised.
_TITLE_CASE = 0.6


def _paragraphs(text: str) -> int:
    return sum(1 for p in re.split(r"\n\s*\n", text) if p.strip())


def _title_case(line: str) -> bool:
    words = [w for w in line.split()[1:] if w[0].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) >= _TITLE_CASE * len(words)


def _stopped_headline(first: str, rest: str) -> str | None:
    """The headline of a first line that ends with ``.``, ``!`` or ``;``, or ``None``.

    ``Trump Picks Up His First Endorsements.`` is a headline when a blank line follows it and it
    is in Title Case or at least two more paragraphs make the article (a lone short sentence
    before one paragraph stays text); ``Jobs report gives Democrats a lift;`` is one when a deck
    line follows it directly. The title keeps the line as written, stop included.
    """
    line = first.strip()
    if not 2 <= len(line.split()) <= 30 or len(line) > 250:
        return None
    if line.endswith(";"):
        # "Title; \nDeck line.\n\nBody": the deck is the first line of the body
        deck, _, after = rest.partition("\n")
        return line if line[0].isupper() and deck.strip() and after.strip() else None
    stop = _STOP.search(line)
    if stop is None:
        return None
    head = line[: stop.start()] + stop.group(2)
    if not looks_like_headline(head) or len(head.split()) > _MAX_STOPPED_WORDS:
        return None
    if not rest.lstrip(" \t\r").startswith("\n"):
        return None
    return line if _title_case(head) or _paragraphs(rest) >= 2 else None


def split_title(text: str) -> tuple[str | None, str]:
    """Split a plain text into ``(title, body)``; the title is ``None`` when there is none."""
    stripped = text.lstrip("\ufeff")
    first, sep, rest = stripped.partition("\n")
    if sep and rest.strip() and looks_like_headline(first):
        return first.strip(), rest.lstrip("\r\n")
    if sep and rest.strip() and (title := _stopped_headline(first, rest)) is not None:
        return title, rest.lstrip("\r\n")
    return None, stripped


def read_text(input_name: str, text: str, **fields: Any) -> Article:
    """Read a plain-text article; ``fields`` (source, published, ...) fill what the text lacks."""
    title, body = split_title(text)
    if fields.get("title"):
        title, body = fields.pop("title"), text
    fields.pop("title", None)
    return make_article(input_name, body, title=title, format="text", **fields)
