"""Geolocation mechanisms in the fictional world (tests/fictional/places.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import ConfigError
from detente.eval.geo import haversine_km
from detente.geo import Gazetteer, main_country, normalise, resolve_places
from detente.geo.gazetteer import load_places
from detente.pipeline import Pipeline
from detente.read import make_article

from .fictional import fictional_settings

PLACES = Path(__file__).parent / "fictional" / "places.yaml"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer([], {}, {}).extended(load_places(PLACES))


@pytest.fixture(scope="module")
def coder(nlp):
    pipeline = Pipeline.from_settings(fictional_settings(), stages=("nlp", "actors"))

    def code(text: str, title: str | None = None):
        (art,) = list(pipeline.pipe([make_article("<t>", text, title=title)]))
        return art

    return code


def test_normalise_folds_case_accents_periods_and_the() -> None:
    assert normalise("The U.S.") == "us"
    assert normalise("São  Paulo") == "sao paulo"
    assert normalise("Port-Azul") == normalise("port azul")


def test_candidates_and_demonyms(gaz: Gazetteer) -> None:
    readings = {(c.country, c.feature) for c in gaz.candidates("port azul")}
    assert readings == {("XVM", "city"), ("XOS", "city")}
    assert gaz.candidates("Puerto Azul")[0].country == "XVM"
    demonym = gaz.demonym("Velmorans")
    assert demonym is not None and demonym.country == "XVM"
    assert gaz.demonym("Martian") is None


def test_places_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("places:\n  - {name: Nowhere, feature: city}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"E019.*bad\.yaml.*entry 1"):
        load_places(bad)
    odd = tmp_path / "odd.yaml"
    odd.write_text("places:\n  - {name: Nowhere, feature: moon, lat: 1, lon: 2}\n", "utf-8")
    with pytest.raises(ConfigError, match="feature 'moon'"):
        load_places(odd)


def test_population_decides_without_context(gaz: Gazetteer, coder) -> None:
    art = coder("Thousands gathered in Port Azul on Sunday.")
    (place,) = [p for p in resolve_places(art, gaz) if p.text == "Port Azul"]
    assert (place.country, place.feature, place.admin1) == ("XVM", "city", "XV-SM")
    assert place.field == "text" and art.text[place.start : place.end] == "Port Azul"


def test_city_region_pattern_restricts_the_reading(gaz: Gazetteer, coder) -> None:
    art = coder("Fishermen returned to Port Azul, Ostrana, after the storm.")
    places = {p.text: p for p in resolve_places(art, gaz)}
    assert places["Port Azul"].country == "XOS"
    assert places["Port Azul"].via == "pattern"


def test_demonym_links_to_its_country(gaz: Gazetteer, coder) -> None:
    art = coder("The Velmoran navy sailed at dawn.")
    demonyms = [p for p in resolve_places(art, gaz) if p.via == "demonym"]
    assert [(p.text, p.country, p.feature) for p in demonyms] == [("Velmoran", "XVM", "country")]


def test_main_country_counts_places_not_demonyms_alone(gaz: Gazetteer, coder) -> None:
    art = coder("Drovnik and Harrowgate were quiet; a Velmoran envoy arrived in Drovnik.")
    places = resolve_places(art, gaz)
    assert main_country(places) == "XOS"
    assert main_country(()) is None


def test_haversine_matches_a_known_distance() -> None:
    # Paris to London is about 344 km on the great circle.
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(344, abs=3)
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0
