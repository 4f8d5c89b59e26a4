"""Readers: turn files, directories, stdin, JSONL, HTML and WARC into :class:`Article` records.

Every reader yields articles in input order and never raises on a bad *input*: an input that is
empty, binary, undecodable or too large becomes an article whose ``rejected`` names the input and
the reason. Only a path that does not exist at all raises :class:`~detente.errors.ReadError`.
"""

from __future__ import annotations

from .base import make_article, reject
from .discover import count_inputs, iter_inputs, read_bytes_input, read_file_bytes, read_paths
from .html import read_html
from .jsonl import read_jsonl_line
from .text import read_text

__all__ = [
    "count_inputs",
    "iter_inputs",
    "make_article",
    "read_bytes_input",
    "read_file_bytes",
    "read_html",
    "read_jsonl_line",
    "read_paths",
    "read_text",
    "reject",
]
