"""Argument finding: who does a trigger's event to whom, from the dependency parse.

Arguments become entities only through coded actor mentions (:class:`DocIndex`); there is no
actor dictionary here. :func:`find_arguments` runs these steps on one trigger:

1. the frame of the trigger's part of speech: for a noun (:func:`_noun_frame`) its possessor or
   modifier ("Velmora's offer"), the subject of its light verb ("Velmora held talks with
   Ostrana": recipient through the entry's prepositions) or of the clause it is a circumstance
   of ("spoke at talks with X"); for a verb (:func:`_verb_frame`) the subject and object,
   passive voice (``nsubjpass`` is the recipient, the ``by`` agent the actor), control
   ("urged Velmora to withdraw"), prepositional recipients and their fallbacks (the objects of
   an object or of an infinitive, the subject of a that-clause or of an ``unless`` condition);
2. "talks between A and B" makes a compound actor of a symmetric event, a recipient otherwise;
3. a first-person subject inside a direct quote is the quoted speaker; for attributions ("X said
   Y was responsible") the blamed subject is the recipient and the actor is left to the reported
   speech step of :mod:`detente.events.modes`;
4. fallbacks by word order: a main verb the parser left without a subject takes the mention
   before it; headlines (terse, often mis-parsed) take the mentions before and after the trigger;
5. fallbacks for the recipient: the addressee of a clause told in a meeting ("in a phone call,
   X told Y"), a prepositional object where the event type takes one (``prep_recipients`` of
   ``actors.yaml``: "rallied outside Ostrana's embassy"), the target of a protest, the host of a
   visit, the place where a measure or force is applied ("lifted a curfew in Saltmarsh" ->
   Velmora);
6. the frame checks: an entry that needs a complement has it ("he vowed" alone is no event),
   actors are not their own recipients, and a bare noun ("the Ostranan threat") names a topic,
   not an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..syntax import (
    SUBJECT_DEPS,
    agent,
    base_forms,
    conditional,
    conjuncts,
    controller,
    governing_verb,
    is_adverbial,
    phrase,
    subject,
)
from .index import dedupe, same_entity
from .lexicon import DEFAULT_PREPS, LexiconEntry
from .structure import actor_words
from .triggers import Trigger
from .words import (
    ACL_CONTROL_NOUNS,
    ADVERBIAL_SUBORDINATORS,
    APPEAL_VERBS,
    CIRCUMSTANCE_PREPS,
    DUMMY_SUBJECTS,
    FIRST_PERSON,
    GENERIC_LIGHT,
    OBJECT_CONTROL,
    PHRASE_PREPS,
    PLACE_PREPS,
    PLACE_TARGETED,
    STATIVE_PASSIVES,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .index import DocIndex

__all__ = ["complement_subject", "find_arguments", "has_complement"]


@dataclass
class _Args:
    """The arguments found so far (mention indices) and how the actor was found."""

    actor: list[int] = field(default_factory=list)
    recipient: list[int] = field(default_factory=list)
    via: str = "subject"


def find_arguments(index: DocIndex, trig: Trigger, in_title: bool) -> None:
    """Fill ``trig.actor``, ``trig.recipient`` and ``trig.actor_via`` (may lower confidence)."""
    args = _noun_frame(index, trig) if trig.pos == "noun" else _verb_frame(index, trig)
    _between(index, trig, args)
    _quoted_speaker(index, trig, args)
    if trig.entry.frame == "attribution":
        _attribution(index, trig, args)
    _word_order(index, trig, args, in_title)
    _recipient_fallbacks(index, trig, args)
    _frame_checks(index, trig, args, in_title)
    trig.actor, trig.recipient, trig.actor_via = args.actor, args.recipient, args.via


def _is_light(light: Token | None, entry: LexiconEntry) -> bool:
    return light is not None and bool(base_forms(light) & (entry.light | GENERIC_LIGHT))


# ---------------------------------------------------------------------- step 1: the frame
def _noun_frame(index: DocIndex, trig: Trigger) -> _Args:
    """Actor and recipient of a nominal trigger ("Velmora's offer", "held talks with X")."""
    entry, anchor = trig.entry, trig.anchor
    args = _Args(actor=_noun_actor(index, anchor), via="modifier")
    light = trig.light
    if not _is_light(light, entry):
        light = None  # "pushing an offensive on fracking": not a light verb
    if not args.actor and light is not None:
        subj_tok, _ = subject(light)
        if subj_tok is not None:
            args.actor = index.entities(subj_tok)
            args.via = "light-verb subject"
    if (
        not args.actor
        and light is None
        and anchor.dep_ == "pobj"
        and anchor.head.lower_ in CIRCUMSTANCE_PREPS
        and anchor.head.head.pos_ in ("VERB", "AUX")
    ):
        # "remarks came at a joint press conference with X": the clause's subject
        verb = governing_verb(anchor)
        if verb is not None:
            subj_tok, subj_passive = subject(verb)
            # a passive subject suffered the event ("Americans killed in the attack")
            if subj_tok is not None and not subj_passive:
                args.actor = index.entities(subj_tok)
                args.via = "clause subject"
                trig.confidence -= 0.15
    recipient = index.prep_entities(anchor, entry.preps)
    if not recipient:
        # "a suspension of air links with Serbia"
        for prep in anchor.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        recipient += index.prep_entities(pobj, entry.preps)
    if not recipient and entry.frame == "complement":
        recipient = complement_subject(index, anchor)
        if not recipient and light is not None:
            recipient = complement_subject(index, light)
    if not recipient and light is not None:
        recipient = index.prep_entities(light, entry.preps)
        if not recipient and _is_light(light, entry):
            dative = [c for c in light.children if c.dep_ in ("dative", "iobj")]
            for c in dative:
                recipient += index.entities(c)
    args.recipient = recipient
    return args


def _verb_frame(index: DocIndex, trig: Trigger) -> _Args:
    """Actor and recipient of a verbal or adjectival trigger."""
    entry, anchor, head = trig.entry, trig.anchor, trig.clause
    args = _Args()
    subj_tok, passive = subject(head)
    if subj_tok is not None:
        args.actor = index.entities(subj_tok) if not passive else []
        if passive:
            by = agent(head)
            by_agent = index.entities(by) if by is not None else []
            patient = index.entities(subj_tok)
            if entry.adjectival or (
                by is None
                and (anchor.lemma_.lower() in STATIVE_PASSIVES or trig.event == "RETREAT")
            ):
                # "X was alarmed by Y" (X accuses Y), "X is opposed to Y",
                # "guerrillas have been demobilized" (they disarmed)
                args.actor, args.recipient = patient, by_agent
            else:
                args.actor, args.recipient = by_agent, patient
                args.via = "passive agent"
    elif not (head.tag_ == "VBN" and head.dep_ == "advcl"):
        # ("Asked about X, Clinton said ...": the main subject was asked, it did not ask)
        ctrl = controller(head, OBJECT_CONTROL, ACL_CONTROL_NOUNS, APPEAL_VERBS)
        if ctrl is not None:
            args.actor = index.entities(ctrl)
            args.via = "control"
    if not passive or subj_tok is None:
        obj_head = anchor if trig.pos == "verb" else head
        for child in obj_head.children:
            if child.dep_ in ("dobj", "dative", "attr", "oprd") and entry.frame != "intransitive":
                args.recipient += index.entities(child)
    args.recipient += index.prep_entities(anchor, entry.preps)
    if not args.recipient:
        args.recipient = _verb_recipient_fallbacks(index, trig)
    return args


def _verb_recipient_fallbacks(index: DocIndex, trig: Trigger) -> list[int]:
    """Recipients reached through an object, a that-clause, an infinitive or a condition."""
    entry, anchor, head = trig.entry, trig.anchor, trig.clause
    recipient: list[int] = []
    # "break off relations with Congo", "impose restrictions against X",
    # "granted 20 million euros in aid to Sudan"
    objs = [o for c in anchor.children if c.dep_ == "dobj" for o in conjuncts(c)]
    for obj in objs:
        if obj.dep_ in ("dobj", "conj"):
            recipient += index.prep_entities(obj, entry.preps)
            for prep in obj.children:
                if not recipient and prep.dep_ == "prep":
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            recipient += index.prep_entities(pobj, entry.preps)
    if not recipient and (entry.frame == "complement" or entry.embed):
        recipient = complement_subject(index, anchor)
        if not recipient and head.i != anchor.i:
            recipient = complement_subject(index, head)
    if not recipient and entry.embed:
        # "refused to respond to a demand from the US": the infinitive's objects
        for xc in anchor.children:
            if xc.dep_ == "xcomp" and xc.pos_ == "VERB":
                for c in xc.children:
                    if c.dep_ in ("dobj", "dative"):
                        recipient += index.entities(c)
                        recipient += index.prep_entities(c, DEFAULT_PREPS)
                recipient += index.prep_entities(xc, DEFAULT_PREPS)
    if not recipient and trig.event in ("THREATEN", "REQUEST"):
        # "threatened to strike unless Israel rescinded ...": the condition's subject
        for xc in [anchor, *[c for c in anchor.children if c.dep_ == "xcomp"]]:
            for adv in xc.children:
                if adv.dep_ == "advcl" and conditional(xc):
                    subj, _ = subject(adv)
                    if subj is not None:
                        recipient += index.entities(subj)
    return recipient


# ---------------------------------------------------------------------- steps 2-3
def _between(index: DocIndex, trig: Trigger, args: _Args) -> None:
    # "talks between A and B", "A and B met": a compound actor
    between = [c for c in trig.anchor.children if c.dep_ == "prep" and c.lower_ == "between"]
    if not between:
        return
    pair = index.pobj_entities(between[0])
    args.recipient = [m for m in args.recipient if m not in pair]
    if trig.entry.frame == "symmetric" and (not args.actor or set(args.actor) <= set(pair)):
        args.actor = dedupe(args.actor + pair)
    else:
        args.recipient = dedupe(args.recipient + pair)


def _quoted_speaker(index: DocIndex, trig: Trigger, args: _Args) -> None:
    # First-person pronouns inside a direct quote are the quoted speaker.
    if args.actor or trig.pos == "noun":
        return
    subj_tok, passive = subject(trig.clause)
    if (
        subj_tok is not None
        and not passive
        and subj_tok.lower_ in FIRST_PERSON
        and index.in_quote[subj_tok.i]
        and index.speaker is not None
    ):
        args.actor = [index.speaker]
        args.via = "quoted speaker"
        trig.confidence -= 0.1


def _attribution(index: DocIndex, trig: Trigger, args: _Args) -> None:
    # "X said Y was responsible": Y is the recipient; the speaker (found with the
    # reported speech) is the actor
    clause = trig.clause
    subj_tok, _ = subject(clause)
    if subj_tok is None and clause.dep_ in ("xcomp", "acomp", "attr"):
        subj_tok, _ = subject(clause.head)  # "Y was to blame"
    args.recipient = index.entities(subj_tok) if subj_tok is not None else []
    if trig.anchor.dep_ not in ("acomp", "attr", "xcomp", "oprd", "ROOT"):
        args.recipient = []  # "the group responsible for the attack" states no accusation
    args.actor = []
    args.via = "speaker"


# ---------------------------------------------------------------------- step 4: word order
def _word_order(index: DocIndex, trig: Trigger, args: _Args, in_title: bool) -> None:
    entry, anchor = trig.entry, trig.anchor
    if (
        not args.actor
        and not in_title
        and trig.pos == "verb"
        and anchor.dep_ == "ROOT"
        and not any(c.dep_ in (*SUBJECT_DEPS, "nsubjpass") for c in anchor.children)
        and entry.frame != "attribution"
    ):
        # a main verb the parser left without a subject: the actor just before it
        args.actor = index.nearest(anchor, -1, limit=6, commas=False)
        if args.actor:
            args.actor = index.left_list(args.actor)
            args.via = "word order"
            trig.confidence -= 0.2
    if in_title and entry.frame != "attribution":
        # Headlines are terse and often mis-parsed: fall back on word order.
        if not args.actor and (trig.pos != "noun" or anchor.dep_ == "ROOT"):
            args.actor = index.nearest(anchor, -1)
            args.via = "headline order"
            trig.confidence -= 0.15
        if not args.recipient and entry.frame != "intransitive":
            args.recipient = index.nearest(anchor, +1)
        if args.actor:
            args.actor = index.left_list(args.actor)  # "Pakistan, India agree to ..."


# ---------------------------------------------------------------------- step 5: recipients
def _recipient_fallbacks(index: DocIndex, trig: Trigger, args: _Args) -> None:
    if not args.recipient and trig.event == "CONSULT":
        args.recipient = _meeting_partner(index, trig, args.actor)
    if not args.recipient and trig.event in actor_words().prep_recipients:
        args.recipient = _prep_recipient(index, trig, args.actor)
    if not args.recipient and trig.event == "PROTEST":
        args.recipient = _protest_target(index, trig, args.actor)
    if not args.recipient and trig.mode == "visit":
        args.recipient = _visit_host(index, trig)
    if not args.recipient and trig.event in PLACE_TARGETED:
        # "lifted a curfew in Montenegro", "suspended aid deliveries in Baghdad": the place
        # where a measure or force is applied stands for its government
        args.recipient = _place(index, trig)
        if args.recipient:
            trig.confidence -= 0.1


def _meeting_partner(index: DocIndex, trig: Trigger, actor: list[int]) -> list[int]:
    """The addressee of a clause told in a meeting: "In a phone call, X told Y ..." (Y)."""
    anchor = trig.anchor
    if not (
        trig.pos == "noun"
        and anchor.dep_ == "pobj"
        and anchor.head.lower_ in actor_words().meeting_preps
        and anchor.head.head.pos_ == "VERB"
    ):
        return []
    verb = anchor.head.head
    # the addressee itself, not a mention inside an object phrase ("demanded the removal of X")
    heads = [c for c in verb.children if c.dep_ in ("dobj", "dative", "iobj")]
    heads += [
        p
        for c in verb.children
        if c.dep_ == "prep" and c.lower_ in ("with", "to")
        for p in c.children
        if p.dep_ == "pobj"
    ]
    found = [
        index.tok2mention[t.i] for h in heads for t in conjuncts(h) if t.i in index.tok2mention
    ]
    return [m for m in dedupe(found) if m not in actor]


def _prep_recipient(index: DocIndex, trig: Trigger, actor: list[int]) -> list[int]:
    """A recipient in a prepositional object where the event type takes one: "pulled troops
    back from near Velmora's border", "rallied outside Ostrana's embassy" (the object's coded
    actor or place, also through a chain of prepositions, "from near")."""
    preps = actor_words().prep_recipients.get(trig.event, frozenset())
    heads = [trig.anchor] + ([trig.light] if trig.light is not None else [])
    heads += [c for h in list(heads) for c in h.children if c.dep_ == "dobj"]
    for head in heads:
        for c in head.children:
            if c.dep_ != "prep" or c.lower_ not in preps:
                continue
            objs = [p for p in c.children if p.dep_ in ("pobj", "pcomp")]
            # "from near X's border": the object of the inner preposition
            objs += [p for inner in c.children if inner.dep_ == "prep" for p in inner.children]
            for p in objs:
                if p.dep_ not in ("pobj", "pcomp"):
                    continue
                for tok in phrase(p, PHRASE_PREPS):
                    m = index.tok2mention.get(tok.i, index.loc2mention.get(tok.i))
                    if m is not None and m not in actor:
                        return [m]
    return []


def _place(index: DocIndex, trig: Trigger) -> list[int]:
    """The coded place a measure or force is applied in ("a curfew in Saltmarsh")."""
    heads = [trig.anchor] + ([trig.light] if trig.light is not None else [])
    heads += [c for h in list(heads) for c in h.children if c.dep_ == "dobj"]
    for head in heads:
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in PLACE_PREPS:
                for p in c.children:
                    if p.dep_ != "pobj":
                        continue
                    for tok in phrase(p, PHRASE_PREPS):
                        m = index.tok2mention.get(tok.i, index.loc2mention.get(tok.i))
                        # a town the places stage found ("shelled villages in Harrowgate")
                        m = index.geo2mention.get(tok.i) if m is None else m
                        if m is not None and m not in trig.actor:
                            return [m]
    return []


def _protest_target(index: DocIndex, trig: Trigger, actor: list[int]) -> list[int]:
    """Whom a protest is against: "... to protest X's decision", "to demand reforms by X",
    "in protest of X"."""
    heads = [trig.anchor] + ([trig.light] if trig.light is not None else [])
    for head in heads:
        for c in head.children:
            purpose = c.dep_ in ("advcl", "xcomp") and any(
                a.dep_ == "aux" and a.lower_ == "to" for a in c.children
            )
            protest = (
                c.dep_ == "prep"
                and c.lower_ == "in"
                and any(p.lemma_.lower() in ("protest", "defiance") for p in c.children)
            )
            if not (purpose or protest):
                continue
            for tok in c.subtree:
                m = index.tok2mention.get(tok.i)
                if m is not None and m not in actor:
                    return [m]
    return []


def _visit_host(index: DocIndex, trig: Trigger) -> list[int]:
    """The place or actor visited: "visited Drovnik", "arrived in Port Azul"."""
    anchor = trig.anchor
    heads = (
        [anchor]
        + ([trig.light] if trig.light is not None else [])
        + ([anchor.head.head] if anchor.dep_ == "pobj" else [])
    )
    for head in heads:
        for c in head.children:
            targets = (
                [c]
                if c.dep_ == "dobj"
                else (
                    [p for p in c.children if p.dep_ == "pobj"]
                    if c.dep_ == "prep" and c.lower_ in ("to", "in", "at")
                    else []
                )
            )
            for t in targets:
                for tok in phrase(t, PHRASE_PREPS):
                    m = index.loc2mention.get(tok.i, index.tok2mention.get(tok.i))
                    if m is not None:
                        return [m]
    return []


# ---------------------------------------------------------------------- step 6: checks
def _frame_checks(index: DocIndex, trig: Trigger, args: _Args, in_title: bool) -> None:
    entry = trig.entry
    actor = args.actor
    if entry.needs_complement and not has_complement(trig.anchor, entry):
        actor = []  # "he vowed" alone, "calling it a mistake": not the entry's frame
    actor = dedupe(actor)
    recipient = [
        m
        for m in dedupe(args.recipient)
        if m not in actor
        and not any(same_entity(index.mentions[m], index.mentions[a]) for a in actor)
    ]
    if (
        trig.pos == "noun"
        and not _is_light(trig.light, entry)
        and not in_title
        and not recipient
        and len(actor) < 2
    ):
        # A bare noun ("the North Korean threat") names a topic more often than an event.
        actor = []
    args.actor, args.recipient = actor, recipient


# ---------------------------------------------------------------------- helpers
def _noun_actor(index: DocIndex, noun: Token) -> list[int]:
    found: list[int] = []
    for child in noun.children:
        if child.dep_ in ("poss", "amod", "compound", "nmod") and child.i not in {
            t.i for t in noun.subtree if t.dep_ == "prep"
        }:
            found += index.entities(child)
        elif child.dep_ == "prep" and child.lower_ == "by":
            found += index.pobj_entities(child)
    return found


def complement_subject(index: DocIndex, head: Token) -> list[int]:
    """The subject of a that-clause under ``head`` (breadth first, skipping when-clauses)."""
    queue = [
        c
        for c in head.children
        if c.dep_ in ("ccomp", "acl", "advcl", "prep")
        and not (c.dep_ == "advcl" and is_adverbial(c, ADVERBIAL_SUBORDINATORS))
    ]
    seen = 0
    while queue and seen < 40:
        node = queue.pop(0)
        seen += 1
        if node.dep_ == "prep":
            queue.extend(c for c in node.children if c.dep_ in ("pobj", "pcomp"))
            continue
        for c in node.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in DUMMY_SUBJECTS:
                found = index.entities(c)
                if found:
                    return found
        queue.extend(
            c
            for c in node.children
            if c.dep_ in ("ccomp", "xcomp", "conj", "pobj")
            or (c.dep_ == "advcl" and not is_adverbial(c, ADVERBIAL_SUBORDINATORS))
        )
    return []


def has_complement(anchor: Token, entry: LexiconEntry) -> bool:
    """True when the trigger has what its frame needs: an infinitive, a that-clause, an object
    or one of its prepositions."""
    preps: Sequence[str] = entry.preps
    for c in anchor.children:
        if c.dep_ in ("prep", "prt") and c.lower_ in preps:
            return True
        if entry.needs_complement == "prep":
            continue
        if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            return True
        if c.dep_ in ("ccomp", "dobj", "dative"):
            return True
    return False
