"""Find quotations in a parsed article: direct quotes by their marks, reported speech by the parse.

Everything works in character offsets of the parsed string (:attr:`Article.doc_text`); the stage
converts to ``field``/``start``/``end`` at the end. :func:`find_candidates` drives the finders:

1. direct quotes: :func:`detente.quotes.marks.find_chains` per region (title, text), then quotes
   interrupted by their own attribution (``“...,” he said, “...”``) are merged
   (:mod:`detente.quotes.direct`);
2. each direct quote looks for its attribution beside it (:func:`detente.quotes.direct.attribute`);
   an unclosed quote with none is a stray mark and is dropped, so its text is read again;
3. reported speech and ``Name:`` lines (:mod:`detente.quotes.reported`); a quote right after
   another one's attribution sentence continues it;
4. a direct quote covered by reported speech is a partial quote and is folded into it; a reported
   clause that is mostly a direct quote gives that quote its verb and speaker;
5. a quote still without attribution takes a speech verb further back in its sentence; short
   quoted words without attribution (titles, scare quotes) are dropped;
6. overlapping reported candidates: ``according to`` wins, then the longer.

Speakers are resolved afterwards (see :mod:`detente.quotes.speaker`).

Example: ``Varn said: “We will respond.” Kono responded that Japan wanted talks.`` gives a direct
quote ``We will respond.`` (rule ``lead``, speaker ``Varn``) and a reported one ``Japan wanted
talks`` (rule ``verb``, speaker ``Kono``).
"""

from __future__ import annotations

import re
from typing import Any

from .context import Candidate, QuoteContext, is_reporting_verb, with_speaker
from .direct import attribute, merge_interrupted
from .lexicon import ReportingLexicon
from .marks import Chain, Segment, find_chains
from .parse import is_verb
from .reported import colon_lines, find_reported

__all__ = ["Candidate", "find_candidates"]


def _lead_far(d: QuoteContext, cand: Candidate, taken: set[int]) -> None:
    """A quote inside a sentence whose speech verb is further back ("Cruz called Trump a
    “pathological liar”", "It's denouncing what it calls “...”"), when no reported speech
    already covers it."""
    for i in reversed(cand.extra.get("lead", [])):
        tok = d.doc[i]
        lemma = tok.lemma_.lower()
        if (
            i in d.used_cues
            or i in taken
            or not (
                is_reporting_verb(tok, d.lex)
                or (is_verb(tok) and (lemma in d.lex.objects or lemma in d.lex.control))
            )
        ):
            continue
        subj = d.speaker_of(tok)
        if subj is not None:
            with_speaker(cand, tok, subj, "lead-far")
            cand.inherit, cand.confidence = False, 0.7
            return


def _merge_followers(text: str, direct: list[Candidate]) -> list[Candidate]:
    """``“A,” said X, a professor. “B.”``: B, with no attribution of its own and in the same
    paragraph right after A's attribution sentence, continues A."""
    out: list[Candidate] = []
    for cand in direct:
        if out:
            prev = out[-1]
            between = text[prev.end : cand.start]
            if (
                prev.speaker_head is not None
                and cand.how in ("inherit", "unattributed")
                and cand.extra.get("lead_words", 1) == 0
                and "\n" not in between
                and len(between) <= 200
            ):
                prev.segments.extend(cand.segments)
                continue
        out.append(cand)
    return out


def _nest(text: str, reported: list[Candidate]) -> set[int]:
    """Find reported speech nested in another's content and return the inner ones (by ``id``).

    ``Shelby said she suspected Crutcher was drunk — something a caller told police``: the cue
    ``suspected`` lies in what ``said`` reports, so ``said`` is the attribution; when the parse
    cut the outer content short (the dash clause hangs off ``said``), it is extended to the
    inner content's end within the sentence.
    """
    inner: set[int] = set()
    for outer in reported:
        if outer.how != "verb" or outer.cue is None:
            continue
        for cand in reported:
            if (
                cand is outer
                or cand.cue is None
                or not outer.start <= cand.cue[0] < outer.end
                or cand.start < outer.start
                or "\n" in text[outer.cue[1] : cand.cue[0]]
            ):
                continue
            inner.add(id(cand))
            gap = text[outer.end : cand.end]
            if cand.end > outer.end and "\n" not in gap and not _SENTENCE_END.search(gap):
                lo, _hi = outer.segments[-1]
                outer.segments[-1] = (lo, cand.end)
    return inner


_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def find_candidates(
    doc: Any, lex: ReportingLexicon, regions: list[tuple[int, int]] | None = None
) -> list[Candidate]:
    """Find direct and reported quotations in a parsed ``doc``, in text order.

    Args:
        doc: the spaCy ``Doc`` of the article.
        lex: the reporting lexicon.
        regions: character ranges scanned separately for quote marks (title, text), so that a
            quote never runs from the title into the text.
    """
    text = doc.text
    chains: list[Chain] = []
    for lo, hi in regions or [(0, len(text))]:
        for ch in find_chains(text[lo:hi]):
            ch.segments = [
                Segment(s.start + lo, s.end + lo, s.inner_start + lo, s.inner_end + lo, s.closed)
                for s in ch.segments
            ]
            chains.append(ch)
    d = QuoteContext(doc, chains, lex)
    merge_interrupted(d)
    direct = [attribute(d, ci, ch) for ci, ch in enumerate(d.chains)]
    # An unclosed quote with no attribution is most likely a stray mark: forget it, so that the
    # text it swallowed is read again for reported speech and transcript lines.
    stray = {
        ci
        for ci, (ch, cand) in enumerate(zip(d.chains, direct, strict=True))
        if cand.speaker_head is None and not ch.segments[-1].closed
    }
    if stray:
        d.chains = [ch for ci, ch in enumerate(d.chains) if ci not in stray]
        direct = [c for ci, c in enumerate(direct) if ci not in stray]
        d.reindex()
    for cand in direct:
        if cand.cue is not None:
            verb = doc.char_span(cand.cue[0], cand.cue[1], alignment_mode="expand")
            if verb is not None:
                d.used_cues.update(t.i for t in verb)
    title_end = regions[0][1] if regions and len(regions) > 1 else 0
    reported = find_reported(d, lex) + colon_lines(d, lex, title_end)
    # A direct quote inside reported speech is a partial quote ("said the ruling was “a
    # disgrace”"): the reported speech covers it. A reported complement that is mostly a direct
    # quote is that quote's attribution, not a second quotation.
    direct = _merge_followers(text, direct)
    keep_direct: list[Candidate] = []
    for cand in direct:
        span = (cand.start, cand.end)
        covering = [
            r
            for r in reported
            if _overlap((r.start, r.end), span) >= 0.9 * (span[1] - span[0])
            and (r.end - r.start) > 1.2 * (span[1] - span[0])
        ]
        if covering and cand.how in ("unattributed", "inherit", "tail"):
            continue
        keep_direct.append(cand)
    keep_reported = []
    for r in reported:
        span = (r.start, r.end)
        quoted = sum(_overlap(span, (c.start, c.end)) for c in keep_direct)
        if quoted >= 0.5 * (span[1] - span[0]):
            # the reported clause is mostly a direct quote: its verb and subject attribute it
            # ("Clinton says Trump's “latest meltdown is unhinged.”")
            for c in keep_direct:
                if c.speaker_head is None and _overlap(span, (c.start, c.end)) > 0:
                    c.cue, c.speaker_head, c.speaker_span = r.cue, r.speaker_head, r.speaker_span
                    c.inherit, c.confidence, c.how = False, 0.8, "lead-" + r.how
                    if "resolve_span" in r.extra:
                        c.extra["resolve_span"] = r.extra["resolve_span"]
            continue
        keep_reported.append(r)
    taken = {
        t.i
        for r in keep_reported
        if r.cue is not None
        for t in (doc.char_span(r.cue[0], r.cue[1], alignment_mode="expand") or [])
    }
    for c in keep_direct:
        if c.speaker_head is None and c.extra.get("lead"):
            _lead_far(d, c, taken)
    out = []
    for cand in keep_direct:
        words = len(text[cand.start : cand.end].split())
        if words < 4 and cand.extra.get("lead_words", 0) and cand.how in ("tail", "unattributed"):
            continue  # a title or a word in quotes mid-sentence, not a quotation
        if cand.how == "unattributed" and words < 6:
            continue
        if cand.inherit and words < 4:
            continue
        if cand.speaker_head is None and not cand.inherit and words < 6:
            continue
        out.append(cand)
    nested = _nest(text, keep_reported)
    # overlapping reported candidates: an explicit "according to X" wins, then an outer
    # attribution over the one nested in its content, then the longer
    keep_reported.sort(key=lambda c: (c.how != "according", id(c) in nested, -(c.end - c.start)))
    chosen: list[Candidate] = []
    for r in keep_reported:
        if any(
            _overlap((r.start, r.end), (c.start, c.end)) > 0.5 * (r.end - r.start) for c in chosen
        ):
            continue
        chosen.append(r)
    out.extend(chosen)
    out.sort(key=lambda c: c.start)
    return out
