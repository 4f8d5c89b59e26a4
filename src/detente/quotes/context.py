"""The shared state of quote finding: candidates, the map of quoted tokens, speaker look-up.

A :class:`QuoteContext` is built once per article from the quote-mark chains; the direct and
reported finders read and update it. The steps:

1. every token inside a chain's marks is owned by that chain (``owner[i]`` is the chain's index,
   -1 outside quotes), so that a reporting verb or a subject inside a quote is never read as an
   attribution;
2. :meth:`QuoteContext.lead` and :meth:`QuoteContext.tail` give the unquoted tokens before and
   after a quote up to a sentence end, a newline or another quote, and
   :meth:`QuoteContext.verb_in` the nearest reporting verb among them not already used;
3. :meth:`QuoteContext.speaker_of` finds the speaker of a reporting verb (its subject, an
   inverted subject, a name mis-tagged with ``Said``; the author of a reporting noun subject);
4. :func:`with_speaker` fills a :class:`Candidate` with the verb as cue and the speaker's span.

Example: in ``“We want peace,” Kasprak said.`` the words ``We want peace`` are owned by chain 0;
the tail is ``Kasprak said .``, its reporting verb ``said``, whose speaker is ``Kasprak``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .lexicon import ReportingLexicon
from .marks import Chain
from .parse import (
    REL_PRONOUNS,
    cue_chars,
    inverted_subject,
    np_span,
    particles,
    subject,
    word_count,
)

__all__ = [
    "STOP",
    "Candidate",
    "QuoteContext",
    "colon_name",
    "is_reporting_verb",
    "with_speaker",
]

STOP = frozenset({".", "?", "!", ";"})


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
    topic: bool = False  # the content is what was talked about, not words said
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


#: Word forms that are verbs whatever the tagger says ("Said Ellis: “..." is tagged PROPN).
_ALWAYS_VERBS = {"said": "say", "says": "say", "told": "tell", "tells": "tell"}


def is_reporting_verb(tok: Any, lex: ReportingLexicon) -> bool:
    if (
        tok.pos_ not in ("VERB", "AUX")
        and tok.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN")
        and tok.lower_ not in _ALWAYS_VERBS
    ):
        return False
    return lex.is_verb(_ALWAYS_VERBS.get(tok.lower_, tok.lemma_), particles(tok))


class QuoteContext:
    """Attribution of direct quotes, with the token map of which tokens are quoted."""

    def __init__(self, doc: Any, chains: list[Chain], lex: ReportingLexicon) -> None:
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self.chains = chains
        self.owner = [-1] * len(doc)
        self.used_cues: set[int] = set()
        self.reindex()

    def reindex(self) -> None:
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
            if self.owner[k] != -1 or "\n" in tok.text or tok.text in STOP:
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
            if self.owner[k] != -1 or "\n" in tok.text or tok.text in STOP:
                break
            out.append(tok)
            k += 1
        return out

    def verb_in(self, toks: list[Any], nearest_last: bool) -> Any | None:
        order = reversed(toks) if nearest_last else iter(toks)
        for tok in order:
            if is_reporting_verb(tok, self.lex) and tok.i not in self.used_cues:
                return tok
        return None

    def speaker_of(self, verb: Any) -> Any | None:
        quoted = frozenset(c.i for c in verb.children if self.owner[c.i] != -1)
        subj = subject(verb, skip=quoted)
        if subj is None or self.owner[subj.i] != -1:
            subj = inverted_subject(verb)
        if subj is None and verb.head.i > verb.i and verb.head.pos_ in ("PROPN", "NOUN"):
            # "Said Ellis:" tagged as a name with "Said" in it
            subj = verb.head
        if subj is None and verb.i > 0:
            # a mis-parsed subject right before the verb ("... of the Post Trump said that")
            prev = self.doc[verb.i - 1]
            if prev.pos_ in ("PROPN", "PRON") and prev.dep_ not in ("poss", "nsubj"):
                subj = prev
        if subj is not None and subj.i < verb.i:
            subj = self.after_break(subj, verb)
        if subj is None or self.owner[subj.i] != -1:
            return None
        if subj.lower_ in self.lex.not_speaker_pronouns and not (
            # "“...,” it added": an article or a body that was named before speaks
            subj.lower_ == "it"
            and subj.dep_ == "nsubj"
            and verb.lemma_.lower() in self.lex.it_speaks
        ):
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

    def after_break(self, subj: Any, verb: Any) -> Any | None:
        """The subject again when the parse took it from before a paragraph break, a dateline or
        a heading ("7:45 a.m.\n\nHillary Clinton said", "WASHINGTON (AP) — Obama said",
        "THE BORROWING Back then, Mr. McKinley said"): the speaker is after them."""
        doc = self.doc
        start = None
        for k in range(subj.i, verb.i):
            if "\n" in doc[k].text:
                start = k + 1
        if start is None:
            para = subj.i
            while para > 0 and "\n" not in doc[para - 1].text:
                para -= 1
            start = _heading_end(doc, para, verb.i)
            if start is None or subj.i >= start:
                return subj
        best = None
        for t in doc[start : verb.i]:
            if t.dep_ in ("nsubj", "nsubjpass") and self.owner[t.i] == -1:
                if t.head.i == verb.i:
                    return t
                best = best or t
        if best is not None:
            return best
        for chunk in doc[start : verb.i].noun_chunks:
            if self.owner[chunk.root.i] == -1:
                return chunk.root
        return None

    def has_own_content(self, verb: Any, ci: int) -> bool:
        """True when the verb reports something else (a complement outside this quote)."""
        for child in verb.children:
            lo, hi = sorted((child.i, verb.i))
            if any("\n" in t.text for t in self.doc[lo:hi]):
                continue  # the parse ran on across a paragraph break
            if (
                child.dep_ == "ccomp"
                and self.owner[child.i] == -1
                and child.pos_ in ("VERB", "AUX")
                and word_count(self.doc, child.left_edge.i, child.right_edge.i + 1) >= 3
            ):
                return True
        return False


_DASHES = frozenset({"—", "–", "-", "--", "―"})


def _heading_end(doc: Any, para: int, limit: int) -> int | None:
    """The token after a dateline (``WASHINGTON (AP) —``) or an upper-case heading of two words
    or more (``THE BORROWING``) opening the paragraph at token ``para``, or None."""
    k = para
    while k < limit and doc[k].is_space:
        k += 1
    run = k
    while run < limit and doc[run].is_upper and (doc[run].is_alpha or doc[run].text in "’'S"):
        run += 1
    if run == k:
        return None
    j = run
    if j < limit and doc[j].text == "(":  # "(AP)", "(Reuters)"
        close = next((m for m in range(j, min(limit, j + 5)) if doc[m].text == ")"), None)
        if close is not None:
            j = close + 1
    if j < limit and doc[j].text in _DASHES:
        return j + 1
    words = [t for t in doc[k:run] if t.is_alpha]
    if len(words) >= 2 and run < limit and doc[run].text[:1].isupper():
        return run
    return None


def colon_name(d: QuoteContext, toks: list[Any], loose: bool = False) -> Any | None:
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


def with_speaker(cand: Candidate, verb: Any, subj: Any, how: str) -> Candidate:
    """Set the cue and speaker of ``cand`` from a reporting verb and its subject."""
    person = next((c for c in subj.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
    if person is not None and (subj.pos_ == "NOUN" or person.right_edge.i + 1 == verb.i):
        # "With 50 days until the election, Minyon Moore, an adviser, called ..." and "To
        # understand the real Dred Scott, Chief Justice Roberts said, ...": the parse made the
        # speaker an apposition of the noun before it
        subj = person
    cand.cue = cue_chars(verb)
    cand.speaker_head = subj.i
    lo, hi = np_span(subj)
    if lo <= verb.i < hi:  # never let the verb into the speaker ("Said Ellis")
        lo, hi = (verb.i + 1, hi) if verb.i < subj.i else (lo, verb.i)
    for k in range(lo, subj.i):
        if "\n" in subj.doc[k].text:  # a speaker never runs back across a paragraph break
            lo = k + 1
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
                if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in REL_PRONOUNS
            ),
            None,
        )
        if rel is not None:
            cand.extra["resolve_span"] = cand.speaker_span
            cand.speaker_span = (rel.i, rel.i + 1)
    return cand
