"""The DuckDB store: schema and migrations, the writer, queries, stories and merged events.

Set in a fictional world (Ruritania RUR, Freedonia FRE, Sylvania SYL) with articles built from
records, so these tests need neither spaCy nor the events stage.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from detente.errors import StoreError
from detente.records import (
    ActorRef,
    Article,
    Entity,
    Event,
    EventLocation,
    Evidence,
    Mention,
    Place,
    Quote,
    Span,
    Speaker,
    content_hash,
)
from detente.store import dedup, open_db, queries, schema
from detente.store.rows import Batch
from detente.store.writer import Writer

QUAD = {"ACCUSE": 3, "THREATEN": 3, "CONSULT": 1, "AID": 2, "ASSAULT": 4}
SCALE = {"ACCUSE": -3.0, "THREATEN": -3.5, "CONSULT": 2.5, "AID": 10.0, "ASSAULT": -9.0}


def entity(code: str, sector: str | None = None) -> Entity:
    names = {"RUR": "Ruritania", "FRE": "Freedonia", "SYL": "Sylvania"}
    return Entity(
        code=code,
        sector=sector,
        entity_text=names.get(code, code),
        name=names.get(code),
        kind="state",
        kb_id=f"state:{code.lower()}",
    )


def event(
    eid: str,
    kind: str,
    actor: str,
    recipient: str,
    date: str = "2020-01-02",
    *,
    aux: tuple[str, ...] = (),
    sentence: str | None = None,
    mode: str = "",
    context: tuple[str, ...] = ("military",),
    sector: str | None = None,
    location: EventLocation | None = None,
) -> Event:
    sentence = sentence or f"{actor} {kind.lower()} {recipient} at the border."
    return Event(
        location=location,
        id=eid,
        date=date,
        event=kind,
        mode=mode,
        context=context,
        actor=(entity(actor, sector),),
        recipient=(entity(recipient),),
        quad_code=QUAD[kind],
        event_scale=SCALE[kind],
        event_text=sentence,
        text_info={},
        evidence=Evidence(
            sentence=sentence,
            sentence_span=Span(sentence, 0, len(sentence)),
            trigger=(Span(kind.lower(), 4, 4 + len(kind)),),
            actor_spans=(),
            recipient_spans=(),
            lexicon_entry=f"{kind.lower()}.v",
            auxiliary_modes=aux,
        ),
    )


def article(
    aid: str,
    text: str,
    events: tuple[Event, ...] = (),
    *,
    source: str = "Daily Rur",
    published: str = "2020-01-02",
    quotes: tuple[Quote, ...] = (),
    url: str | None = None,
    places: tuple[Place, ...] = (),
) -> Article:
    mentions = (
        Mention(
            text="Ruritania",
            start=0,
            end=9,
            via="exact",
            actor=ActorRef(code="RUR", name="Ruritania", kb_id="state:rur"),
        ),
    )
    return Article(
        id=aid,
        input=f"{aid}.txt",
        text=text,
        title=f"Title {aid}",
        source=source,
        published=published,
        hash=content_hash(text),
        mentions=mentions,
        events=events,
        quotes=quotes,
        places=places,
        url=url or f"https://news.example/{aid}",
    )


def quote(qid: str, text: str, speaker: str, code: str) -> Quote:
    return Quote(
        id=qid,
        text=text,
        start=0,
        end=len(text),
        kind="direct",
        cue=None,
        speaker=Speaker(
            text=speaker,
            start=0,
            end=len(speaker),
            name=speaker,
            actor=ActorRef(code=code, sector="GOV", kind="person"),
        ),
    )


LONG = (
    "Ruritania accused Freedonia of massing troops along the northern border on Monday, "
    "according to officials in the capital who spoke on condition of anonymity. "
) * 4


#: Where the first article's accusation happened: Strelsau, the Ruritanian capital.
STRELSAU = EventLocation(
    name="Strelsau", country="RUR", admin1="RU-ST", lat=50.1, lon=14.4, geonames_id=9000001
)
#: The first article's toponyms: the capital (a city) and the demonym of Ruritania.
PLACES = (
    Place(
        "Ruritania",
        0,
        9,
        "text",
        "Ruritania",
        "country",
        "RUR",
        50.0,
        15.0,
        9000000,
        None,
        5_000_000,
        0.9,
        "actor",
    ),
    Place(
        "capital",
        140,
        147,
        "text",
        "Strelsau",
        "city",
        "RUR",
        50.1,
        14.4,
        9000001,
        "RU-ST",
        800_000,
        0.7,
        "context",
    ),
)


def world() -> list[Article]:
    """Five articles: a syndicated pair (one story), two more on the dyad, one unrelated."""
    return [
        article(
            "a1",
            LONG,
            (
                event("e1", "ACCUSE", "RUR", "FRE", location=STRELSAU),
                event("e2", "THREATEN", "RUR", "FRE", aux=("negation",)),
            ),
            quotes=(quote("q1", "We will not stand for this", "Rudolf Rassendyll", "RUR"),),
            places=PLACES,
        ),
        article(
            "a2",
            LONG + " This story was updated.",
            (event("e1", "ACCUSE", "RUR", "FRE", "2020-01-03"),),
            source="Wire Fre",
        ),
        article(
            "a3",
            "Ruritania and Freedonia held talks in a neutral city on trade and fishing.",
            (event("e1", "CONSULT", "RUR", "FRE", "2020-02-10", context=("economic",)),),
            source="Wire Fre",
        ),
        article(
            "a4",
            "Ruritania accused Freedonia again, weeks later, of shelling a village.",
            (
                event("e1", "ACCUSE", "RUR", "FRE", "2020-01-20", sector="GOV"),
                event("e2", "ASSAULT", "FRE", "RUR", "2020-01-19"),
            ),
            published="2020-01-20",
        ),
        article(
            "a5",
            "Sylvania sent food and medicine to flood victims in Freedonia this week.",
            (event("e1", "AID", "SYL", "FRE", "2020-03-01", context=("humanitarian",)),),
            source="Sylvan Times",
            published="2020-03-01",
        ),
    ]


def build(
    path: Path | str, arts: list[Article] | None = None, *, threshold: float = 0.5, window: int = 1
) -> None:
    """Write articles into a database and de-duplicate (what ingest does after coding)."""
    con = open_db(path)
    writer = Writer(con)
    writer.start_run(versions={"events": "test"}, settings={}, inputs=["world"], workers=1)
    batch = Batch()
    for art in arts if arts is not None else world():
        batch.add(art, run_id=writer.run_id, now="2020-03-02 10:00:00")
    writer.write(batch)
    writer.update_run("done")
    dedup(con, threshold=threshold, window_days=window)
    con.close()


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "world.duckdb"
    build(path)
    return path


@pytest.fixture()
def con(db: Path):
    connection = open_db(db, read_only=True)
    yield connection
    connection.close()


# -- schema ---------------------------------------------------------------------------------


def test_new_database_has_every_table_and_the_schema_version(tmp_path: Path) -> None:
    con = open_db(tmp_path / "new.duckdb")
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    tables = {r[0] for r in rows}
    assert set(schema.TABLES) <= tables
    assert schema.schema_version(con) == schema.SCHEMA_VERSION


def test_read_only_open_of_a_missing_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="detente ingest") as info:
        open_db(tmp_path / "missing.duckdb", read_only=True)
    assert info.value.code == "E071"


def test_read_only_open_of_a_foreign_duckdb_file_is_refused(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).execute("CREATE TABLE t (x INT)").close()
    with pytest.raises(StoreError, match="not a detente database"):
        open_db(path, read_only=True)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    con = open_db(path)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="newer") as info:
        open_db(path)
    assert info.value.code == "E072"


def test_an_older_schema_is_migrated_forward(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "old.duckdb"
    con = open_db(path)
    con.execute(
        f"UPDATE meta SET value = '{schema.SCHEMA_VERSION - 1}' WHERE key = 'schema_version'"
    )
    con.close()
    with pytest.raises(StoreError, match="read-write"):
        open_db(path, read_only=True)
    applied = []
    monkeypatch.setitem(
        schema.MIGRATIONS,
        schema.SCHEMA_VERSION - 1,
        lambda c: applied.append(c.execute("SELECT 1").fetchone()),
    )
    con = open_db(path)
    assert applied == [(1,)]
    assert schema.schema_version(con) == schema.SCHEMA_VERSION


# The version-1 tables that version 2 changed, as the first wave created them.
V1_TABLES = {
    "mentions": """CREATE TABLE mentions (article_id VARCHAR, idx INTEGER, text VARCHAR,
        field VARCHAR, start INTEGER, "end" INTEGER, via VARCHAR, confidence DOUBLE,
        label VARCHAR, ref INTEGER, actor_code VARCHAR, actor_sector VARCHAR,
        actor_name VARCHAR, actor_kind VARCHAR, actor_kb_id VARCHAR)""",
    "quotes": """CREATE TABLE quotes (id VARCHAR PRIMARY KEY, quote_id VARCHAR,
        article_id VARCHAR, idx INTEGER, text VARCHAR, kind VARCHAR, field VARCHAR,
        start INTEGER, "end" INTEGER, cue_text VARCHAR, cue_start INTEGER, cue_end INTEGER,
        speaker_text VARCHAR, speaker_name VARCHAR, speaker_code VARCHAR,
        speaker_sector VARCHAR, speaker_kind VARCHAR, speaker_kb_id VARCHAR,
        speaker_via VARCHAR, confidence DOUBLE, event_ids VARCHAR[])""",
}


#: The events' columns that version 3 added (the last ones of ``rows.COLUMNS["events"]``).
V3_EVENT_COLUMNS = (
    "location_name",
    "location_country",
    "location_admin1",
    "location_lat",
    "location_lon",
    "location_geonames_id",
    "location_via",
)


def write_old_database(path: Path, arts: list[Article], version: int) -> None:
    """A database as the version-1 or version-2 code wrote it: no ``places`` table and no
    event location columns; version 1 had no ``record`` in mentions and quotes either."""
    import duckdb

    from detente.store.rows import COLUMNS, article_rows

    con = duckdb.connect(str(path))
    for name, ddl in schema.SCHEMA.items():
        if name == "places":
            continue
        con.execute(V1_TABLES.get(name, ddl) if version == 1 else ddl)
    for col in V3_EVENT_COLUMNS:
        con.execute(f"ALTER TABLE events DROP COLUMN {col}")
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(version)])
    for art in arts:
        for table, rows in article_rows(art, signature=False).items():
            if table == "places":
                continue
            cols = list(COLUMNS[table])
            if table == "events":
                assert tuple(cols[-len(V3_EVENT_COLUMNS) :]) == V3_EVENT_COLUMNS
                cols = cols[: -len(V3_EVENT_COLUMNS)]
                rows = [r[: len(cols)] for r in rows]
            if version == 1 and table in V1_TABLES:
                rows = [r[:-1] for r in rows]  # the record column did not exist
                cols = cols[:-1]
            names = ", ".join(f'"{c}"' for c in cols)
            marks = ", ".join("?" for _ in cols)
            for row in rows:
                con.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row))
    con.close()


def write_v1_database(path: Path, arts: list[Article]) -> None:
    """A database as the version-1 code wrote it."""
    write_old_database(path, arts, 1)


def test_a_version_1_database_is_upgraded_with_nothing_lost(tmp_path: Path) -> None:
    import json

    path = tmp_path / "v1.duckdb"
    arts = world()
    write_v1_database(path, arts)
    with pytest.raises(StoreError, match="read-write"):
        open_db(path, read_only=True)
    con = open_db(path)  # read-write: migrates
    assert schema.schema_version(con) == schema.SCHEMA_VERSION == 3
    con.close()
    con = open_db(path, read_only=True)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in V1_TABLES}
    assert counts == {
        "mentions": sum(len(a.mentions) for a in arts),
        "quotes": sum(len(a.quotes) for a in arts),
    }
    by_id = {a.id: a for a in arts}
    for aid, idx, record in con.execute("SELECT article_id, idx, record FROM mentions").fetchall():
        assert json.loads(record) == by_id[aid].mentions[idx].to_dict()
    q1 = by_id["a1"].quotes[0].to_dict()
    # version 1 did not store a speaker's offsets, its actor's name, the segments or the rule
    q1["speaker"].update(start=None, end=None, field=None)
    q1["speaker"]["actor"]["name"] = None
    q1["speaker"]["kind"] = None  # nor the speaker's kind
    assert q1["segments"] == [] and q1["rule"] == ""
    (record,) = con.execute("SELECT record FROM quotes WHERE id = 'a1/q1'").fetchone()
    assert json.loads(record) == q1
    # the old columns are still there, and the queries read the upgraded database
    found = queries.quotes(con, actor="RUR")
    assert [q["speaker_name"] for q in found] == ["Rudolf Rassendyll"]
    assert found[0]["record"] == q1
    detail = queries.article(con, "a1")
    assert detail is not None and detail["mentions"][0]["record"]["actor"]["code"] == "RUR"
    con.close()


def test_new_rows_store_the_records_of_mentions_and_quotes(con) -> None:
    detail = queries.article(con, "a1")
    assert detail is not None
    art = world()[0]
    assert [m["record"] for m in detail["mentions"]] == [m.to_dict() for m in art.mentions]
    assert [q["record"] for q in detail["quotes"]] == [q.to_dict() for q in art.quotes]


def test_places_and_event_locations_are_stored(con) -> None:
    from detente.store.contract import stored_article

    detail = queries.article(con, "a1", record=True)
    assert detail is not None
    assert detail["places"] == [p.to_dict() for p in PLACES]
    assert stored_article(detail)["places"] == world()[0].to_dict()["places"]
    rows = con.execute(
        "SELECT article_id, idx, name, feature, country, admin1, geonames_id FROM places "
        "ORDER BY article_id, idx"
    ).fetchall()
    assert rows == [
        ("a1", 0, "Ruritania", "country", "RUR", None, 9000000),
        ("a1", 1, "Strelsau", "city", "RUR", "RU-ST", 9000001),
    ]
    located = con.execute(
        "SELECT id, location_name, location_country, location_admin1, location_lat, "
        "location_lon, location_geonames_id, location_via FROM events "
        "WHERE location_name IS NOT NULL"
    ).fetchall()
    assert located == [("a1/e1", "Strelsau", "RUR", "RU-ST", 50.1, 14.4, 9000001, "clause")]
    # an article without places has none
    other = queries.article(con, "a3")
    assert other is not None and other["places"] == []


def test_a_version_2_database_gets_places_and_locations_with_nothing_lost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v2.duckdb"
    arts = world()
    write_old_database(path, arts, 2)
    con = open_db(path)  # read-write: migrates 2 -> 3
    assert schema.schema_version(con) == schema.SCHEMA_VERSION == 3
    con.close()
    con = open_db(path, read_only=True)
    # the location columns come from the stored event records; version 2 stored no places
    located = con.execute(
        "SELECT id, location_name, location_country, location_admin1, location_lat, "
        "location_lon, location_geonames_id, location_via FROM events "
        "WHERE location_name IS NOT NULL"
    ).fetchall()
    assert located == [("a1/e1", "Strelsau", "RUR", "RU-ST", 50.1, 14.4, 9000001, "clause")]
    assert con.execute("SELECT count(*) FROM places").fetchone() == (0,)
    n_events = sum(len(a.events) for a in arts)
    assert con.execute("SELECT count(*) FROM events").fetchone() == (n_events,)
    by_id = {a.id: a for a in arts}
    for key, record in con.execute("SELECT id, record FROM events").fetchall():
        aid, _, eid = key.partition("/")
        want = next(e for e in by_id[aid].events if e.id == eid)
        assert json.loads(record) == want.to_dict()
    detail = queries.article(con, "a1")
    assert detail is not None and detail["places"] == []
    con.close()


def test_a_missing_migration_fails_and_leaves_the_version_alone(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = open_db(path)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="no migration"):
        open_db(path)
    import duckdb

    raw = duckdb.connect(str(path), read_only=True)
    assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("0",)
    raw.close()


# -- writer ---------------------------------------------------------------------------------


def test_writing_the_same_batch_twice_stores_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "twice.duckdb"
    build(path)
    build(path)
    con = open_db(path, read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (5,)
    assert con.execute("SELECT count(*) FROM events").fetchone() == (7,)
    assert con.execute("SELECT count(*) FROM mentions").fetchone() == (5,)


def test_writer_reports_known_ids_and_hashes(tmp_path: Path) -> None:
    path = tmp_path / "known.duckdb"
    build(path)
    con = open_db(path)
    writer = Writer(con)
    known = writer.known(["a1", "zz"], [content_hash(LONG), "nohash"])
    assert known == {"a1", content_hash(LONG)}


def test_rejections_are_stored_with_input_reason_and_detail(tmp_path: Path) -> None:
    from detente.read import reject

    path = tmp_path / "rej.duckdb"
    build(path, [reject("bad.bin", "binary", "input is binary")])
    con = open_db(path, read_only=True)
    (row,) = queries.rejections(con)
    assert (row["input"], row["reason"], row["detail"]) == ("bad.bin", "binary", "input is binary")
    assert queries.rejections(con, reason="empty") == []


def test_run_records_versions_and_counts(con) -> None:
    (run,) = queries.runs(con)
    assert run["status"] == "done"
    assert run["versions"] == {"events": "test"}
    assert (run["n_coded"], run["n_events"], run["n_quotes"]) == (5, 7, 1)
    assert run["detente_version"]


# -- queries ----------------------------------------------------------------------------------


def test_events_leave_out_non_factual_ones_unless_asked(con) -> None:
    ids = {e["id"] for e in queries.events(con)}
    assert "a1/e2" not in ids and "a1/e1" in ids
    assert "a1/e2" in {e["id"] for e in queries.events(con, all_events=True)}
    assert queries.count_events(con) == 6
    assert queries.count_events(con, all_events=True) == 7


def test_events_filter_by_actor_recipient_type_and_dates(con) -> None:
    got = queries.events(
        con, actor="RUR", recipient="FRE", type="ACCUSE", since="2020-01-03", until="2020-01-31"
    )
    assert [e["id"] for e in got] == ["a4/e1", "a2/e1"]
    assert got[0]["evidence"]["sentence"] == "RUR accuse FRE at the border."
    assert got[0]["actor"][0]["code"] == "RUR" and got[0]["recipient"][0]["code"] == "FRE"
    assert [e["id"] for e in queries.events(con, actor="RURGOV")] == ["a4/e1"]
    assert [e["id"] for e in queries.events(con, actor="state:syl")] == ["a5/e1"]
    assert [e["id"] for e in queries.events(con, context="economic")] == ["a3/e1"]
    assert {e["id"] for e in queries.events(con, type="ASSAULT,AID")} == {"a4/e2", "a5/e1"}
    assert [e["id"] for e in queries.events(con, text="consult")] == ["a3/e1"]


def test_events_paging_is_stable(con) -> None:
    first = queries.events(con, limit=2)
    second = queries.events(con, limit=2, offset=2)
    assert len(first) == 2 and len(second) == 2
    assert not {e["id"] for e in first} & {e["id"] for e in second}


def test_a_bad_date_filter_is_a_store_error(con) -> None:
    with pytest.raises(StoreError, match="YYYY-MM-DD"):
        queries.events(con, since="last tuesday")


def test_relations_count_quad_classes_and_mean_intensity_per_period(con) -> None:
    rows = queries.relations(con, "RUR", "FRE", by="month")
    assert [r["period"] for r in rows] == ["2020-01-01", "2020-02-01"]
    jan, feb = rows
    assert jan["events"] == 3 and jan["verbal_conflict"] == 3 and jan["mean_intensity"] == -3.0
    assert feb["verbal_cooperation"] == 1 and feb["mean_intensity"] == 2.5
    assert jan["by_type"] == {"ACCUSE": 3}
    both = queries.relations(con, "RUR", "FRE", by="month", both_ways=True)
    assert both[0]["material_conflict"] == 1 and both[0]["events"] == 4
    weeks = queries.relations(con, "RUR", "FRE", by="week")
    assert sum(r["events"] for r in weeks) == 4
    with pytest.raises(StoreError):
        queries.relations(con, "RUR", "FRE", by="fortnight")


def test_actor_summary_counts_roles_and_partners(con) -> None:
    summary = queries.actor_summary(con, "fre")
    assert summary["code"] == "FRE"
    assert (summary["as_actor"], summary["as_recipient"]) == (1, 5)
    partners = {p["code"]: p for p in summary["partners"]}
    assert partners["RUR"]["as_recipient"] == 4 and partners["RUR"]["as_actor"] == 1
    assert partners["SYL"]["events"] == 1
    assert summary["by_type"]["ACCUSE"] == {"as_actor": 0, "as_recipient": 3}
    assert queries.actor_summary(con, "RUR")["names"] == ["Ruritania"]


def test_article_detail_has_everything(con) -> None:
    art = queries.article(con, "a1")
    assert art is not None
    assert art["title"] == "Title a1" and art["text"] == LONG
    assert len(art["mentions"]) == 1 and art["mentions"][0]["actor_code"] == "RUR"
    assert {e["id"] for e in art["events"]} == {"a1/e1", "a1/e2"}  # non-factual kept here
    assert art["quotes"][0]["speaker_name"] == "Rudolf Rassendyll"
    assert art["credits"] == [] and art["removed"] == []
    assert art["story"] == ["a2"]
    assert queries.article(con, "nope") is None


def test_quotes_search_by_speaker_actor_and_words(con) -> None:
    assert len(queries.quotes(con, speaker="rassendyll")) == 1
    assert len(queries.quotes(con, actor="RUR")) == 1
    assert len(queries.quotes(con, actor="RURGOV")) == 1
    assert len(queries.quotes(con, words="stand for")) == 1
    assert queries.quotes(con, words="never said") == []


def test_stats_totals(con) -> None:
    st = queries.stats(con)
    assert (st["articles"], st["events"], st["factual_events"], st["quotes"]) == (5, 7, 6, 1)
    assert st["by_type"]["ACCUSE"] == 3
    assert st["by_quad"]["verbal_conflict"] == 3
    assert st["schema_version"] == schema.SCHEMA_VERSION
    assert st["last_run"]["status"] == "done"


def test_articles_list_filters(con) -> None:
    assert {a["id"] for a in queries.articles(con, source="Wire Fre")} == {"a2", "a3"}
    assert [a["id"] for a in queries.articles(con, since="2020-03-01")] == ["a5"]
    assert "text" not in queries.articles(con, limit=1)[0]


# -- de-duplication ---------------------------------------------------------------------------


def test_near_duplicates_form_one_story(con) -> None:
    stories = queries.stories(con)
    assert [s["article_ids"] for s in stories] == [["a1", "a2"]]
    assert stories[0]["n_sources"] == 2
    row = con.execute("SELECT story_id FROM articles WHERE id = 'a3'").fetchone()
    assert row == ("a3",)


def test_story_threshold_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "strict.duckdb"
    build(path, threshold=1.0)
    con = open_db(path, read_only=True)
    assert queries.stories(con) == []


def test_merged_events_count_articles_and_sources(con) -> None:
    merged = queries.merged_events(con, actor="RUR", recipient="FRE", type="ACCUSE")
    # a1 (Jan 2) and a2 (Jan 3) are one event; a4 (Jan 20) is outside the 1-day window.
    assert [(m["date"], m["num_articles"], m["num_sources"]) for m in merged] == [
        ("2020-01-20", 1, 1),
        ("2020-01-02", 2, 2),
    ]
    assert merged[1]["event_ids"] == ["a1/e1", "a2/e1"]
    assert merged[1]["num_stories"] == 1
    # The raw events stay queryable.
    assert len(queries.events(con, type="ACCUSE")) == 3


def test_merge_window_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "wide.duckdb"
    build(path, window=30)
    con = open_db(path, read_only=True)
    (merged,) = queries.merged_events(con, type="ACCUSE")
    assert merged["num_mentions"] == 3 and merged["last_date"] == "2020-01-20"


def test_a_tie_between_modes_and_cameo_codes_is_decided_by_value_not_row_order(
    tmp_path: Path,
) -> None:
    # Two reports of one accusation, each with its own mode and CAMEO code: one of each, so the
    # most common value is a tie. The rows arrive in a different order in a Spark-written
    # dataset, so the choice must not depend on it.
    def tied(first: str, second: str) -> list[Article]:
        codes = {"a1": ("disapprove", "112"), "a2": ("allege", "111")}
        arts = []
        for aid in (first, second):
            mode, cameo = codes[aid]
            ev = replace(event("e1", "ACCUSE", "RUR", "FRE", mode=mode), cameo=cameo)
            arts.append(article(aid, f"Ruritania accused Freedonia ({aid}).", (ev,)))
        return arts

    chosen = []
    for name, order in (("ab", ("a1", "a2")), ("ba", ("a2", "a1"))):
        path = tmp_path / f"{name}.duckdb"
        build(path, tied(*order))
        con = open_db(path, read_only=True)
        chosen.append(con.execute("SELECT mode, cameo, num_mentions FROM merged_events").fetchall())
        con.close()
    assert chosen[0] == chosen[1] == [("allege", "111", 2)]


def test_non_factual_events_are_not_merged(con) -> None:
    assert queries.merged_events(con, type="THREATEN") == []


def test_dedup_is_skipped_when_nothing_changed(db: Path) -> None:
    con = open_db(db)
    assert dedup(con, threshold=0.5, window_days=1) is None
    assert dedup(con, threshold=0.5, window_days=1, force=True) == {
        "stories": 1,
        "merged_events": 5,
    }


def test_rows_survive_repeated_event_ids_and_malformed_dates(tmp_path: Path) -> None:
    bad = article(
        "b1",
        "Ruritania accused Freedonia twice in one day.",
        (
            event("e1", "ACCUSE", "RUR", "FRE", "2020-13-45"),
            event("e1", "ACCUSE", "RUR", "FRE", "2020-01-05"),
        ),
        published="not a date",
    )
    path = tmp_path / "bad.duckdb"
    build(path, [bad])
    con = open_db(path, read_only=True)
    got = queries.events(con, limit=10)
    assert sorted(e["id"] for e in got) == ["b1/e1", "b1/e1#1"]
    assert sorted(str(e["date"]) for e in got) == ["2020-01-05", "None"]
    assert queries.article(con, "b1")["published"] is None


def test_text_filters_take_wildcards_literally_and_sector_matches(con) -> None:
    assert queries.events(con, text="%") == []
    assert queries.quotes(con, words="_") == []
    assert len(queries.events(con, text="accuse")) == 3
    assert [e["id"] for e in queries.events(con, actor="gov")] == ["a4/e1"]
    assert [e["id"] for e in queries.events(con, actor="ruritania", type="ASSAULT")] == []
    assert [e["id"] for e in queries.events(con, recipient="ruritania")] == ["a4/e2"]


# -- the query layer the web app shares -------------------------------------------------------


def test_text_filters_need_every_word_in_any_order(con) -> None:
    got = queries.events(con, text="border accuse")
    assert got and all("border" in e["sentence"].lower() for e in got)
    assert queries.events(con, text="border nowhere") == []
    assert len(queries.quotes(con, words="this stand")) == 1


def test_dyad_both_ways_directions_and_series(con) -> None:
    ab = queries.count_events(con, actor="RUR", recipient="FRE")
    ba = queries.count_events(con, actor="FRE", recipient="RUR")
    assert (ab, ba) == (4, 1)
    assert queries.count_events(con, actor="RUR", recipient="FRE", both_ways=True) == 5
    assert queries.dyad_directions(con, "RUR", "FRE", both_ways=True) == (4, 1)
    assert queries.dyad_directions(con, "RUR", "FRE") == (4, 0)
    months = queries.series(con, "month", actor="RUR", recipient="FRE")
    assert [m["events"] for m in months] == [3, 1]
    assert [m["intensity_sum"] for m in months] == [-9.0, 2.5]
    assert queries.date_span(con, actor="SYL") == ("2020-03-01", "2020-03-01")
    assert queries.date_span(con, actor="nobody") == (None, None)


def test_event_types_top_dyads_and_vocabulary(con) -> None:
    types = {t["event"]: t for t in queries.event_types(con, actor="RUR")}
    assert types["ACCUSE"]["count"] == 3 and types["ACCUSE"]["quad_code"] == 3
    assert "THREATEN" not in types  # negated: factual events only unless asked
    assert "THREATEN" in {t["event"] for t in queries.event_types(con, all_events=True)}
    top = queries.top_dyads(con, 1)[0]
    assert (top["actor"], top["recipient"], top["events"], top["conflict"]) == (
        "RUR",
        "FRE",
        4,
        3,
    )
    vocab = queries.vocabulary(con)
    assert {"RUR", "FRE", "SYL"} <= set(vocab["actors"])
    assert {"economic", "humanitarian"} <= set(vocab["contexts"])


def test_quotes_count_and_sector_filter(con) -> None:
    assert queries.count_quotes(con, actor="RUR") == 1
    assert queries.count_quotes(con, actor="GOV") == len(queries.quotes(con, actor="GOV")) == 1
    assert queries.count_quotes(con, words="100%_sure") == 0


def test_actor_summary_usual_name_and_partner_conflict(con) -> None:
    summary = queries.actor_summary(con, "RUR")
    assert summary["name"] == "Ruritania"
    partners = {p["code"]: p for p in summary["partners"]}
    assert partners["FRE"]["conflict"] == 4  # three ACCUSE, one ASSAULT
    assert summary["first_date"] == "2020-01-02"
    assert queries.stats(con)["runs"] == 1
    assert queries.stats(con)["first_event_date"] == "2020-01-02"


def test_article_events_in_document_order_with_records(con) -> None:
    art = queries.article(con, "a4", record=True)
    assert art is not None
    assert [e["id"] for e in art["events"]] == ["a4/e1", "a4/e2"]
    assert art["events"][0]["record"]["event"] == "ACCUSE"
