"""Relevance gating: the pre-scan on the fictional world, and gated docs equal ungated ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.actors import load_kb
from detente.config import DEFAULT_MODEL, Settings
from detente.gating import RelevanceScan, build_scan
from detente.geo.gazetteer import load_places
from detente.nlp import NLPStage, load_nlp, sentence_starts

FICTIONAL = Path(__file__).parent / "fictional"


@pytest.fixture(scope="module")
def scan() -> RelevanceScan:
    kb = load_kb((str(FICTIONAL / "world.yaml"),), layers="curated")
    places = [name for _, names, _ in load_places(FICTIONAL / "places.yaml") for name in names]
    return RelevanceScan([*kb.names, "velmoran"], places, ["said", "says", "warned", "he", "she"])


def _sent(text: str):  # a tagged, unparsed doc as one span, as the gate sees it
    nlp = load_nlp(DEFAULT_MODEL)
    doc = nlp(text, disable=["parser", "attribute_ruler", "lemmatizer", "ner"])
    return doc[:]


@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        ("the league of azure states met on monday.", True),  # a KB name, in any case
        ("velmoran troops crossed the river.", True),  # a demonym
        ("it was cold and wet all week.", False),
        ("the weather, it said, would improve.", True),  # a reporting verb form
        ("“we will stay,” one of them told us.", True),  # quotation marks
        ("the road to Puerto Azul was closed.", True),
    ],
)
def test_prescan_cues(scan: RelevanceScan, text: str, relevant: bool) -> None:
    assert scan(_sent(text)) is relevant


def test_cue_tokens_flag_exactly_the_single_token_cues(scan: RelevanceScan) -> None:
    # the gate answers a sentence with a flagged token without calling the scan: every flag
    # must be a token that makes any sentence holding it relevant, and only those
    doc = _sent("It rained; Ada said “no”: the league of azure states met. He left.").doc
    flags = scan.cue_tokens(doc)
    assert [t.text for t, f in zip(doc, flags, strict=True) if f] == [
        "Ada", "said", "“", "”", ":", "He",
    ]  # fmt: skip
    for tok, flag in zip(doc, flags, strict=True):
        if flag:
            assert scan(doc[tok.i : tok.i + 1])
    assert not scan(doc[0:3])  # "It rained;" has no cue at all
    assert scan.cue_tokens(doc[0:0].as_doc()) == []


def test_sentence_starts_need_a_capital_after_a_space() -> None:
    nlp = load_nlp(DEFAULT_MODEL)
    doc = nlp.make_doc(
        'It rained. "We stay," he said.\n\n10 a.m.\n\nSen. Ada Voss (Vt.) had left. End.'
    )
    starts = [doc[i].text for i in sentence_starts(doc)]
    assert starts == ["It", '"', "10", "End"]


TEXT = (
    "It was a quiet morning. The Amber Palace said on Monday that Velmora would talk to Ostrana. "
    'Nothing else happened at all. "We will not yield," the minister said in Port Azul.\n\n'
    "The rain went on. Protesters marched through Kellwick."
)


def test_gated_doc_matches_ungated_on_relevant_sentences() -> None:
    plain = NLPStage(DEFAULT_MODEL).parse([TEXT])[0]
    gate = NLPStage(DEFAULT_MODEL, relevance=lambda s: any(t.tag_ == "NNP" for t in s))
    gated = gate.parse([TEXT])[0]
    assert gated.text == plain.text == TEXT
    assert [t.idx for t in gated] == [t.idx for t in plain]
    for attr in ("tag_", "pos_", "lemma_", "ent_type_", "ent_iob_"):
        assert [getattr(t, attr) for t in gated] == [getattr(t, attr) for t in plain], attr
    assert [(e.start_char, e.end_char, e.label_) for e in gated.ents] == [
        (e.start_char, e.end_char, e.label_) for e in plain.ents
    ]
    plain_sents = {(s.start, s.end) for s in plain.sents}
    gated_sents = list(gated.sents)
    assert len(gated_sents) == len(plain_sents)
    parsed = [s for s in gated_sents if any(t.dep_ for t in s)]
    assert 0 < len(parsed) < len(gated_sents)  # some sentences were skipped
    by_span = {(s.start, s.end): s for s in plain.sents}
    for sent in parsed:
        ref = by_span[(sent.start, sent.end)]
        assert [(t.dep_, t.head.i) for t in sent] == [(t.dep_, t.head.i) for t in ref]
    skipped = [s for s in gated_sents if not any(t.dep_ for t in s)]
    assert all(t.head.i == t.i for s in skipped for t in s)
    assert gate.gate_counts["parsed"] == len(parsed)


def test_a_mostly_relevant_doc_is_parsed_whole_and_equal() -> None:
    plain = NLPStage(DEFAULT_MODEL).parse([TEXT])[0]
    gate = NLPStage(DEFAULT_MODEL, relevance=lambda s: True)
    gated = gate.parse([TEXT])[0]
    assert [
        (t.text, t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_iob_, t.ent_type_) for t in gated
    ] == [(t.text, t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_iob_, t.ent_type_) for t in plain]
    assert [(s.start, s.end) for s in gated.sents] == [(s.start, s.end) for s in plain.sents]
    assert gate.gate_counts["parsed_tokens"] == gate.gate_counts["tokens"] == len(plain)


def test_no_gating_setting_builds_an_ungated_stage() -> None:
    from detente.gating import GatedNLPStage

    assert GatedNLPStage.from_settings(Settings(gating=False)).relevance is None
    stage = GatedNLPStage.from_settings(Settings())
    assert stage.relevance is build_scan(Settings())
    assert stage.version.endswith("+gated")


def test_no_gating_flag_reaches_the_settings() -> None:
    import click

    from detente.cli import main
    from detente.cli.app import settings_from

    code = main.commands["code"]
    assert "gating" in {p.name for p in code.params}
    ctx = click.Context(main, obj={})
    assert settings_from(ctx, gating=False).gating is False
    assert settings_from(ctx).gating is True
    assert "gating" in {p.name for p in main.commands["eval"].params}
