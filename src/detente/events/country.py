"""The country of a sector agent the actor stage left without one ("protesters", "gunmen").

The actor stage codes "Velmoran police" and "police in Port Azul" itself; a bare "police" keeps
``code: null`` with its sector. When such an agent fills an event's role, :func:`infer_country`
takes its country from the context, in this order (the step is the entity's ``country_via``):

1. ``phrase``: the agent's own phrase, a nationality adjective, a possessor or a place after
   in/from/of ("protesters from Drovnik" when the actor stage did not join them), or the coded
   actor it is coordinated with ("Velmoran helicopters and tanks");
2. ``place``: the place where the event happens, a place after in/at/near/outside/... of the
   trigger's clause ("clashed with police in Saltmarsh"), else the one country of the places
   named in the sentence;
3. ``dateline``: the place of a wire dateline ("DROVNIK (Reuters) —": the places stage's
   ``meta["dateline_country"]``, else a dateline place still at the start of the text);
4. ``article``: the article's dominant country, a strict winner (:func:`main_country` of its
   places, the rule of :func:`detente.geo.main_country`, which the layer contract keeps out of
   reach of the events package; else the state most named by the actor stage).

Else the agent keeps ``code: null`` and its sector. Places are the places stage's
``article.places`` (demonyms only count in the phrase) and the actor stage's location mentions
("in Port Azul").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from ..records import ActorRef, Article, Mention, Place
from ..syntax import phrase
from .structure import actor_words
from .words import PHRASE_PREPS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .index import DocIndex
    from .triggers import Trigger

__all__ = [
    "PlaceMaps",
    "event_place",
    "infer_country",
    "main_country",
    "place_maps",
    "place_mentions",
]

#: After a dateline's place: an optional ", Region", then "(Agency)" or a dash.
_DATELINE_TAIL = re.compile(r"^(?:,\s*[A-Za-z .]{2,30})?\s*(?:\(|—|–|-{1,2}\s)")
_OWN_PREPS = ("in", "from", "of")


def main_country(places: tuple[Place, ...]) -> str | None:
    """The article's most named country among its places (demonyms count half)."""
    counts: dict[str, float] = {}
    for p in places:
        if p.country:
            counts[p.country] = counts.get(p.country, 0.0) + (0.5 if p.via == "demonym" else 1.0)
    ranked = sorted(counts.values(), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0] == ranked[1]):
        return None  # no country dominates
    return max(counts, key=lambda c: counts[c])


class PlaceMaps:
    """Token -> country of the article's places, its demonyms, dateline and dominant country."""

    def __init__(
        self,
        places: dict[int, str],
        demonyms: dict[int, str],
        dateline: str | None,
        dominant: str | None,
    ) -> None:
        self.places = places
        self.demonyms = demonyms
        self.dateline = dateline
        self.dominant = dominant


def place_mentions(
    article: Article,
    doc: Doc,
    mentions: list[Mention],
    tok2mention: dict[int, int],
    loc2mention: dict[int, int],
) -> dict[int, int]:
    """The places stage's towns and regions that the actor stage did not name ("shelled
    villages in Harrowgate") as location mentions: appended to ``mentions`` (the index's own
    list); returns token -> mention. They only stand for the state where a force or measure is
    applied (the place-targeted recipient fallback), not for the actors found in them."""
    off = article.body_offset
    out: dict[int, int] = {}
    for p in article.places:
        if not p.country or p.via == "demonym" or p.feature not in ("city", "admin1"):
            continue
        base = off if p.field == "text" else 0
        span = doc.char_span(base + p.start, base + p.end, alignment_mode="expand")
        if span is None or any(t.i in tok2mention or t.i in loc2mention for t in span):
            continue
        ref = ActorRef(code=p.country, name=p.name, kind="location")
        mentions.append(Mention(p.text, p.start, p.end, ref, "place", field=p.field))
        for tok in span:
            out[tok.i] = len(mentions) - 1
    return out


def place_maps(
    article: Article, doc: Doc, mentions: list[Mention], loc2mention: dict[int, int]
) -> PlaceMaps:
    """Build the place look-ups of an article once (see :class:`PlaceMaps`)."""
    off = article.body_offset
    places: dict[int, str] = {}
    demonyms: dict[int, str] = {}
    # the places stage resolves the dateline the cleaner took off ("BEIRUT (Reuters) -")
    dateline: str | None = article.meta.get("dateline_country") or None
    lead = len(article.text) - len(article.text.lstrip())
    for p in article.places:
        if not p.country:
            continue
        base = off if p.field == "text" else 0
        span = doc.char_span(base + p.start, base + p.end, alignment_mode="expand")
        if span is None:
            continue
        target = demonyms if p.via == "demonym" else places
        for tok in span:
            target.setdefault(tok.i, p.country)
        if (
            p.via != "demonym"
            and p.field == "text"
            and p.start <= lead + 1
            and _DATELINE_TAIL.match(article.text[p.end : p.end + 40])
        ):
            dateline = p.country
    for i, m in loc2mention.items():
        ref = mentions[m].actor
        if ref is not None and ref.code:
            places.setdefault(i, ref.code)
    for mention in mentions:
        ref = mention.actor
        if (
            dateline is None
            and ref is not None
            and ref.code
            and len(ref.code) == 3
            and ref.kind in ("state", "location")
            and mention.field == "text"
            and mention.start <= lead + 1
            and _DATELINE_TAIL.match(article.text[mention.end : mention.end + 40])
        ):
            dateline = ref.code  # the actor stage's reading of "DROVNIK (Reuters) —"
    dominant = main_country(article.places)
    if dominant is None:
        counts = Counter(
            m.actor.code
            for m in mentions
            if m.actor is not None
            and m.actor.code
            and len(m.actor.code) == 3
            and m.actor.kind in ("state", "location")
        )
        top = counts.most_common(2)
        dominant = top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None
    return PlaceMaps(places, demonyms, dateline, dominant)


def _token_country(index: DocIndex, tok: Token, demonyms: bool, placed: bool = False) -> str | None:
    """The country a token names: a place, a state mention, (``demonyms``) an adjective or
    (``placed``: the token is the object of a place preposition) any coded mention, such as the
    actor stage's "villagers in Saltmarsh"."""
    maps = index.places
    if tok.i in maps.places:
        return maps.places[tok.i]
    if demonyms and tok.i in maps.demonyms:
        return maps.demonyms[tok.i]
    m = index.tok2mention.get(tok.i)
    if m is not None:
        ref = index.mentions[m].actor
        if (
            ref is not None
            and ref.code
            and len(ref.code) == 3
            and (ref.kind == "state" or (placed and ref.kind == "agent"))
        ):
            return ref.code
    return None


def _phrase_country(index: DocIndex, m: int) -> str | None:
    toks = [t for t, k in index.tok2mention.items() if k == m]
    if not toks:
        return None
    head = index.doc[toks[0]]
    while head.head.i in toks and head.head.i != head.i:
        head = head.head
    for child in head.children:
        if child.i in toks and child.dep_ not in ("poss", "amod", "compound", "nmod"):
            continue
        if child.dep_ in ("poss", "amod", "compound", "nmod"):
            for tok in child.subtree:
                found = _token_country(index, tok, demonyms=True)
                if found:
                    return found
        elif child.dep_ == "prep" and child.lower_ in _OWN_PREPS:
            for p in child.children:
                if p.dep_ == "pobj":
                    for tok in phrase(p, PHRASE_PREPS):
                        found = _token_country(index, tok, demonyms=False)
                        if found:
                            return found
    return None


def _conjunct_country(index: DocIndex, m: int) -> str | None:
    """The country of the coded mention an agent is coordinated with ("Israeli helicopters and
    tanks": the tanks are Israeli)."""
    toks = [t for t, k in index.tok2mention.items() if k == m]
    for i in toks:
        node = index.doc[i]
        while node.dep_ == "conj" and node.head.i != node.i:
            node = node.head
            other = index.tok2mention.get(node.i)
            ref = index.mentions[other].actor if other is not None else None
            if other != m and ref is not None and ref.code and len(ref.code) == 3:
                return ref.code
    return None


def event_place(index: DocIndex, trig: Trigger, attached: bool = False) -> str | None:
    """The country where a trigger's event happens: its clause's place, else (unless
    ``attached``) the one country of the sentence's places."""
    w = actor_words()
    anchor = trig.anchor
    heads = [anchor, trig.clause] + ([trig.light] if trig.light is not None else [])
    if anchor.dep_ == "pobj":
        heads.append(anchor.head.head)
    heads += [c for h in list(heads) for c in h.children if c.dep_ in ("dobj", "nsubjpass")]
    for head in heads:
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in w.event_place_preps:
                for p in c.children:
                    if p.dep_ != "pobj":
                        continue
                    for tok in phrase(p, PHRASE_PREPS):
                        if tok.dep_ == "poss" or tok.pos_ != "PROPN":
                            continue  # "outside Ostrana's embassy" is not in Ostrana
                        found = _token_country(index, tok, demonyms=False, placed=True)
                        if found:
                            return found
    if attached:
        return None
    sent = anchor.sent
    named = {index.places.places[t.i] for t in sent if t.i in index.places.places}
    if len(named) == 1:
        return next(iter(named))
    return None


def infer_country(index: DocIndex, trig: Trigger | None, m: int) -> tuple[str | None, str | None]:
    """(code, country_via) for mention ``m``: its own code, else a country from the context for
    a sector agent (see the module docstring), else (None, None)."""
    ref = index.mentions[m].actor
    if ref is None or ref.code or ref.kind != "agent" or not ref.sector:
        return (ref.code if ref is not None else None), None
    found = _phrase_country(index, m) or _conjunct_country(index, m)
    if found:
        return found, "phrase"
    if trig is not None:
        found = event_place(index, trig)
        if found:
            return found, "place"
    if index.places.dateline:
        return index.places.dateline, "dateline"
    if index.places.dominant:
        return index.places.dominant, "article"
    return None, None
