"""The Wikidata dump importer, on a small synthetic dump of invented entities (fictional world).

Every QID here is invented (Q9000xx); nothing is fetched from Wikidata.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from detente.actors import load_kb, resolve
from detente.actors.importers.wikidata import convert_dump, convert_lines, wikidata_date
from detente.cli import main
from detente.errors import ActorError


def _item(qid: str) -> dict[str, Any]:
    return {"snaktype": "value", "datavalue": {"type": "wikibase-entityid", "value": {"id": qid}}}


def _claim(prop: str, qid: str, **qualifiers: str) -> dict[str, Any]:
    quals = {
        p: [{"snaktype": "value", "datavalue": {"value": {"time": t, "precision": 11}}}]
        for p, t in qualifiers.items()
    }
    return {"mainsnak": {"property": prop, **_item(qid)}, "rank": "normal", "qualifiers": quals}


def _entity(qid: str, label: str, aliases: tuple[str, ...] = (), **claims: Any) -> str:
    out: dict[str, Any] = {
        "id": qid,
        "type": "item",
        "labels": {"en": {"language": "en", "value": label}, "fr": {"value": f"{label} (fr)"}},
        "aliases": {"en": [{"language": "en", "value": a} for a in aliases]},
        "claims": {},
    }
    for prop, values in claims.items():
        out["claims"][prop] = [
            v if isinstance(v, dict) else _claim(prop, v)
            for v in (values if isinstance(values, list) else [values])
        ]
    return json.dumps(out)


def _iso(code: str) -> dict[str, Any]:
    return {"mainsnak": {"snaktype": "value", "datavalue": {"value": code}}, "rank": "normal"}


def dump_lines() -> list[str]:
    return [
        _entity("Q900001", "Velmora", ("Republic of Velmora",), P31="Q3624078", P298=_iso("XVM")),
        _entity("Q900002", "Ostrana", P31="Q6256", P298=_iso("XOS")),
        _entity("Q900009", "Mistland", P31="Q3624078"),  # no ISO code: dropped
        _entity("Q900004", "Brisk Accord", ("BRA-ORG",), P31="Q245065"),
        _entity("Q900005", "Tidewater Brigades", ("TWB",), P31="Q17149090", P17="Q900001"),
        _entity("Q900006", "Velmoran Harbour Party", P31="Q7278", P17="Q900001"),
        # A minister whose positions come later in the dump than she does.
        _entity(
            "Q900010",
            "Marisol Quennet",
            ("M. Quennet",),
            P31="Q5",
            P21="Q6581072",
            P27="Q900001",
            P39=[
                _claim(
                    "P39", "Q900020", P580="+2016-04-01T00:00:00Z", P582="+2019-09-30T00:00:00Z"
                ),
                _claim("P39", "Q900021", P580="+2019-10-01T00:00:00Z"),
                _claim("P39", "Q900099", P580="+2000-01-01T00:00:00Z"),  # not a position
            ],
        ),
        _entity(
            "Q900011",
            "Edrin Valk",
            P31="Q5",
            P27="Q900002",
            P39=_claim("P39", "Q900022", P580="+2012-01-01T00:00:00Z"),
        ),
        _entity("Q900012", "Pell Orrin", P31="Q5", P27="Q900002"),  # no position held: dropped
        _entity(
            "Q900013",
            "Ione Brask",
            P31="Q5",
            P39=_claim("P39", "Q900023", P580="+2020-02-01T00:00:00Z"),
        ),
        _entity(
            "Q900020", "Minister of Foreign Affairs of Velmora", P31="Q4164871", P1001="Q900001"
        ),
        _entity("Q900021", "Prime Minister of Velmora", P31="Q4164871", P17="Q900001"),
        _entity("Q900022", "member of the Ostranan Assembly", P31="Q4164871", P1001="Q900002"),
        _entity(
            "Q900023", "Secretary-General of the Brisk Accord", P31="Q4164871", P1001="Q900004"
        ),
        _entity("Q900099", "Harbour Regatta", P31="Q1656682"),
    ]


def as_array(lines: list[str]) -> str:
    """The standard dump layout: a JSON array, one entity a line, lines ending with ','."""
    return "[\n" + ",\n".join(lines) + "\n]\n"


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "latest-all.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(as_array(dump_lines()))
    return path


def _by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["name"]: i for i in items}


def test_keeps_states_organisations_and_office_holders(dump: Path) -> None:
    doc, stats = convert_dump(dump)
    assert [(s["code"], s["name"], s.get("aliases")) for s in doc["states"]] == [
        ("XVM", "Velmora", ["Republic of Velmora"]),
        ("XOS", "Ostrana", None),
    ]
    assert stats.states_without_code == 1
    orgs = _by_name(doc["organisations"])
    assert set(orgs) == {"Brisk Accord", "Tidewater Brigades", "Velmoran Harbour Party"}
    assert orgs["Brisk Accord"] | {} == {
        "id": "wikidata:Q900004",
        "name": "Brisk Accord",
        "aliases": ["BRA-ORG"],
        "code": "IGO",
        "kind": "igo",
        "provenance": "wikidata:Q900004",
    }
    assert (orgs["Tidewater Brigades"]["code"], orgs["Tidewater Brigades"]["sector"]) == (
        "XVM",
        "REB",
    )
    assert (orgs["Velmoran Harbour Party"]["code"], orgs["Velmoran Harbour Party"]["sector"]) == (
        "XVM",
        "PTY",
    )
    people = _by_name(doc["people"])
    assert set(people) == {"Marisol Quennet", "Edrin Valk", "Ione Brask"}
    marisol = people["Marisol Quennet"]
    assert (marisol["id"], marisol["gender"], marisol["country"]) == ("Q900010", "f", "XVM")
    assert marisol["aliases"] == ["M. Quennet"]
    assert [(o["role"], o["code"], o.get("start"), o.get("end")) for o in marisol["offices"]] == [
        ("fm", "XVM", "2016-04-01", "2019-09-30"),
        ("hog", "XVM", "2019-10-01", None),
    ]
    edrin = people["Edrin Valk"]["offices"][0]
    assert (edrin["role"], edrin["code"], edrin["sector"], edrin["title"]) == (
        "other",
        "XOS",
        "LEG",
        "legislator",
    )
    assert people["Ione Brask"]["offices"][0]["role"] == "sg"
    assert people["Ione Brask"]["offices"][0]["code"] == "IGO"
    assert "country" not in people["Ione Brask"]  # no citizenship, and an IGO is no country
    assert stats.unknown_positions == 1
    assert stats.bad_lines == 0


def test_jsonl_and_array_give_the_same_document(tmp_path: Path) -> None:
    lines = dump_lines()
    array, _ = convert_lines(as_array(lines).splitlines(), "array")
    jsonl, _ = convert_lines(lines, "jsonl")
    assert array == jsonl
    assert len(jsonl["people"]) == 3


def test_bad_lines_are_skipped_and_counted_or_fatal_when_strict() -> None:
    lines = dump_lines()
    broken = [*lines[:3], '{"id": "Q9000', "[1, 2]", *lines[3:]]
    doc, stats = convert_lines(broken, "cut.json")
    assert stats.bad_lines == 2
    assert len(doc["people"]) == 3  # everything else still converted
    with pytest.raises(ActorError, match=r"cut\.json:4: not a Wikidata entity"):
        convert_lines(broken, "cut.json", strict=True)


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path, dump: Path) -> None:
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(dump.read_bytes()[:-30])
    doc, _ = convert_dump(cut)
    assert len(doc["states"]) == 2  # the start of the dump survives the cut
    with pytest.raises(ActorError, match="truncated"):
        convert_dump(cut, strict=True)


def test_dates_by_precision() -> None:
    assert wikidata_date({"time": "+2015-03-01T00:00:00Z", "precision": 11}) == "2015-03-01"
    assert wikidata_date({"time": "+2015-00-00T00:00:00Z", "precision": 9}) == "2015-01-01"
    assert (
        wikidata_date({"time": "+2015-00-00T00:00:00Z", "precision": 9}, end=True) == "2015-12-31"
    )
    assert (
        wikidata_date({"time": "+2016-02-00T00:00:00Z", "precision": 10}, end=True) == "2016-02-29"
    )
    assert wikidata_date({"time": "-0044-03-15T00:00:00Z", "precision": 11}) is None


def test_cli_writes_a_file_that_actors_loads(dump: Path, tmp_path: Path) -> None:
    out = tmp_path / "wikidata.yaml"
    result = CliRunner().invoke(
        main, ["actors", "import", "wikidata", str(dump), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "3 people" in result.output
    assert out.read_text("utf-8").startswith("# Converted by `detente actors import wikidata`")
    assert yaml.safe_load(out.read_text("utf-8"))["version"] == 1
    kb = load_kb([str(out)], layers="curated")
    assert "person:Q900010" in kb.people
    minister = resolve("Marisol Quennet", "2017-06-01", kb=kb)
    assert minister is not None
    assert (minister.code, minister.sector, minister.kb_id) == ("XVM", "GOV", "person:Q900010")
    brigades = resolve("TWB", "2017-06-01", kb=kb)
    assert brigades is not None and (brigades.code, brigades.sector) == ("XVM", "REB")
    lookup = CliRunner().invoke(
        main,
        [
            "actors",
            "lookup",
            "Marisol Quennet",
            "--date",
            "2020-01-01",
            "--actors",
            str(out),
            "--kb",
            "curated",
        ],
    )
    assert lookup.exit_code == 0 and "head of government of XVM" in lookup.output


def test_cli_strict_names_the_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[\n" + dump_lines()[0] + ",\nnot json,\n]\n", "utf-8")
    result = CliRunner().invoke(
        main,
        ["actors", "import", "wikidata", str(bad), "--out", str(tmp_path / "o.yaml"), "--strict"],
    )
    assert result.exit_code != 0
    assert "bad.json:3" in result.output
