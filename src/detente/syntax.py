"""Dependency-tree helpers shared by the stages: subjects, agents, clauses, phrases.

These functions read a spaCy parse (English, ClearNLP labels) and know nothing about events,
quotes or actors; word lists they need (light verbs, control verbs, prepositions) are passed in by
the caller, which keeps its knowledge in its own data files. The module is a low layer: it imports
nothing from detente.

How the helpers fit, on "Velmora and Ostrana were urged by the League to hold talks":

1. :func:`span_root` finds the head of a matched token span ("hold talks" -> "hold");
2. :func:`clause_of` climbs from a trigger to the verb that heads its clause (for a noun such as
   "talks", the light verb "hold" that carries it);
3. :func:`subject` finds a verb's subject and voice ("urged" -> "Velmora", passive), following
   conjoined verbs, relative clauses and participles; :func:`agent` finds the ``by`` phrase
   ("League"); :func:`controller` finds who does an infinitive with no subject of its own
   ("to hold" is done by whoever was urged);
4. :func:`conjuncts` expands a head to its coordinated heads ("Velmora" -> Velmora, Ostrana) and
   :func:`phrase` lists the tokens of a noun phrase without its clauses;
5. :func:`speaker_subject` is the quotes stage's contract for the speaker of a reporting verb
   (its own subject, or one found through control or the governing verb).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = [
    "SUBJECT_DEPS",
    "agent",
    "base_forms",
    "clause_of",
    "conditional",
    "conjuncts",
    "controller",
    "governing_verb",
    "has_mark",
    "is_adverbial",
    "phrase",
    "span_root",
    "speaker_subject",
    "subject",
]

#: Dependency labels of an active subject (``expl``: "there is ..." is skipped by its word).
SUBJECT_DEPS = ("nsubj", "csubj", "expl")
#: Children that end a noun phrase: clauses, punctuation, most prepositions, appositions.
_PRUNE = frozenset(
    {
        "relcl",
        "acl",
        "advcl",
        "ccomp",
        "xcomp",
        "parataxis",
        "punct",
        "cc",
        "mark",
        "prep",
        "appos",
        "dep",
    }
)


def span_root(toks: Sequence[Token]) -> Token:
    """The syntactic head of a contiguous token span.

    Args:
        toks: tokens of one span, in order (e.g. the words of "hold talks").

    Returns:
        The first token whose head lies outside the span (or is itself), else the last token.
    """
    idx = {t.i for t in toks}
    for t in toks:
        if t.head.i not in idx or t.head.i == t.i:
            return t
    return toks[-1]


def governing_verb(tok: Token) -> Token | None:
    """The nearest verb or auxiliary above ``tok`` (at most six steps up), or None.

    The root is returned when it is a verb ("talks" in "Velmora held talks" -> "held").
    """
    node = tok
    for _ in range(6):
        if node.head.i == node.i:
            return node if node.pos_ in ("VERB", "AUX") else None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None


def base_forms(tok: Token) -> set[str]:
    """The lemma and plausible base forms of a token (the lemmatizer errs: "staged" -> "stag").

    Returns:
        Lower-case lemma, word form and the forms left by stripping -ed/-d/-es/-s/-ing (with a
        final "e" added back and a doubled consonant undone: "planned" -> "plan").
    """
    low = tok.lower_
    forms = {tok.lemma_.lower(), low}
    for suffix in ("ed", "d", "es", "s", "ing"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            stem = low[: -len(suffix)]
            forms.update((stem, stem + "e"))
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])  # "planned" -> "plan"
    return forms


def clause_of(
    anchor: Token,
    pos: str,
    light_verbs: frozenset[str],
    light_preps: frozenset[str] = frozenset({"on", "in", "into", "for"}),
) -> tuple[Token, Token | None]:
    """The clause head of a trigger word and, for nouns, the light verb that governs it.

    Args:
        anchor: the trigger's head token.
        pos: the trigger's part of speech as the lexicon sees it: "adj", "verb" (also
            "participle") or "noun".
        light_verbs: verbs that carry a nominal event through a preposition ("engaged in
            talks"), matched against :func:`base_forms`.
        light_preps: the prepositions of that construction.

    Returns:
        ``(clause, light)``: "Velmora is concerned that ..." -> ("is", None); "Ostrana held
        talks" -> ("held", "held"); a noun with no light verb -> (its governing verb, None).
    """
    if pos == "adj":
        # "Velmora is concerned that ...": the copula heads the clause
        if anchor.dep_ in ("acomp", "attr") and anchor.head.pos_ in ("AUX", "VERB"):
            return anchor.head, None
        return anchor, None
    if pos == "verb":
        if anchor.pos_ == "ADJ" and anchor.dep_ == "acomp" and anchor.head.pos_ in ("AUX", "VERB"):
            return anchor.head, None  # "Velmora is opposed to ..."
        return anchor, None
    node = anchor
    while node.dep_ == "conj" and node.head.pos_ in ("NOUN", "PROPN"):
        node = node.head
    if node.dep_ in ("dobj", "nsubjpass", "attr") and node.head.pos_ in ("VERB", "AUX"):
        return node.head, node.head
    if (
        node.dep_ == "pobj"
        and node.head.dep_ == "prep"
        and node.head.head.pos_ == "VERB"
        and node.head.lower_ in light_preps
    ):
        verb = node.head.head
        if base_forms(verb) & light_verbs:
            return verb, verb
    return governing_verb(anchor) or anchor, None


def subject(verb: Token) -> tuple[Token | None, bool]:
    """The subject of ``verb`` and whether the verb is passive.

    Follows conjoined verbs ("X attacked A and killed B": X killed), relative clauses (the
    modified noun), participles ("missiles fired by X": the noun is the passive theme), gerund
    clauses of an object ("issued a declaration demanding ...": the issuer) and noun phrases the
    parser made of a verb ("Pyongyang test-fired missiles").

    Returns:
        ``(token, passive)``, or ``(None, False)`` when no subject is found. An expletive
        "there" is no subject.
    """
    node = verb
    own_passive = any(c.dep_ == "auxpass" for c in verb.children)
    for _ in range(3):
        for c in node.children:
            if c.dep_ in SUBJECT_DEPS and c.lower_ not in ("there",):
                return c, False
            if c.dep_ in ("nsubjpass", "csubjpass"):
                # a conjoined active verb shares the subject, not the voice
                return c, (node.i == verb.i or own_passive)
        if node.dep_ == "conj" and node.head.pos_ in ("VERB", "AUX"):
            node = node.head  # "X attacked A and killed B": B's verb shares X
            continue
        if node.dep_ == "relcl" and node.head.pos_ in ("NOUN", "PROPN"):
            return node.head, False
        if node.dep_ == "acl" and node.head.pos_ in ("NOUN", "PROPN") and node.tag_ == "VBN":
            return node.head, True  # "missiles fired by X": head noun is the theme
        if node.dep_ == "acl" and node.tag_ == "VBG" and node.head.dep_ == "dobj":
            node = node.head.head  # "issued a declaration demanding ...": the issuer
            continue
        if node.dep_ == "amod" and node.head.pos_ in ("NOUN", "PROPN"):
            # "Pyongyang test-fired missiles" mis-parsed as a noun phrase
            for c in node.head.children:
                if c.dep_ in ("compound", "nmod", "poss") and c.i < node.i:
                    return c, False
            if node.head.dep_ == "dobj" and node.head.head.pos_ in ("NOUN", "PROPN"):
                return node.head.head, False  # "X troops test-fired missiles" parsed as nouns
        break
    return None, False


def agent(verb: Token) -> Token | None:
    """The object of a passive verb's ``by`` phrase ("was attacked by Ostrana" -> Ostrana)."""
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def controller(
    verb: Token,
    object_control: frozenset[str],
    control_nouns: frozenset[str],
    appeal_verbs: frozenset[str] = frozenset({"appeal", "plead"}),
) -> Token | None:
    """Who does an infinitive or complement with no subject of its own.

    "urged Velmora to withdraw" -> Velmora (object control); "Ostrana wants to talk" -> Ostrana
    (subject control); "called on Ostrana to release" -> Ostrana; "staged a protest to
    denounce X" -> whoever staged the protest.

    Args:
        verb: the subjectless verb.
        object_control: lemmas of verbs whose object (or ``on``/``to`` object) does the
            complement ("urge", "ask", "call").
        control_nouns: nouns whose infinitive is done by whoever made them ("protest", "bid").
        appeal_verbs: verbs that pass control through ``on``/``to`` only ("appealed to X to").

    Returns:
        The controlling token, or None (at most three clause levels are climbed).
    """
    node = verb
    if (
        node.dep_ == "acl"
        and node.head.dep_ == "dobj"
        and node.head.lemma_.lower() in control_nouns
        and any(a.dep_ == "aux" and a.lower_ == "to" for a in node.children)
    ):
        # "staged a protest to denounce X": whoever staged it denounces
        return subject(node.head.head)[0]
    for _ in range(3):
        if node.dep_ not in ("xcomp", "ccomp", "advcl", "pcomp", "acomp") or node.head.i == node.i:
            return None
        head = node.head
        if node.dep_ == "pcomp":
            head = head.head
        if head.lemma_.lower() in object_control or node.dep_ == "xcomp":
            for c in head.children:
                if c.dep_ in ("dobj",) and head.lemma_.lower() in object_control:
                    return c
            for c in head.children:
                # "called on Iran to release ...", "appealed to X to ..."
                if (
                    c.dep_ == "prep"
                    and c.lower_ in ("on", "upon", "to")
                    and (head.lemma_.lower() in object_control | appeal_verbs)
                ):
                    for p in c.children:
                        if p.dep_ == "pobj":
                            return p
        subj, _ = subject(head)
        if subj is not None:
            return subj
        node = head
    return None


def conjuncts(tok: Token) -> list[Token]:
    """``tok`` and the heads coordinated with it, depth first ("Velmora and Ostrana")."""
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj":
            out.extend(conjuncts(c))
    return out


def phrase(tok: Token, keep_preps: frozenset[str]) -> Iterator[Token]:
    """Tokens of the noun phrase headed by ``tok``, without clauses and most prepositions.

    Args:
        tok: the phrase head.
        keep_preps: prepositions kept inside the phrase ("officials in Drovnik" keeps "in").

    Yields:
        The head first, then its kept descendants. The head's own appositions are kept; its
        conjuncts are not (they are phrases of their own, see :func:`conjuncts`).
    """
    stack = [tok]
    while stack:
        node = stack.pop()
        yield node
        for c in node.children:
            if (
                c.dep_ in _PRUNE
                and not (c.dep_ == "prep" and c.lower_ in keep_preps)
                and not (c.dep_ == "appos" and node.i == tok.i)
            ):
                continue
            if c.dep_ == "conj" and node.i == tok.i:
                continue  # the head's conjuncts are arguments of their own (conjuncts)
            stack.append(c)


def conditional(clause: Token, marks: tuple[str, ...] = ("if", "unless")) -> bool:
    """True when ``clause`` has an adverbial clause opened by one of ``marks``.

    "Ostrana will withdraw unless Velmora pays" -> True for "withdraw".
    """
    for c in clause.children:
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in c.children):
            return True
    return False


def has_mark(clause: Token, marks: frozenset[str] | tuple[str, ...]) -> bool:
    """True when ``clause`` itself is introduced by one of ``marks`` ("if he attacked")."""
    return any(c.dep_ == "mark" and c.lower_ in marks for c in clause.children)


def is_adverbial(clause: Token, subordinators: frozenset[str]) -> bool:
    """True when ``clause`` is a circumstance ("when", "after", "because" ... as mark/advmod).

    Args:
        clause: the head of the clause.
        subordinators: the words that make it one.
    """
    return any(c.dep_ in ("mark", "advmod") and c.lower_ in subordinators for c in clause.children)


def speaker_subject(
    verb: Token,
    depth: int = 0,
    skip: frozenset[int] = frozenset(),
    *,
    relative_pronouns: frozenset[str],
) -> Token | None:
    """The speaker of a reporting verb: the quotes stage's subject contract.

    Unlike :func:`subject` (which reports voice and follows conjuncts and participles), this
    returns one token and, in order, tries:

    1. the verb's own ``nsubj`` not in ``skip``; a relative pronoun subject of a relative
       clause stands for the modified noun ("Dunmore, who said ..." -> Dunmore);
    2. object control: for an ``xcomp``/``ccomp``, a direct object of the head verb placed before
       the verb ("prompted Kasprak to defend ..." -> Kasprak);
    3. the governing verb's speaker, for ``advcl``/``xcomp``/``conj``/``pcomp`` clauses, at most
       two levels up (``depth`` counts them; callers pass 0);
    4. the ``by`` agent ("was told by Varn" -> Varn).

    Args:
        verb: the reporting verb.
        depth: recursion depth (0 for callers).
        skip: token indices that cannot be the speaker (quoted words: the parser sometimes makes
            a quoted subject the subject of the reporting verb too).
        relative_pronouns: lower-case relative pronouns ("who", "which", "that").

    Returns:
        The speaker token, or None.
    """
    for child in verb.children:
        # a dash the tokenizer left as a word ("public ― Trump boasted") is never the subject
        if child.dep_ == "nsubj" and child.i not in skip and any(c.isalnum() for c in child.text):
            if child.lower_ in relative_pronouns and verb.dep_ == "relcl":
                return verb.head
            return child
    if verb.dep_ in ("xcomp", "ccomp") and verb.head.i != verb.i:
        # object control: "prompted Kono to defend ..." - Kono defends
        obj = next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
        if obj is not None:
            return obj
    if depth < 2 and verb.dep_ in ("advcl", "xcomp", "conj", "pcomp") and verb.head.i != verb.i:
        return speaker_subject(verb.head, depth + 1, skip, relative_pronouns=relative_pronouns)
    # "was told by X", "said by X"
    for child in verb.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None
