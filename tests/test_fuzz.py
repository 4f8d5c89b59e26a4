"""Property-based tests: every input becomes an article or a rejection, never an exception.

Random bytes, random Unicode (with the characters that break lines and encodings: U+0085, U+2028,
U+2029, C0/C1 controls, BOMs, surrogates, mojibake), broken HTML, random JSONL lines, feeds, WARC
records and huge lines go through the readers, the clean stage and the JSONL writers. Examples are
few and derandomized, so the suite stays fast and CI sees the same cases on every run.
"""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.clean import CleanStage, load_boilerplate
from detente.jsonl import dumps_line
from detente.read import read_bytes_input, read_jsonl_line, read_text
from detente.read.repair import offset_mapper, repair_text
from detente.records import Article

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(FUZZ, max_examples=15)  # trafilatura and spaCy-free but heavier readers

#: Characters that break lines, encodings or parsers, mixed into random text.
NASTY = [
    "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1e", "\x00", "\x1b", "\x7f",
    "\x92", "\x97", "\x9d", "\ufeff", "\ufffd", "\ud800", "\udfff", "\r\n", "\n\n", "\r",
    "â€™", "â€”", "Ã©", "Ã\x83Â§", "A\u0303\u00a7", "Ã \u0304", "&amp;", "&#x2014;", "&bogus;",
    "Ruritania", "Freedonia", " said ", ". ", "“", "”", "—", "\u0301", "ﬁ",
]  # fmt: skip
TEXT = st.lists(st.one_of(st.text(max_size=20), st.sampled_from(NASTY)), max_size=40).map("".join)
HTML_BITS = [
    "<html>", "<head>", "<title>", "</title>", "<body>", "<p>", "</p>", "<div", "<article>",
    "</article>", "<script>", "</script>", "<!--", "-->", "<br/>", "</", "<", ">", "&", "&amp;",
    '<meta charset="koi8-r">', "<![CDATA[", "<?xml version='1.0'?>", "<table><tr><td>",
]  # fmt: skip
HTML = st.lists(st.one_of(TEXT, st.sampled_from(HTML_BITS)), max_size=30).map("".join)
JSON_VALUE = st.one_of(st.none(), st.booleans(), st.integers(), TEXT, st.lists(st.integers()))
JSON_OBJ = st.dictionaries(
    st.sampled_from(["text", "html", "title", "url", "source", "published", "date", "id", "x"]),
    JSON_VALUE,
    max_size=6,
)
CLEAN = CleanStage(load_boilerplate())


def _check(articles: list[Article]) -> None:
    """Each result is an article or a rejection, and writes as exactly one JSONL line."""
    assert articles
    for art in articles:
        assert isinstance(art, Article)
        if art.rejected is None:
            cleaned = CLEAN(art)  # a text that is empty once repaired is rejected here
            assert cleaned.rejected is not None or cleaned.text.strip()
            for span in cleaned.removed:
                assert cleaned.raw_text[span.start : span.end].strip() == span.text.strip()
        else:
            assert art.rejected.reason and art.rejected.input
        line = dumps_line(art.to_dict())
        assert line.splitlines() == [line]
        # storable as UTF-8 as it is (no lone surrogate in any field), not only once escaped
        json.dumps(art.to_dict(), ensure_ascii=False).encode("utf-8")


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([None, "text", "jsonl"]))
def test_random_bytes(data: bytes, fmt: str | None) -> None:
    _check(list(read_bytes_input("fuzz.bin", data, fmt=fmt)))


@SLOW
@given(st.binary(max_size=2000), st.sampled_from(["html", "feed", "warc"]))
def test_random_bytes_as_markup_and_archives(data: bytes, fmt: str) -> None:
    _check(list(read_bytes_input("fuzz.bin", data, fmt=fmt)))


@FUZZ
@given(TEXT, st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_random_unicode_text(text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="replace")
    _check(list(read_bytes_input("fuzz.txt", data, fmt="text")))
    _check([read_text("fuzz.txt", text)])  # the str API, surrogates and all


@SLOW
@given(HTML)
def test_broken_html(html: str) -> None:
    _check(list(read_bytes_input("fuzz.html", html.encode("utf-8", "surrogatepass"), fmt="html")))


@FUZZ
@given(st.one_of(JSON_OBJ.map(json.dumps), JSON_OBJ.map(lambda o: json.dumps(o)[:-1]), TEXT))
def test_random_jsonl_lines(line: str) -> None:
    _check([read_jsonl_line("fuzz.jsonl:1", line)])
    data = (line + "\n" + line).encode("utf-8", "surrogatepass")
    _check(list(read_bytes_input("fuzz.jsonl", data, fmt="jsonl")))


@SLOW
@given(TEXT, TEXT)
def test_feeds_with_random_entries(title: str, body: str) -> None:
    from xml.sax.saxutils import escape

    def esc(s: str) -> str:
        return escape(s.encode("utf-8", "replace").decode("utf-8"))

    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>{esc(title)}</title><description>{esc(body)}</description></item>"
        "</channel></rss>"
    )
    _check(list(read_bytes_input("fuzz.rss", feed.encode("utf-8"), fmt="feed")))


@SLOW
@given(HTML)
def test_warc_records_with_random_pages(html: str) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "https://news.example/a",
        "response",
        payload=io.BytesIO(html.encode("utf-8", "replace")),
        http_headers=headers,
    )
    writer.write_record(record)
    _check(list(read_bytes_input("fuzz.warc", buf.getvalue(), fmt="warc")))


def test_huge_lines_are_read_or_rejected() -> None:
    # ~1.2 MB on one line: clean words with a repeated damaged name and dashes
    line = ("Ruritaniaâ€™s envoy said\x97again\x85 " + "and the minister " * 20) * 3000
    line = line.encode("utf-8")
    (art,) = read_bytes_input("huge.txt", line, fmt="text")
    assert art.rejected is None and "Ruritania’s envoy said—again…" in art.text
    _check([art])
    (big,) = read_bytes_input("huge.jsonl", b'{"text": "' + b"x" * 600 + b'"}', max_bytes=500)
    assert big.rejected is not None and big.rejected.reason == "too_large"
    one_word = ("x" * 2_000_000 + "\u00e9").encode("utf-8")  # a huge token with a suspect char
    (word,) = read_bytes_input("word.txt", one_word, fmt="text")
    _check([word])


@FUZZ
@given(TEXT)
def test_clean_stage_never_raises(text: str) -> None:
    art = read_text("fuzz.txt", text) if text.strip() else None
    if art is not None and art.rejected is None:
        cleaned = CLEAN(art)
        assert isinstance(cleaned, Article)
        assert cleaned.rejected is not None or cleaned.text.strip()


@FUZZ
@given(TEXT)
def test_repair_keeps_offsets_mappable_and_output_writable(text: str) -> None:
    repaired, report = repair_text(text)
    repaired.encode("utf-8")  # no lone surrogate survives
    assert (report is None) == (repaired == text) or report is not None
    to_new = offset_mapper(text, repaired)
    positions = [to_new(p) for p in range(len(text) + 1)]
    assert positions == sorted(positions) and all(0 <= p <= len(repaired) for p in positions)


@FUZZ
@given(
    st.recursive(
        JSON_VALUE,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_jsonl_writer_is_one_line_and_reads_back(obj: object) -> None:
    line = dumps_line(obj)
    assert line.splitlines() == [line]
    assert json.loads(line) == obj
    line.encode("utf-8")


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",))))
def test_clean_text_is_unchanged_by_repair(text: str) -> None:
    # Without Latin-1 letters (which UTF-8 lead bytes read as: "Ã", "Ä", "â", ...), controls and
    # entities there is no mojibake to fix: any other script, curly quotes, dashes, ligatures
    # and decomposed accents stay as they are.
    text = "".join(c for c in text if c.isprintable() and c != "&" and not "\x80" <= c <= "\xff")
    assert repair_text(text) == (text, None)
