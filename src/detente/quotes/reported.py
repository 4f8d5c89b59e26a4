"""Reported (indirect) speech and ``Name:`` lines found on the parse, without quote marks.

:func:`find_reported` walks the unquoted tokens once; for each token, the first that applies:

1. a reporting verb with a clausal complement (two pieces when the attribution interrupts the
   clause), an ``if``/``whether`` clause of a verb of asking, or a marker-less adverbial clause
   → ``verb`` (at least three words);
2. a control verb with an infinitive (``urged voters to stay home``) → ``control``;
3. a verb of saying with a noun-phrase object (``cited the poll``, ``called for a ban``,
   ``called the plan a disaster``) → ``object``; a bare noun phrase is a *topic* (what was talked
   about, not words said: ``topic`` is true), an object with its predicate is not;
4. ``according to X`` with the longer side of its sentence → ``according``;
5. a reporting noun with a ``that`` clause (``Varn's claim that ...``) or a topic
   (``Lavrov's comments on North Korea`` → ``North Korea``, ``topic`` true), its speaker the
   possessor, a ``by``/``from`` object or the subject of the governing verb → ``noun``.

The speaker must lie outside the content. :func:`colon_lines` adds ``Name: what they said``
lines (headlines, transcripts) → ``colon-line``.

Example: in ``Kono responded that Japan was not seeking regime change`` the content is
``Japan was not seeking regime change``, the cue ``responded``, the speaker ``Kono``.
"""

from __future__ import annotations

from typing import Any

from .context import (
    STOP,
    Candidate,
    QuoteContext,
    colon_name,
    is_reporting_verb,
    with_speaker,
)
from .lexicon import ReportingLexicon
from .parse import is_verb, np_span, strip_range, subject, word_count

__all__ = ["colon_lines", "find_reported"]

#: Verbs whose "if"/"whether" clause is what was asked, not a condition.
_ASKING = frozenset({"ask", "wonder", "question", "inquire", "enquire", "doubt", "know"})


def _complement(verb: Any) -> list[tuple[int, int]] | None:
    """The token ranges of what a reporting verb reports, or None.

    Usually one range (the clausal complement); two when the attribution interrupts the
    reported clause ("The museum, Mr. Obama said, would make visitors face the truth").
    """
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    if comps:
        comp = max(comps, key=lambda c: c.right_edge.i - c.left_edge.i)
        return [(comp.left_edge.i, comp.right_edge.i + 1)]
    if verb.dep_ == "parataxis" and verb.head.i != verb.i:
        head = verb.head
        parts = [
            (head.left_edge.i, verb.left_edge.i),
            (verb.right_edge.i + 1, head.right_edge.i + 1),
        ]
        parts = [(lo, hi) for lo, hi in parts if hi > lo]
        return parts or None
    for c in verb.children:
        # "told reporters how ..." / "asked whether ..." parsed as advcl with a marker
        if (
            c.dep_ == "advcl"
            and verb.lemma_.lower() in _ASKING
            and any(g.dep_ == "mark" and g.lower_ in ("whether", "if") for g in c.children)
        ):
            return [(c.left_edge.i, c.right_edge.i + 1)]
        # "said after the convention he would not accept" parsed as advcl without a marker
        if (
            c.dep_ == "advcl"
            and c.i > verb.i
            and any(g.dep_ == "nsubj" for g in c.children)
            and not any(g.dep_ == "mark" and g.lower_ != "that" for g in c.children)
        ):
            return [(c.left_edge.i, c.right_edge.i + 1)]
    return None


def _control(verb: Any, lex: ReportingLexicon) -> tuple[int, int] | None:
    """``wants to ...``, ``urged voters to ...``, ``called on X to ...``: object + infinitive."""
    lemma = verb.lemma_.lower()
    preps = [c for c in verb.children if c.dep_ == "prep"]
    if lemma not in lex.control and not any(
        p.lower_ in lex.control_preps.get(lemma, ()) for p in preps
    ):
        return None
    xcomp = next(
        (
            c
            for c in verb.children
            if c.dep_ in ("xcomp", "ccomp")
            and c.i > verb.i
            and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
        ),
        None,
    )
    if xcomp is None:
        return None
    lo = xcomp.left_edge.i
    for c in verb.children:
        if c.dep_ in ("dobj", "prep") and verb.i < c.i < xcomp.i:
            lo = min(lo, c.left_edge.i if c.dep_ == "dobj" else c.i + 1)
    return lo, xcomp.right_edge.i + 1


def _object(verb: Any, lex: ReportingLexicon) -> tuple[int, int, bool] | None:
    """``cited the poll``, ``called for a ban``, ``called the plan a disaster``.

    Returns:
        ``(lo, hi, topic)``: the content's token range, and whether it is a topic (a bare noun
        phrase: what was talked about) rather than words said (an object with its predicate,
        ``the plan a disaster``).
    """
    lemma = verb.lemma_.lower()
    for c in verb.children:
        if c.dep_ == "prep" and c.i > verb.i and c.lower_ in lex.object_preps.get(lemma, ()):
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                return pobj.left_edge.i, pobj.right_edge.i + 1, True
    particle = any(
        c.dep_ == "prt" and c.lower_ in lex.object_preps.get(lemma, ()) for c in verb.children
    )
    if lemma not in lex.objects and not particle:
        return None
    dobj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if dobj is None:
        return None
    hi = dobj.right_edge.i + 1
    oprd = next(
        (c for c in verb.children if c.dep_ in ("oprd", "ccomp", "xcomp") and c.i > dobj.i), None
    )
    if lemma == "call" and oprd is None:
        return None
    if oprd is not None:
        hi = oprd.right_edge.i + 1
    return dobj.left_edge.i, hi, oprd is None


def _clip(doc: Any, verb: int, lo: int, hi: int) -> tuple[int, int]:
    """Cut a reported range at a paragraph break, keeping the side of the verb: the parse
    sometimes runs a clause on into the next paragraph (``saying that transparency “...”`` +
    ``Kerr Putney ... said``)."""
    breaks = [k for k in range(lo, hi) if "\n" in doc[k].text]
    if not breaks or (breaks[0] > 0 and doc[breaks[0] - 1].text == ":"):
        # none, or a report that introduces the next paragraph ("Cruz called them on it:")
        return lo, hi
    if verb < lo:
        return lo, breaks[0]
    if verb >= hi:
        return breaks[-1] + 1, hi
    return lo, hi


def find_reported(d: QuoteContext, lex: ReportingLexicon) -> list[Candidate]:
    doc = d.doc
    out: list[Candidate] = []
    for tok in doc:
        if d.owner[tok.i] != -1 or tok.i in d.used_cues:
            continue
        ranges: list[tuple[int, int]] | None = None
        how, topic = "verb", False
        if is_reporting_verb(tok, lex):
            ranges = _complement(tok)
        if ranges is None and is_verb(tok) and (lex.control or lex.control_preps):
            rng = _control(tok, lex)
            ranges, how = ([rng] if rng else None), "control"
        if ranges is None and is_verb(tok) and (lex.objects or lex.object_preps):
            obj = _object(tok, lex)
            rng = obj[:2] if obj else None
            ranges, how = ([rng] if rng and word_count(doc, *rng) >= 2 else None), "object"
            topic = bool(obj and obj[2])
        if ranges is not None:
            if any(lo <= tok.i < hi for lo, hi in ranges):
                continue
            parts = [strip_range(doc, *_clip(doc, tok.i, lo, hi)) for lo, hi in ranges]
            parts = [(lo, hi) for lo, hi in parts if hi > lo]
            if sum(word_count(doc, lo, hi) for lo, hi in parts) < (3 if how == "verb" else 2):
                continue
            subj = d.speaker_of(tok)
            if subj is None or any(lo <= subj.i < hi for lo, hi in parts):
                continue
            cand = Candidate(
                kind="indirect",
                segments=[(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])) for lo, hi in parts],
            )
            with_speaker(cand, tok, subj, how)
            cand.confidence = 0.8 if how == "verb" else 0.6
            cand.topic = topic
            out.append(cand)
        elif tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            pobj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            sent = tok.sent
            phrase_lo, phrase_hi = tok.i, max(tok.right_edge.i, pobj.right_edge.i) + 1
            before = strip_range(doc, sent.start, phrase_lo)
            after = strip_range(doc, phrase_hi, sent.end)
            lo, hi = before if word_count(doc, *before) >= word_count(doc, *after) else after
            if word_count(doc, lo, hi) < 3:
                continue
            cand = Candidate(
                kind="indirect",
                segments=[(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))],
                cue=(tok.idx, doc[tok.i + 1].idx + 2),
                speaker_head=pobj.i,
                speaker_span=np_span(pobj),
                confidence=0.8,
                how="according",
            )
            out.append(cand)
        elif tok.pos_ == "NOUN" and tok.lower_ in lex.nouns:
            clause = next(
                (
                    c
                    for c in tok.children
                    if c.dep_ in ("acl", "ccomp", "relcl")
                    and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
                ),
                None,
            )
            about = None
            if clause is None:
                # "Lavrov's comments on North Korea", "her criticism of the plan"
                about = next(
                    (
                        c
                        for c in tok.children
                        if c.dep_ == "prep" and c.lower_ in ("on", "about", "of", "over")
                    ),
                    None,
                )
                obj = next((g for g in about.children if g.dep_ == "pobj"), None) if about else None
                if obj is None:
                    continue
                clause = obj
            speaker = next((c for c in tok.children if c.dep_ == "poss"), None)
            if speaker is None:
                prep = next(
                    (c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("by", "from")),
                    None,
                )
                speaker = (
                    next((g for g in prep.children if g.dep_ == "pobj"), None) if prep else None
                )
            if speaker is None and tok.dep_ in ("dobj", "pobj") and about is None:
                verb = tok.head if tok.dep_ == "dobj" else tok.head.head
                speaker = subject(verb)
            if speaker is None or speaker.lower_ in lex.not_speaker_pronouns:
                continue
            lo, hi = strip_range(doc, clause.left_edge.i, clause.right_edge.i + 1)
            if word_count(doc, lo, hi) < (3 if about is None else 1):
                continue
            cand = Candidate(
                kind="indirect",
                segments=[(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))],
                cue=(tok.idx, tok.idx + len(tok)),
                speaker_head=speaker.i,
                speaker_span=np_span(speaker),
                confidence=0.7,
                how="noun",
                topic=about is not None,
            )
            out.append(cand)
    return out


def colon_lines(d: QuoteContext, lex: ReportingLexicon, title_end: int = 0) -> list[Candidate]:
    """``Name: what they said`` lines (headlines, interview transcripts) without quote marks."""
    doc = d.doc
    out: list[Candidate] = []
    for tok in doc:
        if tok.text != ":" or d.owner[tok.i] != -1:
            continue
        lead = d.lead(tok.i + 1)
        if not lead or len(lead) > 5:
            continue
        # the name must open its line
        start = lead[0].i
        if start > 0 and "\n" not in doc[start - 1].text and doc[start - 1].text not in STOP:
            continue
        head = colon_name(d, lead, loose=tok.idx < title_end)
        if head is None:
            continue
        k = tok.i + 1
        hi = k
        while hi < len(doc) and "\n" not in doc[hi].text and d.owner[hi] == -1:
            hi += 1
        lo, hi = strip_range(doc, k, hi)
        if word_count(doc, lo, hi) < 3:
            continue
        cand = Candidate(
            kind="direct",
            segments=[(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))],
            cue=(tok.idx, tok.idx + 1),
            speaker_head=head.i,
            speaker_span=(start, head.i + 1),
            confidence=0.6,
            how="colon-line",
        )
        out.append(cand)
    return out
