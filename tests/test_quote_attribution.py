"""Attribution shapes the parse gets wrong or half right (issue 19): nested reports, names before
an apposition, ``as X put it``, a second report between two quotes, paragraph breaks.

Set in the fictional world of ``tests/fictional``; the people are invented for these tests.
"""

from __future__ import annotations

from detente.records import Article

from .test_quote_speakers import _code, _quote


def _speaker_text(article: Article, words: str) -> str:
    sp = _quote(article, words).speaker
    assert sp is not None, words
    return sp.text


def test_outer_report_wins_over_the_one_nested_in_its_content() -> None:
    art = _code(
        "Holloway later said she suspected Ashgrove was under the influence of drugs — "
        "something a caller also told a dispatcher before the police arrived."
    )
    q = _quote(art, "she suspected Ashgrove")
    assert q.speaker is not None and q.speaker.text == "Holloway"
    # the outer content reaches the end of the sentence, past the dash
    assert q.text.endswith("before the police arrived")
    assert not [x for x in art.quotes if x.speaker and x.speaker.text == "she"]


def test_as_x_put_it_attributes_the_quote() -> None:
    art = _code(
        "As Margaret Holloway, a tax lawyer in Velmora, recently put it, "
        "“Did the minister lower his taxes through legal avoidance, or through illegal evasion?”"
    )
    assert "Holloway" in _speaker_text(art, "lower his taxes")


def test_person_in_apposition_to_a_noun_is_the_speaker() -> None:
    art = _code(
        "With 50 days until the election, Margaret Holloway, a senior adviser to the Velmora "
        "campaign, called the minister's remarks on Saturday “a true wake-up call” to his "
        "supporters."
    )
    assert _speaker_text(art, "wake-up call") == "Margaret Holloway"


def test_a_second_report_between_two_quotes_is_not_an_interruption() -> None:
    art = _code(
        "Peter Ashgrove, the Velmora police chief, said that the footage did not give "
        "“absolute definitive visual evidence that would confirm that a person is pointing a "
        "gun,” but he said that the footage and other evidence “supports what we have heard” "
        "about what happened."
    )
    first = _quote(art, "absolute definitive")
    assert first.speaker is not None and first.speaker.text == "Peter Ashgrove"
    assert "supports what we have heard" not in first.text


def test_a_report_does_not_run_on_into_the_next_paragraph() -> None:
    art = _code(
        "Margaret Holloway called for releasing the videos, saying that transparency "
        "“breaks down barriers and brings progress.”\n\n"
        "Peter Ashgrove, the Velmora police chief, said that the footage did not give "
        "“absolute definitive visual evidence” of a gun."
    )
    for q in art.quotes:
        assert "\n" not in q.text, q.text
    assert _speaker_text(art, "absolute definitive") == "Peter Ashgrove"
    assert "Holloway" in _speaker_text(art, "breaks down barriers")


def test_name_opening_the_tail_before_its_apposition_is_the_speaker() -> None:
    art = _code(
        "“He is absolutely right. There is a severe disconnect between this council and our "
        "army,” Ashgrove, a top Velmora envoy, said Thursday morning on Radio Velmora’s "
        "“Morning Show.”"
    )
    assert _speaker_text(art, "severe disconnect") == "Ashgrove"
