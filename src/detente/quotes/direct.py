"""Attribution of direct quotes (words in quotation marks) to a cue and a speaker.

:func:`merge_interrupted` first joins quotes interrupted by their own attribution; then
:func:`attribute` tries, for each quote, in this order (the first that finds a speaker wins):

1. a transcript label inside the marks (``“WALLACE: Let's start ...``) → ``colon-name``;
2. the verb in the gap of an interrupted quote → ``interrupted``;
3. a reporting verb in the words before the quote (``Lavrov said: “...``) → ``lead``;
4. a reporting verb after it (``,” said Caddell.``, or after a long subject) → ``tail``;
5. a dash and a name after it (``“...” ― Pamela Padilla``) → ``dash``;
6. ``according to X`` beside it → ``according``;
7. ``Name:`` before it in the same paragraph → ``colon-name``;
8. ``Caddell continued:`` ending the previous paragraph → ``colon-paragraph`` (or a name);
9. none: a quote opening its paragraph inherits the previous speaker (``inherit``), any other is
   ``unattributed`` and keeps its lead tokens for a speech verb further back.

Example: ``“We want peace,” Kasprak said, “but not at any price.”`` is one quote of two segments
with cue ``said`` and speaker ``Kasprak`` (rule ``interrupted``).
"""

from __future__ import annotations

import re
from typing import Any

from .context import Candidate, QuoteContext, colon_name, with_speaker
from .marks import Chain
from .parse import cue_chars, np_span

__all__ = ["attribute", "merge_interrupted"]

_LABEL_INSIDE = re.compile(r"([A-Z][A-Z.'\- ]{1,30}[A-Z.]):\s+")
_DASH_AFTER = re.compile(r"[ \t\u00a0]*(?:―|—|–|--|-)[ \t\u00a0]*")


def merge_interrupted(d: QuoteContext) -> None:
    """Merge ``“A,” he said, “B.”`` into one chain when the gap is only the attribution."""
    merged: list[Chain] = []
    for ch in d.chains:
        if merged:
            prev = merged[-1]
            gap = d.text[prev.end : ch.start]
            if "\n" not in gap and prev.segments[-1].closed and 0 < len(gap) <= 80:
                gap_span = d.doc.char_span(prev.end, ch.start, alignment_mode="contract")
                toks = [t for t in gap_span] if gap_span is not None else []
                words = [t for t in toks if not t.is_punct and not t.is_space]
                verb = d.verb_in(toks, nearest_last=False)
                before = d.text[prev.inner_end - 1 : prev.end].strip()
                soft = any(p in before for p in ",—–-:…")
                # the second piece has its own attribution only if its sentence goes on
                ends = d.text[ch.inner_start : ch.inner_end].rstrip()[-1:]
                own_tail = (
                    None
                    if ends in (".", "")
                    else d.verb_in(_tail_after(d, ch)[:6], nearest_last=False)
                )
                if verb is not None and _reports_on(toks, verb):
                    verb = None  # "..., but he said that the footage “...”": its own report
                third = words[min(2, len(words) - 1)] if words else None
                early = verb is not None and third is not None and verb.i <= third.i
                if (
                    verb is not None
                    and own_tail is None
                    and 1 < len(words) <= 7
                    and (soft or len(words) <= 5)
                ) or (
                    verb is not None and own_tail is None and early and soft and len(words) <= 14
                ):
                    prev.segments.extend(ch.segments)
                    prev.gap_cue = verb.i
                    d.used_cues.add(verb.i)
                    continue
        merged.append(ch)
    d.chains = merged
    d.reindex()


def _reports_on(gap: list[Any], verb: Any) -> bool:
    """True when the verb in a gap between two quotes goes on with a ``that`` clause of its own
    (``“...,” but he said that the footage “...”``): the gap is a new report, not an
    interruption of one quote by its attribution."""
    after = [t for t in gap if t.i > verb.i and not t.is_space and not t.is_punct]
    return bool(after) and after[0].lower_ == "that"


def _tail_after(d: QuoteContext, ch: Chain) -> list[Any]:
    span = d.doc.char_span(ch.start, ch.end, alignment_mode="expand")
    return d.tail(span.end) if span is not None else []


def _appositive_name(tail: list[Any], verb: Any) -> list[Any]:
    """The proper-noun run opening ``tail`` when it is followed by a comma-delimited
    appositive that ends right before ``verb`` (``Flynn, a top Trump surrogate, said``)."""
    toks = [t for t in tail if not t.is_space]
    k = 0
    while k < len(toks) and toks[k].is_punct:
        k += 1
    run: list[Any] = []
    while k < len(toks) and (toks[k].pos_ == "PROPN" or toks[k].ent_type_ == "PERSON"):
        run.append(toks[k])
        k += 1
    if not run or len(run) > 4 or k >= len(toks) or toks[k].text != ",":
        return []
    between = [t for t in toks if toks[k].i < t.i < verb.i]
    if not between or between[-1].text != "," or len(between) > 16:
        return []
    if any(t.pos_ in ("VERB", "AUX") for t in between):
        return []  # a clause, not an appositive: the parse's subject is the safer reading
    return run


def _segments(ch: Chain) -> list[tuple[int, int]]:
    return [(s.inner_start, s.inner_end) for s in ch.segments if s.inner_end > s.inner_start]


def attribute(d: QuoteContext, ci: int, ch: Chain) -> Candidate:
    """Find the cue and speaker of one direct quote."""
    doc = d.doc
    first, last = d.tokens_of(ci)
    cand = Candidate(kind="direct", segments=_segments(ch), confidence=0.9, how="direct")
    label = _LABEL_INSIDE.match(d.text, ch.inner_start)
    if label is not None and label.group(1).strip().lower() not in d.lex.labels:
        # a transcript line inside the marks: "“WALLACE: Let's start ..."
        name = doc.char_span(label.start(1), label.end(1), alignment_mode="expand")
        colon = label.end(1)
        if name is not None:
            first_seg = cand.segments[0]
            cand.segments[0] = (label.end(), first_seg[1])
            cand.cue = (colon, colon + 1)
            cand.speaker_head = name[-1].i
            cand.speaker_span = (name.start, name.end)
            cand.how = "colon-name"
            cand.extra["lead_words"] = 0
            return cand
    gap_verb = ch.gap_cue
    if gap_verb is not None:
        verb = doc[gap_verb]
        subj = d.speaker_of(verb)
        if subj is not None:
            return with_speaker(cand, verb, subj, "interrupted")
    lead = d.lead(first)
    tail = d.tail(last)
    lead_words = [t for t in lead if not t.is_punct and not t.is_space]
    cand.extra["lead_words"] = len(lead_words)
    # 1. "Lavrov said: “..." / "Lavrov said, “..."
    lead_verb = d.verb_in(lead, nearest_last=True)
    if lead_verb is not None:
        between = [t for t in lead if t.i > lead_verb.i and not t.is_space]
        ends_open = bool(between) and between[-1].text in (":", ",", "—", "–")
        starts_sentence = d.text[ch.inner_start : ch.inner_start + 1].isupper()
        if (ends_open or starts_sentence or not between) and len(between) <= 6:
            subj = d.speaker_of(lead_verb)
            if subj is not None:
                return with_speaker(cand, lead_verb, subj, "lead")
    # 2. ",” said Caddell." / ",” he said, adding ..."
    tail_verb = d.verb_in(tail[:6], nearest_last=False)
    if tail_verb is None and tail:
        # ",” Leonard Burman, director of the Tax Policy Center, said." - a long subject
        far = d.verb_in(tail, nearest_last=False)
        subj = d.speaker_of(far) if far is not None else None
        if (
            far is not None
            and subj is not None
            and subj.left_edge.i <= tail[0].i + 2
            and subj.i < far.i
        ):
            tail_verb = far
        elif far is not None and not d.has_own_content(far, ci):
            named = _appositive_name(tail, far)
            if named:
                # ",” Flynn, a top Trump surrogate, said Thursday": the parse made the name an
                # apposition inside the quote; the name opening the tail is the speaker
                cand.cue = cue_chars(far)
                cand.speaker_head = named[-1].i
                cand.speaker_span = (named[0].i, named[-1].i + 1)
                cand.how = "tail"
                return cand
    if tail_verb is not None and not d.has_own_content(tail_verb, ci):
        subj = d.speaker_of(tail_verb)
        if subj is not None:
            return with_speaker(cand, tail_verb, subj, "tail")
    # 2b. "“...” ― Pamela Padilla" (a dash and a name after the quote)
    dash = _DASH_AFTER.match(d.text, ch.end)
    if dash is not None:
        run: list[Any] = []
        for t in tail:
            if t.idx < dash.end() or t.is_space or (t.is_punct and not run):
                continue
            if (
                t.pos_ == "PROPN"
                or t.ent_type_ == "PERSON"
                or (t.text[:1].isupper() and t.is_alpha)
            ):
                run.append(t)
            else:
                break
        if run and len(run) <= 5:
            mark = dash.start() + len(dash.group()) - len(dash.group().lstrip())
            cand.cue = (mark, mark + len(dash.group().strip()))
            cand.speaker_head = run[-1].i
            cand.speaker_span = (run[0].i, run[-1].i + 1)
            cand.how = "dash"
            return cand
    # 3. "according to X, “...”" or "“...”, according to X"
    for tok in lead + tail:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            pobj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if pobj is not None and d.owner[pobj.i] == -1:
                cand.cue = (tok.idx, doc[tok.i + 1].idx + len(doc[tok.i + 1]))
                cand.speaker_head = pobj.i
                cand.speaker_span = np_span(pobj)
                cand.how = "according"
                return cand
    # 4. "Name: “...”" in the same paragraph
    head = colon_name(d, lead)
    if head is not None:
        cand.cue = (lead[-1].idx, lead[-1].idx + 1)
        cand.speaker_head = head.i
        cand.speaker_span = (lead[0].i if not lead[0].is_space else lead[0].i + 1, head.i + 1)
        cand.how = "colon-name"
        return cand
    # 5. "Caddell continued:" ending the previous paragraph
    if not lead_words:
        k = first - 1
        while k >= 0 and doc[k].is_space:
            k -= 1
        if k >= 0 and doc[k].text == ":" and d.owner[k] == -1:
            prev = d.lead(k + 1)
            verb = d.verb_in(prev, nearest_last=True)
            if verb is not None:
                subj = d.speaker_of(verb)
                if subj is not None:
                    return with_speaker(cand, verb, subj, "colon-paragraph")
            head = colon_name(d, prev)
            if head is not None:
                cand.cue = (doc[k].idx, doc[k].idx + 1)
                cand.speaker_head = head.i
                cand.speaker_span = np_span(head)
                cand.how = "colon-name"
                return cand
    cand.extra["lead"] = [t.i for t in lead]
    cand.inherit = not lead_words
    cand.confidence = 0.6 if cand.inherit else 0.4
    cand.how = "inherit" if cand.inherit else "unattributed"
    cand.extra["lead_words"] = len(lead_words)
    return cand
