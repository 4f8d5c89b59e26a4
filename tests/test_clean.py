"""Boilerplate removal and credit lines, on invented articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.clean import CleanStage, clean_text, load_boilerplate, paragraphs
from detente.errors import ConfigError
from detente.read.base import make_article

STORY = """The parliament of Velmora voted on Tuesday to open talks with Ostrana.

Prime Minister Arvel Dunmore said the vote was a first step toward peace.

Source: Azul Wire, Photo by Lena Harrow

Dear reader, our newsroom depends on you. Please consider making a recurring donation.

Thanks to everyone who helps us keep going: help us keep it free.

© 2021 Azul Wire. All rights reserved."""


@pytest.fixture(scope="module")
def bp():
    return load_boilerplate()


def test_story_kept_and_tail_removed_with_reasons(bp) -> None:
    text, removed, credits, _ = clean_text(STORY, bp)
    assert text.startswith("The parliament of Velmora voted")
    assert text.endswith("a first step toward peace.")
    assert "Source:" not in text and "Dear reader" not in text
    reasons = [r.reason for r in removed]
    assert reasons[0] == "credit line"
    assert "donation appeal" in reasons
    assert "copyright line" in reasons
    # weak cues after the credit line count as trailing boilerplate
    assert any(r.endswith("(trailing)") for r in reasons)
    # offsets point into the raw text
    for r in removed:
        assert STORY[r.start : r.end] == r.text
    assert [c.to_dict() for c in credits] == [
        {"kind": "source", "name": "Azul Wire"},
        {"kind": "photo", "name": "Lena Harrow"},
    ]


def test_weak_cue_inside_the_story_is_kept(bp) -> None:
    text = (
        "Our readers in Port Azul woke to sirens on Friday.\n\n"
        "The army of Ostrana said it had fired on a drone."
    )
    kept, removed, _, _ = clean_text(text, bp)
    assert kept == text and removed == ()


@pytest.mark.parametrize(
    ("line", "kind", "name"),
    [
        ("Reporting by Tomas Veld; Editing by Ana Roos", "reporting", "Tomas Veld"),
        ("(Reuters)", "agency", "Reuters"),
        ("Photo: Kiri Aston", "photo", "Kiri Aston"),
        (
            "Additional reporting by Ida Voss, Per Lund and Ole Berg",
            "reporting",
            "Ida Voss, Per Lund and Ole Berg",
        ),
    ],
)
def test_credit_lines(bp, line: str, kind: str, name: str) -> None:
    text = f"The envoy of Velmora arrived in Port Azul on Monday for talks.\n\n{line}"
    kept, removed, credits, _ = clean_text(text, bp)
    assert line not in kept
    assert credits[0].kind == kind and credits[0].name == name
    assert removed[-1].reason == "credit line"


def test_wire_dateline_is_credited_and_place_kept(bp) -> None:
    text = "PORT AZUL (Reuters) - Velmora closed its border with Ostrana on Sunday, officials said."
    kept, removed, credits, meta = clean_text(text, bp)
    assert kept.startswith("Velmora closed its border")
    assert credits[0].name == "Reuters" and meta["dateline"] == "PORT AZUL"
    assert removed[0].reason == "dateline"


@pytest.mark.parametrize(
    ("para", "reason"),
    [
        (
            "Sign up for our daily newsletter to get the best stories in your inbox.",
            "newsletter prompt",
        ),
        ("Follow us on Twitter and Facebook.", "share/follow prompt"),
        ("Subscribe now for unlimited digital access.", "subscription prompt"),
    ],
)
def test_prompts_are_removed(bp, para: str, reason: str) -> None:
    text = f"The envoy of Velmora arrived in Port Azul on Monday for talks.\n\n{para}"
    kept, removed, _, _ = clean_text(text, bp)
    assert para not in kept
    assert removed[0].reason == reason


def test_user_patterns_extend_and_override(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "boilerplate:\n  - id: house-ad\n    reason: house advert\n    patterns:\n"
        "      - '\\bbuy the azul almanac\\b'\n",
        "utf-8",
    )
    bp = load_boilerplate((str(extra),))
    text = "The envoy arrived in Port Azul on Monday for talks.\n\nBuy the Azul Almanac today!"
    kept, removed, _, _ = clean_text(text, bp)
    assert "Almanac" not in kept and removed[0].reason == "house advert"
    assert bp.version.endswith("+mine.yaml")


def test_bad_user_pattern_is_a_config_error(tmp_path: Path) -> None:
    extra = tmp_path / "bad.yaml"
    extra.write_text("boilerplate:\n  - id: x\n    patterns: ['(unclosed']\n", "utf-8")
    with pytest.raises(ConfigError, match="unclosed"):
        load_boilerplate((str(extra),))


def test_article_of_only_boilerplate_is_rejected() -> None:
    stage = CleanStage(load_boilerplate())
    art = make_article("appeal.txt", "Dear reader, please make a recurring donation today.")
    out = stage(art)
    assert out.rejected is not None and out.rejected.reason == "empty"
    assert out.removed and out.removed[0].reason == "donation appeal"


def test_paragraph_offsets() -> None:
    text = "  One.\n\n\nTwo two.\n \nThree"
    assert [text[s:e] for s, e in paragraphs(text)] == ["One.", "Two two.", "Three"]


def test_one_paragraph_a_line_removes_only_the_boilerplate_line(bp) -> None:
    # HTML extraction gives one paragraph a line, with no blank lines between them
    text = (
        "Velmora and Ostrana agreed on Thursday to reopen the border crossing at Kellwick.\n"
        "Follow us on Twitter and Facebook.\n"
        "The agreement was signed by both foreign ministers in Port Azul."
    )
    kept, removed, _, _ = clean_text(text, bp)
    assert kept == (
        "Velmora and Ostrana agreed on Thursday to reopen the border crossing at Kellwick.\n"
        "The agreement was signed by both foreign ministers in Port Azul."
    )
    assert [r.reason for r in removed] == ["share/follow prompt"]
    assert text[removed[0].start : removed[0].end] == "Follow us on Twitter and Facebook."


def test_a_long_paragraph_is_story_whatever_phrase_it_contains(bp) -> None:
    story = "Ministers of Velmora met in Port Azul. " * 40 + "Click here to read the treaty."
    text = f"{story}\n\nSubscribe now for unlimited digital access."
    kept, removed, _, _ = clean_text(text, bp)
    assert kept == story
    assert [r.reason for r in removed] == ["subscription prompt"]


def test_html_article_with_a_share_prompt_keeps_its_story(tmp_path) -> None:
    from detente.api import code_paths
    from detente.config import Settings

    page = tmp_path / "page.html"
    body = "".join(
        f"<p>Paragraph {i}: the envoys of Velmora and Ostrana discussed the river border "
        "and the fishing rights in the estuary for several hours.</p>"
        for i in range(6)
    )
    page.write_text(
        "<html><head><title>Envoys meet</title></head><body><article>"
        f"<h1>Envoys meet</h1>{body}<p>Follow us on Twitter.</p></article></body></html>",
        "utf-8",
    )
    (art,) = code_paths([page], settings=Settings(default_date="2021-01-01"))
    assert art.rejected is None
    assert art.text.count("Paragraph") == 6
    assert "Follow us" not in art.text


def test_source_credit_fills_a_missing_source() -> None:
    stage = CleanStage(load_boilerplate())
    text = "The envoy of Velmora arrived in Port Azul on Monday for talks.\n\nSource: Azul Wire"
    assert stage(make_article("a.txt", text)).source == "Azul Wire"
    given = make_article("b.txt", text, source="Velmora Daily")
    assert stage(given).source == "Velmora Daily"
