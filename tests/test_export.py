"""Exports: PLOVER JSONL, the GDELT 2.0 table (61 columns), Parquet and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from detente.errors import StoreError
from detente.store import GDELT_COLUMNS, export, open_db
from detente.store.export import cameo_code

from .test_store import build


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
    assert pair["ActionGeo_Lat"] == ""  # what we do not have stays empty
    gov = next(r for r in rows if r["SQLDATE"] == "20200120")
    assert gov["Actor1Code"] == "RURGOV" and gov["Actor1Type1Code"] == "GOV"
    aid = next(r for r in rows if r["EventRootCode"] == "07")
    assert aid["GoldsteinScale"] == "10.0" and aid["QuadClass"] == "2"


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
