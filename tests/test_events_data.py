"""The PLOVER ontology, the CAMEO crosswalk, the trigger lexicon and context keywords as data;
date resolution; the gold-set scorer."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from detente.errors import EventError
from detente.eval.events import country, gold_codes, read_gold, score_records
from detente.events.context import ContextMatcher, load_contexts
from detente.events.dates import resolve_expression
from detente.events.lexicon import load_trigger_lexicon, split_phrase
from detente.events.ontology import load_ontology
from detente.records import Entity, Event, Evidence, Span

PLOVER_TYPES = {
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
}


def test_ontology_has_the_16_types_and_37_contexts() -> None:
    onto = load_ontology()
    assert set(onto.events) == PLOVER_TYPES
    assert len(onto.contexts) == 37 and len(set(onto.contexts)) == 37
    assert {"negation", "hypothetical", "future"} <= set(onto.auxiliary_modes)


def test_quad_and_intensity() -> None:
    onto = load_ontology()
    assert onto.quad("CONSULT") == 1 and onto.quad("AID") == 2
    assert onto.quad("ACCUSE") == 3 and onto.quad("ASSAULT") == 4
    assert onto.intensity("CONSULT") == 2.5 and onto.intensity("CONSULT", "visit") == 4.0
    assert onto.intensity("ASSAULT", "unconventional") == -10.0
    assert onto.intensity("PROTEST", "riot") == -7.0


def test_legacy_labels_are_normalised() -> None:
    onto = load_ontology()
    assert onto.normalise("DEMAND") == ("REQUEST", "")
    assert onto.normalise("disapprove") == ("ACCUSE", "disapprove")
    assert onto.normalise("FIGHT") == ("ASSAULT", "")
    assert onto.normalise("AGREE") == ("AGREE", "")


def test_crosswalk_uses_only_v2_modes_and_contexts() -> None:
    onto = load_ontology()
    assert len(onto.crosswalk) >= 250
    for row in onto.crosswalk:
        onto.check(row.event, row.mode)
        assert set(row.context) <= set(onto.contexts), row
    assert onto.cameo_row("190") is not None and onto.cameo_row("190").event == "ASSAULT"
    assert onto.nearest_cameo("MOBILIZE", "troops") in {"152", "154"}
    assert onto.nearest_cameo("CONSULT") == "040"


def test_unknown_mode_is_an_error() -> None:
    with pytest.raises(EventError, match="E062"):
        load_ontology().check("ASSAULT", "tickling")


def test_lexicon_entries_are_valid_and_cover_every_type() -> None:
    lex = load_trigger_lexicon()
    assert len(lex) >= 100
    assert {e.event for e in lex.entries.values()} == PLOVER_TYPES
    assert any(p.entry.id == "mobilize.weapons" for p in lex.patterns_at("test"))


def test_split_phrase_matches_spacy_tokenisation() -> None:
    assert split_phrase("test-fire") == ("test", "-", "fire")
    assert split_phrase("Press Conference") == ("press", "conference")


def test_prepositions_stay_words_in_yaml() -> None:
    # YAML 1.1 reads `on` as True: the loader must keep it a preposition
    entry = load_trigger_lexicon().entries["sanction.n"]
    assert "on" in entry.preps


def test_user_lexicon_adds_and_replaces_entries(tmp_path) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text(
        "entries:\n"
        "- {id: mine.snub, event: REJECT, mode: meet, verbs: [stonewall], preps: [on]}\n"
        "contexts:\n  diplomatic: [snub]\n",
        encoding="utf-8",
    )
    lex = load_trigger_lexicon((str(user),))
    assert lex.entries["mine.snub"].preps == ("on",)
    assert [p.entry.id for p in lex.patterns_at("stonewall")] == ["mine.snub"]
    matcher = load_contexts((str(user),))
    assert matcher.rank([("diplomatic", "snub")])[0] == ("diplomatic",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("entries:\n- {id: x, event: DANCE, verbs: [dance]}\n", "E061"),
        ("entries:\n- {id: x, event: ASSAULT, mode: tickle, verbs: [tickle]}\n", "E062"),
        ("entries:\n- {id: x, event: ASSAULT, frame: sideways, verbs: [hit]}\n", "E065"),
        ("entries:\n- {id: x, event: ASSAULT, verbs: [hit], colour: red}\n", "E064"),
        ("entries:\n- {id: x, event: ASSAULT, verbs: [hit], context: [weather]}\n", "E066"),
    ],
)
def test_bad_user_lexicon_is_rejected_with_a_code(tmp_path, text: str, code: str) -> None:
    bad = tmp_path / f"bad-{code}.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(EventError, match=code):
        load_trigger_lexicon((str(bad),))


def test_missing_user_lexicon_is_an_error(tmp_path) -> None:
    with pytest.raises(EventError, match="E067"):
        load_trigger_lexicon((str(tmp_path / "nope.yaml"),))


def test_context_matcher_finds_multiword_keywords(nlp) -> None:
    doc = nlp("The missile defence system was discussed at the summit.")
    hits = load_contexts().find(doc)
    assert ("military", "missile defence") in hits
    contexts, keywords = ContextMatcher.rank(hits, first=("diplomatic",))
    assert contexts[0] == "diplomatic" and "military" in contexts
    assert "missile defence" in keywords


PUB = dt.date(2017, 11, 24)  # a Friday


@pytest.mark.parametrize(
    ("expression", "future", "expected"),
    [
        ("yesterday", False, "2017-11-23"),
        ("today", False, "2017-11-24"),
        ("tomorrow", False, "2017-11-25"),
        ("on Wednesday", False, "2017-11-22"),
        ("on Wednesday", True, "2017-11-29"),
        ("last Friday", False, "2017-11-17"),
        ("last week", False, "2017-11-17"),
        ("last month", False, "2017-10-24"),
        ("three days ago", False, "2017-11-21"),
        ("March 3", False, "2017-03-03"),
        ("December 5", False, "2016-12-05"),
        ("5 December 2017", False, "2017-12-05"),
    ],
)
def test_resolve_date_expressions(expression: str, future: bool, expected: str) -> None:
    assert resolve_expression(expression, PUB, future=future) == dt.date.fromisoformat(expected)


def test_vague_expression_does_not_move_the_date() -> None:
    assert resolve_expression("in recent years", PUB) is None


def _event(
    event: str, actors: list[str], recipients: list[str], aux: tuple[str, ...] = ()
) -> Event:
    span = Span("x", 0, 1)
    evidence = Evidence(
        sentence="x",
        sentence_span=span,
        trigger=(span,),
        actor_spans=(),
        recipient_spans=(),
        lexicon_entry="t",
        auxiliary_modes=aux,
    )
    return Event(
        id="e",
        date=None,
        event=event,
        mode="",
        context=(),
        actor=tuple(Entity(c, None, c) for c in actors),
        recipient=tuple(Entity(c, None, c) for c in recipients),
        quad_code=1,
        event_scale=0.0,
        event_text="x",
        text_info={},
        evidence=evidence,
    )


def test_gold_codes_are_normalised() -> None:
    assert country("JAP") == "JPN" and country("USAGOV") == "USA" and country(None) is None
    assert gold_codes([{"code": "ITL"}, {"code": "FRA"}]) == {"ITA", "FRA"}
    assert gold_codes("") == set() and gold_codes(None) == set()


def test_score_records_counts_types_and_triples() -> None:
    gold = [
        {
            "text": "a",
            "event": "DISAPPROVE",
            "source": [{"code": "FRA"}],
            "target": [{"code": "DEU"}],
        },
        {"text": "b", "event": "CONSULT", "source": [{"code": "JAP"}], "target": ""},
        {"text": "c", "event": "FIGHT", "source": [{"code": "RUS"}], "target": [{"code": "UKR"}]},
    ]
    predicted = [
        (_event("ACCUSE", ["FRA"], ["DEU"]),),  # type and triple right
        (_event("CONSULT", ["JPN"], []), _event("AID", ["JPN"], [])),  # one extra type
        (_event("ASSAULT", ["RUS"], ["UKR"], aux=("negation",)),),  # negated: not counted
    ]
    result = score_records(gold, predicted)
    assert result["n"] == 3
    assert (result["type"]["tp"], result["type"]["fp"], result["type"]["fn"]) == (2, 1, 1)
    assert (result["triple"]["tp"], result["triple"]["fp"], result["triple"]["fn"]) == (2, 1, 1)
    assert result["confusion"]["ASSAULT"] == {"(none)": 1}
    assert result["per_type"]["ACCUSE"]["f1"] == 1.0


def test_read_gold_rejects_bad_lines(tmp_path) -> None:
    from detente.errors import EvalError

    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"text": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(EvalError, match="E086"):
        read_gold(path)


def test_intent_rules_name_plover_types_modes_and_contexts() -> None:
    from detente.events.words import load_words

    words = load_words()
    onto = load_ontology()
    assert load_words() is words  # parsed once per process
    for event in words.intent_agree | words.place_targeted:
        onto.check(event)
    for event, mode in words.intent_threaten.items():
        onto.check(event)
        onto.check("THREATEN", mode)
    for event, mode in words.reject_modes.items():
        onto.check(event)
        onto.check("REJECT", mode)
    assert words.violent_contexts <= set(onto.contexts)
    # the YAML 1.2 loader keeps closed-class words such as "on" as words
    assert "on" in words.circumstance_preps and "'ll" in words.future_aux


def test_a_malformed_word_list_is_an_error_naming_the_file() -> None:
    from detente.events.words import _word_set

    with pytest.raises(EventError, match=r"words.yaml: `pronouns` must be a list of words"):
        _word_set({"pronouns": "he she"}, "pronouns", "words.yaml")
