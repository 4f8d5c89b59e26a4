"""Modes: is an event stated as fact, denied, planned, wished, or reported by someone?

:func:`mark_modes` reads, for one trigger (in ``trig.aux``, a set of "negation", "future",
"hypothetical"; ``trig.reported_by``, a mention):

1. the clause chain: the trigger's clause and the verbs above it through infinitives and
   conjoined verbs ("did not try to attack", "plans to meet");
2. the auxiliary modes of the chain: ``not``/``never`` (negation), ``will`` (future), modals and
   ``if``/``whether`` (hypothetical), heads such as "plan" (future), "want" (hypothetical),
   "fail" (negation); a question asserts nothing; a negated noun ("no talks") is negation;
3. reported speech: complement clauses are climbed up to a verb or noun of saying ("Velmora said
   that Ostrana attacked Calderra" -> reported_by Velmora); inside a direct quote the speaker is
   the one currently quoted;
4. an event with no actor of its own takes the speaker for a pronoun subject ("Velmora says it
   will not ..."), or the addressee for an obligation ("reminded Ostrana that it must ...").

:func:`derive` then applies PLOVER's intent rules (data/intent.yaml): the statement about a
future or wished-for event is itself an event: "Velmora will give Ostrana aid" is also Velmora
AGREE, "will attack" is THREATEN, "will not meet" is REJECT, "X said Y must leave" is X REQUEST Y.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..syntax import conditional, has_mark, subject
from .index import same_code
from .triggers import Trigger
from .words import (
    FIRST_PERSON,
    FUTURE_AUX,
    FUTURE_HEADS,
    HYPOTHETICAL_AUX,
    HYPOTHETICAL_HEADS,
    INTENT_AGREE,
    INTENT_THREATEN,
    NEGATING_HEADS,
    OBLIGATION_AUX,
    PRONOUNS,
    REJECT_MODES,
    SPEECH_NOUNS,
    SPEECH_VERBS,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .index import DocIndex
    from .lexicon import Lexicon

__all__ = ["addressee", "derive", "mark_modes"]


def mark_modes(index: DocIndex, trig: Trigger) -> None:
    """Set the auxiliary modes, the modals and the reporter of ``trig`` (steps 1-4)."""
    chain = _clause_chain(trig.clause)
    _auxiliary_modes(trig, chain)
    addressed = _reported_speech(index, trig)
    if trig.reported_by is None and index.in_quote[trig.anchor.i] and index.speaker is not None:
        trig.reported_by = index.speaker
    if trig.entry.frame == "attribution":
        if (
            trig.reported_by is not None
            and trig.recipient
            and trig.reported_by not in trig.recipient
        ):
            trig.actor = [trig.reported_by]
        return
    speaker = index.mentions[trig.reported_by].actor if trig.reported_by is not None else None
    if not trig.actor and trig.reported_by is not None and speaker is not None and speaker.code:
        # only a coded speaker stands for a pronoun: "they blew themselves up ..., police said"
        # is not the police
        _speaker_as_actor(trig, trig.reported_by, addressed)


def _clause_chain(clause: Token) -> list[Token]:
    """The clause and the verbs above it: climb infinitive chains ("did not try to attack")."""
    chain = [clause]
    node = clause
    for _ in range(6):
        if node.dep_ in ("xcomp", "acomp", "auxpass") or (
            node.dep_ == "conj" and node.head.pos_ in ("VERB", "AUX")
        ):
            node = node.head
        elif (
            node.dep_ == "pcomp"
            and node.head.dep_ == "prep"
            and node.head.head.pos_ == "VERB"
            and node.head.lower_ not in ("without",)
        ):
            node = node.head.head  # "aimed to focus upon resolving"
        else:
            break
        chain.append(node)
    return chain


def _auxiliary_modes(trig: Trigger, chain: list[Token]) -> None:
    anchor, clause, aux = trig.anchor, trig.clause, trig.aux
    sent = anchor.sent
    if sent[-1].text == "?" or (len(sent) > 1 and sent[-2].text == "?"):
        aux.add("hypothetical")  # a question asserts nothing
    for verb in chain:
        for c in verb.children:
            if c.dep_ == "neg":
                aux.add("negation")
            elif c.dep_ in ("aux", "auxpass"):
                low = c.lower_
                trig.modals.add(low)
                if low in FUTURE_AUX:
                    aux.add("future")
                elif low in HYPOTHETICAL_AUX:
                    aux.add("hypothetical")
            elif c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether"):
                aux.add("hypothetical")
        if verb.i != clause.i:
            lem = verb.lemma_.lower()
            if lem in FUTURE_HEADS:
                aux.add("future")
            elif lem in HYPOTHETICAL_HEADS:
                aux.add("hypothetical")
            elif lem in NEGATING_HEADS:
                aux.add("negation")
    if clause.dep_ == "advcl" and has_mark(clause, ("if", "unless")):
        aux.add("hypothetical")
    if clause.dep_ == "pcomp" and clause.head.lower_ == "without":
        aux.add("negation")
    if trig.pos == "noun":
        for c in anchor.children:
            if c.lower_ in ("no", "never") or c.dep_ == "neg":
                aux.add("negation")
        if anchor.dep_ == "conj":
            for c in anchor.head.children:
                if c.lower_ == "no" and c.dep_ == "det":
                    aux.add("negation")
        if trig.light is not None and trig.light.i != clause.i:
            for c in trig.light.children:
                if c.dep_ == "neg":
                    aux.add("negation")


def _reported_speech(index: DocIndex, trig: Trigger) -> list[int]:
    """Climb complement clauses up to a verb or noun of saying; set ``trig.reported_by``.

    Returns:
        The addressees of the statement ("told Ostrana that ...").
    """
    node = trig.clause
    hops = 0
    addressed: list[int] = []
    while node.dep_ in ("ccomp", "parataxis", "conj", "xcomp", "advcl", "acomp", "acl") and (
        hops < 5
    ):
        parent = node.head
        hops += 1
        if node.dep_ == "acl" and parent.lemma_.lower() in SPEECH_NOUNS:
            # "issued a reminder to Iraq that it must ...": the issuer speaks
            verb = parent.head if parent.dep_ in ("dobj", "nsubjpass") else None
            subj_tok = subject(verb)[0] if verb is not None else None
            if subj_tok is not None:
                found = index.entities(subj_tok)
                if found:
                    trig.reported_by = found[0]
                assert verb is not None  # a subject was found on it
                addressed = addressee(index, verb)
            break
        if node.dep_ == "acl":
            break
        if parent.lemma_.lower() in SPEECH_VERBS:
            subj_tok, _ = subject(parent)
            if subj_tok is not None:
                found = index.entities(subj_tok)
                if found:
                    trig.reported_by = found[0]
            addressed = addressee(index, parent)
            if parent.lemma_.lower() == "deny":
                trig.aux.add("negation")
            break
        node = parent
    return addressed


def _speaker_as_actor(trig: Trigger, speaker: int, addressed: list[int]) -> None:
    clause = trig.clause
    subj_tok, passive = subject(clause)
    if subj_tok is not None and not passive and subj_tok.lower_ in PRONOUNS:
        # "Syria says it will not ..." is the speaker; "reminded Iraq that it must ..."
        # the addressee
        third = subj_tok.lower_ not in FIRST_PERSON and bool(
            {c.lower_ for c in clause.children if c.dep_ == "aux"} & OBLIGATION_AUX
        )
        trig.actor = addressed[:1] if third and addressed else [speaker]
        trig.actor_via = "addressee" if third and addressed else "speaker"
        trig.confidence -= 0.1


def addressee(index: DocIndex, verb: Token) -> list[int]:
    """Who a statement is addressed to: "told Japan", "a reminder to Iraq"."""
    out: list[int] = []
    for c in verb.children:
        if c.dep_ in ("dobj", "dative", "iobj") and c.lemma_.lower() not in SPEECH_NOUNS:
            out += (
                index.entities(c)
                if c.dep_ != "dative" or not list(c.children)
                else index.pobj_entities(c)
            )
        elif c.dep_ == "prep" and c.lower_ == "to":
            out += index.pobj_entities(c)
    return out


def derive(index: DocIndex, trig: Trigger, lexicon: Lexicon) -> Trigger | None:
    """PLOVER's intent rules: the statement about a future or wished-for event is an event.

    "X will give Y aid" is also X AGREE (an announced intent); "X will attack Y" and "X will
    withdraw unless ..." are THREATEN; "X will not meet Y" is REJECT; "X said Y must leave"
    is X REQUEST Y.

    Returns:
        The derived trigger (``derived="intent"``), or None when no rule applies.
    """
    aux = trig.aux
    if not trig.actor or has_mark(trig.clause, ("if", "unless")):
        return None  # nothing is announced inside a condition ("if he attacked ...")
    speaker = trig.reported_by
    own = speaker is not None and any(
        same_code(index.mentions[a], index.mentions[speaker]) for a in trig.actor
    )
    modals = trig.modals
    future = "future" in aux or (own and bool(modals & {"would", "'d"}))
    event, mode = trig.event, ""
    actor, recipient = trig.actor, trig.recipient
    if "negation" in aux:
        if not (future or (own and "hypothetical" in aux)) or event not in REJECT_MODES:
            return None
        event, mode = "REJECT", REJECT_MODES[event]
    elif future and (
        conditional(trig.clause, ("unless",))
        or (event in INTENT_THREATEN and conditional(trig.clause))
    ):
        # "will withdraw unless ...": a conditional threat
        event, mode = "THREATEN", INTENT_THREATEN.get(event, "relations")
    elif future and event == "RETREAT":
        event = "CONCEDE"  # an announced retreat is a verbal concession (PLOVER v2)
    elif future and event in INTENT_AGREE:
        event = "AGREE"
    elif future and event in INTENT_THREATEN:
        event, mode = "THREATEN", INTENT_THREATEN[event]
    elif (
        speaker is not None
        and not own
        and (
            modals & OBLIGATION_AUX
            or (trig.clause.dep_ == "xcomp" and trig.clause.head.lemma_.lower() in ("need", "have"))
        )
    ):
        request = lexicon.entries.get("request.demand")
        event = "REQUEST"
        mode = request.embed.get(trig.event, "") if request else ""
        actor, recipient = [speaker], list(trig.actor)
    else:
        return None
    return Trigger(
        entry=trig.entry,
        tokens=trig.tokens,
        anchor=trig.anchor,
        pos=trig.pos,
        clause=trig.clause,
        light=trig.light,
        actor=list(actor),
        recipient=[m for m in recipient if m not in actor],
        actor_via=trig.actor_via,
        mode=mode,
        event=event,
        reported_by=trig.reported_by,
        confidence=trig.confidence - 0.1,
        derived="intent",
    )
