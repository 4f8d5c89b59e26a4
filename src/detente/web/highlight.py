"""Render text with highlighted spans as safe HTML.

Every character of the text is escaped; highlights are ``<mark>`` elements whose classes come from a
fixed vocabulary (never from the data), so an article containing ``<script>`` renders as text.
Overlapping spans are handled by cutting the text at every span boundary and giving each piece
the classes of all spans that cover it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

__all__ = ["KINDS", "Highlight", "evidence_html", "highlight", "spans_from_article"]

#: Highlight kinds and their CSS class; anything else is dropped (classes never come from data).
KINDS: dict[str, str] = {
    "trigger": "hl-trigger",
    "actor": "hl-actor",
    "recipient": "hl-recipient",
    "mention": "hl-mention",
    "quote": "hl-quote",
    "cue": "hl-cue",
    "speaker": "hl-speaker",
}


@dataclass(frozen=True, slots=True)
class Highlight:
    """A span to highlight: offsets into the rendered text, a kind and an optional tooltip."""

    start: int
    end: int
    kind: str
    title: str = ""


def highlight(text: str, spans: Iterable[Highlight]) -> Markup:
    """Return ``text`` as escaped HTML with ``spans`` wrapped in ``<mark>`` elements.

    Spans outside the text, empty spans and unknown kinds are ignored, so stale offsets can never
    break a page.

    Args:
        text: the plain text.
        spans: highlights with offsets into ``text``.

    Returns:
        Safe markup (``markupsafe.Markup``) ready to insert in a template.
    """
    n = len(text)
    valid = [s for s in spans if s.kind in KINDS and 0 <= s.start < s.end <= n]
    if not valid:
        return escape(text)
    cuts = sorted({0, n, *(s.start for s in valid), *(s.end for s in valid)})
    parts: list[str] = []
    for a, b in itertools.pairwise(cuts):
        piece = str(escape(text[a:b]))
        active = [s for s in valid if s.start <= a and s.end >= b]
        if not active:
            parts.append(piece)
            continue
        # A stable class order keeps the output deterministic (and the CSS precedence simple).
        kinds = sorted({s.kind for s in active}, key=list(KINDS).index)
        classes = " ".join(KINDS[k] for k in kinds)
        titles = "; ".join(dict.fromkeys(s.title for s in active if s.title))
        title_attr = f' title="{escape(titles)}"' if titles else ""
        parts.append(f'<mark class="{classes}"{title_attr}>{piece}</mark>')
    return Markup("".join(parts))


def _span_in(
    span: Mapping[str, Any], field: str, base: int, length: int, source: str | None = None
) -> tuple[int, int] | None:
    """Offsets of ``span`` relative to ``base`` when it lies in ``field`` within ``length``.

    With ``source`` (the text the offsets are relative to) the span's own ``text`` is checked
    against it: stale offsets are dropped rather than highlighting the wrong words, and a span
    whose words are exactly there is kept even when its ``field`` label disagrees.
    """
    try:
        start = int(span["start"]) - base
        end = int(span["end"]) - base
    except (KeyError, TypeError, ValueError):
        return None
    if not 0 <= start < end <= length:
        return None
    same_field = (span.get("field") or "text") == field
    text = span.get("text")
    if source is None or not isinstance(text, str):
        return (start, end) if same_field else None
    return (start, end) if source[start:end] == text else None


def evidence_html(evidence: Mapping[str, Any] | None) -> Markup:
    """Render an event's evidence sentence with trigger, actor and recipient highlighted.

    Args:
        evidence: the ``evidence`` object of an event (``Evidence.to_dict()`` shape).

    Returns:
        Safe markup; an empty string when there is no evidence.
    """
    if not evidence:
        return Markup("")
    sentence = str(evidence.get("sentence") or "")
    sspan = evidence.get("sentence_span") or {}
    field = str(sspan.get("field") or "text")
    base = int(sspan.get("start") or 0)
    marks: list[Highlight] = []
    for key, kind in (
        ("actor_spans", "actor"),
        ("recipient_spans", "recipient"),
        ("trigger", "trigger"),
    ):
        for span in evidence.get(key) or ():
            where = _span_in(span, field, base, len(sentence), sentence)
            if where:
                marks.append(Highlight(where[0], where[1], kind, kind))
    return highlight(sentence, marks)


def spans_from_article(
    field: str,
    mentions: Sequence[Mapping[str, Any]],
    quotes: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
) -> list[Highlight]:
    """Collect the highlights of one article field (``title`` or ``text``).

    Mentions are tagged with their actor code, quotes with their speaker, triggers with the event
    type, so that hovering a highlight says why it is there.
    """
    out: list[Highlight] = []
    big = 1 << 62
    for m in mentions:
        where = _span_in(m, field, 0, big)
        if where:
            actor = m.get("actor") or {}
            label = " ".join(x for x in (actor.get("code"), actor.get("sector")) if x)
            tip = f"{label or 'unresolved'} ({m.get('via') or 'entity'})"
            out.append(Highlight(where[0], where[1], "mention", tip))
    for q in quotes:
        where = _span_in(q, field, 0, big)
        if where:
            speaker = q.get("speaker") or {}
            who = speaker.get("name") or speaker.get("text") or "unknown speaker"
            out.append(Highlight(where[0], where[1], "quote", f"{q.get('kind', '')} quote: {who}"))
        cue = q.get("cue")
        if cue:
            where = _span_in({**cue, "field": q.get("field", "text")}, field, 0, big)
            if where:
                out.append(Highlight(where[0], where[1], "cue", "quote cue"))
    for ev in events:
        evidence = ev.get("evidence") or {}
        for span in evidence.get("trigger") or ():
            where = _span_in(span, field, 0, big)
            if where:
                out.append(Highlight(where[0], where[1], "trigger", str(ev.get("event") or "")))
    return out
