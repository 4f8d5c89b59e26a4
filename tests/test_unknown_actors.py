"""Unknown and unnamed actors in a database (issue 14): ``detente actors unknown`` (table, JSON and
a starter actor file that the knowledge base loads), ``detente events --known-actors``, the
``known_actors`` parameter of ``/api/events`` and empty GDELT actor fields."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.api import code_text
from detente.cli import main
from detente.store import export, open_db, queries
from detente.store.unknown import starter_actor_file, unknown_actors

from .fictional import fictional_pipeline, fictional_settings
from .test_store import build

TEXTS = [
    ("2018-05-02", "Jorrin Bexley met Ostrana's president on Monday."),
    ("2018-05-09", "Jorrin Bexley criticised Velmora on Tuesday."),
    ("2018-05-03", "Five civilians were killed in a shelling in Saltmarsh."),
    ("2018-05-04", "Velmora attacked Ostrana."),
]


@pytest.fixture(scope="module")
def world_db(tmp_path_factory) -> Path:
    settings = fictional_settings()
    pipeline = fictional_pipeline(settings)
    arts = [
        code_text(text, date=date, settings=settings, pipeline=pipeline) for date, text in TEXTS
    ]
    path = tmp_path_factory.mktemp("unknown") / "world.duckdb"
    build(path, arts)
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_unknown_actors_lists_names_with_counts_dates_and_an_example(world_db: Path) -> None:
    con = open_db(world_db, read_only=True)
    try:
        rows = unknown_actors(con, limit=10)
    finally:
        con.close()
    (row,) = rows
    assert row["name"] == "Jorrin Bexley"
    assert row["events"] == 2 and row["articles"] == 2
    assert (row["first_date"], row["last_date"]) == (
        "2018-04-30",
        "2018-05-08",
    )  # "on Monday", "on Tuesday"
    assert row["example"] == "Jorrin Bexley met Ostrana's president on Monday."
    assert row["as_actor"] == 2 and row["as_recipient"] == 0


def test_actors_unknown_command_prints_json_lines(world_db: Path) -> None:
    result = run("actors", "unknown", "--db", str(world_db), "--json", "--limit", "5")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["name"] for r in lines] == ["Jorrin Bexley"]


def test_actors_unknown_table_names_the_counts(world_db: Path) -> None:
    result = run("actors", "unknown", "--db", str(world_db))
    assert result.exit_code == 0
    assert "Jorrin Bexley" in result.output and "2018-04-30..2018-05-08" in result.output


def test_actors_unknown_yaml_is_a_loadable_actor_file(world_db: Path, tmp_path: Path) -> None:
    from detente.actors import load_kb

    result = run("actors", "unknown", "--db", str(world_db), "--yaml")
    assert result.exit_code == 0
    assert "Jorrin Bexley" in result.output and "2 events in 2 articles" in result.output
    path = tmp_path / "mine.yaml"
    path.write_text(result.output, "utf-8")
    kb = load_kb((str(path),))
    assert kb.lookup("Jorrin Bexley", "2018-05-02")


def test_starter_file_puts_people_and_organisations_apart() -> None:
    rows = [
        {"name": "Ana Ruiz", "label": "PERSON", "events": 3, "articles": 2},
        {"name": "Kestrel Brigade", "label": "ORG", "events": 1, "articles": 1},
    ]
    for r in rows:
        r.update(first_date="2018-01-01", last_date="2018-02-01", example="An example.")
    text = starter_actor_file(rows)
    assert text.index("organisations:") < text.index("Kestrel Brigade") < text.index("people:")
    assert text.index("people:") < text.index("Ana Ruiz")


def test_known_actors_leaves_out_unnamed_actor_events(world_db: Path) -> None:
    con = open_db(world_db, read_only=True)
    try:
        every = queries.events(con, type="ASSAULT")
        known = queries.events(con, type="ASSAULT", known_actors=True)
        gdelt = io.StringIO()
        export(con, "gdelt", gdelt)
    finally:
        con.close()
    assert len(every) == 2 and [e["actor"] == [] for e in every].count(True) == 1
    assert [[a["code"] for a in e["actor"]] for e in known] == [["XVM"]]
    # GDELT: the unnamed actor's Actor1 fields are empty, Actor2 is the victims' country
    rows = [line.split("\t") for line in gdelt.getvalue().splitlines()]
    unnamed = [r for r in rows if r[5] == "" and r[26].startswith("19")]
    assert unnamed and unnamed[0][5:15] == [""] * 10 and unnamed[0][17] == "XVM"


def test_events_command_known_actors_flag(world_db: Path) -> None:
    every = run("events", "--db", str(world_db), "--type", "ASSAULT", "--json")
    known = run("events", "--db", str(world_db), "--type", "ASSAULT", "--json", "--known-actors")
    assert len(every.output.splitlines()) == 2
    assert len(known.output.splitlines()) == 1


def test_api_events_known_actors_parameter(world_db: Path) -> None:
    from fastapi.testclient import TestClient

    from detente.web import create_app

    client = TestClient(create_app(world_db), raise_server_exceptions=False)
    every = client.get("/api/events", params={"event": "ASSAULT"}).json()
    known = client.get("/api/events", params={"event": "ASSAULT", "known_actors": "true"}).json()
    assert every["total"] == 2 and known["total"] == 1
    assert known["items"][0]["evidence"]["actor_unknown"] is False
