"""The Phoenix/PETRARCH dictionary converter, on a tiny invented dictionary (fictional world)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from detente.actors import load_kb, resolve
from detente.actors.importers.phoenix import convert_dir, parse_code, phrase_name, read_actors
from detente.cli import main
from detente.errors import ActorError

COUNTRIES = """\
# TABARI-formatted .actor file (invented for tests)
VELMORA_  [XVM]
+VELMORAN_
+VELMORRA_
+SALTMARSH_PROVINCE # a province, often reported
+REPUBLIC_OF_VELMORA

# National Institutions
VELMORAN_COASTAL_WATCH
+VCW
\t[XVMMIL]

KESTRA_VOLLEN_  # CountryInfo.txt
+PRESIDENT_VOLLEN_
\t[XVMELI 900101-040308]
\t[XVMGOV >20040309]
\t[XVMELI]
ODO_MARSK_  # CountryInfo.txt
\t[XVMGOV 950101-991231]
\t[XVMGOV 1920030320-20060520]
JAP_ENVOY_RENTO_ [JAPGOV]
UNCODED_LINE_
"""

INTERNATIONAL = """\
LEAGUE_OF_AZURE_STATES_ [IGOLAS]
+AZURE_LEAGUE
TIDEWATER_SHIPPING_CORPORATION_\t[MNCXVM] #CTA 31 Jul 2009# NGO_Actors
NOBODY_IN_PARTICULAR_ [---]
TIDEWATER_GAZETTE_ [MEDJRN] # a newspaper: a role code without a country
"""

MILNONSTATE = """\
SALTMARSH_LIBERATION_FRONT [XVMREB] #  kkl 21 Mar 13
+SALTMARSH_FRONT_
"""

AGENTS = """\
!PERSON! = MAN, MEN, WOMAN, WOMEN
KELP_FARMER [~AGR]
REEF!PERSON! [~CRM]
HARBOUR_WARDEN {HARBOUR_WARDENS} [~COP]
UNKNOWN_SECTOR_PERSON [~ZZZ]
"""

DISCARDS = """\
AZURE_CUP
1914
"""


@pytest.fixture
def phoenix_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "phoenix"
    folder.mkdir()
    (folder / "Phoenix.Countries.actors.txt").write_text(COUNTRIES, "utf-8")
    (folder / "Phoenix.International.actors.txt").write_text(INTERNATIONAL, "utf-8")
    (folder / "Phoenix.MilNonState.actors.txt").write_text(MILNONSTATE, "utf-8")
    (folder / "Phoenix.agents.txt").write_text(AGENTS, "utf-8")
    (folder / "Phoenix.discards.txt").write_text(DISCARDS, "utf-8")
    (folder / "CAMEO.2.0.txt").write_text("--- VERBS ---\nSHOUT [111]\n", "utf-8")
    return folder


def test_codes_decode_country_sector_and_terms() -> None:
    code = parse_code("RUSGOV >20040309")
    assert (code.code, code.sector, code.start, code.end) == (
        "RUS",
        "GOV",
        dt.date(2004, 3, 9),
        None,
    )
    # Two-digit years: 00-30 are 20YY, later ones 19YY; "<" gives an end only.
    assert parse_code("XVMGOV 950101-051231").start == dt.date(1995, 1, 1)
    assert parse_code("XVMGOV 950101-051231").end == dt.date(2005, 12, 31)
    assert parse_code("XVM <900823").end == dt.date(1990, 8, 23)
    # Old CAMEO country codes become ISO alpha-3; IGO/MNC leads stay; CAMEO MED is the media.
    assert parse_code("JAPGOV").code == "JPN"
    assert parse_code("IGOUNOJUDICJ").sector == "JUD"
    assert parse_code("USAMED").sector == "JRN"
    assert parse_code("---").code is None
    assert (parse_code("MEDJRN").code, parse_code("MEDJRN").sector) == (None, "JRN")


def test_phrases_become_names() -> None:
    assert phrase_name("KESTRA_VOLLEN_") == "Kestra Vollen"
    assert phrase_name("REPUBLIC_OF_VELMORA") == "Republic of Velmora"
    assert phrase_name("UN_") == "UN"


def test_reader_keeps_synonyms_codes_and_comments() -> None:
    entries = read_actors(COUNTRIES.splitlines(), "c.txt")
    vollen = next(e for e in entries if e.name == "KESTRA_VOLLEN_")
    assert vollen.synonyms == ["PRESIDENT_VOLLEN_"]
    assert [c.raw for c in vollen.codes] == ["XVMELI 900101-040308", "XVMGOV >20040309", "XVMELI"]
    assert vollen.provenance == "c.txt:13 CountryInfo.txt"


def test_converted_document(phoenix_dir: Path) -> None:
    doc = convert_dir(phoenix_dir)
    (velmora,) = doc["states"]
    assert velmora["code"] == "XVM" and velmora["name"] == "Velmora"
    # Spellings and long forms are aliases; a province is a place of the state.
    assert "Velmorra" in velmora["aliases"] and "Republic of Velmora" in velmora["aliases"]
    assert velmora["places"] == ["Saltmarsh Province"]
    people = {p["name"]: p for p in doc["people"]}
    vollen = people["Kestra Vollen"]
    assert vollen["aliases"] == ["President Vollen"]
    assert vollen["country"] == "XVM"
    # The ELI term gives no office; the open GOV term ends at the Phoenix horizon.
    (office,) = vollen["offices"]
    assert office["start"] == "2004-03-09" and office["end"] == "2015-12-31"
    assert office["sector"] == "GOV" and office["title"] == "XVMGOV >20040309"
    assert "CountryInfo.txt" in vollen["provenance"]
    # A stray century before YYYYMMDD is read as the date it means.
    assert people["Odo Marsk"]["offices"][1]["start"] == "2003-03-20"
    orgs = {o["name"]: o for o in doc["organisations"]}
    assert orgs["Velmoran Coastal Watch"]["code"] == "XVM"
    assert orgs["Velmoran Coastal Watch"]["sector"] == "MIL"
    assert orgs["Velmoran Coastal Watch"]["aliases"] == ["VCW"]
    assert orgs["Jap Envoy Rento"]["code"] == "JPN"
    assert orgs["League of Azure States"]["kind"] == "igo"
    assert orgs["League of Azure States"]["code"] == "IGO"
    assert orgs["Tidewater Shipping Corporation"]["kind"] == "organisation"
    assert "NGO_Actors" in orgs["Tidewater Shipping Corporation"]["provenance"]
    assert orgs["Saltmarsh Liberation Front"]["kind"] == "group"
    assert orgs["Saltmarsh Liberation Front"]["sector"] == "REB"
    assert "Nobody in Particular" not in orgs and "Uncoded Line" not in orgs
    assert "Tidewater Gazette" not in orgs
    agents = {a["sector"]: a["words"] for a in doc["agents"]}
    assert agents["CRM"] == ["reefman", "reefmen", "reefwoman", "reefwomen"]
    assert agents["COP"] == ["harbour warden", "harbour wardens"]
    assert "AGR" not in agents  # no detente sector for CAMEO AGR
    assert doc["discards"] == ["Azure Cup", "1914"]


def test_cli_writes_a_loadable_actor_file(phoenix_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "phoenix.yaml"
    result = CliRunner().invoke(
        main, ["actors", "import", "phoenix", str(phoenix_dir), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Open Event Data" in out.read_text("utf-8").splitlines()[1]
    doc = yaml.safe_load(out.read_text("utf-8"))
    assert {s["code"] for s in doc["states"]} == {"XVM"}
    kb = load_kb((str(out),))
    ref = resolve("Kestra Vollen", "2010-05-01", kb=kb)
    assert ref is not None and (ref.code, ref.sector) == ("XVM", "GOV")
    coastal = resolve("Velmoran Coastal Watch", "2010-05-01", kb=kb)
    assert coastal is not None and (coastal.code, coastal.sector) == ("XVM", "MIL")


def test_cli_names_a_folder_without_dictionaries(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["actors", "import", "phoenix", str(tmp_path), "--out", str(tmp_path / "x.yaml")]
    )
    assert result.exit_code != 0
    assert str(tmp_path) in result.output
    with pytest.raises(ActorError, match="no Phoenix dictionaries"):
        convert_dir(tmp_path)
