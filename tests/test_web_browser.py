"""The dashboard in a real browser: Debian's chromium driven by Playwright, over a real server.

The database is built once with ``detente.ingest.ingest`` from the reference article (dated
2017-11-24) and, when ``../shared`` is beside the checkout, four short political news articles
from the PolNeAR corpus with their own dates; uvicorn serves it on 127.0.0.1 and a free port in a
thread. Screenshots are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE, ROOT, SHARED

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Short PolNeAR articles about foreign relations (title on the first line); used when present.
POLNEAR = (
    ("huff-post_2016-07-31_clinton-says-russians-hacked-dnc.txt", "2016-07-31", "huff-post"),
    ("nyt_2016-06-07_china-rebuts-american-criticism-.txt", "2016-06-07", "nyt"),
    ("huff-post_2016-06-04_u-s-flexes-muscles-as-asia-worri.txt", "2016-06-04", "huff-post"),
    ("nyt_2015-12-22_trump-says-praise-from-putin-hel.txt", "2015-12-22", "nyt"),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def browser_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database ingested from the reference article and a few real news articles."""
    from detente.config import Settings
    from detente.ingest import ingest

    tmp = tmp_path_factory.mktemp("browser")
    inputs = [EXAMPLE]
    corpus = SHARED / "corpora" / "polnear-news"
    lines = []
    for name, date, source in POLNEAR:
        path = corpus / name
        if path.is_file():
            title, _, text = path.read_text("utf-8").partition("\n")
            lines.append(
                {
                    "title": title.strip(),
                    "text": text.strip(),
                    "published": date,
                    "source": source,
                    "id": name.removesuffix(".txt"),
                }
            )
    if lines:
        jsonl = tmp / "polnear.jsonl"
        jsonl.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
        inputs.append(jsonl)
    db = tmp / "browser.duckdb"
    ingest(inputs, db, workers=1, settings=Settings(default_date="2017-11-24"))
    return db


@pytest.fixture(scope="module")
def server(browser_db: Path) -> Iterator[str]:
    """uvicorn serving the app on 127.0.0.1 in a thread; yields the base URL."""
    yield from _serve(browser_db)


@pytest.fixture(scope="module")
def world_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the fictional world of ``test_web.py`` (events in Arnland and Tarsk)."""
    from .test_web import build_db, world_articles

    db = build_db(tmp_path_factory.mktemp("map") / "world.duckdb", world_articles())
    yield from _serve(db)


def _serve(db: Path) -> Iterator[str]:
    import uvicorn

    from detente.web import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    """A headless Chromium page that records console errors and failed requests."""
    if not CHROMIUM.exists():
        pytest.skip(
            "/usr/bin/chromium is missing: install Debian's chromium (apt-get install "
            "chromium) to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1360, "height": 900})
        pg = context.new_page()
        problems: list[str] = []
        pg.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        pg.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
        pg.problems = problems  # type: ignore[attr-defined]
        yield pg
        context.close()
        browser.close()


def _no_problems(pg: Any) -> None:
    assert pg.problems == [], pg.problems
    pg.problems.clear()


def test_overview(page: Any, server: str) -> None:
    page.goto(server + "/")
    assert page.title() == "Overview · detente"
    assert int(page.locator("#n-articles").inner_text()) >= 1
    assert int(page.locator("#n-events").inner_text()) >= 1
    assert page.locator("svg.chart rect").count() >= 1
    dyads = page.locator("table.hbars a", has_text="RUS → JPN")
    assert dyads.count() == 1
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"))  # the README's picture
    _no_problems(page)


def test_dyad_page_shows_the_accuse_event(page: Any, server: str) -> None:
    page.goto(server + "/dyads/RUS/JPN")
    assert "RUS" in page.locator("h1").inner_text() and "JPN" in page.locator("h1").inner_text()
    assert page.locator("svg.chart").count() == 1
    accuse = page.locator("article.event[data-event='ACCUSE']").first
    assert accuse.is_visible()
    assert "RUS" in accuse.locator(".dyad").inner_text()
    assert "JPN" in accuse.locator(".dyad").inner_text()
    evidence = accuse.locator("blockquote.evidence")
    assert evidence.locator("mark.hl-trigger").count() >= 1
    assert evidence.locator("mark.hl-actor, mark.hl-recipient").count() >= 1
    # the highlight is visible: the trigger has a background colour
    bg = evidence.locator("mark.hl-trigger").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(ARTIFACTS / "dyad-RUS-JPN.png"), full_page=True)
    _no_problems(page)


def test_article_page(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.locator("ul.articles a", has_text="Russia confronts Tokyo").click()
    page.wait_for_load_state()
    assert page.url.startswith(server + "/articles/")
    assert "Russia confronts Tokyo" in page.locator("h1.headline").inner_text()
    body = page.locator("#article-body")
    assert body.locator("mark.hl-quote").count() >= 1
    assert body.locator("mark.hl-trigger").count() >= 1
    quotes = page.locator("figure.quote", has_text="Lavrov")
    assert quotes.count() >= 1
    assert "We are expressing deep concern" in page.locator("figure.quote").all_inner_texts()[
        1
    ] or any("deep concern" in t for t in page.locator("figure.quote").all_inner_texts())
    removed = page.locator("section.removed")
    assert "donation appeal" in removed.inner_text()
    assert removed.locator("del").count() >= 1
    assert "Pan European Network" in page.locator("dl.kv").inner_text()
    # the highlight toggles work (app.js)
    page.locator("input[data-toggle='hl-quote']").uncheck()
    assert "hide-hl-quote" in (body.get_attribute("class") or "")
    page.locator("input[data-toggle='hl-quote']").check()
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)
    _no_problems(page)


def test_events_explorer_and_quotes(page: Any, server: str) -> None:
    page.goto(server + "/events")
    page.locator("form.filters input[name='actor']").fill("RUS")
    page.locator("form.filters input[name='recipient']").fill("JPN")
    page.locator("form.filters button[type='submit']").click()
    page.wait_for_load_state()
    # empty fields are left out of the URL by app.js
    assert page.url.endswith("/events?actor=RUS&recipient=JPN")
    assert page.locator("article.event[data-event='ACCUSE']").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "events.png"), full_page=True)
    page.goto(server + "/quotes?speaker=Lavrov")
    assert page.locator("figure.quote .speaker", has_text="Lavrov").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "quotes.png"), full_page=True)
    _no_problems(page)


def test_actor_and_reference_pages(page: Any, server: str) -> None:
    page.goto(server + "/actors/RUS")
    assert "RUS" in page.locator("h1").inner_text()
    assert page.locator("table.data a.code", has_text="JPN").count() == 1
    assert page.locator("figure.quote .speaker", has_text="Lavrov").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "actor-RUS.png"), full_page=True)
    for path in ("/dyads", "/actors", "/api", "/events?all_events=true"):
        page.goto(server + path)
        assert page.locator("h1").count() == 1, path
    page.goto(server + "/api")
    assert page.locator("section.endpoint").count() >= 7
    page.screenshot(path=str(ARTIFACTS / "api.png"), full_page=True)
    page.goto(server + "/articles/does-not-exist")
    assert "404" in page.locator("h1").inner_text()
    page.problems[:] = [p for p in page.problems if "404" not in p]  # the expected 404
    _no_problems(page)


def test_code_page(page: Any, server: str) -> None:
    page.goto(server + "/code")
    page.locator("input[name='title']").fill("Russia accuses Japan")
    page.locator("input[name='date']").fill("2017-11-24")
    page.locator("textarea[name='text']").fill(
        "Russia accused Japan of provocations on Monday. Sergei Lavrov said: "
        "\u201cWe are deeply concerned.\u201d"
    )
    page.locator("form button[type='submit']").click()
    page.wait_for_load_state()
    assert "coded here, not stored" in page.locator("p.meta").inner_text()
    assert "Russia accused Japan" in page.locator("#article-body").inner_text()
    assert page.locator("#article-body mark").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "code.png"), full_page=True)
    _no_problems(page)


def test_map_of_the_fictional_world_links_its_points_to_the_events(
    page: Any, world_server: str
) -> None:
    page.goto(world_server + "/map")
    assert page.title() == "Map · detente"
    svg = page.locator("svg.world-map")
    assert svg.is_visible()
    # the outline (an image from this server) has loaded: no tile server, no CDN
    assert page.evaluate(
        "() => fetch('/static/world.svg').then(r => r.ok && r.headers.get('content-type'))"
    ).startswith("image/svg+xml")
    points = page.locator("svg.world-map a.map-point")
    assert points.count() == 2
    arnland = page.locator("a.map-point[data-name='Arnland'] circle")
    tarsk = page.locator("a.map-point[data-name='Tarsk'] circle")
    assert arnland.is_visible() and tarsk.is_visible()
    # sized by count: Arnland has two events, Tarsk one
    assert arnland.bounding_box()["width"] > tarsk.bounding_box()["width"]  # type: ignore[index]
    # coloured by quad class (CSS q1: verbal cooperation)
    fill = tarsk.evaluate("el => getComputedStyle(el).fill")
    assert fill == "rgb(108, 191, 132)"
    # Tarsk (44.5 N, 21.5 E) is drawn east of Arnland (48 N, 12 E) and south of it
    a_box, t_box = arnland.bounding_box(), tarsk.bounding_box()
    assert t_box["x"] > a_box["x"] and t_box["y"] > a_box["y"]  # type: ignore[index]
    page.screenshot(path=str(ARTIFACTS / "map-world.png"), full_page=True)
    tarsk.click()
    page.wait_for_load_state()
    assert page.url.endswith("/events?location=Tarsk&country=BOR")
    assert page.locator("article.event").count() == 1
    assert page.locator("article.event[data-event='AGREE']").count() == 1
    _no_problems(page)


def test_map_of_the_reference_article_places_the_meeting_in_moscow(page: Any, server: str) -> None:
    page.goto(server + "/map")
    moscow = page.locator("svg.world-map a.map-point[data-name='Moscow']")
    assert moscow.count() == 1
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)
    page.locator("table.places a", has_text="Moscow").click()
    page.wait_for_load_state()
    assert "location=Moscow" in page.url and "country=RUS" in page.url
    assert page.locator("article.event").count() >= 1
    _no_problems(page)


def test_concurrent_requests_to_the_real_server(server: str) -> None:
    """Many threads of the server read at once (each has its own DuckDB cursor)."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    paths = ["/api/stats", "/api/events?actor=RUS", "/api/dyads/RUS/JPN", "/api/quotes?q=concern"]
    with httpx.Client(base_url=server) as http:
        expected = {p: http.get(p).json() for p in paths}
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda p: (p, http.get(p)), paths * 10))
    for path, resp in answers:
        assert resp.status_code == 200, path
        assert resp.json() == expected[path], path
