"""Readers: formats, stdin, .gz, directories, ids, and rejections that name the input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from detente.errors import ReadError
from detente.read import iter_inputs, read_bytes_input, read_paths
from detente.read.base import decode, normalise_date
from detente.read.discover import detect_format
from detente.read.text import looks_like_headline, split_title

STORY = (
    "Velmora accuses Ostrana of border raids\n\n"
    "The government of Velmora said on Monday that Ostrana had sent troops across the river. "
    "Ostrana denied the report and called for talks in Port Azul.\n"
)
PAGE = """<!DOCTYPE html><html><head><title>Velmora and Ostrana agree to talks | Azul Times</title>
<meta property="og:site_name" content="Azul Times">
<meta name="author" content="Mira Calden">
<meta property="article:published_time" content="2021-03-04T08:00:00Z">
<meta property="article:modified_time" content="2022-06-01T08:00:00Z">
</head><body><nav>Home | World | Sport</nav><article><h1>Velmora and Ostrana agree to talks</h1>
<p>The foreign ministers of Velmora and Ostrana agreed on Thursday to hold talks next month in
Port Azul, ending a year of silence between the two neighbours.</p>
<p>Officials in both capitals said the meeting would focus on the disputed river border and on
trade, which has fallen sharply since the crisis began last spring.</p>
<p>Analysts in the region welcomed the announcement but warned that both sides remained far apart
on the question of the islands in the estuary.</p></article>
<footer>Copyright 2021 Azul Times. All rights reserved.</footer></body></html>"""


def test_headline_detection() -> None:
    assert looks_like_headline("Velmora accuses Ostrana of border raids")
    assert not looks_like_headline("The government said on Monday that troops had crossed.")
    assert not looks_like_headline("Hi")
    title, body = split_title(STORY)
    assert title == "Velmora accuses Ostrana of border raids"
    assert body.startswith("The government of Velmora")


def test_text_without_headline_keeps_first_paragraph() -> None:
    text = "The government said on Monday that troops had crossed the river.\n\nMore text here."
    title, body = split_title(text)
    assert title is None and body == text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # a headline with a full stop (as in PolNeAR's files), in Title Case
        (
            "Velmora Recalls Its Envoy From Ostrana.\n\nThe foreign ministry of Velmora said on "
            "Monday that it had recalled its envoy.",
            "Velmora Recalls Its Envoy From Ostrana.",
        ),
        # sentence case with a full stop, before an article of several paragraphs
        (
            "Velmora recalls envoy, sharpens tone with Ostrana.\n\nThe foreign ministry said so."
            "\n\nOstrana called the step regrettable.",
            "Velmora recalls envoy, sharpens tone with Ostrana.",
        ),
        # inside a closing quote
        (
            "Minister Vela Orn: ‘We Will Not Back Down.’\n\nThe minister spoke in Tarsk.",
            "Minister Vela Orn: ‘We Will Not Back Down.’",
        ),
        # a headline ending with a semicolon, a deck line after it
        (
            "Velmora and Ostrana resume talks; \nTrade and the river border on the agenda.\n\n"
            "Delegations met in Tarsk.",
            "Velmora and Ostrana resume talks;",
        ),
    ],
)
def test_headline_with_a_stop_is_the_title(text: str, title: str) -> None:
    got, body = split_title(text)
    assert got == title
    assert got is not None and text.startswith(got) and body and not body.startswith("\n")
    assert text.endswith(body)


def test_a_short_lead_sentence_is_not_a_title() -> None:
    # sentence case, then one paragraph: the first line is the lead, not a headline
    text = "Velmora said on Monday that it had recalled its envoy.\n\nOstrana regretted it."
    assert split_title(text) == (None, text)
    # a sentence running on after its first line is no headline either
    text = "Velmora recalls envoy.\nThe ministry said so.\n\nMore."
    assert split_title(text)[0] is None


def test_plain_text_file_and_stable_id(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY, "utf-8")
    first = list(read_paths([path]))
    second = list(read_paths([path]))
    assert len(first) == 1 and first[0].rejected is None
    assert first[0].title == "Velmora accuses Ostrana of border raids"
    assert first[0].id == second[0].id
    assert first[0].format == "text"


def test_gz_file_is_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(STORY.encode("utf-8")))
    (art,) = read_paths([path])
    assert art.rejected is None
    assert "Ostrana denied the report" in art.text


def test_directory_is_read_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text(STORY, "utf-8")
    (tmp_path / "b" / "c.txt").write_text(STORY.replace("Monday", "Friday"), "utf-8")
    names = list(iter_inputs([tmp_path]))
    assert [Path(n).name for n in names] == ["a.txt", "c.txt"]
    arts = list(read_paths([tmp_path]))
    assert [a.rejected for a in arts] == [None, None]
    assert arts[0].id != arts[1].id


def test_missing_path_raises_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="does not exist"):
        list(read_paths([tmp_path / "nope.txt"]))


def test_jsonl_lines_keep_ids_and_metadata(tmp_path: Path) -> None:
    rows = [
        {
            "id": "x-1",
            "title": "Velmora protests",
            "text": "Crowds gathered in Port Azul today to protest against the new tax.",
            "source": "Azul Times",
            "published": "2021-05-02",
            "url": "https://example.org/1",
        },
        {"text": "   "},
        {"html": PAGE, "id": "x-3"},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", "utf-8")
    arts = list(read_paths([path]))
    assert [a.id for a in arts][:1] == ["x-1"]
    assert arts[0].source == "Azul Times" and arts[0].published == "2021-05-02"
    assert arts[0].url == "https://example.org/1"
    assert arts[1].rejected is not None and arts[1].rejected.reason == "empty"
    assert arts[1].rejected.input.endswith("batch.jsonl:2")
    assert arts[2].id == "x-3" and arts[2].format == "html"
    assert arts[3].rejected is not None and arts[3].rejected.reason == "invalid_json"


def test_html_reader_extracts_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, "utf-8")
    (art,) = read_paths([path])
    assert art.rejected is None
    assert "ending a year of silence" in art.text
    assert "Home | World" not in art.text
    assert "All rights reserved" not in art.text
    assert art.title and "Velmora and Ostrana agree to talks" in art.title
    assert art.authors == ("Mira Calden",)
    assert art.source == "Azul Times"
    # the original publication date, not the last-updated one
    assert art.published == "2021-03-04"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"\x00\x01\x02\x03binary\x00stuff" * 20, "binary"),
    ],
)
def test_bad_inputs_become_rejections(data: bytes, reason: str) -> None:
    (art,) = read_bytes_input("in.txt", data)
    assert art.rejected is not None
    assert art.rejected.reason == reason
    assert art.rejected.input == "in.txt"


def test_oversized_input_is_rejected_and_others_go_on(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 500, "utf-8")
    small = tmp_path / "small.txt"
    small.write_text(STORY, "utf-8")
    arts = list(read_paths([big, small], max_bytes=1000))
    assert arts[0].rejected is not None and arts[0].rejected.reason == "too_large"
    assert "1000" in arts[0].rejected.detail
    assert arts[1].rejected is None


def test_defaults_fill_only_missing_metadata(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text(STORY, "utf-8")
    (art,) = read_paths([path], published="2020-01-02", source="Wire")
    assert art.published == "2020-01-02" and art.source == "Wire"


def test_decode_and_dates() -> None:
    assert decode("Café".encode("cp1252")) == "Café"
    assert decode("\ufeffhello".encode()) == "hello"
    assert decode(b"ab\x00cd") is None
    assert normalise_date("2017-11-24T10:00:00Z") == "2017-11-24"
    assert normalise_date("2017-02-30") is None
    assert normalise_date(None) is None


def test_format_detection() -> None:
    assert detect_format("x.html.gz") == "html"
    assert detect_format("x.jsonl") == "jsonl"
    assert detect_format("x.warc.gz") == "warc"
    assert detect_format("noext", b"<!DOCTYPE html><html>") == "html"
    assert detect_format("noext", b'{"text": "a"}') == "jsonl"
    assert detect_format("noext", b"Plain words") == "text"


def test_warc_records_become_articles(tmp_path: Path) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            "https://azul.example/talks",
            "response",
            payload=BytesIO(PAGE.encode("utf-8")),
            http_headers=headers,
        )
        writer.write_record(record)
    (art,) = read_paths([path])
    assert art.rejected is None
    assert art.url == "https://azul.example/talks"
    assert art.input.startswith(str(path) + "#")
    assert "ending a year of silence" in art.text


FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Azul Wire</title>
<item><title>Velmora recalls envoy</title><link>https://azul.example/envoy</link>
<pubDate>Tue, 02 Mar 2021 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Velmora recalled its envoy from Ostrana on Tuesday after a row over
fishing rights in the estuary, the foreign ministry said.&lt;/p&gt;</description></item>
<item><title>Empty one</title><link>https://azul.example/empty</link></item>
</channel></rss>"""


def test_rss_feed_entries_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_bytes(FEED)
    arts = list(read_paths([path]))
    assert len(arts) == 2
    first = arts[0]
    assert first.rejected is None and first.format == "feed"
    assert first.title == "Velmora recalls envoy"
    assert first.url == "https://azul.example/envoy"
    assert first.published == "2021-03-02" and first.source == "Azul Wire"
    assert "recalled its envoy" in first.text and "<p>" not in first.text
    assert arts[1].rejected is not None and arts[1].rejected.reason == "empty"
    assert detect_format("feed.xml", FEED[:200]) == "feed"


def test_reading_a_file_from_its_bytes_gives_what_reading_the_path_gives(tmp_path: Path) -> None:
    # What a Spark executor does with a binaryFile row: the same articles as the local reader.
    from detente.read import read_file_bytes

    text = "Velmora recalls envoy\n\nVelmora recalled its envoy from Ostrana on Tuesday.\n"
    (tmp_path / "a.txt").write_text(text, "utf-8")
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(text.replace("envoy", "consul").encode()))
    lines = [json.dumps({"id": f"w{i}", "text": f"Ostrana wire {i} said Velmora."}) for i in (1, 2)]
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n\n").encode()))
    (tmp_path / "d.html").write_text(
        "<html><head><title>Talks</title></head><body><p>Ostrana and Velmora met in Drovnik "
        "to discuss the border on Monday.</p></body></html>",
        "utf-8",
    )
    (tmp_path / "e.txt").write_bytes(b"\x00\x01\x02 binary")
    for path in sorted(tmp_path.iterdir()):
        want = list(read_paths([path], published="2020-05-04", source="Wire"))
        got = list(
            read_file_bytes(str(path), path.read_bytes(), published="2020-05-04", source="Wire")
        )
        assert got == want and want, path.name
    for name in ("c.jsonl.gz", "b.txt.gz"):  # a corrupt download is a rejection, not a crash
        (bad,) = read_file_bytes(str(tmp_path / name), b"\x1f\x8bjunk")
        assert bad.rejected is not None and bad.rejected.reason == "unreadable"
