"""Generic syntax helpers on a spaCy parse: subjects, noun-phrase spans, trimmed ranges.

These know nothing of quotes or of the reporting lexicon; they are grouped here so that they can
move as one to the shared syntax layer (``detente/syntax.py``). The subject of a reporting verb
is found in these steps:

1. a nominal subject child of the verb that is not a quoted word (a relative pronoun stands
   for the noun its clause modifies);
2. for a complement verb, the object of the governing verb (object control);
3. for an adverbial, complement, conjoined or prepositional verb, the governing verb's subject
   (at most two steps up);
4. the object of a ``by`` agent (passives).

Example: in ``Varn urged Kasprak to deny the claim`` the subject of ``deny`` is ``Kasprak``
(step 2); in ``Varn arrived and said ...`` the subject of ``said`` is ``Varn`` (step 3).
:func:`np_span` then gives the compact token range of the speaker's noun phrase
(``Foreign Minister Ilse Varn of Velmora``), without relative clauses or appositions.
"""

from __future__ import annotations

from typing import Any

from ..syntax import speaker_subject

__all__ = [
    "REL_PRONOUNS",
    "cue_chars",
    "inverted_subject",
    "is_verb",
    "np_span",
    "particles",
    "strip_range",
    "subject",
    "word_count",
]

REL_PRONOUNS = frozenset({"who", "which", "that"})


def particles(tok: Any) -> frozenset[str]:
    """The particles of a verb (``point out``), and an object ``it`` (``as she put it``)."""
    return frozenset(
        c.lower_ for c in tok.children if c.dep_ == "prt" or (c.dep_ == "dobj" and c.lower_ == "it")
    )


def subject(verb: Any, depth: int = 0, skip: frozenset[int] = frozenset()) -> Any | None:
    """The speaker of a reporting verb: its subject, or its governing verb's subject.

    ``skip`` holds token indices that cannot be the speaker (quoted words: the parser sometimes
    makes a quoted subject the subject of the reporting verb too). The rule is the shared
    :func:`detente.syntax.speaker_subject`.
    """
    found = speaker_subject(verb, depth, skip, relative_pronouns=REL_PRONOUNS)
    if found is None and verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and depth < 2:
        # "Blige sings to Clinton before asking her": the verb the preposition hangs on speaks
        owner = verb.head.head
        if owner.i != verb.head.i and owner.pos_ in ("VERB", "AUX"):
            found = speaker_subject(owner, depth + 1, skip, relative_pronouns=REL_PRONOUNS)
    return found


def inverted_subject(verb: Any) -> Any | None:
    """``said Caddell``: the parser sometimes makes the post-verbal name an object."""
    for child in verb.children:
        if (
            child.i > verb.i
            and child.dep_ in ("dobj", "attr", "npadvmod", "appos", "oprd")
            and (child.pos_ in ("PROPN", "PRON") or child.ent_type_ in ("PERSON", "ORG"))
            # "asking her", "said Monday": an object pronoun or a date is never the speaker
            and "Acc" not in child.morph.get("Case")
            and child.ent_type_ not in ("DATE", "TIME")
        ):
            return child
    return None


def np_span(head: Any) -> tuple[int, int]:
    """A compact token range for a speaker noun phrase (no relative clauses, no appositions)."""
    doc = head.doc
    left = head.i
    for tok in head.lefts:
        if (
            tok.dep_
            in (
                "det",
                "amod",
                "compound",
                "poss",
                "nmod",
                "nummod",
                "case",
                "punct",
                "quantmod",
                "advmod",
            )
            and tok.left_edge.i >= head.i - 8
        ):
            left = min(left, tok.left_edge.i)
    right = head.i
    while right + 1 < len(doc) and (
        (doc[right + 1].head.i == head.i and doc[right + 1].dep_ in ("compound", "flat"))
        or (doc[right + 1].ent_iob_ == "I" and doc[right].ent_type_)
    ):
        right += 1
    for tok in head.rights:
        if tok.dep_ == "prep" and tok.lower_ in ("of", "for", "at", "from") and tok.i == right + 1:
            right = max(right, min(tok.right_edge.i, right + 6))
    while left < head.i and doc[left].is_punct:
        left += 1
    return left, right + 1


def strip_range(doc: Any, lo: int, hi: int, strip_mark: bool = True) -> tuple[int, int]:
    """Trim punctuation, spaces and a leading complementiser from a token range [lo, hi)."""
    while lo < hi and (
        doc[lo].is_space
        or (doc[lo].is_punct and doc[lo].text not in '“"')
        or (strip_mark and doc[lo].dep_ == "mark" and doc[lo].lower_ == "that")
    ):
        lo += 1
    while hi > lo and (
        doc[hi - 1].is_space or (doc[hi - 1].is_punct and doc[hi - 1].text not in '”"')
    ):
        hi -= 1
    return lo, hi


def word_count(doc: Any, lo: int, hi: int) -> int:
    return sum(1 for t in doc[lo:hi] if not t.is_punct and not t.is_space)


def is_verb(tok: Any) -> bool:
    return tok.pos_ == "VERB" or tok.tag_ in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB")


def cue_chars(verb: Any) -> tuple[int, int]:
    end = verb.idx + len(verb)
    for child in verb.children:
        if child.dep_ == "prt" and child.i == verb.i + 1:
            end = child.idx + len(child)
    return verb.idx, end
