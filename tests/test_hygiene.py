"""Text hygiene: repair in the readers (ftfy), encoding detection, and JSONL one record a line."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner

from detente.clean import CleanStage, load_boilerplate
from detente.cli import main
from detente.jsonl import dumps_line, write_line
from detente.read import read_bytes_input, read_jsonl_line, read_text
from detente.read.base import decode
from detente.read.repair import repair_text
from detente.store import export, open_db

from .test_store import build, world

#: Characters that str.splitlines() breaks on besides \n and \r.
LINE_BREAKERS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# -- repair -----------------------------------------------------------------------------------


def test_mojibake_and_c1_controls_read_as_written() -> None:
    cases = {
        "Ruritaniaâ€™s envoy": "Ruritania’s envoy",  # UTF-8 read as cp1252
        "talks\x97then a pause\x85": "talks—then a pause…",  # cp1252 punctuation as Latin-1
        "President RassendyllÃ©": "President Rassendyllé",
        "Freedonia\x1b said": "Freedonia said",  # a terminal escape
        "Wire Fre &amp; partners": "Wire Fre & partners",  # an entity left in plain text
        "FranÃ\x83Â§ois": "François",  # encoded twice
        "Fran\u0041\u0303\u00a7ois": "François",  # mojibake in decomposed form (NFD)
        "naÃ \u0304ve": "naïve",  # mojibake that went through NFKC ("¯" -> " " + U+0304)
        "RaÃ\x83Âol": "Raúl",  # NFKC turned the "º" of a double-encoded "ú" into "o"
        "said RaÃol Rassendyll": "said Raúl Rassendyll",  # ... and of a single-encoded one
        "envoy GÃ1\u20444len said": "envoy Gülen said",  # NFKC made "¼" of "Ã¼" (ü) "1⁄4"
        "a realâ€world test": "a real\u2010world test",  # a hyphen's lost third byte (0x90)
    }
    for damaged, written in cases.items():
        repaired, report = repair_text(damaged)
        assert repaired == written, damaged
        assert report is not None and report["fixes"], damaged


def test_clean_text_is_left_alone() -> None:
    clean = (
        "“Ruritania will not yield,” the minister said — twice… in Zürich, São Paulo and Москва.\n"
        "ﬁnal Ｆｕｌｌ width ½; cafe\u0301 stays decomposed; <b>AT&amp;T</b> is HTML about HTML.\n"
        "SÃO PAULO and JOÃO stay in capitals; Ça va, à bientôt."
    )
    assert repair_text(clean) == (clean, None)


def test_reader_reports_the_repair_and_offsets_point_into_the_repaired_text() -> None:
    raw = (
        "Ruritaniaâ€™s Envoy Speaks\n\n"
        "Subscribe to our newsletter for more news today.\n\n"
        "The envoy of Ruritaniaâ€™s government said talks\x97with Freedonia\x85 would resume."
    )
    art = read_text("fictional.txt", raw)
    assert art.title == "Ruritania’s Envoy Speaks"
    assert "â€" not in art.text and "\x97" not in art.text and "talks—with Freedonia…" in art.text
    report = art.meta["text_repaired"]
    assert report["fixes"] == {
        "mojibake:latin-1->windows-1252": 2,
        "mojibake:sloppy-windows-1252->utf-8": 2,
    }
    assert ["Ruritaniaâ€™s", "Ruritania’s"] in report["examples"]
    cleaned = CleanStage(load_boilerplate())(art)
    assert cleaned.removed and cleaned.raw_text == art.text
    for span in cleaned.removed:
        assert cleaned.raw_text[span.start : span.end] == span.text
    # same damaged input, same id; the id is of the repaired text
    assert read_text("other.txt", raw).id == art.id
    assert read_text("x.txt", "Ruritania’s Envoy Speaks\n\n" + art.text).id == art.id


def test_jsonl_and_html_inputs_are_repaired_too() -> None:
    line = json.dumps({"text": "Freedoniaâ€™s minister met the envoy of Ruritania for talks."})
    art = read_jsonl_line("x.jsonl:1", line)
    assert "Freedonia’s" in art.text and "text_repaired" in art.meta
    page = (
        "<html><head><title>Talks</title></head><body><article><p>"
        + "The minister of Freedonia\x97the old one\x97met the Ruritanian envoy again. " * 8
        + "</p></article></body></html>"
    )
    (html,) = read_bytes_input("x.html", page.encode("utf-8"))
    assert "Freedonia—the old one—met" in html.text
    assert html.meta["text_repaired"]["fixes"]


def test_clean_input_has_no_repair_report() -> None:
    art = read_text("x.txt", "Talks Resume\n\nRuritania and Freedonia held talks on trade.")
    assert "text_repaired" not in art.meta


# -- encodings --------------------------------------------------------------------------------


def test_undecodable_bytes_are_detected_before_a_rejection() -> None:
    russian = "Президент Рурітании заявил, что переговоры с Фридонией продолжатся завтра утром."
    assert decode(russian.encode("cp1251")) == russian
    english = "The envoy’s talks — “frank” and long — went on. " * 3
    assert decode(english.encode("cp1252")) == english  # mostly ASCII: cp1252, not a guess
    wide = "Ruritania and Freedonia held talks on trade and fishing rights."
    assert decode(wide.encode("utf-16-le")) == wide  # UTF-16 without a BOM
    (rejected,) = read_bytes_input("noise.txt", bytes(range(256)) * 8)
    assert rejected.rejected is not None and rejected.rejected.reason == "binary"


# -- JSONL writers ----------------------------------------------------------------------------


def test_dumps_line_is_one_line_for_splitlines_and_reads_back() -> None:
    obj = {"text": "a\x85b\u2028c\u2029d\x0be\x1cf\x7fg\x9fh\ud800i\n", "n": [1, "\x00"]}
    line = dumps_line(obj)
    assert line.splitlines() == [line]
    assert not any(c in line for c in LINE_BREAKERS + "\n\r\x7f\x85")
    assert json.loads(line) == obj
    line.encode("utf-8")  # a lone surrogate is escaped, so the line can be written
    out = io.StringIO()
    write_line(obj, out)
    write_line({"x": "\u2028"}, out)
    assert len(out.getvalue().splitlines()) == 2


def test_code_jsonl_and_plover_outputs_are_one_record_a_line(tmp_path: Path) -> None:
    # real actors (the packaged knowledge base), so that the PLOVER output has events
    text = (
        "Russia\u2028Accuses Ukraine\n\n"
        "Russia accused Ukraine of shelling a border village\u2029on Monday, the minister "
        "said.\u2028 Ukraine denied it\u0085 and France called for talks."
    )
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"text": text, "title": "Russia\u2028Accuses"}, ensure_ascii=False)
        + "\n"
        + json.dumps({"text": text.replace("Monday", "Tuesday")}, ensure_ascii=False)
        + "\n",
        "utf-8",
    )
    for fmt in ("jsonl", "plover"):
        result = CliRunner().invoke(
            main, ["code", str(tmp_path / "a.jsonl"), "--format", fmt, "--date", "2020-01-06"]
        )
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert lines and all(json.loads(line) for line in lines)
        if fmt == "jsonl":
            assert len(lines) == 2
            assert "\u2028" in json.loads(lines[0])["article"]["title"]


def test_plover_export_is_one_record_a_line(tmp_path: Path) -> None:
    arts = world()
    arts[0] = arts[0].with_(title="Ruritania\u2028accuses\x85Freedonia\u2029again")
    build(tmp_path / "w.duckdb", arts)
    con = open_db(tmp_path / "w.duckdb", read_only=True)
    out = io.StringIO()
    n = export(con, "plover", out)
    con.close()
    lines = out.getvalue().splitlines()
    assert n == len(lines) == 6
    titles = {json.loads(line)["cite_info"]["title"] for line in lines}
    assert "Ruritania\u2028accuses\x85Freedonia\u2029again" in titles


# -- acceptance on the shared PolNeAR corpus --------------------------------------------------


def test_polnear_files_with_c1_controls_or_mojibake_read_as_written() -> None:
    import re

    from detente.read import read_paths

    from .conftest import shared_path

    folder = shared_path("corpora/polnear-news")
    damaged = re.compile("[\x80-\x9f]|\u00c3|\u00e2\u20ac|A\u0303")
    with_c1, repaired, left = [], [], []
    for art in read_paths([folder]):
        raw = Path(art.input).read_text("utf-8")
        if re.search("[\x80-\x9f]", raw):
            with_c1.append(Path(art.input).name)
        if "text_repaired" in art.meta:
            repaired.append(Path(art.input).name)
        left += damaged.findall(f"{art.title}\n{art.text}")
    assert len(with_c1) == 8 and set(with_c1) <= set(repaired)
    assert len(repaired) == 38
    assert left == ["\u00c3"]  # "KÃ rner": two bytes lost, nothing to restore them from
