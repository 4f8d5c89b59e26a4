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
4. ``article``: the article's dominant country, a strict winner
   (:func:`detente.countries.main_country` of its places, the rule the geo stage uses too,
   with ``decisive=True``; else the state most named by the actor stage).

Else the agent keeps ``code: null`` and its sector. Places are the places stage's
``article.places`` (demonyms only count in the phrase) and the actor stage's location mentions
("in Port Azul").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..syntax import phrase
from .structure import actor_words
from .words import PHRASE_PREPS

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .index import DocIndex
    from .triggers import Trigger

__all__ = ["event_place", "infer_country"]

_OWN_PREPS = ("in", "from", "of")


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
