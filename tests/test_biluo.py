"""The exact BILUO decoder: spaCy's validity rules, and spaCy's entities on real text."""

from __future__ import annotations

import pytest
import spacy
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.tokens import Doc, Span

from detente.biluo import FastBILUO
from detente.config import DEFAULT_MODEL
from detente.nlp import load_nlp

# A fictional recogniser's moves: one label, the label-less unit move spaCy's models carry,
# and "outside".
MOVES = [("B", "GUILD"), ("I", "GUILD"), ("L", "GUILD"), ("U", "GUILD"), ("U", ""), ("O", "")]


def _valid(decoder: FastBILUO, row: int) -> set[str]:
    masks = decoder._masks[row].tolist()
    return {f"{m}-{label}" for (m, label), ok in zip(MOVES, masks, strict=True) if ok}


def test_validity_masks_follow_spacys_rules() -> None:
    decoder = FastBILUO(None, MOVES)
    # no entity open, a next token that may continue one: begin, unit or outside
    assert _valid(decoder, 0) == {"B-GUILD", "U-GUILD", "O-"}
    # on a space token no entity starts
    assert _valid(decoder, 1) == {"O-"}
    # at the last token, or before a sentence start: only a one-token entity
    assert _valid(decoder, 2) == {"U-GUILD", "O-"}
    assert _valid(decoder, 3) == {"O-"}
    # an open entity must end at the last token or before a sentence start
    assert _valid(decoder, 4) == {"L-GUILD"}
    assert _valid(decoder, 5) == {"I-GUILD", "L-GUILD"}


def test_what_it_does_not_decode_is_left_to_spacy() -> None:
    nlp = spacy.blank("en")
    assert FastBILUO.compile(nlp.add_pipe("beam_ner")) is None  # a beam
    assert FastBILUO.compile(nlp.add_pipe("parser")) is None  # another transition system
    assert FastBILUO.compile(load_nlp(DEFAULT_MODEL).get_pipe("ner")) is not None


TEXTS = [
    "The Amber Guild of Port Azul met Ada Voss and Bren Kallo on Monday in Kellwick.",
    "Velmora said on 3 May that the Ostran Navy had left.\n\nNothing else.  Then Ada Voss spoke",
    "",
    "New York Mayor Eric Adams, 54, and the United Nations agreed on Tuesday.",
    "It rained. Kellwick",
]


def _before_ner(texts: list[str]) -> list[Doc]:
    nlp = load_nlp(DEFAULT_MODEL)
    return list(nlp.pipe(texts, disable=["ner"]))


def _entities(docs: list[Doc]) -> list[list[list[int]]]:
    return [doc.to_array([ENT_IOB, ENT_TYPE]).tolist() for doc in docs]


@pytest.mark.parametrize("batch_size", [1, 2, 32])
def test_entities_are_spacys(batch_size: int) -> None:
    ner = load_nlp(DEFAULT_MODEL).get_pipe("ner")
    decoder = FastBILUO.compile(ner)
    assert decoder is not None
    ours, theirs = _before_ner(TEXTS), _before_ner(TEXTS)
    assert list(decoder.pipe(ours, batch_size=batch_size)) == ours
    list(ner.pipe(theirs, batch_size=batch_size))
    assert _entities(ours) == _entities(theirs)
    assert [[(e.text, e.label_) for e in doc.ents] for doc in ours] == [
        [(e.text, e.label_) for e in doc.ents] for doc in theirs
    ]
    assert any(e.label_ == "PERSON" for e in ours[0].ents)  # the model did find entities


def test_a_document_with_preset_entities_is_left_to_spacy() -> None:
    ner = load_nlp(DEFAULT_MODEL).get_pipe("ner")
    decoder = FastBILUO.compile(ner)
    assert decoder is not None
    ours, theirs = _before_ner(TEXTS[:2]), _before_ner(TEXTS[:2])
    for doc in (ours[0], theirs[0]):  # a span fixed beforehand, as an entity ruler would
        doc.set_ents([Span(doc, 1, 4, label="ORG")], default="unmodified")
    list(decoder.pipe(ours))
    list(ner.pipe(theirs))
    assert _entities(ours) == _entities(theirs)
    assert (ours[0].ents[0].start, ours[0].ents[0].end) == (1, 4)
