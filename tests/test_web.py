"""The web dashboard and JSON API, tested in-process (FastAPI's TestClient).

The database is built once per session from three short articles set in a fictional world
(Arnland ARN, Borduria BOR, Syldavia SYL), written straight through the store's writer, so these
tests check the web layer and not the coding stages. One article is hostile: ``<script>`` in its
title, text and quote, and a ``javascript:`` URL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from detente.records import (
    ActorRef,
    Article,
    Credit,
    Entity,
    Event,
    EventLocation,
    Evidence,
    Mention,
    Place,
    Quote,
    Removed,
    Span,
    Speaker,
    content_hash,
)

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

# -- a fictional world -------------------------------------------------------------------------

ARN = ActorRef("ARN", None, "Arnland", "state", "state:arn")
BOR = ActorRef("BOR", None, "Borduria", "state", "state:bor")
SYL = ActorRef("SYL", None, "Syldavia", "state", "state:syl")
ORN = ActorRef("ARN", "GOV", "Vela Orn", "person", "person:vela-orn")

XSS = "<script>alert('x')</script>"


def _span(text: str, needle: str, after: int = 0, field: str = "text") -> Span:
    i = text.index(needle, after)
    return Span(needle, i, i + len(needle), field)  # type: ignore[arg-type]


def _entity(ref: ActorRef, text: str) -> Entity:
    return Entity(ref.code, ref.sector, text, ref.name, ref.kind, ref.kb_id)


def _event(
    text: str,
    eid: str,
    date: str,
    etype: str,
    quad: int,
    scale: float,
    actor: tuple[ActorRef, str],
    recipient: tuple[ActorRef, str],
    sentence: str,
    trigger: str,
    *,
    aux: tuple[str, ...] = (),
    context: tuple[str, ...] = (),
    location: EventLocation | None = None,
) -> Event:
    sent = _span(text, sentence)
    return Event(
        location=location,
        id=eid,
        date=date,
        event=etype,
        mode="",
        context=context,
        actor=(_entity(*actor),),
        recipient=(_entity(*recipient),),
        quad_code=quad,
        event_scale=scale,
        event_text=sentence,
        text_info={},
        evidence=Evidence(
            sentence=sentence,
            sentence_span=sent,
            trigger=(_span(text, trigger, sent.start),),
            actor_spans=(_span(text, actor[1], sent.start),),
            recipient_spans=(_span(text, recipient[1], sent.start),),
            lexicon_entry=f"{etype.lower()}.test",
            auxiliary_modes=aux,
            confidence=0.9,
        ),
    )


def _article(aid: str, title: str, text: str, date: str, source: str, **kw: Any) -> Article:
    return Article(
        id=aid,
        input=f"{aid}.txt",
        text=text,
        title=title,
        published=date,
        source=source,
        language="en",
        hash=content_hash(text),
        raw_text=text,
        **kw,
    )


#: Where the world's events happened: Arnland (the country) and Tarsk, a Bordurian city.
ARNLAND = EventLocation("Arnland", "ARN", 48.0, 12.0, via="article")
TARSK = EventLocation("Tarsk", "BOR", 44.5, 21.5, admin1="BO-TK", geonames_id=9100001)


def world_articles() -> list[Article]:
    """Three coded articles in the fictional world (offsets computed from the texts)."""
    t1 = (
        "Arnland accused Borduria of moving troops to the border on Monday. "
        "Foreign Minister Vela Orn said: \u201cBorduria is playing with fire.\u201d\n\n"
        "Borduria rejected the claims."
    )
    s1 = "Arnland accused Borduria of moving troops to the border on Monday."
    a1 = _article(
        "art-accuse",
        "Arnland accuses Borduria over border troops",
        t1,
        "2024-03-05",
        "Arnland Herald",
        credits=(Credit("photo", "A. Lens"),),
        removed=(Removed(200, 230, "donation appeal", "Support our journalism today."),),
        mentions=(
            Mention("Arnland", 0, 7, ARN, "exact"),
            Mention("Borduria", 16, 24, BOR, "exact"),
            Mention("Vela Orn", t1.index("Vela Orn"), t1.index("Vela Orn") + 8, ORN, "exact"),
        ),
        events=(
            _event(
                t1,
                "e1",
                "2024-03-04",
                "ACCUSE",
                3,
                -3.0,
                (ARN, "Arnland"),
                (BOR, "Borduria"),
                s1,
                "accused",
                context=("military",),
                location=ARNLAND,
            ),
        ),
        places=(
            Place("Arnland", 0, 7, "text", "Arnland", "country", "ARN", 48.0, 12.0, via="actor"),
        ),
        quotes=(
            Quote(
                "q1",
                "Borduria is playing with fire.",
                t1.index("Borduria is playing"),
                t1.index("Borduria is playing") + 30,
                "direct",
                _span(t1, "said"),
                Speaker(
                    "Vela Orn",
                    t1.index("Vela Orn"),
                    t1.index("Vela Orn") + 8,
                    "Vela Orn",
                    ORN,
                    via="name",
                ),
                # the API must give back every field of the record (issue 11: it had lost these)
                segments=(_span(t1, "Borduria is playing with fire."),),
                rule="tail",
            ),
        ),
    )
    t2 = (
        "Borduria and Arnland signed a trade pact in Tarsk on Tuesday. "
        "Borduria did not threaten Arnland with new tariffs."
    )
    s2a = "Borduria and Arnland signed a trade pact in Tarsk on Tuesday."
    s2b = "Borduria did not threaten Arnland with new tariffs."
    a2 = _article(
        "art-pact",
        "Borduria and Arnland sign a trade pact",
        t2,
        "2024-04-10",
        "Tarsk Times",
        events=(
            _event(
                t2,
                "e1",
                "2024-04-09",
                "AGREE",
                1,
                2.5,
                (BOR, "Borduria"),
                (ARN, "Arnland"),
                s2a,
                "signed",
                context=("economic",),
                location=TARSK,
            ),
            _event(
                t2,
                "e2",
                "2024-04-09",
                "THREATEN",
                3,
                -3.5,
                (BOR, "Borduria"),
                (ARN, "Arnland"),
                s2b,
                "threaten",
                aux=("negation",),
                location=TARSK,
            ),
        ),
    )
    t3 = (
        "Syldavia shelled Arnland positions, officials said. "
        f"A spokesman said 100% of the <b>shells</b> hit targets {XSS}"
    )
    s3 = "Syldavia shelled Arnland positions, officials said."
    a3 = _article(
        "art/xss?",
        f"Syldavia shells Arnland {XSS}",
        t3,
        "2024-05-01",
        "Syldavian Wire",
        url="javascript:alert('url')",
        events=(
            _event(
                t3,
                "e1",
                "2024-05-01",
                "ASSAULT",
                4,
                -9.0,
                (SYL, "Syldavia"),
                (ARN, "Arnland"),
                s3,
                "shelled",
                location=ARNLAND,
            ),
        ),
        quotes=(
            Quote(
                "q1",
                t3[t3.index("100%") :],
                t3.index("100%"),
                len(t3),
                "indirect",
                None,
                Speaker(
                    "A spokesman",
                    t3.index("A spokesman"),
                    t3.index("A spokesman") + 11,
                    "A spokesman",
                    None,
                    via="role",
                ),
            ),
        ),
    )
    return [a1, a2, a3]


def build_db(path: Path, articles: list[Article]) -> Path:
    """Write coded articles into a new database through the store's writer."""
    from detente.store.rows import Batch
    from detente.store.schema import open_db
    from detente.store.writer import Writer

    con = open_db(path)
    try:
        batch = Batch()
        for art in articles:
            batch.add(art, signature=False)
        Writer(con).write(batch)
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fictional-world database, built once per session."""
    return build_db(tmp_path_factory.mktemp("web") / "world.duckdb", world_articles())


@pytest.fixture(scope="session")
def client(world_db: Path) -> TestClient:
    """An in-process client of the app over the fictional-world database."""
    from detente.web import create_app

    return TestClient(create_app(world_db), raise_server_exceptions=False)


HTML = {"accept": "text/html"}

# -- the API -----------------------------------------------------------------------------------


def test_stats_counts_the_database(client: TestClient) -> None:
    resp = client.get("/api/stats")
    assert resp.status_code == 200
    body = resp.json()
    assert body["articles"] == 3
    assert body["events"] == 4
    assert body["factual_events"] == 3  # the negated THREATEN is left out
    assert body["by_type"] == {"ACCUSE": 1, "AGREE": 1, "ASSAULT": 1}
    assert body["quotes"] == 2
    assert body["sources"] == 3
    assert body["rejections"] == 0
    assert body["first_event_date"] == "2024-03-04"
    assert body["last_event_date"] == "2024-05-01"
    assert "last_run" not in body  # it names files on the server


def test_events_are_plover_records_with_article(client: TestClient) -> None:
    body = client.get("/api/events").json()
    assert body["total"] == 3
    assert [e["event"] for e in body["items"]] == ["ASSAULT", "AGREE", "ACCUSE"]
    accuse = body["items"][-1]
    assert accuse["actor"][0]["code"] == "ARN"
    assert accuse["recipient"][0]["code"] == "BOR"
    assert accuse["evidence"]["trigger"][0]["text"] == "accused"
    assert accuse["article"] == {
        "id": "art-accuse",
        "title": "Arnland accuses Borduria over border troops",
        "published": "2024-03-05",
        "source": "Arnland Herald",
        "url": None,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=ARN", ["ACCUSE"]),
        ("actor=arn", ["ACCUSE"]),
        ("recipient=ARN", ["ASSAULT", "AGREE"]),
        ("actor=BOR&recipient=ARN", ["AGREE"]),
        ("event=assault", ["ASSAULT"]),
        ("context=military", ["ACCUSE"]),
        ("start=2024-04-01", ["ASSAULT", "AGREE"]),
        ("end=2024-04-09", ["AGREE", "ACCUSE"]),
        ("start=2024-04-01&end=2024-04-30", ["AGREE"]),
        ("q=trade+pact", ["AGREE"]),
        ("q=%25", []),  # % is a literal character, not a LIKE wildcard
        ("article=art-pact", ["AGREE"]),
        ("article=art-pact&all_events=true", ["AGREE", "THREATEN"]),
        ("actor=&recipient=&q=", ["ASSAULT", "AGREE", "ACCUSE"]),  # empty form fields
    ],
)
def test_event_filters(client: TestClient, query: str, expected: list[str]) -> None:
    body = client.get(f"/api/events?{query}").json()
    assert [e["event"] for e in body["items"]] == expected
    assert body["total"] == len(expected)


def test_event_pagination(client: TestClient) -> None:
    first = client.get("/api/events?limit=2").json()
    second = client.get("/api/events?limit=2&offset=2").json()
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    ids = {e["key"] for e in first["items"]} | {e["key"] for e in second["items"]}
    assert len(ids) == 3


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=201", "offset=-1", "start=2024-13-01", "actor=R%20S", "q=" + "x" * 201],
)
def test_bad_parameters_are_problem_details(client: TestClient, query: str) -> None:
    resp = client.get(f"/api/events?{query}")
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == 422 and body["title"] == "Invalid request"
    assert body["errors"] and "input" not in body["errors"][0]


def test_dyad_both_directions(client: TestClient) -> None:
    body = client.get("/api/dyads/ARN/BOR").json()
    assert body["total"] == 2
    assert body["from_actor"] == 1 and body["from_recipient"] == 1
    assert body["period"] == "week"
    series = body["series"]
    assert series[0]["start"] == "2024-03-04" and series[-1]["start"] == "2024-04-08"
    assert sum(p["counts"]["3"] for p in series) == 1  # ACCUSE: verbal conflict
    assert sum(p["counts"]["1"] for p in series) == 1  # AGREE: verbal cooperation
    assert all(p["events"] == 0 for p in series[1:-1])  # empty weeks are kept
    assert series[0]["mean_intensity"] == -3.0
    assert {t["event"]: t["count"] for t in body["event_types"]} == {"ACCUSE": 1, "AGREE": 1}


def test_dyad_directed_and_period(client: TestClient) -> None:
    body = client.get("/api/dyads/arn/bor?directed=true&period=month").json()
    assert body["actor"] == "ARN" and body["total"] == 1
    assert [e["event"] for e in body["items"]] == ["ACCUSE"]
    assert [p["period"] for p in body["series"]] == ["2024-03"]
    assert client.get("/api/dyads/BOR/ARN?directed=true&all_events=true").json()["total"] == 2
    assert client.get("/api/dyads/ARN/BOR?period=decade").status_code == 422


def test_actor(client: TestClient) -> None:
    body = client.get("/api/actors/ARN").json()
    assert body["name"] == "Arnland"
    assert body["events_as_actor"] == 1 and body["events_as_recipient"] == 2
    assert {p["code"]: p["events"] for p in body["partners"]} == {"BOR": 2, "SYL": 1}
    assert [q["speaker"]["name"] for q in body["quotes"]] == ["Vela Orn"]


def test_unknown_actor_and_article_are_404(client: TestClient) -> None:
    for path in ("/api/actors/ZZZ", "/api/articles/nope"):
        resp = client.get(path)
        assert resp.status_code == 404
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert resp.json()["instance"] == path


def test_article_is_the_output_contract(client: TestClient) -> None:
    body = client.get("/api/articles/art-accuse").json()
    assert set(body) >= {"article", "mentions", "events", "quotes"}
    assert body["article"]["credits"] == [{"kind": "photo", "name": "A. Lens"}]
    assert body["article"]["removed"][0]["reason"] == "donation appeal"
    assert [m["actor"]["code"] for m in body["mentions"]] == ["ARN", "BOR", "ARN"]
    assert body["quotes"][0]["speaker"]["name"] == "Vela Orn"
    assert body["quotes"][0]["cue"]["text"] == "said"
    # the article's events include non-factual ones, as detente code prints them
    pact = client.get("/api/articles/art-pact").json()
    assert [e["event"] for e in pact["events"]] == ["AGREE", "THREATEN"]
    assert pact["events"][1]["factual"] is False


def _walk_keys(value: Any) -> set[str]:
    """Every key of every object in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _walk_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _walk_keys(v)}
    return set()


def test_article_json_is_the_records_to_dict_without_input(client: TestClient) -> None:
    # One read model: the API gives back what the records' to_dict() gave the store.
    stored = {a.id: a for a in world_articles()}["art-accuse"].to_dict()
    body = client.get("/api/articles/art-accuse").json()
    expected_article = {k: v for k, v in stored["article"].items() if k != "input"}
    assert {k: v for k, v in body["article"].items() if k != "story_id"} == expected_article
    assert "input" not in body["article"]
    assert body["mentions"] == stored["mentions"]
    assert len(body["quotes"]) == len(stored["quotes"]) == 1
    for got, want in zip(body["quotes"], stored["quotes"], strict=True):
        assert set(got) - set(want) == {"key", "article"}
        assert {k: got[k] for k in want} == want
    quote = body["quotes"][0]
    assert quote["rule"] == "tail" and quote["segments"][0]["text"].startswith("Borduria")
    assert quote["speaker"]["start"] == stored["quotes"][0]["speaker"]["start"] > 0
    for got, want in zip(body["events"], stored["events"], strict=True):
        assert set(got) - set(want) == {"key", "factual", "article"}
        assert {k: got[k] for k in want} == want
    # the quote search gives the same record
    found = client.get("/api/quotes", params={"q": "fire"}).json()["items"]
    assert {k: found[0][k] for k in stored["quotes"][0]} == stored["quotes"][0]


def test_no_api_response_names_a_server_path(client: TestClient) -> None:
    # ``input`` is where the server read an article: a file path, never shown.
    paths = [
        "/api/stats",
        "/api/events",
        "/api/quotes",
        "/api/articles/art-accuse",
        "/api/articles/art-pact",
        "/api/actors/ARN",
        "/api/dyads/ARN/BOR",
    ]
    for path in paths:
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert "input" not in _walk_keys(resp.json()), path
        assert "art-accuse.txt" not in resp.text, path
    page = client.get("/articles/art-accuse", headers=HTML)
    assert page.status_code == 200 and "art-accuse.txt" not in page.text


def test_a_quarter_is_a_period_everywhere(client: TestClient) -> None:
    from detente.store.periods import PERIODS
    from detente.web.params import Period

    assert "quarter" in PERIODS and set(PERIODS) == set(Period.__args__)
    body = client.get("/api/dyads/ARN/BOR", params={"period": "quarter"}).json()
    assert body["period"] == "quarter"
    assert body["series"] and all("-Q" in p["period"] for p in body["series"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 2),
        ("speaker=orn", 1),
        ("speaker=spokesman", 1),
        ("actor=ARN", 1),
        ("q=fire", 1),
        ("q=shells", 1),
        ("q=100%25", 1),
        ("q=nothing+like+this", 0),
    ],
)
def test_quote_search(client: TestClient, query: str, expected: int) -> None:
    body = client.get(f"/api/quotes?{query}").json()
    assert body["total"] == expected == len(body["items"])


def test_quote_pagination(client: TestClient) -> None:
    body = client.get("/api/quotes?limit=1&offset=1").json()
    assert body["total"] == 2 and len(body["items"]) == 1
    assert client.get("/api/quotes?limit=500").status_code == 422


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    for path in (
        "/api/events",
        "/api/dyads/{a}/{b}",
        "/api/actors/{code}",
        "/api/articles/{article_id}",  # the :path converter is not part of the name
        "/api/quotes",
        "/api/stats",
        "/api/code",
    ):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert {"actor", "recipient", "event", "context", "start", "end", "q", "limit"} <= params
    page = client.get("/api", headers=HTML)
    assert page.status_code == 200 and "/api/dyads/{a}/{b}" in page.text


def test_swagger_from_a_cdn_is_not_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404


def test_unknown_route_and_method(client: TestClient) -> None:
    resp = client.get("/api/nothing")
    assert resp.status_code == 404 and resp.json()["title"] == "Not found"
    resp = client.delete("/api/events")
    assert resp.status_code == 405 and resp.json()["status"] == 405


def test_storing_is_not_exposed(client: TestClient) -> None:
    for method in ("post", "put", "delete"):
        assert getattr(client, method)("/api/events").status_code == 405
        assert getattr(client, method)("/api/articles/art-accuse").status_code == 405


# -- POST /api/code ----------------------------------------------------------------------------


class _FakeArticle:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload

    def to_dict(self) -> dict[str, Any]:
        return self.payload


def test_code_text_returns_the_code_jsonl_contract(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def fake_text(text: str, **kw: Any) -> _FakeArticle:
        calls.append((text, kw))
        return _FakeArticle({"article": {"text": text}, "events": [], "quotes": []})

    monkeypatch.setattr("detente.api.code_text", fake_text)
    resp = client.post(
        "/api/code", json={"text": "Arnland met Borduria.", "title": "T", "date": "2024-01-02"}
    )
    assert resp.status_code == 200
    assert resp.json()["article"]["text"] == "Arnland met Borduria."
    assert calls == [
        (
            "Arnland met Borduria.",
            {"title": "T", "date": "2024-01-02", "source": None, "url": None},
        )
    ]


def test_code_html(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_html(html: str, **kw: Any) -> _FakeArticle:
        seen.update(kw, html=html)
        return _FakeArticle({"article": {"format": "html"}})

    monkeypatch.setattr("detente.api.code_html", fake_html)
    resp = client.post("/api/code", json={"html": "<p>x</p>", "url": "https://x.test/a"})
    assert resp.status_code == 200 and resp.json() == {"article": {"format": "html"}}
    assert seen["html"] == "<p>x</p>" and seen["url"] == "https://x.test/a"


@pytest.mark.parametrize(
    "payload",
    [{}, {"text": "a", "html": "<p>a</p>"}, {"text": "a", "date": "24 May"}, {"text": 5}],
)
def test_code_rejects_bad_requests(client: TestClient, payload: dict[str, Any]) -> None:
    resp = client.post("/api/code", json=payload)
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_code_rejects_non_json(client: TestClient) -> None:
    resp = client.post("/api/code", content=b"not json", headers={"content-type": "text/plain"})
    assert resp.status_code == 422


def test_code_body_size_limit(world_db: Path) -> None:
    from detente.web import create_app

    small = TestClient(create_app(world_db, max_body_bytes=1000))
    resp = small.post("/api/code", json={"text": "x" * 2000})
    assert resp.status_code == 413
    assert resp.json()["code"] == "E091"

    # a chunked body (no Content-Length) is counted as it arrives
    def chunks() -> Any:
        for _ in range(10):
            yield b'{"text": "' + b"x" * 200

    resp = small.post("/api/code", content=chunks(), headers={"content-type": "application/json"})
    assert resp.status_code == 413


def test_code_field_limit(client: TestClient) -> None:
    resp = client.post("/api/code", json={"text": "x" * 200_001})
    assert resp.status_code in (413, 422)


def test_code_really_codes(client: TestClient) -> None:
    """One real call through the pipeline: the answer has the shape of ``detente code``."""
    resp = client.post(
        "/api/code",
        json={"text": "Russia accused Japan of provocations.", "date": "2017-11-24"},
    )
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"article", "mentions", "events", "quotes", "places", "rejected"}
    assert body["article"]["published"] == "2017-11-24"


# -- errors ------------------------------------------------------------------------------------


def test_unexpected_errors_hide_the_stack_trace(
    world_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.web import create_app
    from detente.web.queries import Repository

    def boom(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret internals at /srv/x.py line 3")

    app = create_app(world_db)
    monkeypatch.setattr(Repository, "stats", boom)
    c = TestClient(app, raise_server_exceptions=False)
    resp = c.get("/api/stats")
    assert resp.status_code == 500
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert "secret" not in resp.text and "Traceback" not in resp.text
    assert resp.json()["code"] == "E099"
    page = c.get("/", headers=HTML)
    assert page.status_code == 500 and "secret" not in page.text
    assert "Internal server error" in page.text


def test_missing_database_is_a_store_error(tmp_path: Path) -> None:
    from detente.errors import StoreError
    from detente.web import create_app

    with pytest.raises(StoreError, match="E071"):
        create_app(tmp_path / "missing.duckdb")


def test_database_is_read_only(client: TestClient) -> None:
    repo = client.app.state.repo  # type: ignore[attr-defined]
    with repo.session(), pytest.raises(Exception, match=r"(?i)read.only"):
        repo._cursor().execute("DELETE FROM articles")


def test_server_does_not_hold_the_database_between_requests(tmp_path: Path) -> None:
    from detente.store.schema import open_db
    from detente.web import create_app

    path = build_db(tmp_path / "live.duckdb", world_articles()[:1])
    live = TestClient(create_app(path), raise_server_exceptions=False)
    assert live.get("/api/stats").status_code == 200
    # an ingest can open the file for writing while the server runs ...
    writer = open_db(path)
    try:
        # ... and a request that arrives meanwhile is told to retry, not given a stack trace
        busy = live.get("/api/stats")
        assert busy.status_code == 503
        assert busy.json()["code"] == "E074"
        assert busy.headers["retry-after"]
    finally:
        writer.close()
    assert live.get("/api/stats").status_code == 200


# -- pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("/", "Most active dyads"),
        ("/events", "ACCUSE"),
        ("/events?actor=ARN&event=ACCUSE&start=2024-01-01", "of moving troops to the border"),
        ("/dyads", "ARN → BOR"),
        ("/dyads/ARN/BOR", "Cooperation and conflict over time"),
        ("/actors", "ARN"),
        ("/actors/ARN", "Most frequent partners"),
        ("/articles/art-accuse", "Removed as boilerplate"),
        ("/quotes?speaker=orn", "Borduria is playing with fire."),
        ("/api", "POST"),
    ],
)
def test_pages_render(client: TestClient, path: str, needle: str) -> None:
    resp = client.get(path, headers=HTML)
    assert resp.status_code == 200, resp.text[:500]
    assert resp.headers["content-type"].startswith("text/html")
    assert needle in resp.text
    assert "http://" not in resp.text.replace("http://www.w3.org", "")  # nothing from the net


def test_overview_counts_and_chart(client: TestClient) -> None:
    page = client.get("/", headers=HTML).text
    assert '<span class="n" id="n-articles">3</span>' in page
    assert '<span class="n" id="n-events">3</span>' in page
    assert '<svg class="chart"' in page
    assert page.count('class="q4"') >= 1  # the ASSAULT bar


def test_event_card_highlights_evidence(client: TestClient) -> None:
    page = client.get("/dyads/ARN/BOR", headers=HTML).text
    assert (
        '<mark class="hl-actor" title="actor">Arnland</mark> '
        '<mark class="hl-trigger" title="trigger">accused</mark> '
        '<mark class="hl-recipient" title="recipient">Borduria</mark>'
    ) in page
    assert 'href="/articles/art-accuse"' in page


def test_pagination_links(client: TestClient) -> None:
    page = client.get("/events?limit=1&actor=", headers=HTML).text
    assert "1–1 of 3" in page
    assert 'href="/events?limit=1&amp;offset=1"' in page
    page = client.get("/events?limit=1&offset=2", headers=HTML).text
    assert "3–3 of 3" in page and 'rel="next"' not in page


def test_article_page_highlights_and_removed(client: TestClient) -> None:
    page = client.get("/articles/art-accuse", headers=HTML).text
    assert 'class="hl-trigger"' in page and 'class="hl-quote"' in page
    assert 'class="hl-mention" title="ARN (exact)"' in page
    assert "<del>Support our journalism today.</del>" in page
    assert "A. Lens" in page


def test_script_in_an_article_is_escaped_everywhere(client: TestClient) -> None:
    for path in ("/articles/art/xss%3F", "/events", "/quotes", "/", "/actors/ARN"):
        page = client.get(path, headers=HTML).text
        assert "<script>alert" not in page, path
        assert "<b>shells</b>" not in page, path
    page = client.get("/articles/art/xss%3F", headers=HTML).text
    assert "&lt;script&gt;alert(" in page
    # an id with a slash and a question mark is linked and found (the route takes a path)
    assert client.get("/api/articles/art/xss%3F").json()["article"]["id"] == "art/xss?"
    assert 'href="/articles/art/xss%3F"' in client.get("/events?event=ASSAULT", headers=HTML).text
    assert 'href="javascript:' not in page


def test_user_input_is_escaped(client: TestClient) -> None:
    page = client.get("/quotes", params={"q": '"><script>x</script>'}, headers=HTML).text
    assert "<script>x" not in page and "&#34;&gt;&lt;script&gt;" in page


def test_security_headers(client: TestClient) -> None:
    resp = client.get("/", headers=HTML)
    csp = resp.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert resp.headers["x-content-type-options"] == "nosniff"


def test_page_errors_are_pages(client: TestClient) -> None:
    resp = client.get("/actors/ZZZ", headers=HTML)
    assert resp.status_code == 404 and "no actor" in resp.text and "<html" in resp.text
    resp = client.get("/events?limit=9999", headers=HTML)
    assert resp.status_code == 422 and "limit" in resp.text
    # without a browser's Accept header the same error is JSON
    assert client.get("/actors/ZZZ").json()["status"] == 404


def test_pickers_redirect(client: TestClient) -> None:
    resp = client.get("/dyads?a=arn&b=bor", follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/dyads/ARN/BOR"
    resp = client.get("/actors?code=syl", follow_redirects=False)
    assert resp.headers["location"] == "/actors/SYL"


def test_static_assets_are_served(client: TestClient) -> None:
    for name, kind in (("style.css", "text/css"), ("app.js", "javascript"), ("logo.svg", "svg")):
        resp = client.get(f"/static/{name}")
        assert resp.status_code == 200 and kind in resp.headers["content-type"]


# -- the pieces --------------------------------------------------------------------------------


def test_highlight_overlaps_and_escapes() -> None:
    from detente.web.highlight import Highlight, highlight

    out = str(
        highlight(
            "a <b> c",
            [
                Highlight(0, 5, "quote"),
                Highlight(2, 5, "trigger", 'x"y'),
                Highlight(4, 99, "actor"),
            ],
        )
    )
    assert out == (
        '<mark class="hl-quote">a </mark>'
        '<mark class="hl-trigger hl-quote" title="x&#34;y">&lt;b&gt;</mark> c'
    )
    assert str(highlight("<i>", [Highlight(0, 1, "evil-class")])) == "&lt;i&gt;"


def test_fill_periods_by_quarter() -> None:
    import datetime as dt

    from detente.web.queries import fill_periods

    rows = [(dt.date(2020, 1, 1), 1, 2, 0.0), (dt.date(2020, 7, 1), 3, 1, 0.0)]
    series = fill_periods(rows, "quarter")
    assert [p["period"] for p in series] == ["2020-Q1", "2020-Q2", "2020-Q3"]
    assert [p["events"] for p in series] == [2, 0, 1]


def test_quad_classes_come_from_the_ontology() -> None:
    from importlib import resources

    import yaml

    from detente.quads import QUAD_CLASSES, QUAD_KEYS
    from detente.web.charts import QUADS, quad_label

    data = yaml.safe_load(
        resources.files("detente.events").joinpath("data", "ontology.yaml").read_text("utf-8")
    )
    assert QUADS == QUAD_CLASSES == {int(k): v for k, v in data["quad_names"].items()}
    assert QUAD_KEYS[4] == "material_conflict" and quad_label("3") == "verbal conflict"
    assert quad_label(None) == "unknown"


def test_fill_periods_keeps_empty_periods() -> None:
    import datetime as dt

    from detente.web.queries import fill_periods

    rows = [(dt.date(2024, 1, 1), 1, 2, 5.0), (dt.date(2024, 3, 1), 4, 1, -9.0)]
    series = fill_periods(rows, "month")
    assert [p["period"] for p in series] == ["2024-01", "2024-02", "2024-03"]
    assert [p["events"] for p in series] == [2, 0, 1]
    assert [p["mean_intensity"] for p in series] == [2.5, None, -9.0]


def test_serve_command_is_registered() -> None:
    from click.testing import CliRunner

    from detente.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--db" in result.output and "--port" in result.output
    result = CliRunner().invoke(main, ["serve", "--db", "/nonexistent/x.duckdb"])
    assert result.exit_code == 2 and "E071" in result.output


def test_world_is_consistent() -> None:
    """Guard the fixture itself: every span's text is what its offsets cut out."""
    for art in world_articles():
        for ev in art.events:
            for span in (*ev.evidence.trigger, *ev.evidence.actor_spans, ev.evidence.sentence_span):
                assert art.text[span.start : span.end] == span.text
        for q in art.quotes:
            assert art.text[q.start : q.end] == q.text
        json.dumps(art.to_dict())


def test_evidence_checks_span_text() -> None:
    from detente.web.highlight import evidence_html

    evidence = {
        "sentence": "Russia confronts Tokyo",
        "sentence_span": {"start": 0, "end": 22, "field": "title"},
        "trigger": [{"text": "confronts", "start": 7, "end": 16, "field": "title"}],
        # mislabelled field, but the words are there: kept
        "actor_spans": [{"text": "Russia", "start": 0, "end": 6, "field": "text"}],
        # stale offsets: dropped rather than marking the wrong words
        "recipient_spans": [{"text": "Japan", "start": 17, "end": 22, "field": "title"}],
    }
    out = str(evidence_html(evidence))
    assert '<mark class="hl-actor" title="actor">Russia</mark>' in out
    assert '<mark class="hl-trigger" title="trigger">confronts</mark>' in out
    assert out.endswith(" Tokyo")


def test_an_empty_database_renders(tmp_path: Path) -> None:
    from detente.web import create_app

    c = TestClient(create_app(build_db(tmp_path / "empty.duckdb", [])))
    for path in ("/", "/events", "/dyads", "/actors", "/quotes", "/dyads/ARN/BOR"):
        resp = c.get(path, headers=HTML)
        assert resp.status_code == 200, path
    assert c.get("/api/stats").json()["articles"] == 0
    assert c.get("/api/dyads/ARN/BOR").json()["series"] == []


def test_code_page_shows_the_coded_article(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = world_articles()[2]
    seen: dict[str, Any] = {}

    def fake_text(text: str, **kw: Any) -> Article:
        seen.update(kw, text=text)
        return hostile

    monkeypatch.setattr("detente.api.code_text", fake_text)
    assert "<textarea" in client.get("/code", headers=HTML).text
    resp = client.post(
        "/code", data={"text": "x y z", "title": "", "date": "2024-05-01"}, headers=HTML
    )
    assert resp.status_code == 200
    assert seen == {"text": "x y z", "title": None, "date": "2024-05-01"}
    assert "coded here, not stored" in resp.text
    assert '<mark class="hl-trigger" title="ASSAULT">shelled</mark>' in resp.text
    assert "<script>alert" not in resp.text


def test_code_page_rejection_and_validation(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.records import Rejected

    rejected = world_articles()[0].with_(rejected=Rejected("language", "not English", "<text>"))
    monkeypatch.setattr("detente.api.code_text", lambda *_a, **_k: rejected)
    resp = client.post("/code", data={"text": "<b>bonjour</b>"}, headers=HTML)
    assert resp.status_code == 422
    assert "rejected: language" in resp.text and "&lt;b&gt;bonjour&lt;/b&gt;" in resp.text
    assert client.post("/code", data={"text": "x", "date": "May"}, headers=HTML).status_code == 422
    assert client.post("/code", data={}, headers=HTML).status_code == 422


def test_timeline_svg_breaks_the_intensity_line_at_gaps() -> None:
    from detente.web.charts import timeline_svg

    def p(period: str, n: int, mean: float | None) -> dict[str, Any]:
        return {"period": period, "counts": {3: n}, "mean_intensity": mean}

    svg = str(
        timeline_svg([p("a", 1, -3), p("b", 2, 2), p("c", 0, None), p("<d>", 1, 5)], intensity=True)
    )
    assert svg.count("<polyline") == 1  # a-b joined; d stands alone
    assert svg.count('class="intensity-dot"') == 3
    assert svg.count('<rect class="q3"') == 3
    assert "&lt;d&gt;" in svg and "<d>" not in svg
    assert "No dated events" in str(timeline_svg([]))


def test_repository_reads_through_the_store_queries(world_db: Path) -> None:
    """The Repository shapes what ``detente.store.queries`` returns, also outside a request."""
    from detente.web.params import EventFilters, Paging
    from detente.web.queries import Repository

    repo = Repository.open(world_db)
    page = Paging(limit=10, offset=0)
    # every word, in any order; LIKE wildcards are literal
    assert [e["event"] for e in repo.events(EventFilters(q="pact trade"), page)["items"]] == [
        "AGREE"
    ]
    assert repo.events(EventFilters(q="_"), page)["total"] == 0
    stats = repo.stats()
    assert stats["runs"] == 0 and "last_run" not in stats  # the fixture has no ingest run
    timeline = repo.timeline()
    assert sum(p["events"] for p in timeline["series"]) == stats["factual_events"]
    assert {t["event"]: t["count"] for t in repo.event_types()} == stats["by_type"]
    assert [set(d) for d in repo.top_dyads(1)] == [
        {"actor", "recipient", "events", "mean_intensity", "conflict"}
    ]
    assert set(repo.vocabulary()) == {"actors", "events", "contexts"}
    (latest,) = repo.recent_articles(1)
    assert set(latest) == {"id", "title", "published", "source", "events", "quotes"}
    assert latest["published"] == stats["last_date"]
