"""Knowledge layers: a lower (Phoenix-like) layer below the curated one, in the fictional world."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from detente.actors import ActorStage, kb_stats, load_kb, lookup, resolve
from detente.actors.kb import Builder, KnowledgeBase
from detente.actors.loading import layer_tokens_of, overlay
from detente.cli import main
from detente.config import Settings, load_settings
from detente.errors import ActorError, ConfigError
from detente.read import make_article

from .fictional import WORLD

#: A lower layer that disagrees with the curated world on purpose.
LOWER = {
    "states": [
        {
            "code": "XVM",
            "name": "Velmora",
            "aliases": ["Velmorra"],
            "places": ["Port Azul", "Grenmoor Province"],
        }
    ],
    "organisations": [
        {"name": "Velmoran Coastal Watch", "code": "XVM", "sector": "MIL", "kind": "organisation"},
    ],
    "people": [
        # Known to the curated world as XVM's foreign minister: the curated offices must win.
        {
            "name": "Arvel Dunmore",
            "aliases": ["A. R. Dunmore"],
            "country": "XOS",
            "offices": [{"role": "other", "code": "XOS", "sector": "MIL", "start": "2010-01-01"}],
        },
        {
            "name": "Kestra Vollen",
            # A country frozen into a name: left out, the resolver composes it from curated parts.
            "aliases": ["Velmoran Envoy Vollen"],
            "country": "XVM",
            "offices": [
                {
                    "role": "other",
                    "code": "XVM",
                    "sector": "GOV",
                    "start": "2004-03-09",
                    "end": "2015-12-31",
                    "title": "XVMGOV >20040309",
                }
            ],
        },
        # A curated surname as a lower-layer name: ignored.
        {"name": "Varn", "country": "XCA"},
    ],
}


def _layered() -> KnowledgeBase:
    curated = Builder()
    curated.add_doc(yaml.safe_load(Path(WORLD).read_text("utf-8")), "world.yaml")
    kb = curated.build(("world.yaml",))
    lower = Builder(layer="phoenix")
    lower.add_doc(LOWER, "lower")
    low = lower.build(("lower",))
    low.layer_tokens = layer_tokens_of(low)
    overlay(kb, low)
    return kb


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return _layered()


def test_curated_names_win_and_lower_names_point_to_curated_entries(kb) -> None:
    # "Port Azul" stays the curated capital; "Velmorra" is a lower-layer alias of curated XVM.
    assert [h.layer for h in kb.hits("Port Azul")] == ["curated"]
    (velmorra,) = kb.hits("Velmorra")
    assert (velmorra.layer, velmorra.target) == ("phoenix", "state:XVM")
    assert kb.entries["state:XVM"].layer == "curated"
    assert kb.entries["place:grenmoor-province"].layer == "phoenix"
    # A known person keeps the curated offices; a lower-layer alias reaches the curated person.
    ref = resolve("A. R. Dunmore", "2013-06-01", kb=kb)
    assert ref is not None and (ref.code, ref.sector) == ("XVM", "GOV")
    # A curated surname is not taken over by a lower-layer name, nor a curated country frozen into
    # a lower-layer name.
    assert kb.hits("Varn") == []
    assert kb.hits("Velmoran Envoy Vollen") == []
    assert [h.layer for h in kb.hits("Kestra Vollen")] == ["phoenix"]


def test_lower_layer_terms_end_at_the_horizon(kb) -> None:
    during = resolve("Kestra Vollen", "2010-05-01", kb=kb)
    assert during is not None and (during.code, during.sector) == ("XVM", "GOV")
    after = resolve("Kestra Vollen", "2018-05-01", kb=kb)
    assert after is not None and (after.code, after.sector) == ("XVM", None)


def test_lookup_and_stats_name_the_layer(kb) -> None:
    (reading,) = lookup(kb, "Velmorra", "2018-01-01")
    assert reading["layer"] == "phoenix" and reading["actor"]["code"] == "XVM"
    assert lookup(kb, "Port Azul", "2018-01-01")[0]["layer"] == "curated"
    stats = kb_stats(kb)
    assert stats["layers"]["phoenix"]["people"] == 1  # Kestra Vollen (Dunmore is curated)
    assert stats["layers"]["phoenix"]["entries"] == {"organisation": 1, "place": 1}
    assert stats["layers"]["curated"]["entries"]["state"] == 3
    assert stats["total"]["people"] == len(kb.people)


def test_in_a_document_lower_names_match_and_the_phrase_decides(nlp, kb) -> None:
    stage = ActorStage(kb)
    text = (
        "The Velmoran Coastal Watch stopped a ship. League of Azure States envoy Kestra Vollen "
        "said Velmorra would talk."
    )
    art = make_article("<test>", text, published="2010-05-01")
    art = stage(art.with_(doc=nlp(art.doc_text)))
    by_text = {m.text: m for m in art.mentions}
    coastal = by_text["Velmoran Coastal Watch"].actor
    assert coastal is not None and (coastal.code, coastal.sector) == ("XVM", "MIL")
    assert by_text["Velmorra"].actor is not None and by_text["Velmorra"].actor.code == "XVM"
    # A lower-layer person named with an IGO is coded by the phrase, not by their own country.
    envoy = next(m for m in art.mentions if m.text.endswith("Kestra Vollen"))
    assert envoy.actor is not None and envoy.actor.code == "IGO"


def test_kb_setting_and_option_choose_the_layers() -> None:
    curated = load_kb((WORLD,), layers="curated")
    assert all(h.layer == "curated" for hits in curated.names.values() for h in hits)
    assert Settings().kb == "full"
    assert load_settings(None, kb="curated").kb == "curated"
    with pytest.raises(ConfigError, match="kb must be"):
        load_settings(None, kb="everything")
    with pytest.raises(ActorError, match="unknown knowledge base"):
        load_kb((), layers="everything")


def test_packaged_phoenix_layer_is_below_the_curated_one() -> None:
    full = load_kb()
    # A Phoenix spelling of a curated group: coded as the curated entry, from the phoenix layer.
    (reading, *_) = lookup(full, "Al-Shabab", "2012-01-01")
    assert reading["layer"] == "phoenix" and reading["actor"]["code"] == "SOM"
    assert lookup(full, "Kremlin", "2017-11-24")[0]["layer"] == "curated"
    assert lookup(load_kb(layers="curated"), "Al-Shabab", "2012-01-01") == []
    result = CliRunner().invoke(main, ["actors", "stats", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert set(counts["layers"]) == {"curated", "phoenix"}
    assert counts["layers"]["phoenix"]["people"] > 10_000
    curated_only = CliRunner().invoke(main, ["actors", "stats", "--json", "--kb", "curated"])
    assert set(json.loads(curated_only.output)["layers"]) == {"curated"}
    text = CliRunner().invoke(main, ["actors", "lookup", "Al-Shabab", "--date", "2012-01-01"])
    assert "(phoenix)" in text.output
