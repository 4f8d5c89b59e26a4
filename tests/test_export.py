"""Exports: PLOVER JSONL, the GDELT 2.0 table (61 columns), Parquet and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from detente.errors import StoreError
from detente.records import EventLocation
from detente.store import GDELT_COLUMNS, export, open_db
from detente.store.export import cameo_code

from .test_store import article, build, event


@pytest.fixture()
def con(tmp_path: Path):
    path = tmp_path / "world.duckdb"
    build(path)
    connection = open_db(path, read_only=True)
    yield connection
    connection.close()


def test_gdelt_layout_has_61_columns_in_order() -> None:
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:5] == ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    assert GDELT_COLUMNS[5] == "Actor1Code" and GDELT_COLUMNS[15] == "Actor2Code"
    assert GDELT_COLUMNS[26] == "EventCode" and GDELT_COLUMNS[30] == "GoldsteinScale"
    assert GDELT_COLUMNS[33] == "NumArticles" and GDELT_COLUMNS[-1] == "SOURCEURL"


def test_gdelt_rows_are_merged_events_with_the_documented_mapping(con) -> None:
    out = io.StringIO()
    n = export(con, "gdelt", out)
    lines = out.getvalue().splitlines()
    assert n == len(lines) == 5  # six factual raw events, the syndicated pair merged
    rows = [dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True)) for line in lines]
    pair = next(r for r in rows if r["SQLDATE"] == "20200102")
    assert pair["Actor1Code"] == "RUR" and pair["Actor1CountryCode"] == "RUR"
    assert pair["Actor1Name"] == "RURITANIA" and pair["Actor2Code"] == "FRE"
    assert pair["EventCode"] == "112" and pair["EventRootCode"] == "11"
    assert pair["QuadClass"] == "3" and pair["GoldsteinScale"] == "-3.0"
    assert (pair["NumMentions"], pair["NumArticles"], pair["NumSources"]) == ("2", "2", "2")
    assert pair["MonthYear"] == "202001" and pair["Year"] == "2020"
    assert pair["SOURCEURL"] == "https://news.example/a1"
    assert pair["DATEADDED"] == "20200302100000"
    # located in Strelsau: a fictional country has no FIPS code, so only the name and point
    assert (pair["ActionGeo_FullName"], pair["ActionGeo_Lat"]) == ("Strelsau", "50.1000")
    assert pair["ActionGeo_Type"] == pair["ActionGeo_CountryCode"] == ""
    assert pair["ActionGeo_ADM2Code"] == ""  # what we do not have stays empty
    gov = next(r for r in rows if r["SQLDATE"] == "20200120")
    assert gov["Actor1Code"] == "RURGOV" and gov["Actor1Type1Code"] == "GOV"
    aid = next(r for r in rows if r["EventRootCode"] == "07")
    assert aid["GoldsteinScale"] == "10.0" and aid["QuadClass"] == "2"


def _located(aid: str, eid: str, kind: str, actor: str, recipient: str, where: EventLocation):
    return article(
        aid,
        f"{aid}: {actor} and {recipient} in {where.name}, a story of its own with few words.",
        (event(eid, kind, actor, recipient, "2021-05-0" + aid[-1], location=where),),
        source=f"Source {aid}",
    )


GEO_WORLD = [
    _located(
        "g1",
        "e1",
        "CONSULT",
        "RUS",
        "JPN",
        EventLocation(
            "Moscow", "RUS", 55.75, 37.62, admin1="RU-MOW", geonames_id=524901, via="clause"
        ),
    ),
    _located(
        "g2",
        "e1",
        "ACCUSE",
        "USA",
        "RUS",
        EventLocation("California", "USA", 36.7, -119.4, admin1="US-CA", via="sentence"),
    ),
    _located(
        "g3",
        "e1",
        "AID",
        "JPN",
        "USA",
        EventLocation("Los Angeles", "USA", 34.05, -118.24, admin1="US-CA", geonames_id=5368361),
    ),
    _located(
        "g4",
        "e1",
        "ASSAULT",
        "RUS",
        "UKR",
        EventLocation("Ukraine", "UKR", 49.0, 32.0, geonames_id=690791, via="article"),
    ),
    _located(
        "g5",
        "e1",
        "AID",
        "FRA",
        "SYR",
        EventLocation("Bavaria", "DEU", 48.9, 11.4, admin1="DE-BY", via="clause"),
    ),
]


def test_gdelt_geography_comes_from_the_event_location(tmp_path: Path) -> None:
    path = tmp_path / "geo.duckdb"
    build(path, GEO_WORLD)
    con = open_db(path, read_only=True)
    out = io.StringIO()
    export(con, "gdelt", out)
    con.close()
    rows = [
        dict(zip(GDELT_COLUMNS, ln.split("\t"), strict=True)) for ln in out.getvalue().splitlines()
    ]
    assert len(rows) == 5
    by_name = {r["ActionGeo_FullName"].split(",")[0]: r for r in rows}
    geo = {
        name: tuple(r[f"ActionGeo_{c}"] for c in ("Type", "CountryCode", "ADM1Code", "FeatureID"))
        for name, r in by_name.items()
    }
    assert geo == {
        "Moscow": ("4", "RS", "RS48", "524901"),  # a world city; FIPS RS, Moscow City 48
        "California": ("2", "US", "USCA", "USCA"),  # a US state: GDELT's postal ADM1 code
        "Los Angeles": ("3", "US", "USCA", "5368361"),  # a US city
        "Ukraine": ("1", "UP", "UP", "690791"),  # a country
        "Bavaria": ("5", "GM", "GM02", "GM02"),  # a world state
    }
    moscow = by_name["Moscow"]
    assert (moscow["ActionGeo_Lat"], moscow["ActionGeo_Long"]) == ("55.7500", "37.6200")
    assert by_name["Los Angeles"]["ActionGeo_FullName"] == (
        "Los Angeles, California, United States"
    )
    assert moscow["ActionGeo_ADM2Code"] == ""
    # an actor's geography is the location when the actor is of the location's country
    actor_geo = [f"Actor1Geo_{c}" for c in ("Type", "FullName", "CountryCode", "Lat")]
    assert [moscow[c] for c in actor_geo] == ["4", "Moscow, Russia", "RS", "55.7500"]
    assert all(moscow[f"Actor2Geo_{c}"] == "" for c in ("Type", "FullName", "Lat"))  # JPN
    assert by_name["California"]["Actor1Geo_ADM1Code"] == "USCA"  # USA in California
    assert by_name["Los Angeles"]["Actor2Geo_CountryCode"] == "US"  # on the USA
    bavaria = by_name["Bavaria"]
    assert bavaria["Actor1Geo_Type"] == bavaria["Actor2Geo_Type"] == ""  # FRA, SYR: elsewhere
    assert all(len(r) == 61 for r in rows)


def test_plover_export_carries_the_location(tmp_path: Path) -> None:
    path = tmp_path / "geo.duckdb"
    build(path, GEO_WORLD)
    con = open_db(path, read_only=True)
    out = io.StringIO()
    export(con, "plover", out)
    con.close()
    records = {
        r["cite_info"]["article_id"]: r for r in map(json.loads, out.getvalue().splitlines())
    }
    assert records["g1"]["location"] == {
        "name": "Moscow",
        "country": "RUS",
        "admin1": "RU-MOW",
        "lat": 55.75,
        "lon": 37.62,
        "geonames_id": 524901,
        "via": "clause",
    }
    assert records["g2"]["location"]["via"] == "sentence"


def test_cameo_code_prefers_the_event_then_type_and_mode() -> None:
    assert cameo_code("CONSULT", "visit") == "042"
    assert cameo_code("CONSULT", "unknown-mode") == "040"
    assert cameo_code("ACCUSE", "", "1121") == "1121"
    assert cameo_code(None, None) == ""


def test_plover_jsonl_is_one_factual_record_per_line(con, tmp_path: Path) -> None:
    path = tmp_path / "out" / "events.jsonl"
    assert export(con, "plover", path) == 6
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert {r["event"] for r in records} == {"ACCUSE", "CONSULT", "ASSAULT", "AID"}
    assert all(not r["evidence"]["auxiliary_modes"] for r in records)
    assert records[0]["cite_info"]["url"].startswith("https://news.example/")
    assert export(con, "plover", tmp_path / "all.jsonl", all_events=True) == 7


def test_csv_flattens_actor_and_recipient(con, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    assert export(con, "csv", path) == 6
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 6
    strelsau = next(r for r in rows if r["id"] == "a1/e1")
    assert (strelsau["location_name"], strelsau["location_country"]) == ("Strelsau", "RUR")
    assert (strelsau["location_lat"], strelsau["location_via"]) == ("50.1", "clause")
    assert next(r for r in rows if r["id"] == "a4/e1")["location_name"] == ""
    gov = next(r for r in rows if r["id"] == "a4/e1")
    assert gov["actor_full"] == "RURGOV" and gov["recipient_codes"] == "FRE"
    assert gov["actor_names"] == "Ruritania" and gov["recipient_kb_ids"] == "state:fre"
    pair = next(r for r in rows if r["id"] == "a2/e1")
    assert pair["merged_num_articles"] == "2"


def test_parquet_has_the_same_rows(con, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "events.parquet"
    assert export(con, "parquet", path, all_events=True) == 7
    table = pq.read_table(path)
    assert table.num_rows == 7
    assert {"actor_full", "recipient_full", "sentence", "merged_id"} <= set(table.column_names)


def test_unknown_format_and_binary_to_stream_are_errors(con) -> None:
    with pytest.raises(StoreError, match="unknown export format"):
        export(con, "xml", io.StringIO())
    with pytest.raises(StoreError, match="--out FILE"):
        export(con, "parquet", io.StringIO())
