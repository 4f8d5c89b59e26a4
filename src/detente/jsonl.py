"""JSON Lines that stay one record a line for any reader.

``json.dumps`` escapes C0 controls but writes U+0085 (NEL), U+2028, U+2029, DEL and the C1 controls
raw. They are legal inside JSON strings, yet Python's ``str.splitlines``, JavaScript before ES2019
and many JSONL tools split lines on them, so one record falls apart. Every JSONL writer in detente
goes through :func:`dumps_line`, which escapes them (and lone surrogates, which cannot be written as
UTF-8) as ``\\uXXXX``; a JSON parser reads the same value back.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

__all__ = ["dumps_line", "write_line"]

#: Characters escaped on top of json.dumps' own escapes (these occur only inside JSON strings).
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m[0]):04x}"


def dumps_line(obj: Any, **kwargs: Any) -> str:
    """Compact JSON for one JSONL record (no newline); UTF-8 text, line-breaking characters escaped.

    ``kwargs`` go to :func:`json.dumps` (e.g. ``default=str``, ``sort_keys=True``).
    """
    kwargs.setdefault("separators", (",", ":"))
    text = json.dumps(obj, ensure_ascii=False, **kwargs)
    return _UNSAFE.sub(_escape, text)


def write_line(obj: Any, out: IO[str], **kwargs: Any) -> None:
    """Write ``obj`` as one JSONL record and a newline."""
    out.write(dumps_line(obj, **kwargs) + "\n")
