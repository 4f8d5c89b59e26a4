"""Find quotations in a parsed article: direct quotes by their marks, reported speech by the parse.

Everything works in character offsets of the parsed string (:attr:`Article.doc_text`); the stage
converts to ``field``/``start``/``end`` at the end. The steps:

1. direct quotes: :func:`detente.quotes.marks.find_chains`, then quotes interrupted by their own
   attribution (``“...,” he said, “...”``) are merged;
2. each direct quote looks for its attribution beside it: a reporting verb in the words before
   it (``Lavrov said: “``) or after it (``,” said Caddell.``), a dash and a name after it, a
   colon introduction in the previous paragraph (``Caddell continued:``), ``according to X``, a
   ``NAME:`` label; an unclosed quote with none is a stray mark and is dropped; a quote right
   after another one's attribution sentence continues it;
3. reported speech: a reporting verb with a clausal complement (or an infinitive, or a noun
   phrase for verbs of saying such as "cite"), ``according to X``, a reporting noun with a
   ``that`` clause, ``Name:`` lines; partial quotes inside reported speech are folded into it,
   and a quote that is most of a reported clause takes its verb and speaker;
4. a quote still without attribution takes a speech verb further back in its sentence, or (when
   it opens its paragraph) the previous speaker;
5. speakers are resolved (see :mod:`detente.quotes.speaker`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .lexicon import ReportingLexicon
from .marks import Chain, Segment, find_chains

__all__ = ["Candidate", "find_candidates"]

_LABEL_INSIDE = re.compile(r"([A-Z][A-Z.'\- ]{1,30}[A-Z.]):\s+")
_DASH_AFTER = re.compile(r"[ \t\u00a0]*(?:―|—|–|--|-)[ \t\u00a0]*")
#: Verbs whose "if"/"whether" clause is what was asked, not a condition.
_ASKING = frozenset({"ask", "wonder", "question", "inquire", "enquire", "doubt", "know"})
_STOP = frozenset({".", "?", "!", ";"})
_NOT_SPEAKERS = frozenset({"it", "this", "that", "there", "you", "what", "which", "who"})
_REL_PRONOUNS = frozenset({"who", "which", "that"})


@dataclass(slots=True)
class Candidate:
    """A quotation found in the parse, before speaker resolution (doc character offsets)."""

    kind: str  # direct | indirect
    segments: list[tuple[int, int]]
    cue: tuple[int, int] | None = None
    speaker_head: int | None = None  # token index of the speaker's head word
    speaker_span: tuple[int, int] | None = None  # token range [start, end)
    inherit: bool = False  # no attribution of its own: takes the previous speaker
    confidence: float = 0.8
    how: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


# --------------------------------------------------------------------------------------------
# small parse helpers


def _particles(tok: Any) -> frozenset[str]:
    return frozenset(c.lower_ for c in tok.children if c.dep_ == "prt")


#: Word forms that are verbs whatever the tagger says ("Said Ellis: “..." is tagged PROPN).
_ALWAYS_VERBS = {"said": "say", "says": "say", "told": "tell", "tells": "tell"}


def _is_reporting_verb(tok: Any, lex: ReportingLexicon) -> bool:
    if (
        tok.pos_ not in ("VERB", "AUX")
        and tok.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN")
        and tok.lower_ not in _ALWAYS_VERBS
    ):
        return False
    return lex.is_verb(_ALWAYS_VERBS.get(tok.lower_, tok.lemma_), _particles(tok))


def _subject(verb: Any, depth: int = 0, skip: frozenset[int] = frozenset()) -> Any | None:
    """The speaker of a reporting verb: its subject, or its governing verb's subject.

    ``skip`` holds token indices that cannot be the speaker (quoted words: the parser sometimes
    makes a quoted subject the subject of the reporting verb too).
    """
    for child in verb.children:
        if child.dep_ == "nsubj" and child.i not in skip:
            if child.lower_ in _REL_PRONOUNS and verb.dep_ == "relcl":
                return verb.head
            return child
    if verb.dep_ in ("xcomp", "ccomp") and verb.head.i != verb.i:
        # object control: "prompted Kono to defend ..." - Kono defends
        obj = next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
        if obj is not None:
            return obj
    if depth < 2 and verb.dep_ in ("advcl", "xcomp", "conj", "pcomp") and verb.head.i != verb.i:
        return _subject(verb.head, depth + 1, skip)
    # "was told by X", "said by X"
    for child in verb.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def _inverted_subject(verb: Any) -> Any | None:
    """``said Caddell``: the parser sometimes makes the post-verbal name an object."""
    for child in verb.children:
        if (
            child.i > verb.i
            and child.dep_ in ("dobj", "attr", "npadvmod", "appos", "oprd")
            and (child.pos_ in ("PROPN", "PRON") or child.ent_type_ in ("PERSON", "ORG"))
        ):
            return child
    return None


def _np_span(head: Any) -> tuple[int, int]:
    """A compact token range for a speaker noun phrase (no relative clauses, no appositions)."""
    doc = head.doc
    left = head.i
    for tok in head.lefts:
        if (
            tok.dep_
            in (
                "det",
                "amod",
                "compound",
                "poss",
                "nmod",
                "nummod",
                "case",
                "punct",
                "quantmod",
                "advmod",
            )
            and tok.left_edge.i >= head.i - 8
        ):
            left = min(left, tok.left_edge.i)
    right = head.i
    while right + 1 < len(doc) and (
        (doc[right + 1].head.i == head.i and doc[right + 1].dep_ in ("compound", "flat"))
        or (doc[right + 1].ent_iob_ == "I" and doc[right].ent_type_)
    ):
        right += 1
    for tok in head.rights:
        if tok.dep_ == "prep" and tok.lower_ in ("of", "for", "at", "from") and tok.i == right + 1:
            right = max(right, min(tok.right_edge.i, right + 6))
    while left < head.i and doc[left].is_punct:
        left += 1
    return left, right + 1


def _strip(doc: Any, lo: int, hi: int, strip_mark: bool = True) -> tuple[int, int]:
    """Trim punctuation, spaces and a leading complementiser from a token range [lo, hi)."""
    while lo < hi and (
        doc[lo].is_space
        or (doc[lo].is_punct and doc[lo].text not in '“"')
        or (strip_mark and doc[lo].dep_ == "mark" and doc[lo].lower_ == "that")
    ):
        lo += 1
    while hi > lo and (
        doc[hi - 1].is_space or (doc[hi - 1].is_punct and doc[hi - 1].text not in '”"')
    ):
        hi -= 1
    return lo, hi


def _words(doc: Any, lo: int, hi: int) -> int:
    return sum(1 for t in doc[lo:hi] if not t.is_punct and not t.is_space)


# --------------------------------------------------------------------------------------------
# direct quotes


class _Direct:
    """Attribution of direct quotes, with the token map of which tokens are quoted."""

    def __init__(self, doc: Any, chains: list[Chain], lex: ReportingLexicon) -> None:
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self.chains = chains
        self.owner = [-1] * len(doc)
        self.used_cues: set[int] = set()
        self._index()

    def _index(self) -> None:
        self.owner = [-1] * len(self.doc)
        for ci, ch in enumerate(self.chains):
            for seg in ch.segments:
                span = self.doc.char_span(seg.start, seg.end, alignment_mode="expand")
                if span is None:
                    continue
                for tok in span:
                    self.owner[tok.i] = ci

    def tokens_of(self, ci: int) -> tuple[int, int]:
        idx = [i for i, o in enumerate(self.owner) if o == ci]
        return (idx[0], idx[-1] + 1) if idx else (0, 0)

    def lead(self, first: int) -> list[Any]:
        """Tokens before token ``first`` back to a sentence end, a newline or another quote."""
        out: list[Any] = []
        k = first - 1
        while k >= 0:
            tok = self.doc[k]
            if self.owner[k] != -1 or "\n" in tok.text or tok.text in _STOP:
                break
            out.append(tok)
            k -= 1
        out.reverse()
        return out

    def tail(self, last: int) -> list[Any]:
        """Tokens after token ``last - 1`` up to a sentence end, a newline or another quote."""
        out: list[Any] = []
        k = last
        while k < len(self.doc):
            tok = self.doc[k]
            if self.owner[k] != -1 or "\n" in tok.text or tok.text in _STOP:
                break
            out.append(tok)
            k += 1
        return out

    def verb_in(self, toks: list[Any], nearest_last: bool) -> Any | None:
        order = reversed(toks) if nearest_last else iter(toks)
        for tok in order:
            if _is_reporting_verb(tok, self.lex) and tok.i not in self.used_cues:
                return tok
        return None

    def speaker_of(self, verb: Any) -> Any | None:
        quoted = frozenset(c.i for c in verb.children if self.owner[c.i] != -1)
        subj = _subject(verb, skip=quoted)
        if subj is None or self.owner[subj.i] != -1:
            subj = _inverted_subject(verb)
        if subj is None and verb.head.i > verb.i and verb.head.pos_ in ("PROPN", "NOUN"):
            # "Said Ellis:" tagged as a name with "Said" in it
            subj = verb.head
        if subj is None and verb.i > 0:
            # a mis-parsed subject right before the verb ("... of the Post Trump said that")
            prev = self.doc[verb.i - 1]
            if prev.pos_ in ("PROPN", "PRON") and prev.dep_ not in ("poss", "nsubj"):
                subj = prev
        if subj is None or self.owner[subj.i] != -1 or subj.lower_ in _NOT_SPEAKERS:
            return None
        if subj.lower_ in self.lex.nouns:
            # "A statement from the Kremlin said ...", "Varn's remarks suggested ...": the
            # author of the statement speaks
            for child in subj.children:
                if child.dep_ == "poss":
                    return child
                if child.dep_ == "prep" and child.lower_ in ("by", "from", "of"):
                    author = next((g for g in child.children if g.dep_ == "pobj"), None)
                    if author is not None and author.pos_ in ("PROPN", "NOUN", "PRON"):
                        return author
        return subj

    def has_own_content(self, verb: Any, ci: int) -> bool:
        """True when the verb reports something else (a complement outside this quote)."""
        for child in verb.children:
            if (
                child.dep_ == "ccomp"
                and self.owner[child.i] == -1
                and child.pos_ in ("VERB", "AUX")
                and _words(self.doc, child.left_edge.i, child.right_edge.i + 1) >= 3
            ):
                return True
        return False


def _merge_interrupted(d: _Direct) -> None:
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
    d._index()


def _tail_after(d: _Direct, ch: Chain) -> list[Any]:
    span = d.doc.char_span(ch.start, ch.end, alignment_mode="expand")
    return d.tail(span.end) if span is not None else []


def _segments(ch: Chain) -> list[tuple[int, int]]:
    return [(s.inner_start, s.inner_end) for s in ch.segments if s.inner_end > s.inner_start]


def _colon_name(d: _Direct, toks: list[Any], loose: bool = False) -> Any | None:
    """A speaker written as ``Name:`` (headlines, transcripts): the head of the name.

    ``loose`` (headlines) also takes one or two capitalised nouns ("Poll: ...").
    """
    if len(toks) < 2 or toks[-1].text != ":":
        return None
    name = toks[:-1]
    while name and (name[0].is_punct or name[0].is_space):
        name = name[1:]
    if not name or len(name) > 4 or any(t.lower_ in d.lex.labels for t in name):
        return None
    if all(t.ent_type_ == "PERSON" for t in name) or all(
        t.is_upper and t.is_alpha and len(t) > 1 for t in name
    ):
        return name[-1]
    if all(t.pos_ == "PROPN" for t in name) and len(name) >= 2:
        return name[-1]
    if (
        loose
        and len(name) <= 2
        and all(t.pos_ in ("PROPN", "NOUN") and t.text[:1].isupper() for t in name)
    ):
        return name[-1]
    return None


def _attribute(d: _Direct, ci: int, ch: Chain) -> Candidate:
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
            return _with_speaker(cand, verb, subj, "interrupted")
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
                return _with_speaker(cand, lead_verb, subj, "lead")
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
    if tail_verb is not None and not d.has_own_content(tail_verb, ci):
        subj = d.speaker_of(tail_verb)
        if subj is not None:
            return _with_speaker(cand, tail_verb, subj, "tail")
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
                cand.speaker_span = _np_span(pobj)
                cand.how = "according"
                return cand
    # 4. "Name: “...”" in the same paragraph
    head = _colon_name(d, lead)
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
                    return _with_speaker(cand, verb, subj, "colon-paragraph")
            head = _colon_name(d, prev)
            if head is not None:
                cand.cue = (doc[k].idx, doc[k].idx + 1)
                cand.speaker_head = head.i
                cand.speaker_span = _np_span(head)
                cand.how = "colon-name"
                return cand
    cand.extra["lead"] = [t.i for t in lead]
    cand.inherit = not lead_words
    cand.confidence = 0.6 if cand.inherit else 0.4
    cand.how = "inherit" if cand.inherit else "unattributed"
    cand.extra["lead_words"] = len(lead_words)
    return cand


def _with_speaker(cand: Candidate, verb: Any, subj: Any, how: str) -> Candidate:
    cand.cue = _cue_chars(verb)
    cand.speaker_head = subj.i
    lo, hi = _np_span(subj)
    if lo <= verb.i < hi:  # never let the verb into the speaker ("Said Ellis")
        lo, hi = (verb.i + 1, hi) if verb.i < subj.i else (lo, verb.i)
    cand.speaker_span = (lo, hi)
    cand.how = how
    # "Mr. Kamin, who said ...": the speaker mention is "who", resolved through its antecedent
    v, steps = verb, 0
    while v.dep_ in ("xcomp", "conj", "advcl") and v.head.i != v.i and steps < 2:
        v, steps = v.head, steps + 1
    if v.dep_ == "relcl" and v.head.i == subj.i:
        rel = next(
            (
                c
                for c in v.children
                if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _REL_PRONOUNS
            ),
            None,
        )
        if rel is not None:
            cand.extra["resolve_span"] = cand.speaker_span
            cand.speaker_span = (rel.i, rel.i + 1)
    return cand


def _cue_chars(verb: Any) -> tuple[int, int]:
    end = verb.idx + len(verb)
    for child in verb.children:
        if child.dep_ == "prt" and child.i == verb.i + 1:
            end = child.idx + len(child)
    return verb.idx, end


# --------------------------------------------------------------------------------------------
# reported speech


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


def _is_verb(tok: Any) -> bool:
    return tok.pos_ == "VERB" or tok.tag_ in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB")


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


def _object(verb: Any, lex: ReportingLexicon) -> tuple[int, int] | None:
    """``cited the poll``, ``called for a ban``, ``called the plan a disaster``."""
    lemma = verb.lemma_.lower()
    for c in verb.children:
        if c.dep_ == "prep" and c.i > verb.i and c.lower_ in lex.object_preps.get(lemma, ()):
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                return pobj.left_edge.i, pobj.right_edge.i + 1
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
    return dobj.left_edge.i, hi


def _reported(d: _Direct, lex: ReportingLexicon) -> list[Candidate]:
    doc = d.doc
    out: list[Candidate] = []
    for tok in doc:
        if d.owner[tok.i] != -1 or tok.i in d.used_cues:
            continue
        ranges: list[tuple[int, int]] | None = None
        how = "verb"
        if _is_reporting_verb(tok, lex):
            ranges = _complement(tok)
        if ranges is None and _is_verb(tok) and (lex.control or lex.control_preps):
            rng = _control(tok, lex)
            ranges, how = ([rng] if rng else None), "control"
        if ranges is None and _is_verb(tok) and (lex.objects or lex.object_preps):
            rng = _object(tok, lex)
            ranges, how = ([rng] if rng and _words(doc, *rng) >= 2 else None), "object"
        if ranges is not None:
            if any(lo <= tok.i < hi for lo, hi in ranges):
                continue
            parts = [_strip(doc, lo, hi) for lo, hi in ranges]
            parts = [(lo, hi) for lo, hi in parts if hi > lo]
            if sum(_words(doc, lo, hi) for lo, hi in parts) < (3 if how == "verb" else 2):
                continue
            subj = d.speaker_of(tok)
            if subj is None or any(lo <= subj.i < hi for lo, hi in parts):
                continue
            cand = Candidate(
                kind="indirect",
                segments=[(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])) for lo, hi in parts],
            )
            _with_speaker(cand, tok, subj, how)
            cand.confidence = 0.8 if how == "verb" else 0.6
            out.append(cand)
        elif tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            pobj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            sent = tok.sent
            phrase_lo, phrase_hi = tok.i, max(tok.right_edge.i, pobj.right_edge.i) + 1
            before = _strip(doc, sent.start, phrase_lo)
            after = _strip(doc, phrase_hi, sent.end)
            lo, hi = before if _words(doc, *before) >= _words(doc, *after) else after
            if _words(doc, lo, hi) < 3:
                continue
            cand = Candidate(
                kind="indirect",
                segments=[(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))],
                cue=(tok.idx, doc[tok.i + 1].idx + 2),
                speaker_head=pobj.i,
                speaker_span=_np_span(pobj),
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
                speaker = _subject(verb)
            if speaker is None or speaker.lower_ in _NOT_SPEAKERS:
                continue
            lo, hi = _strip(doc, clause.left_edge.i, clause.right_edge.i + 1)
            if _words(doc, lo, hi) < (3 if about is None else 1):
                continue
            cand = Candidate(
                kind="indirect",
                segments=[(doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]))],
                cue=(tok.idx, tok.idx + len(tok)),
                speaker_head=speaker.i,
                speaker_span=_np_span(speaker),
                confidence=0.7,
                how="noun",
            )
            out.append(cand)
    return out


def _colon_lines(d: _Direct, lex: ReportingLexicon, title_end: int = 0) -> list[Candidate]:
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
        if start > 0 and "\n" not in doc[start - 1].text and doc[start - 1].text not in _STOP:
            continue
        head = _colon_name(d, lead, loose=tok.idx < title_end)
        if head is None:
            continue
        k = tok.i + 1
        hi = k
        while hi < len(doc) and "\n" not in doc[hi].text and d.owner[hi] == -1:
            hi += 1
        lo, hi = _strip(doc, k, hi)
        if _words(doc, lo, hi) < 3:
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


# --------------------------------------------------------------------------------------------


def _lead_far(d: _Direct, cand: Candidate, taken: set[int]) -> None:
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
                _is_reporting_verb(tok, d.lex)
                or (_is_verb(tok) and (lemma in d.lex.objects or lemma in d.lex.control))
            )
        ):
            continue
        subj = d.speaker_of(tok)
        if subj is not None:
            _with_speaker(cand, tok, subj, "lead-far")
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
    d = _Direct(doc, chains, lex)
    _merge_interrupted(d)
    direct = [_attribute(d, ci, ch) for ci, ch in enumerate(d.chains)]
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
        d._index()
    for cand in direct:
        if cand.cue is not None:
            verb = doc.char_span(cand.cue[0], cand.cue[1], alignment_mode="expand")
            if verb is not None:
                d.used_cues.update(t.i for t in verb)
    title_end = regions[0][1] if regions and len(regions) > 1 else 0
    reported = _reported(d, lex) + _colon_lines(d, lex, title_end)
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
    # overlapping reported candidates: an explicit "according to X" wins, then the longer
    keep_reported.sort(key=lambda c: (c.how != "according", -(c.end - c.start)))
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
