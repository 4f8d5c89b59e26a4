"""Places the actor knowledge base does not know, from the gazetteer (fictional world)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from detente.actors import ActorStage, load_kb
from detente.config import Settings
from detente.geo import Gazetteer
from detente.geo.gazetteer import load_places
from detente.geo.resolve import best_reading
from detente.read import make_article
from detente.records import Article, Mention

from .fictional import WORLD

PLACES = Path(__file__).parent / "fictional" / "places.yaml"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer([], {}, {}).extended(load_places(PLACES))


@pytest.fixture(scope="module")
def stage(gaz: Gazetteer) -> ActorStage:
    def places(name: str, context: Mapping[str, int]) -> tuple[str, str] | None:
        entry = best_reading(gaz, name, context)
        return None if entry is None else (entry.country, entry.name)

    return ActorStage(load_kb((WORLD,)), "2018-05-02", places=places)


def run(stage: ActorStage, nlp, text: str) -> Article:
    return stage(make_article("<test>", text, published="2018-05-02").with_(doc=nlp(text)))


def find(art: Article, text: str) -> Mention:
    found = [m for m in art.mentions if m.text == text]
    assert found, f"no mention {text!r} in {[(m.text, m.via) for m in art.mentions]}"
    return found[0]


def test_unknown_town_is_a_location_in_its_country(stage: ActorStage, nlp) -> None:
    art = run(stage, nlp, "Fighting broke out near Harrowgate on Sunday, witnesses said.")
    town = find(art, "Harrowgate")
    assert town.actor is not None
    assert (town.actor.code, town.actor.kind, town.via) == ("XOS", "location", "location")
    assert town.actor.kb_id == "geo:XOS:harrowgate"


def test_ambiguous_town_follows_the_article_countries(stage: ActorStage, nlp) -> None:
    alone = find(run(stage, nlp, "Floods were reported in Brennick on Sunday."), "Brennick")
    assert alone.actor is not None and alone.actor.code == "XVM"  # the larger town
    text = "Ostranan officials said floods were reported in Brennick on Sunday."
    in_ostrana = find(run(stage, nlp, text), "Brennick")
    assert in_ostrana.actor is not None and in_ostrana.actor.code == "XOS"


def test_agents_in_a_gazetteer_town_take_its_country(stage: ActorStage, nlp) -> None:
    art = run(stage, nlp, "Rebels in Brennick attacked a police post.")
    rebels = [m for m in art.mentions if m.text.startswith("Rebels")]
    assert rebels and rebels[0].actor is not None
    assert (rebels[0].actor.code, rebels[0].actor.sector) == ("XVM", "REB")


def test_place_mislabelled_as_a_facility_after_in(stage: ActorStage, nlp) -> None:
    text = "An attempt was thwarted in Brennick (Northern Vale), the police reported."
    town = find(run(stage, nlp, text), "Brennick")  # spaCy: FAC "Brennick (Northern Vale"
    assert town.actor is not None and (town.actor.code, town.via) == ("XVM", "location")
    art = run(stage, nlp, "Talks were held in Brennick Harbour Authority offices.")
    assert all(m.actor is None or m.actor.kind != "location" for m in art.mentions)


def test_known_names_keep_their_knowledge_base_reading(stage: ActorStage, nlp) -> None:
    text = "Floods were reported in Port Azul. Prime Minister Arvel Dunmore said help was sent."
    capital = find(run(stage, nlp, text), "Port Azul")
    # The Velmoran capital of world.yaml, not the Ostranan fishing town of the gazetteer.
    assert capital.actor is not None and capital.actor.kb_id == "place:port-azul"
    assert capital.actor.code == "XVM"
    text = "Prime Minister Arvel Dunmore arrived on Sunday. Crowds cheered Dunmore in the rain."
    person = find(run(stage, nlp, text), "Dunmore")  # the person met before, not the town
    assert person.actor is not None and person.actor.kind == "person"
    assert (person.actor.code, person.via) == ("XVM", "surname")


def test_curated_knowledge_base_turns_the_gazetteer_off(gaz: Gazetteer) -> None:
    def places(name: str, context: Mapping[str, int]) -> tuple[str, str] | None:
        raise AssertionError("the gazetteer is not asked with --kb curated")

    settings = Settings(actors_files=(WORLD,), kb="curated")
    assert ActorStage.from_settings(settings, places=places).places is None
    assert ActorStage.from_settings(settings.replace(kb="full"), places=places).places is places
