"""The learned event-type model: features, training determinism, loading, scoring, decisions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from detente.errors import EventError
from detente.events.typemodel import (
    DEFAULT_MODEL_DIR,
    NONE,
    EventTypeModel,
    Vectoriser,
    model_class,
    sentence_features,
)
from tests.fictional import WORLD, fictional_settings

FICT = Path(__file__).parent / "fictional"
GOLD = FICT / "events-gold.jsonl"
NEWS = FICT / "news"


def _doc(text: str):
    import detente

    return detente.code_text(text, settings=fictional_settings())


def test_features_hold_words_lemmas_arcs_rules_and_actor() -> None:
    art = _doc("Velmora accused Ostrana of smuggling weapons.")
    feats = sentence_features(art.doc, [("ACCUSE", True), ("CONCEDE", False)], has_actor=True)
    assert "w:accused" in feats
    assert "b:velmora_accused" in feats
    assert "l:accuse" in feats
    assert "root:accuse" in feats
    assert any(f.startswith("d:accuse>dobj>") for f in feats)
    assert "rule:ACCUSE" in feats
    assert "rule~:YIELD" in feats  # CONCEDE is the PLV root YIELD; not factual -> rule~
    assert "actor:yes" in feats
    assert "rule:none" not in feats


def test_features_without_rules_say_so() -> None:
    art = _doc("The rain fell on the hills.")
    feats = sentence_features(art.doc)
    assert "rule:none" in feats and "actor:no" in feats
    assert not any(f.startswith("rule:") and f != "rule:none" for f in feats)


def test_model_class_merges_concede_and_retreat() -> None:
    assert model_class("CONCEDE") == model_class("RETREAT") == "YIELD"
    assert model_class("ASSAULT") == "ASSAULT"


def test_vectoriser_is_sublinear_tfidf_l2() -> None:
    vec = Vectoriser.fit([["a", "a", "b"], ["a"], ["c"]], min_df=1)
    idx, val = vec.transform_one(["a", "a", "b", "zzz"])
    assert sorted(vec.vocabulary) == ["a", "b", "c"]
    assert pytest.approx(float(np.sqrt((val**2).sum()))) == 1.0
    a, b = (val[list(idx).index(vec.vocabulary[k])] for k in ("a", "b"))
    # tf(a) = 1 + ln 2, idf(a) = ln(4/3) + 1; tf(b) = 1, idf(b) = ln(4/2) + 1
    assert a / b == pytest.approx((1 + np.log(2)) * (np.log(4 / 3) + 1) / (np.log(2) + 1))
    assert vec.transform_one(["zzz"])[0].size == 0


def _model(**kw) -> EventTypeModel:
    vec = Vectoriser({"x": 0}, np.ones(1))
    base = dict(
        name="t",
        version="1",
        classes=("ACCUSE", "ASSAULT", NONE, "YIELD"),
        vectoriser=vec,
        coef=np.zeros((4, 1)),
        intercept=np.zeros(4),
        threshold=0.4,
        keep_rule_ratio=0.5,
    )
    base.update(kw)
    return EventTypeModel(**base)  # type: ignore[arg-type]


def test_decide_prefers_the_best_rule_candidate() -> None:
    m = _model()
    s = {"ACCUSE": 0.3, "ASSAULT": 0.5, NONE: 0.05, "YIELD": 0.15}
    assert m.decide(s, ["ACCUSE", "ASSAULT"], has_actor=True) == ("ASSAULT", "lexicon+model", 0.5)
    # ACCUSE alone: 0.3 >= 0.5 * 0.5, it keeps the type
    assert m.decide(s, ["ACCUSE"], has_actor=True)[:2] == ("ACCUSE", "lexicon+model")
    # RETREAT is read as YIELD: 0.15 < 0.25, the model's class wins
    assert m.decide(s, ["RETREAT"], has_actor=True)[:2] == ("ASSAULT", "model")


def test_decide_without_rules_needs_actor_threshold_and_not_none() -> None:
    m = _model()
    s = {"ACCUSE": 0.1, "ASSAULT": 0.6, NONE: 0.2, "YIELD": 0.1}
    assert m.decide(s, [], has_actor=True)[:2] == ("ASSAULT", "model")
    assert m.decide(s, [], has_actor=False)[0] is None
    low = {"ACCUSE": 0.3, "ASSAULT": 0.35, NONE: 0.2, "YIELD": 0.15}
    assert m.decide(low, [], has_actor=True)[0] is None  # below the threshold 0.4
    none_first = {"ACCUSE": 0.0, "ASSAULT": 0.45, NONE: 0.55, "YIELD": 0.0}
    assert m.decide(none_first, [], has_actor=True)[0] is None


def test_scores_are_a_distribution_and_temperature_flattens() -> None:
    m = _model(coef=np.array([[2.0], [0.0], [0.0], [0.0]]))
    s = m.scores_features(["x"])
    assert sum(s.values()) == pytest.approx(1.0) and max(s, key=s.get) == "ACCUSE"
    hot = _model(coef=m.coef, temperature=3.0).scores_features(["x"])
    assert hot["ACCUSE"] < s["ACCUSE"]


def test_load_rejects_a_folder_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(EventError, match=r"model\.json"):
        EventTypeModel.load(tmp_path)
    (tmp_path / "model.json").write_text("{}")
    (tmp_path / "weights.npz").write_bytes(b"not a zip")
    with pytest.raises(EventError, match="unreadable"):
        EventTypeModel.load(tmp_path)


@pytest.mark.slow
def test_training_is_reproducible_and_loads(tmp_path: Path) -> None:
    from detente.training.events import train_events

    outs = []
    for name in ("one", "two"):
        out = tmp_path / name
        train_events(
            [GOLD],
            out,
            negatives=NEWS,
            max_negatives=6,
            seed=7,
            k=3,
            date="2026-01-02",
            settings=fictional_settings(),
        )
        outs.append(out)
    files = sorted(p.name for p in outs[0].iterdir())
    assert files == ["MODEL_CARD.md", "model.json", "model_card.json", "weights.npz"]
    for name in files:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    card = json.loads((outs[0] / "model_card.json").read_text())
    assert card["data"][0]["sentences"] == 24 and card["data"][1]["sentences"] >= 3
    assert set(card["classes"]) == {"ACCUSE", "AGREE", "ASSAULT", NONE}
    model = EventTypeModel.load(outs[0])
    art = _doc("Ostranan artillery shelled the outskirts of Kellwick.")
    scores = model.scores(art.doc, [(e.event, e.factual) for e in art.events], has_actor=True)
    assert max(scores, key=scores.get) == "ASSAULT"


@pytest.mark.slow
def test_train_and_cv_commands(tmp_path: Path) -> None:
    from detente.cli import main

    runner = CliRunner()
    out = tmp_path / "m"
    config = tmp_path / "detente.toml"
    config.write_text(f"[detente]\nactors_files = [{json.dumps(WORLD)}]\n")
    res = runner.invoke(
        main,
        [
            "--config",
            str(config),
            "train",
            "events",
            "--gold",
            str(GOLD),
            "--out",
            str(out),
            "--folds",
            "3",
            "--date",
            "2026-01-02",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "accuracy" in res.output and (out / "model.json").is_file()
    res = runner.invoke(
        main,
        ["--config", str(config), "eval", "events", "--gold", str(GOLD), "--cv", "3", "--json"],
    )
    assert res.exit_code == 0, res.output
    got = json.loads(res.output)
    assert got["n"] == 24 and got["folds"] == 3
    assert {"accuracy", "macro_f1", "per_type", "no_event"} <= set(got)
    assert set(got["per_type"]) == {"ACCUSE", "AGREE", "ASSAULT"}
    assert got["accuracy"] >= 0.5  # three well-separated fictional types


def test_train_command_names_bad_gold(tmp_path: Path) -> None:
    from detente.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n')
    res = CliRunner().invoke(main, ["train", "events", "--gold", str(bad), "--out", str(tmp_path)])
    assert res.exit_code == 2 and "bad.jsonl:1" in res.output


def test_shipped_model_loads_and_types_a_fictional_attack() -> None:
    model = EventTypeModel.load(DEFAULT_MODEL_DIR)
    assert model.name == "detente-event-type" and "YIELD" in model.classes and NONE in model.classes
    assert 0.0 <= model.threshold < 1.0
    art = _doc("Velmoran troops shelled Ostranan border villages, killing four civilians.")
    scores = model.scores(art.doc, [(e.event, e.factual) for e in art.events], has_actor=True)
    assert model.top(scores)[0] == "ASSAULT"
    calm = _doc("The first heavy rains of the season fell on the northern hills.")
    calm_scores = model.scores(calm.doc)
    assert max(calm_scores, key=calm_scores.__getitem__) == NONE


def test_stage_prototype_types_rule_events_and_speaks_alone() -> None:
    from detente.events.model_stage import type_events, yield_type
    from detente.events.ontology import load_ontology

    model = EventTypeModel.load(DEFAULT_MODEL_DIR)
    art = _doc("Velmora accused Ostrana of smuggling weapons across the border.")
    assert art.events and all(not e.evidence.type_source for e in art.events)
    typed = type_events(art, art.events, model, load_ontology())
    assert len(typed) == len(art.events)
    for ev in typed:
        assert ev.evidence.type_source in {"lexicon+model", "model"}
        d = ev.to_dict()["evidence"]
        assert d["model"]["name"] == "detente-event-type"
        assert 0.0 <= d["model"]["probability"] <= 1.0
    # the rules' events alone carry no model keys
    assert "type_source" not in art.events[0].to_dict()["evidence"]
    calm = _doc("The first heavy rains of the season fell on the northern hills.")
    assert type_events(calm, calm.events, model, load_ontology()) == ()
    assert yield_type(_doc("Ostrana withdrew its troops from the pass.").doc) == "RETREAT"
    assert yield_type(_doc("Ostrana apologised to Velmora.").doc) == "CONCEDE"
