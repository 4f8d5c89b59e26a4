"""Who may fill an event's roles: unnamed actors and self-directed recipients.

1. :func:`unknown_actor_ok` says when an event without an actor is still an event: an agentless
   passive ("five civilians were killed in a shelling") or an attack noun as subject ("an air
   strike hit a hospital") of an event type that allows it, with a recipient or a place, and no
   natural disaster in the sentence;
2. :func:`self_directed` says when a recipient is the actor itself: its own knowledge-base entry
   or the bare state of its own country ("Kono defended Japan's position": no JPN GOV -> JPN).

The word lists are those of ``data/actors.yaml`` (:func:`detente.events.structure.actor_words`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..records import Entity
from ..syntax import agent, subject
from .structure import actor_words

if TYPE_CHECKING:
    from .index import DocIndex
    from .triggers import Trigger

__all__ = ["self_directed", "unknown_actor_ok"]


# ---------------------------------------------------------------------- unnamed actors
def unknown_actor_ok(index: DocIndex, trig: Trigger, place: str | None) -> bool:
    """True when an event without an actor is kept with ``actor_unknown``.

    An agentless passive ("five civilians were killed in a shelling"), an attack noun as the
    subject ("an air strike hit a hospital") or an attack noun as the trigger, of an event type
    of ``unknown_actor_events``, with a recipient or a place (``place``: the event's country),
    in a sentence that names no natural disaster (``place`` is only a place attached to the
    trigger's clause). For a nominal trigger that is a subject, its verb's object becomes the
    recipient; a nominal trigger needs a recipient.
    """
    w = actor_words()
    if trig.derived or trig.event not in w.unknown_actor_events:
        return False
    sent = trig.anchor.sent
    if any(t.lemma_.lower() in w.disaster_words or t.lower_ in w.disaster_words for t in sent):
        return False
    anchor, clause = trig.anchor, trig.clause
    if trig.pos == "noun":
        if anchor.lemma_.lower() not in w.attack_nouns and anchor.lower_ not in w.attack_nouns:
            return False
        if any(
            index.entities(c)
            for c in anchor.children
            if c.dep_ in ("poss", "amod", "compound", "nmod")
        ):
            return False  # "US drone attacks": a named attacker the frame checks set aside
        if anchor.dep_ in ("nsubj", "nsubjpass") and not trig.recipient:
            trig.recipient = [
                m
                for c in anchor.head.children
                if c.dep_ in ("dobj", "nsubjpass")
                for m in index.entities(c)
            ]
        # the event itself, not a reference to it ("condemned the attack"): a subject, a
        # headline, or the circumstance of a verb ("were killed in an air strike")
        told = anchor.dep_ in ("nsubj", "nsubjpass", "ROOT") or (
            anchor.dep_ == "pobj"
            and anchor.head.lower_ in ("in", "during")
            and anchor.head.head.pos_ == "VERB"
        )
        if not told:
            return False
    else:
        subj, passive = subject(clause)
        if subj is None:
            return False
        if passive:
            if agent(clause) is not None:
                return False
        elif not (subj.lemma_.lower() in w.attack_nouns and index.tok2mention.get(subj.i) is None):
            return False
        return bool(trig.recipient)
    return bool(trig.recipient) or place is not None


# ---------------------------------------------------------------------- self-directed
def self_directed(recipient: Entity, actors: tuple[Entity, ...], event: str = "") -> bool:
    """True when ``recipient`` is the actor itself.

    That is: an actor's own KB entry (same sector); the bare state of the country of an actor
    that is the state, a person or one of its ``state_sectors`` ("Kono defended Japan's
    position": no JPN GOV -> JPN; a place at home, "visited Missouri", neither, except for the
    events of ``own_place_events``: "a curfew in Saltmarsh" still stands for its government);
    or an agent whose country was only inferred (``country_via``) as the actor's own, with the
    actor's sector or for a bare state ("the US would not meet hostage-takers' demands" gives
    no USA -> USA CRM). "The Saltmarsh Front (XVM REB) attacked Velmora" and
    "police (XVM COP) dispersed protesters (XVM OPP)" remain.
    """
    state_sectors = actor_words().state_sectors
    for a in actors:
        if not a.code:
            continue
        if a.kb_id and a.kb_id == recipient.kb_id and a.sector == recipient.sector:
            return True
        if recipient.code != a.code:
            continue
        stately = a.sector in state_sectors or (
            a.sector is None and a.kind in ("state", "person", None)
        )
        if recipient.sector is None and recipient.kind == "state" and stately:
            return True
        if (
            recipient.sector is None
            and recipient.kind == "location"
            and stately
            and event not in actor_words().own_place_events
        ):
            return True
        if recipient.country_via and (a.sector == recipient.sector or a.sector is None):
            return True
    return False
