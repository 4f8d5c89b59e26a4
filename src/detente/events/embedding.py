"""Embedding: one event from a trigger and the triggers inside its complement.

"Ostrana threatened to attack Velmora" matches two triggers, THREATEN ("threatened") and
ASSAULT ("attack"), but states one event: THREATEN with mode violence. :func:`absorb` merges
the triggers of a sentence (after their arguments are found) in three passes:

1. a light verb that is itself a trigger gives way to the noun it carries ("held talks": the
   CONSULT of "talks", not the "hold"; but "hosted X for a meeting" is the hosting);
2. a nominal trigger governed by another trigger that does not embed it is that trigger's topic
   ("lifted the state of emergency", "criticised the talks") and no event of its own;
3. a trigger in the infinitive, object or that-clause of a host whose entry embeds its event
   type (:func:`embedding_host`) is absorbed: the host takes the embedded event's contexts and
   the mode its entry gives ("refused to meet" -> REJECT meet; "vowed to fight", an AGREE that
   embeds an attack, becomes THREATEN violence), and when it has no recipient, the embedded
   event's recipient (or actor, when it differs from the host's).
"""

from __future__ import annotations

from ..syntax import base_forms
from .triggers import Trigger
from .words import ACL_CONTROL_NOUNS, GENERIC_LIGHT, INTENT_THREATEN

__all__ = ["absorb", "embedding_host"]


def absorb(triggers: list[Trigger], anchors: dict[int, Trigger]) -> None:
    """Mark the triggers of one sentence that another trigger absorbs (``trig.absorbed``).

    Args:
        triggers: the sentence's triggers, their arguments already found.
        anchors: anchor token index -> trigger.
    """
    for trig in triggers:
        if (
            trig.pos == "noun"
            and trig.light is not None
            and trig.light.i in anchors
            and base_forms(trig.light) & (trig.entry.light | GENERIC_LIGHT)
            and (
                trig.anchor.dep_ in ("dobj", "nsubjpass")
                or not any(c.dep_ == "dobj" for c in trig.light.children)
            )
        ):
            # "engaged in ethnic cleansing", "held talks": the noun names the event and the
            # light verb only carries it (but "hosted X for a meeting" is the hosting)
            verb = anchors[trig.light.i]
            if verb is not trig and verb.entry.objects is None:
                verb.absorbed = True
    for trig in triggers:
        if trig.absorbed:
            continue
        if (
            trig.pos == "noun"
            and trig.light is not None
            and trig.light.i in anchors
            and anchors[trig.light.i] is not trig
            and not anchors[trig.light.i].absorbed
            and trig.event not in anchors[trig.light.i].entry.embed
        ):
            # "lifted the state of emergency", "criticised the talks": the noun is the
            # governing event's topic, not an event of its own
            trig.absorbed = True
            continue
        host = embedding_host(trig, anchors)
        if host is None or host is trig or trig.event not in host.entry.embed:
            continue
        trig.absorbed = True
        host.extra_context = tuple(dict.fromkeys(host.extra_context + trig.entry.context))
        if host.event == "AGREE" and trig.event in INTENT_THREATEN:
            host.event, host.mode = "THREATEN", INTENT_THREATEN[trig.event]  # "vowed to fight"
        elif not host.mode:
            host.mode = host.entry.embed[trig.event]
        if not host.recipient:
            if trig.recipient:
                host.recipient = [m for m in trig.recipient if m not in host.actor]
            elif trig.actor and set(trig.actor) != set(host.actor):
                host.recipient = [m for m in trig.actor if m not in host.actor]


def embedding_host(trig: Trigger, anchors: dict[int, Trigger]) -> Trigger | None:
    """The trigger whose infinitive / object / that-clause contains ``trig``, if any."""
    node = trig.anchor if trig.pos != "adj" else trig.clause
    if trig.pos == "noun" and trig.light is not None:
        node = trig.light if trig.light.i not in anchors else trig.anchor
    for _ in range(3):
        if node.head.i == node.i:
            return None
        if node.dep_ in ("xcomp", "ccomp", "dobj", "conj") or (
            node.dep_ == "acl" and node.head.lemma_.lower() in ACL_CONTROL_NOUNS
        ):
            parent = node.head
            host = anchors.get(parent.i)
            if host is not None and host is not trig:
                return host
            node = parent
            continue
        return None
    return None
