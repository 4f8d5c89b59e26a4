"""Trigger matching: which lexicon entry fires on which words of a sentence.

For a sentence such as "Ostrana fired rockets at Saltmarsh":

1. :func:`match` drops stop phrases ("in order to"), then at each token looks up the lexicon
   patterns that start with its lemma or word form, keeps the longest ones whose lemma sequence
   matches and whose head has the pattern's part of speech (:func:`pos_ok`; headline verbs are
   often tagged as plural nouns, "Velmora confronts ...");
2. :func:`choose` groups the matches by their head ("fired") and picks one entry: the pattern
   whose part of speech agrees with the tagger, then an entry whose object constraint holds
   (:func:`object_lemmas`: "fired rockets at" -> {rocket, ...}: an attack, not a dismissal), then
   the entry whose frame the sentence shows (its prepositions, an infinitive for embedding
   verbs, its light verb for nouns);
3. the chosen entry becomes a :class:`Trigger` with its clause head and (for nouns) its light
   verb (:func:`detente.syntax.clause_of`). The argument, embedding and mode modules fill in the
   rest of the trigger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..syntax import base_forms, clause_of, conjuncts, span_root
from .lexicon import Lexicon, LexiconEntry, Pattern
from .words import GENERIC_LIGHT, LIGHT_PREPS

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

    from .index import DocIndex

__all__ = ["Match", "Trigger", "choose", "match", "object_lemmas", "pos_ok"]

#: A pattern and the tokens it matched.
Match = tuple[Pattern, list["Token"]]


@dataclass
class Trigger:
    """A lexicon match in a sentence and what the extractor learned about it."""

    entry: LexiconEntry
    tokens: list[Token]
    anchor: Token
    pos: str
    clause: Token  # the verb (or adjective) that heads the trigger's clause
    light: Token | None = None  # light verb of a nominal trigger
    actor: list[int] = field(default_factory=list)  # mention indices
    recipient: list[int] = field(default_factory=list)
    actor_via: str = ""
    mode: str = ""
    event: str = ""
    absorbed: bool = False
    reported_by: int | None = None
    aux: set[str] = field(default_factory=set)
    confidence: float = 0.9
    derived: str = ""  # "intent" for an event derived by PLOVER's intent rules
    extra_context: tuple[str, ...] = ()  # contexts of absorbed embedded events
    modals: set[str] = field(default_factory=set)  # modal auxiliaries of the clause chain


def match(lexicon: Lexicon, sent: SpacySpan, in_title: bool) -> list[Match]:
    """Every longest lexicon match in ``sent`` (several entries may match the same words)."""
    doc = sent.doc
    found: list[Match] = []
    used: set[int] = set()
    # The sentence's tokens and their word forms, read once for both passes below.
    toks_s = list(sent)
    lemmas = [t.lemma_.lower() for t in toks_s]
    lowers = [t.lower_ for t in toks_s]
    size, base = len(toks_s), sent.start
    for j, lemma in enumerate(lemmas):
        for seq in lexicon.stop.get(lemma, ()):
            n = len(seq)
            if j + n <= size:
                if all(s in (lemmas[j + k], lowers[j + k]) for k, s in enumerate(seq)):
                    used.update(range(base + j, base + j + n))
                continue
            # a stop sequence running past the sentence end is matched on the document
            window = doc[base + j : base + j + n]
            if len(window) == n and all(
                s in (t.lemma_.lower(), t.lower_) for s, t in zip(seq, window, strict=True)
            ):
                used.update(t.i for t in window)
    for j, tok in enumerate(toks_s):
        if base + j in used or tok.is_punct or tok.is_space:
            continue
        keys = dict.fromkeys((lemmas[j], lowers[j]))
        best: list[Match] = []
        best_len = 0
        for key in keys:
            for pat in lexicon.patterns_at(key):
                n = len(pat.lemmas)
                if n < best_len or j + n > size:
                    continue
                if not all(
                    lem in (lemmas[j + k], lowers[j + k]) for k, lem in enumerate(pat.lemmas)
                ):
                    continue
                toks = toks_s[j : j + n]
                anchor = span_root(toks)
                if not pos_ok(pat.pos, anchor, in_title):
                    continue
                if n > best_len:
                    best, best_len = [], n
                best.append((pat, toks))
        if best:
            found.extend(best)
            used.update(t.i for t in best[0][1])
    return found


def _tagged(anchor: Token, cands: list[Match], in_title: bool, index: DocIndex) -> str:
    """The pattern part of speech that agrees with the tagger."""
    tagged = (
        "noun"
        if anchor.pos_ in ("NOUN", "PROPN")
        else (
            "adj"
            if anchor.pos_ == "ADJ"
            else (
                "participle"
                if anchor.tag_ == "VBN" and any(c[0].pos == "participle" for c in cands)
                else "verb"
            )
        )
    )
    if (
        in_title
        and anchor.tag_ in ("NNS", "VBZ")
        and anchor.i - 1 in index.tok2mention
        and any(c[0].pos == "verb" for c in cands)
    ):
        tagged = "verb"  # "Israel strikes Hamas targets": a headline verb after its subject
    return tagged


def choose(cands: list[Match], in_title: bool, index: DocIndex) -> Trigger | None:
    """Pick the entry that fires among the matches sharing one head word, or None."""
    anchor = span_root(cands[0][1])
    # Prefer the pattern whose part of speech agrees with the tagger.
    tagged = _tagged(anchor, cands, in_title, index)
    cands = sorted(cands, key=lambda c: (c[0].pos != tagged,))
    pos = cands[0][0].pos
    cands = [c for c in cands if c[0].pos == pos]
    clause, light = clause_of(anchor, pos, GENERIC_LIGHT, LIGHT_PREPS)
    objects = object_lemmas(anchor if pos != "noun" else (light or anchor), pos)
    # Direct objects decide; prepositional ones ("fired on protesters", "withdrew from the
    # race") only when there is no direct object.
    direct_objs = object_lemmas(anchor, "direct") if pos != "noun" else objects
    prep_objs = objects - direct_objs
    # "" in an entry's objects means "used without a direct object" ("troops massed on ...")
    direct = anchor.dep_ in ("acl", "relcl") or any(
        c.dep_ in ("dobj", "nsubjpass", "attr", "ccomp")
        or (pos == "adj" and c.dep_ == "prep")  # "responsible for regulating trade"
        for c in anchor.children
    )
    general: list[Match] = []
    specific: list[Match] = []
    for pat, toks in cands:
        entry = pat.entry
        if direct_objs & entry.objects_not or (not direct_objs and prep_objs & entry.objects_not):
            continue
        if entry.objects is not None and pos != "noun":
            if (
                direct_objs & entry.objects
                or (not direct_objs and prep_objs & entry.objects)
                or ("" in entry.objects and not direct)
            ):
                specific.append((pat, toks))
            continue
        general.append((pat, toks))
    if len(specific) > 1:
        # "fired rockets at X" (an attack) vs "fired missiles over X" (a test)
        preps_here = {c.lower_ for c in anchor.children if c.dep_ == "prep"}
        specific.sort(key=lambda c: -len(preps_here & set(c[0].entry.preps)))
    if len(general) > 1:
        # several readings of one word ("call on X to", "call X"): prefer the entry whose
        # frame the sentence shows (its prepositions, an infinitive for embedding verbs)
        preps = {c.lower_ for c in anchor.children if c.dep_ in ("prep", "prt")}
        has_xcomp = any(c.dep_ in ("xcomp", "ccomp") for c in anchor.children)
        general.sort(
            key=lambda c: (
                -(
                    len(preps & set(c[0].entry.preps))
                    + 2 * (has_xcomp and bool(c[0].entry.embed))
                    # "staged a protest" (a demonstration) vs "lodged a protest" (a complaint)
                    + 3 * bool(light is not None and base_forms(light) & c[0].entry.light)
                )
            )
        )
    pick = specific[0] if specific else (general[0] if general else None)
    if pick is None:
        return None
    pat, toks = pick
    return Trigger(
        entry=pat.entry,
        tokens=toks,
        anchor=anchor,
        pos=pat.pos,
        clause=clause,
        light=light,
        mode=pat.entry.mode,
        event=pat.entry.event,
    )


def pos_ok(kind: str, tok: Token, in_title: bool) -> bool:
    """True when ``tok`` can be a pattern of part of speech ``kind`` ("verb", "adj",
    "participle", "noun")."""
    pos = tok.pos_
    if kind == "verb":
        if pos == "VERB" or (pos == "ADJ" and tok.tag_ == "VBN"):
            return True
        # headlines: present-tense verbs are often tagged as plural nouns ("Russia confronts")
        return (
            in_title
            and pos in ("NOUN", "PROPN")
            and tok.tag_ in ("NNS", "VBZ", "NNPS")
            and tok.dep_ in ("ROOT", "compound", "nmod")
        )
    if kind == "adj":
        return pos in ("ADJ", "VERB")
    if kind == "participle":
        return pos == "VERB" and tok.tag_ == "VBN"
    return pos in ("NOUN", "PROPN") or (
        pos == "VERB" and tok.tag_ == "VBG" and tok.dep_ in ("pobj", "dobj", "nsubj")
    )


def object_lemmas(head: Token, pos: str) -> frozenset[str]:
    """Lemmas (and modifier + lemma, "X of Y" forms) of what ``head`` acts on.

    ``pos`` "direct" limits them to direct objects; "noun" skips the modified noun and the
    infinitive subjects that a verb's object constraint also reads.
    """
    out: set[str] = set()
    # "the poll released Sunday", "the plan he released": the modified noun is the object
    if (
        pos != "noun"
        and head.dep_ in ("acl", "relcl")
        and head.head.pos_ in ("NOUN", "PROPN")
        and (head.dep_ == "acl" or not any(c.dep_ in ("dobj", "nsubjpass") for c in head.children))
    ):
        out.add(head.head.lemma_.lower())
    for c in head.children:
        if c.dep_ in ("ccomp", "xcomp") and pos != "noun":
            # "allowed inspectors to return": the infinitive's subject is the object
            for s in c.children:
                if s.dep_ == "nsubj":
                    out.add(s.lemma_.lower())
        if c.dep_ in ("dobj", "nsubjpass", "attr") or (
            c.dep_ == "prep"
            and pos in ("verb", "adj", "participle")
            and c.lower_ in ("on", "at", "of", "for", "from")
        ):
            targets = [c] if c.dep_ != "prep" else [p for p in c.children if p.dep_ == "pobj"]
            for t in targets:
                for node in conjuncts(t):
                    lem = node.lemma_.lower()
                    out.add(lem)
                    mods = [
                        m.lemma_.lower()
                        for m in node.children
                        if m.dep_ in ("compound", "amod") and m.i < node.i
                    ]
                    for of in node.children:  # "700 kg of medicine", "state of emergency"
                        if of.dep_ == "prep" and of.lower_ == "of":
                            for p in of.children:
                                if p.dep_ == "pobj":
                                    out.add(p.lemma_.lower())
                                    out.add(f"{lem} of {p.lemma_.lower()}")
                    if mods:
                        out.add(" ".join([*mods[-1:], lem]))
                        out.add(" ".join([*mods, lem]))
    return frozenset(out)
