"""Quote topics: attributions whose text is what was talked about, not words said.

``Varn's comments on the Saltmarsh`` is a topic (``the Saltmarsh``); ``Varn's claim that ...``
is words said. Topics keep their place in the output contract (``"topic": true``) and in the
PolNeAR score; ``detente quotes``, the API and the dashboard hide them unless asked. Set in the
fictional world of ``tests/fictional``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.api import code_text
from detente.cli import main
from detente.records import Article, Quote, Speaker

from .fictional import WORLD, fictional_settings

DATE = "2018-05-02"

STORY = (
    "Foreign Minister Selka Varn's comments on the Saltmarsh angered Ostrana. "
    "Dorin Kasprak said that Ostrana would close the border at Harrowgate Pass."
)


def _quotes(text: str) -> tuple[Quote, ...]:
    art = code_text(text, date=DATE, settings=fictional_settings(default_date=DATE))
    assert art.rejected is None
    return art.quotes


def _one(text: str) -> Quote:
    quotes = _quotes(text)
    assert len(quotes) == 1, [q.text for q in quotes]
    return quotes[0]


def test_reporting_noun_with_a_topic_is_a_topic() -> None:
    q = _one("Foreign Minister Selka Varn's comments on the Saltmarsh angered Ostrana.")
    assert (q.rule, q.text, q.topic) == ("noun", "the Saltmarsh", True)
    assert q.to_dict()["topic"] is True


def test_reporting_noun_with_a_that_clause_is_words_said() -> None:
    q = _one("Selka Varn's claim that Ostrana had moved troops to Harrowgate Pass was denied.")
    assert q.rule == "noun" and not q.topic


def test_verb_with_a_bare_noun_phrase_is_a_topic() -> None:
    q = _one("Foreign Minister Selka Varn called for a new treaty with Ostrana.")
    assert (q.rule, q.text, q.topic) == ("object", "a new treaty with Ostrana", True)


def test_verb_with_an_object_and_its_predicate_is_words_said() -> None:
    q = _one("Foreign Minister Selka Varn called the Ostranan plan a disaster for Velmora.")
    assert q.rule == "object" and "disaster" in q.text and not q.topic


@pytest.mark.parametrize(
    "text",
    [
        "Dorin Kasprak said that Ostrana would close the border at Harrowgate Pass.",
        "Foreign Minister Selka Varn said: “Velmora will never give up the Saltmarsh.”",
        "Foreign Minister Selka Varn urged Ostrana to reopen the border at Harrowgate Pass.",
    ],
)
def test_said_words_are_not_topics(text: str) -> None:
    q = _one(text)
    assert q.topic is False and q.to_dict()["topic"] is False


def test_cli_hides_topics_unless_asked(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(STORY + "\n", encoding="utf-8")
    args = ["quotes", str(story), "--date", DATE, "--actors", WORLD, "--format", "jsonl"]
    runner = CliRunner()
    plain = runner.invoke(main, args, catch_exceptions=False)
    assert plain.exit_code == 0, plain.output
    shown = [json.loads(line) for line in plain.stdout.splitlines()]
    assert [(q["text"], q["topic"]) for q in shown] == [
        ("Ostrana would close the border at Harrowgate Pass", False)
    ]
    every = runner.invoke(main, [*args, "--topics"], catch_exceptions=False)
    assert [json.loads(line)["topic"] for line in every.stdout.splitlines()] == [True, False]
    table = runner.invoke(main, args[:-2], catch_exceptions=False)
    assert "Harrowgate" in table.stdout and "Saltmarsh" not in table.stdout


def test_code_output_keeps_topics() -> None:
    art = code_text(STORY, date=DATE, settings=fictional_settings(default_date=DATE))
    assert [q["topic"] for q in art.to_dict()["quotes"]] == [True, False]


# -- the API and the dashboard ---------------------------------------------------------------


def _article() -> Article:
    text = "Vela Orn's remarks on the Saltmarsh were short. Orn said that Arnland would not yield."

    def quote(n: int, words: str, topic: bool) -> Quote:
        start = text.index(words)
        speaker = Speaker("Vela Orn", 0, 8, "Vela Orn", None, via="name")
        return Quote(
            f"t:q{n}", words, start, start + len(words), "indirect", None, speaker, topic=topic
        )

    return Article(
        id="t1",
        input="t1.txt",
        text=text,
        published=DATE,
        quotes=(quote(1, "the Saltmarsh", True), quote(2, "Arnland would not yield", False)),
    )


@pytest.fixture
def topic_db(tmp_path: Path) -> Path:
    from detente.store.rows import Batch
    from detente.store.schema import open_db
    from detente.store.writer import Writer

    path = tmp_path / "topics.duckdb"
    con = open_db(path)
    try:
        batch = Batch()
        batch.add(_article(), signature=False)
        Writer(con).write(batch)
    finally:
        con.close()
    return path


def _client(path: Path):  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from detente.web import create_app

    return TestClient(create_app(path), raise_server_exceptions=False)


def test_api_and_dashboard_hide_stored_topics_unless_asked(topic_db: Path) -> None:
    client = _client(topic_db)
    default = client.get("/api/quotes").json()
    assert default["total"] == 1 and [q["text"] for q in default["items"]] == [
        "Arnland would not yield"
    ]
    every = client.get("/api/quotes?topics=true").json()
    assert every["total"] == 2
    page = client.get("/quotes").text
    assert "Arnland would not yield" in page and "Saltmarsh" not in page
    assert 'name="topics"' in page
    page = client.get("/quotes?topics=true").text
    assert "the Saltmarsh" in page and 'value="true" checked' in page


def test_quote_records_without_the_flag_count_as_words_said(topic_db: Path) -> None:
    """Records migrated from schema 1 have no ``topic``: they are shown, never hidden."""
    import duckdb

    con = duckdb.connect(str(topic_db))
    try:
        con.execute("UPDATE quotes SET record = json_object('text', text)")
    finally:
        con.close()
    client = _client(topic_db)
    assert client.get("/api/quotes").json()["total"] == 2
    assert client.get("/api/quotes?topics=false").json()["total"] == 2
    assert client.get("/api/quotes?topics=maybe").status_code == 422
