"""The compiled attribute ruler gives spaCy's matches and attributes, or leaves the work to it."""

from __future__ import annotations

import pytest
import spacy
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
from spacy.tokens import Doc

from detente.config import DEFAULT_MODEL
from detente.nlp import NLPStage
from detente.ruler import FastRuler

# A fictional tag set and fictional rules; every kind of test the compiler knows, and the
# overlaps where the order of the rules decides.
RULES = [
    {"patterns": [[{"TAG": "NAME"}]], "attrs": {"POS": "PROPN"}},
    {"patterns": [[{"TAG": "WORD"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": "WORD", "LOWER": "zorbs"}]], "attrs": {"MORPH": "Number=Plur"}},
    {"patterns": [[{"LOWER": {"IN": ["glim", "glam"]}, "DEP": "nsubj"}]],
     "attrs": {"POS": "PRON"}},
    {"patterns": [[{"TAG": {"NOT_IN": ["NAME", ""]}, "DEP": {"IN": ["aux"]}}]],
     "attrs": {"POS": "AUX"}},
    {"patterns": [[{"LOWER": {"REGEX": "^qu+x$"}}]], "attrs": {"LEMMA": "qux"}},
    {"patterns": [[{"LOWER": "wan"}, {"LOWER": {"REGEX": "^n'?a$"}}]], "attrs": {"LEMMA": "want"}},
    {"patterns": [[{"LOWER": "wan"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": 1},
    {"patterns": [[{"ORTH": "Zed"}], [{"LOWER": "zed"}]], "attrs": {"LEMMA": "zed"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"POS": "SPACE", "TAG": "_SP"}},
    {"patterns": [[{"TAG": "WORD", "IS_SPACE": False}, {"TAG": "NAME"}]], "attrs": {"POS": "ADJ"}},
]  # fmt: skip

# One fictional sentence: word, tag and dependency label of each token.
SENTENCE = [
    ("Zed", "NAME", "nsubj"), ("glim", "WORD", "nsubj"), ("will", "VERB", "aux"),
    ("quuux", "WORD", "dobj"), ("zorbs", "WORD", "dobj"), ("\n", "_SP", "dep"),
    ("wan", "WORD", "ROOT"), ("na", "WORD", "aux"), ("zed", "WORD", "npadvmod"),
    ("Ada", "NAME", "appos"), ("glam", "WORD", "nsubj"), ("wan", "WORD", "dep"),
]  # fmt: skip
WORDS, TAGS, DEPS = (list(column) for column in zip(*SENTENCE, strict=True))


def _world() -> tuple[spacy.language.Language, Doc, Doc]:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(RULES)

    def doc() -> Doc:
        return Doc(nlp.vocab, words=WORDS, tags=TAGS, deps=DEPS, heads=[2] * len(WORDS))

    return nlp, doc(), doc()


def _annotations(doc: Doc) -> list[list[int]]:
    return doc.to_array([TAG, POS, MORPH, LEMMA, DEP]).tolist()


def test_compiled_matches_and_attributes_are_spacys() -> None:
    nlp, ours, theirs = _world()
    ruler = nlp.get_pipe("attribute_ruler")
    fast = FastRuler.compile(ruler)
    assert fast is not None
    assert fast.matches(ours) == ruler.match(theirs)
    ruler(theirs)
    assert list(fast.pipe([ours])) == [ours]
    assert _annotations(ours) == _annotations(theirs)
    # the mechanisms the rules exercise, spelled out
    assert [t.pos_ for t in ours[:5]] == ["PROPN", "PRON", "AUX", "NOUN", "NOUN"]
    assert str(ours[4].morph) == "Number=Plur"  # a later rule wins over an earlier one
    assert ours[3].lemma_ == "qux" and ours[8].lemma_ == "zed"  # regex; two patterns, one key
    assert (ours[6].lemma_, ours[7].lemma_) == ("want", "to")  # two-token rules, index 1
    assert ours[5].pos_ == "SPACE"
    assert ours[8].pos_ == "ADJ"  # a two-token rule sets its first token
    assert ours[11].lemma_ != "want"  # a rule may not run off the end


def test_the_regex_answers_kept_are_bounded_and_matches_stay_the_same(monkeypatch) -> None:
    from detente import ruler as ruler_module

    monkeypatch.setattr(ruler_module, "REGEX_CACHE_SIZE", 2)
    nlp, ours, theirs = _world()
    ruler = nlp.get_pipe("attribute_ruler")
    fast = FastRuler.compile(ruler)
    assert fast is not None
    for _ in range(3):  # the sentence has more distinct strings than the cache holds
        assert fast.matches(ours) == ruler.match(theirs)
        assert 0 < len(fast._regex_cache) <= 2


def test_an_unparsed_token_has_no_label_to_match() -> None:
    nlp, ours, theirs = _world()
    for doc in (ours, theirs):  # as gating leaves the sentences it does not parse
        doc.from_array([DEP], doc.to_array([DEP]) * 0)
    ruler = nlp.get_pipe("attribute_ruler")
    fast = FastRuler.compile(ruler)
    assert fast is not None
    assert fast.matches(ours) == ruler.match(theirs)
    list(fast.pipe([ours]))
    ruler(theirs)
    assert _annotations(ours) == _annotations(theirs)
    assert (ours[1].pos_, ours[2].pos_) == ("NOUN", "")  # the rules that need a label


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LOWER": "glim", "OP": "?"}],  # quantifiers
        [{}],  # a wildcard token
        [{"_": {"mood": "grim"}}],  # extension attributes
        [{"LENGTH": {">=": 3}}],  # other attributes and comparisons
    ],
)
def test_patterns_it_does_not_compile_are_left_to_spacy(pattern: list[dict]) -> None:
    nlp, _, _ = _world()
    ruler = nlp.get_pipe("attribute_ruler")
    ruler.add([pattern], {"LEMMA": "other"})
    assert FastRuler.compile(ruler) is None


def test_patterns_added_after_compiling_are_used() -> None:
    nlp, ours, _ = _world()
    ruler = nlp.get_pipe("attribute_ruler")
    fast = FastRuler.compile(ruler)
    assert fast is not None
    ruler.add([[{"LOWER": "glam"}]], {"LEMMA": "glamour"})
    list(fast.pipe([ours]))
    assert ours[10].lemma_ == "glamour"
    ruler.add([[{"LOWER": "glim", "OP": "+"}]], {"LEMMA": "glimmer"})  # now uncompilable
    doc = Doc(nlp.vocab, words=WORDS, tags=TAGS, deps=DEPS, heads=[2] * len(WORDS))
    list(fast.pipe([doc]))  # handed to spaCy's ruler
    assert doc[1].lemma_ == "glimmer"


TEXT = (
    "I said we'd go, but he ain't gonna. They're sure it's something. \n"
    "Y'all know there is nothing here. The Amber Palace said on Monday that Velmora would talk."
)


@pytest.mark.parametrize("gated", [False, True])
def test_the_nlp_stage_gives_the_same_documents_with_or_without_equivalents(gated: bool) -> None:
    relevance = (lambda span: any(t.tag_ == "NNP" for t in span)) if gated else None
    fast = NLPStage(DEFAULT_MODEL, relevance=relevance)
    stock = NLPStage(DEFAULT_MODEL, relevance=relevance, compiled=False)
    assert set(fast.compiled) == {"attribute_ruler", "ner"} and not stock.compiled
    (a,), (b,) = fast.parse([TEXT]), stock.parse([TEXT])
    assert _annotations(a) == _annotations(b)
    assert [(e.start, e.end, e.label_) for e in a.ents] == [
        (e.start, e.end, e.label_) for e in b.ents
    ]
    assert {t.lemma_ for t in a} >= {"be", "not", "would", "to"}  # the ruler's rules ran
