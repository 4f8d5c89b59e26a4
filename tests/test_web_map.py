"""The dashboard's map (issue 15): ``/api/map``, the ``/map`` page and the event place filters.

In-process over the fictional-world database of ``test_web.py``: the Arnland accusation and the
Syldavian shelling happened in Arnland (the country), the Bordurian pact (and a negated threat)
in Tarsk.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from detente.web import maps

from .test_web import HTML, build_db, world_articles


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """An in-process client over the fictional world of ``test_web.py``."""
    from detente.web import create_app

    db = build_db(tmp_path_factory.mktemp("map") / "world.duckdb", world_articles())
    return TestClient(create_app(db), raise_server_exceptions=False)


def _points(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in body["points"]}


def test_api_map_counts_events_per_place_and_quad_class(client: TestClient) -> None:
    body = client.get("/api/map").json()
    points = _points(body)
    assert set(points) == {"Arnland", "Tarsk"}
    arnland = points["Arnland"]
    assert (arnland["country"], arnland["lat"], arnland["lon"]) == ("ARN", 48.0, 12.0)
    assert arnland["count"] == 2
    assert arnland["counts"] == {"1": 0, "2": 0, "3": 1, "4": 1}  # an accusation, a shelling
    assert points["Tarsk"]["count"] == 1  # the negated threat is not factual
    assert points["Tarsk"]["admin1"] == "BO-TK"
    assert body["points"][0]["name"] == "Arnland"  # the most eventful first
    assert (body["total"], body["unlocated"]) == (3, 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("all_events=true", {"Arnland": 2, "Tarsk": 2}),
        ("event=ACCUSE", {"Arnland": 1}),
        ("actor=BOR", {"Tarsk": 1}),
        ("start=2024-04-01&end=2024-04-30", {"Tarsk": 1}),
        ("country=BOR", {"Tarsk": 1}),
        ("event=AID", {}),
    ],
)
def test_api_map_takes_the_event_filters(
    client: TestClient, query: str, expected: dict[str, int]
) -> None:
    body = client.get(f"/api/map?{query}").json()
    assert {n: p["count"] for n, p in _points(body).items()} == expected


def test_events_filter_by_location_and_country(client: TestClient) -> None:
    found = client.get("/api/events", params={"location": "tarsk", "country": "bor"}).json()
    assert [e["event"] for e in found["items"]] == ["AGREE"]
    assert found["items"][0]["location"]["name"] == "Tarsk"
    arn = client.get("/api/events", params={"location": "Arnland"}).json()
    assert sorted(e["event"] for e in arn["items"]) == ["ACCUSE", "ASSAULT"]
    assert client.get("/api/events", params={"country": "ARNX"}).status_code == 422


def test_article_json_has_its_places(client: TestClient) -> None:
    stored = {a.id: a for a in world_articles()}["art-accuse"].to_dict()
    body = client.get("/api/articles/art-accuse").json()
    assert body["places"] == stored["places"]
    assert body["places"][0]["name"] == "Arnland"
    assert client.get("/api/articles/art-pact").json()["places"] == []


def _links(page: str) -> dict[str, str]:
    """data-name -> href of each point of the map."""
    found = re.findall(r'<a href="([^"]+)" class="map-point" data-name="([^"]+)"', page)
    return {unescape(name): unescape(href) for href, name in found}


def test_map_page_draws_the_points_offline_and_links_them_to_the_events(
    client: TestClient,
) -> None:
    resp = client.get("/map", headers=HTML)
    assert resp.status_code == 200
    page = resp.text
    assert 'class="world-map"' in page and 'href="/static/world.svg"' in page
    assert "http://" not in page.split("<main>")[1].split("</main>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # nothing from another server: no tiles, no CDN
    assert ' style="' not in page  # the CSP forbids inline styles
    links = _links(page)
    assert links == {
        "Arnland": "/events?location=Arnland&country=ARN",
        "Tarsk": "/events?location=Tarsk&country=BOR",
    }
    # the larger place has the larger circle, coloured by its quad class
    radius = dict(
        re.findall(
            r'data-name="(\w+)" data-count="\d+"><circle class="q\d" '
            r'cx="[^"]+" cy="[^"]+" r="([^"]+)"',
            page,
        )
    )
    assert float(radius["Arnland"]) > float(radius["Tarsk"])
    assert 'data-name="Tarsk" data-count="1"><circle class="q1"' in page
    # following a point gives the events of that place
    events = client.get(links["Tarsk"], headers=HTML).text
    assert events.count('class="event ') == 1 and 'data-event="AGREE"' in events
    assert "Events located at Tarsk (BOR)" in events


def test_map_page_keeps_its_filters_in_the_links(client: TestClient) -> None:
    page = client.get("/map?event=ACCUSE&all_events=true", headers=HTML).text
    assert _links(page) == {
        "Arnland": "/events?event=ACCUSE&all_events=true&location=Arnland&country=ARN"
    }
    empty = client.get("/map?event=AID", headers=HTML).text
    assert "No located event matches these filters." in empty and _links(empty) == {}


def test_the_world_outline_is_served_from_the_package(client: TestClient) -> None:
    resp = client.get("/static/world.svg")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("image/svg+xml")
    assert resp.text.count("<path ") > 150  # one per country of Natural Earth 1:110m
    assert 'viewBox="-180 -90 360 180"' in resp.text


def test_dominant_quad_and_radius() -> None:
    assert maps.dominant_quad({"1": 2, "4": 2}) == 4  # a tie goes to the more conflictual
    assert maps.dominant_quad({"2": 3, "3": 1}) == 2
    assert maps.dominant_quad({}) == 0
    assert maps.point_radius(1, 1) > maps.point_radius(1, 100)
    # the area, not the radius, is proportional to the count
    small, big = maps.point_radius(1, 4) - 1.3, maps.point_radius(4, 4) - 1.3
    assert big == pytest.approx(2 * small)
