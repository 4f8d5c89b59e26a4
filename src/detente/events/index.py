"""The document index: per-article look-ups built once, before any sentence is read.

:meth:`DocIndex.build` does, for a parsed article with its actor mentions:

1. maps every token to the coded mention covering it (the longest mention wins a token); places
   go to a separate map, since a place is never an actor (visits use it as the host, unnamed
   groups are coded by where they are); weak "context" guesses for persons are left out;
2. marks each token inside or outside a direct quote (“ opens, ” closes; a paragraph that opens
   with a quote mark continues the previous quote);
3. notes where the headline ends, so that it is always a sentence of its own.

The index then answers the argument questions of the other modules: which coded mentions an
argument token stands for (:meth:`DocIndex.entities`: "the Velmoran and Ostranan delegations" ->
XVM, XOS), which ones a preposition introduces, the nearest mention in word order, and who is
speaking in a quote (:meth:`DocIndex.update_speaker`: after "Dunmore said", a quoted "we" is
Dunmore).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..records import ActorRef, Article, Mention
from ..syntax import conjuncts, phrase, subject
from .places import PlaceMaps, place_maps, place_mentions
from .structure import actor_words, dyad_adjectives, group_references
from .words import PHRASE_PREPS, SPEECH_VERBS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

__all__ = ["DocIndex", "dedupe", "distinct", "same_code", "same_entity", "uncoded_actor"]

_QUOTE_OPEN = '“"'
_QUOTE_CLOSE = '”"'


@functools.cache
def _quote_ids() -> tuple[frozenset[int], frozenset[int], int]:
    """String hashes of the token texts that open and close a quote, and of the straight mark.

    Every substring of ``_QUOTE_OPEN`` / ``_QUOTE_CLOSE``: what ``tok.text in marks`` accepts.
    """
    from spacy.strings import get_string_id

    def subs(marks: str) -> frozenset[int]:
        n = len(marks)
        return frozenset(get_string_id(marks[i:j]) for i in range(n) for j in range(i + 1, n + 1))

    return subs(_QUOTE_OPEN), subs(_QUOTE_CLOSE), get_string_id('"')


_NO_ACTOR = ActorRef(code=None)


@dataclass
class DocIndex:
    """Per-article lookups: token -> coded mention, quote state, current quoted speaker."""

    article: Article
    doc: Doc
    mentions: list[Mention]
    tok2mention: dict[int, int]
    in_quote: list[bool]
    title_end: int  # first token index of the body
    speaker: int | None = None
    loc2mention: dict[int, int] = field(default_factory=dict)
    #: token -> the pair it stands for ("the two sides", both halves of "Velmoran-Ostranan")
    groups: dict[int, list[int]] = field(default_factory=dict)
    places: PlaceMaps = field(default_factory=lambda: PlaceMaps({}, {}, None, None))
    #: token -> a location mention made from the places stage's towns and regions
    geo2mention: dict[int, int] = field(default_factory=dict)

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, article: Article, doc: Doc) -> DocIndex:
        """Index ``article`` (whose parse is ``doc``): mentions by token, quotes, headline end."""
        mentions = list(article.mentions)
        tok2mention, loc2mention = _mention_maps(article, doc, mentions)
        title_end = 0
        if article.title:
            for tok in doc:
                if tok.idx >= article.body_offset:
                    title_end = tok.i
                    break
            else:
                title_end = len(doc)
        index = cls(
            article,
            doc,
            mentions,
            tok2mention,
            _quote_state(doc),
            title_end,
            loc2mention=loc2mention,
        )
        index.groups = dyad_adjectives(article, doc, tok2mention, mentions)
        refs = group_references(doc, list(index.sentences()), tok2mention, mentions)
        for i, pair in refs.items():
            index.groups.setdefault(i, pair)
        index.places = place_maps(article, doc, mentions, loc2mention)
        index.geo2mention = place_mentions(article, doc, mentions, tok2mention, loc2mention)
        return index

    def sentences(self) -> Iterator[tuple[int, int]]:
        """Token ranges of the sentences; the headline is always its own sentence."""
        for sent in self.doc.sents:
            start, end = sent.start, sent.end
            # The headline is always its own sentence, whatever the parser thought.
            if start < self.title_end < end:
                yield start, self.title_end
                start = self.title_end
            while start < end and self.doc[start].is_space:
                start += 1
            if start < end:
                yield start, end

    def update_speaker(self, sent: SpacySpan) -> None:
        """Remember who is quoted: the subject of the sentence's first active verb of saying
        whose subject is a coded mention (used for "we" inside quotes)."""
        for tok in sent:
            if tok.pos_ == "VERB" and tok.lemma_.lower() in SPEECH_VERBS:
                subj, passive = subject(tok)
                if subj is not None and not passive:
                    found = self.entities(subj)
                    if found:
                        self.speaker = found[0]
                        return

    # ------------------------------------------------------------------ look-ups
    def entities(self, tok: Token) -> list[int]:
        """Coded mentions for an argument token: its own mention, else mentions in its phrase."""
        out: list[int] = []
        for head in conjuncts(tok):
            pair = self.groups.get(head.i)
            if pair:
                out += pair  # "the two sides", "the Velmoran-Ostranan talks"
                continue
            m = self.tok2mention.get(head.i)
            if m is not None:
                out.append(m)
                continue
            found = []
            places = []
            for t in phrase(head, PHRASE_PREPS):
                m = self.tok2mention.get(t.i)
                if m is not None:
                    found.append(m)
                elif t.i in self.loc2mention:
                    places.append(self.loc2mention[t.i])
            # the head's own modifiers win over its prepositional phrases: "the Turkish and
            # Greek sides of Cyprus" are TUR and GRC
            own = [m for m in found if self.near(m, head)]
            found = own or found
            # "demonstrators in Baghdad": an unnamed group is coded by where it is (subjects and
            # prepositional objects only: "discussed the race in Ohio" does not target Ohio)
            out += found or (places[:1] if tok.dep_ in ("nsubj", "nsubjpass", "pobj") else [])
        return dedupe(out)

    def pobj_entities(self, prep: Token) -> list[int]:
        """Coded mentions of a preposition's objects."""
        out: list[int] = []
        for child in prep.children:
            if child.dep_ == "pobj":
                out += self.entities(child)
            elif child.dep_ == "pcomp" and child.i in self.tok2mention:
                # "warned Georgia against joining NATO": a gerund clause is no recipient
                out.append(self.tok2mention[child.i])
        return out

    def prep_entities(self, head: Token, preps: Sequence[str]) -> list[int]:
        """Coded mentions introduced under ``head`` by one of ``preps`` ("met with Ostrana")."""
        out: list[int] = []
        for child in head.children:
            if child.dep_ in ("prep", "agent", "dative") and child.lower_ in preps:
                found = self.pobj_entities(child)
                if not found and not any(c.dep_ in ("pobj", "pcomp") for c in child.children):
                    found = self.nearest(child, +1, limit=5)  # mis-parsed object
                out += found
        # multi-word prepositions ("in front of") are rare: first word is enough
        return out

    def nearest(
        self, anchor: Token, direction: int, limit: int = 8, commas: bool = True
    ) -> list[int]:
        """The first coded mention from ``anchor`` in ``direction`` (-1 left, +1 right), not
        past a verb, a line break or (``commas=False``) a comma, within ``limit`` tokens."""
        i = anchor.i + direction
        steps = 0
        while 0 <= i < len(self.doc) and steps < limit:
            if self.doc[i].is_space and "\n" in self.doc[i].text:
                break
            if not commas and self.doc[i].text in (",", ";", ":", "—", "–"):
                break
            m = self.tok2mention.get(i)
            if m is not None:
                return [m]
            if self.doc[i].pos_ == "VERB":
                break
            i += direction
            steps += 1
        return []

    def left_list(self, actor: list[int]) -> list[int]:
        """Extend a headline actor with the mentions listed before it ("A, B and C agree")."""
        doc = self.doc
        first = min(i for i, m in self.tok2mention.items() if m in actor)
        i = first - 1
        out = list(actor)
        while i >= 0 and (
            doc[i].text in (",", "&") or doc[i].lower_ == "and" or i in self.tok2mention
        ):
            m = self.tok2mention.get(i)
            if m is not None and m not in out:
                out.insert(0, m)
            i -= 1
        return out

    def near(self, mention: int, head: Token) -> bool:
        """True when a mention modifies ``head`` directly (not through a preposition)."""
        for tok in head.subtree:
            if self.tok2mention.get(tok.i) == mention:
                node = tok
                while node.i != head.i:
                    if node.dep_ in ("prep", "pobj", "relcl", "acl"):
                        return False
                    node = node.head
                return True
        return False


def _mention_maps(
    article: Article, doc: Doc, mentions: list[Mention]
) -> tuple[dict[int, int], dict[int, int]]:
    """Token index -> mention index, for actors and for places."""
    off = article.body_offset
    starts = {t.idx: t.i for t in doc}
    tok2mention: dict[int, int] = {}
    loc2mention: dict[int, int] = {}
    for m_index, mention in enumerate(mentions):
        if mention.actor is None:
            continue
        if not mention.actor.code and not uncoded_actor(mention):
            continue
        # "context" readings guess the sentence's only country for an unknown person: too
        # weak to code an event with (for groups, "ethnic Turks", the guess is kept).
        if mention.via == "context" and mention.actor.kind == "person":
            continue
        index = tok2mention
        if mention.actor.kind == "location":
            index = loc2mention  # places are never actors; visits use them as hosts
        s = mention.start + (off if mention.field == "text" else 0)
        e = mention.end + (off if mention.field == "text" else 0)
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            first = starts.get(s)
            if first is None:
                continue
            span = doc[first : first + 1]
        for tok in span:
            # the longer (more specific) mention wins a token
            prev = index.get(tok.i)
            if prev is None or (
                mentions[prev].end - mentions[prev].start < mention.end - mention.start
            ):
                index[tok.i] = m_index
    return tok2mention, loc2mention


def uncoded_actor(mention: Mention) -> bool:
    """True for a mention without a code that can still fill an event role: a sector agent
    ("protesters", its country inferred later) or a named organisation or person the knowledge
    base does not know (kept as ``kind: unknown``, or by kind and sector)."""
    ref = mention.actor
    if ref is None or ref.code or ref.kind == "location":
        return False
    if ref.kind == "agent":
        words = mention.text.lower().split()
        return bool(ref.sector) and bool(words) and words[-1] in actor_words().sector_agents
    return ref.kind in ("person", "organisation", "group", "ngo") and mention.via == "entity"


def _quote_state(doc: Doc) -> list[bool]:
    # Direct-quote state per token: “ opens, ” closes, a new paragraph that opens with a
    # quote mark continues the previous speaker's quote (a line break does not close one).
    # Read from the token text hashes: a Token object per token costs more than the test.
    from spacy.attrs import ORTH

    opening, closing, straight = _quote_ids()
    in_quote = [False] * len(doc)
    inside = False
    for i, orth in enumerate(doc.to_array(ORTH).tolist() if len(doc) else []):
        if orth in opening and not (orth == straight and inside):
            inside = True
            in_quote[i] = True
            continue
        if orth in closing and inside:
            inside = False
        in_quote[i] = inside
    return in_quote


def distinct(items: list[int], mentions: list[Mention]) -> list[int]:
    """One entity per actor: "Palestinian homes and buildings" -> one PSE recipient."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for m in items:
        ref = mentions[m].actor or _NO_ACTOR
        key = (ref.code, ref.sector, ref.kb_id or mentions[m].text)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def dedupe(items: Iterable[int]) -> list[int]:
    """``items`` without repeats, in first-seen order."""
    return list(dict.fromkeys(items))


def same_entity(a: Mention, b: Mention) -> bool:
    """True when two mentions name one entity (one KB id, or the same text span)."""
    if a.actor is None or b.actor is None:
        return False
    if a.actor.kb_id and a.actor.kb_id == b.actor.kb_id:
        # agents of one state differ by sector: "Palestinian police" vs "Palestinian armed groups"
        return a.actor.kind != "agent" or a.actor.sector == b.actor.sector

    return a.start == b.start and a.field == b.field


def same_code(a: Mention, b: Mention) -> bool:
    """True when two coded mentions share an actor code."""
    return bool(a.actor and b.actor and a.actor.code and a.actor.code == b.actor.code)
