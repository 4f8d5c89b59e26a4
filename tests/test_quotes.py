"""Quotes: the mark scanner, attribution rules, speaker resolution and event links.

Mechanism tests are set in the fictional world of ``tests/fictional`` (Velmora, Ostrana, ...);
the reference-article acceptance uses the ``seed_coded`` fixture.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from detente.api import code_text
from detente.cli import main
from detente.config import Settings, load_settings
from detente.errors import ConfigError
from detente.quotes import (
    LinkStage,
    QuoteStage,
    extract_quotes,
    link_events,
    load_reporting_lexicon,
)
from detente.quotes.marks import find_chains, normalise_marks
from detente.read import make_article
from detente.records import ActorRef, Article, Entity, Event, Evidence, Mention, Quote, Span

from .fictional import WORLD, fictional_settings

DATE = "2018-05-02"  # Varn is Velmora's foreign minister, Kasprak Ostrana's, Oltz its president


def _pieces(text: str) -> list[list[str]]:
    return [[text[s.inner_start : s.inner_end] for s in ch.segments] for ch in find_chains(text)]


def _code(text: str, date: str = DATE, **changes: object) -> Article:
    settings = fictional_settings(default_date=date, **changes)
    return code_text(text, date=date, settings=settings)


def _only(article: Article) -> Quote:
    assert article.rejected is None
    assert len(article.quotes) == 1, [q.text for q in article.quotes]
    return article.quotes[0]


# --------------------------------------------------------------------------------------------
# the mark scanner


def test_marks_straight_and_curly() -> None:
    assert _pieces('A “curly one” and a "straight one" here.') == [["curly one"], ["straight one"]]


def test_marks_paragraph_continuation_is_one_chain() -> None:
    text = "Varn said: “First part.\n\n“Second part.”\n\nThe end."
    assert _pieces(text) == [["First part.", "Second part."]]


def test_marks_missing_closing_mark_closes_at_paragraph_end() -> None:
    chains = find_chains("Varn said: “Never again.\n\nThe talks ended.")
    assert len(chains) == 1
    (seg,) = chains[0].segments
    assert not seg.closed
    assert _pieces("Varn said: “Never again.\n\nThe talks ended.") == [["Never again."]]


def test_marks_nested_quote_stays_inside_and_stray_close_is_ignored() -> None:
    text = '"He read “the letter” aloud," she said. A stray ” mark.'
    assert _pieces(text) == [["He read “the letter” aloud,"]]


def test_marks_mixed_styles_do_not_continue_across_paragraphs() -> None:
    text = '"A stray opening mark.\n\n“A real quote,” she said.'
    assert _pieces(text) == [["A stray opening mark."], ["A real quote,"]]


def test_marks_typewriter_quotes_keep_offsets() -> None:
    text = "''Tell that to the janitor,'' Mr. Dunmore said."
    assert len(normalise_marks(text)) == len(text)
    assert _pieces(text) == [["Tell that to the janitor,"]]


# --------------------------------------------------------------------------------------------
# direct quotes


def test_colon_introduction_multi_paragraph_quote() -> None:
    art = _code(
        "Velmoran Foreign Minister Selka Varn spoke in Port Azul. Varn said: “Velmora "
        "will not give up the Saltmarsh. We have waited long enough.\n\n“Our patience "
        "has limits. Ostrana must withdraw.”\n\nThe talks ended."
    )
    q = _only(art)
    assert q.kind == "direct"
    assert q.text.startswith("Velmora will not give up")
    assert q.text.endswith("Ostrana must withdraw.")
    assert [s.text for s in q.segments][1] == "Our patience has limits. Ostrana must withdraw."
    assert q.speaker is not None and q.speaker.name == "Selka Varn"
    assert q.speaker.actor is not None and (q.speaker.actor.code, q.speaker.actor.sector) == (
        "XVM",
        "GOV",
    )
    assert q.cue is not None and q.cue.text == "said"
    assert art.text[q.start : q.end].startswith("Velmora will not")


def test_interrupted_quote_is_one_quote_with_two_segments() -> None:
    art = _code("“Ostrana wants peace,” Dorin Kasprak said, “but not at any price.”")
    q = _only(art)
    assert [s.text for s in q.segments] == ["Ostrana wants peace,", "but not at any price."]
    assert q.text == "Ostrana wants peace, but not at any price."
    assert q.speaker is not None and q.speaker.name == "Dorin Kasprak"
    assert q.speaker.actor is not None and q.speaker.actor.code == "XOS"


def test_attribution_after_the_quote_inverted() -> None:
    q = _only(_code("“The border stays open,” said Foreign Minister Dorin Kasprak."))
    assert q.kind == "direct" and q.rule == "tail"
    assert q.speaker is not None and q.speaker.name == "Dorin Kasprak"


def test_inverted_colon_introduction() -> None:
    art = _code("Velmora waited. Said Foreign Minister Selka Varn: “We will wait for Ostrana.”")
    q = _only(art)
    assert q.rule == "lead" and q.cue is not None and q.cue.text == "Said"
    assert q.speaker is not None and "Said" not in q.speaker.text
    assert q.speaker.name == "Selka Varn"


def test_missing_closing_mark_is_recovered() -> None:
    art = _code(
        "Ostranan Foreign Minister Dorin Kasprak said: “Ostrana will defend Harrowgate "
        "Pass.\n\nThe talks ended without a statement."
    )
    q = _only(art)
    assert q.text == "Ostrana will defend Harrowgate Pass."
    assert q.speaker is not None and q.speaker.name == "Dorin Kasprak"


def test_scare_quotes_are_not_quotations() -> None:
    art = _code("The so-called “peace plan” failed in Drovnik.")
    assert art.quotes == ()


def test_marks_closing_mark_typed_as_opening() -> None:
    assert _pieces("Intro.\n\n”Fear. I am afraid.” ― Selka Varn") == [["Fear. I am afraid."]]


def test_dash_attribution_after_the_quote() -> None:
    q = _only(_code("“Velmora will stand firm against Ostrana.” ― Selka Varn\n\nMore later."))
    assert q.rule == "dash" and q.cue is not None and q.cue.text == "―"
    assert q.speaker is not None and q.speaker.name == "Selka Varn"


def test_transcript_label_inside_marks() -> None:
    art = _code('Partial transcript:\n\n"KASPRAK: Ostrana will not sign the treaty this year."')
    q = _only(art)
    assert q.rule == "colon-name" and q.text.startswith("Ostrana will not sign")
    assert q.speaker is not None and q.speaker.text == "KASPRAK"


def test_second_quote_after_attribution_sentence_continues_the_first() -> None:
    art = _code(
        "“Velmora wants calm,” said Selka Varn, the foreign minister. “We will talk to Ostrana.”"
    )
    q = _only(art)
    assert [s.text for s in q.segments] == ["Velmora wants calm,", "We will talk to Ostrana."]


# --------------------------------------------------------------------------------------------
# reported speech


def test_reporting_verb_with_clause_and_pronoun_speaker() -> None:
    art = _code(
        "Ostranan Foreign Minister Dorin Kasprak met reporters in Drovnik. Kasprak said "
        "that Ostrana would close the border. He added that the League of Azure States "
        "had failed."
    )
    texts = {q.text: q for q in art.quotes}
    assert "Ostrana would close the border" in texts
    added = texts["the League of Azure States had failed"]
    assert added.kind == "indirect"
    assert added.speaker is not None and added.speaker.text == "He"
    assert added.speaker.name == "Dorin Kasprak"
    assert added.cue is not None and added.cue.text == "added"


def test_statement_from_an_actor_speaks_for_it() -> None:
    art = _code("A statement from the Amber Palace said that Velmora would reopen the border.")
    q = _only(art)
    assert q.speaker is not None and q.speaker.text == "the Amber Palace"
    assert q.speaker.actor is not None and q.speaker.actor.code == "XVM"


def test_according_to() -> None:
    q = _only(_code("Ostrana will hold elections in May, according to President Brannoc Oltz."))
    assert q.kind == "indirect" and q.rule == "according"
    assert q.text == "Ostrana will hold elections in May"
    assert q.cue is not None and q.cue.text == "according to"
    assert q.speaker is not None and q.speaker.name == "Brannoc Oltz"


def test_reporting_noun_with_that_clause() -> None:
    art = _code("Selka Varn's claim that Ostrana had moved troops was rejected in Drovnik.")
    q = _only(art)
    assert q.text == "Ostrana had moved troops"
    assert q.cue is not None and q.cue.text == "claim"
    assert q.speaker is not None and q.speaker.name == "Selka Varn"


def test_reporting_noun_with_topic() -> None:
    art = _code("Selka Varn's remarks on the Saltmarsh angered Ostrana.")
    q = _only(art)
    assert q.rule == "noun" and q.text == "the Saltmarsh"
    assert q.cue is not None and q.cue.text == "remarks"
    assert q.speaker is not None and q.speaker.name == "Selka Varn"


def test_partial_quote_is_folded_into_reported_speech() -> None:
    art = _code("Foreign Minister Selka Varn said the offer was “an insult to Velmora” on Monday.")
    q = _only(art)
    assert q.kind == "indirect"
    assert "an insult to Velmora" in q.text


def test_parenthetical_attribution_splits_the_reported_clause() -> None:
    art = _code("The border, Foreign Minister Selka Varn said, would stay closed until May.")
    q = _only(art)
    assert [s.text for s in q.segments] == ["The border", "would stay closed until May"]
    assert q.speaker is not None and q.speaker.name == "Selka Varn"


def test_relative_pronoun_speaker_resolves_through_antecedent() -> None:
    art = _code("The plan was backed by Selka Varn, who said that Velmora would pay for the road.")
    (q,) = [q for q in art.quotes if q.rule == "verb"]
    assert q.speaker is not None and q.speaker.text == "who"
    assert q.speaker.name == "Selka Varn"


def test_infinitive_and_noun_phrase_contents() -> None:
    art = _code(
        "Foreign Minister Selka Varn urged Ostrana to reopen the border at Harrowgate Pass."
    )
    q = _only(art)
    assert q.rule == "control" and q.text == "Ostrana to reopen the border at Harrowgate Pass"
    art = _code("Foreign Minister Selka Varn called for a new treaty with Ostrana.")
    q = _only(art)
    assert q.rule == "object" and q.text == "a new treaty with Ostrana"
    assert q.cue is not None and q.cue.text == "called"


def test_user_lexicon_adds_a_reporting_verb(tmp_path) -> None:
    extra = tmp_path / "verbs.yaml"
    extra.write_text("verbs:\n  speech: [grumble]\n", encoding="utf-8")
    text = "Foreign Minister Selka Varn grumbled that Ostrana had broken the truce."
    assert _code(text).quotes == ()
    q = _only(_code(text, quotes_files=[str(extra)]))
    assert q.cue is not None and q.cue.text == "grumbled"
    assert load_reporting_lexicon((str(extra),)).is_verb("grumble")


def test_user_lexicon_lets_it_speak_with_another_verb(tmp_path) -> None:
    extra = tmp_path / "it.yaml"
    extra.write_text("verbs:\n  speech: [grumble]\nit_speaks: [grumble]\n", encoding="utf-8")
    text = (
        "The Velmora Gazette published a long editorial on Monday. "
        "“The truce is over and Ostrana broke it,” it grumbled."
    )
    lex = load_reporting_lexicon((str(extra),))
    assert "grumble" in lex.it_speaks and "say" in lex.it_speaks
    assert "there" in lex.not_speaker_pronouns
    q = _only(_code(text, quotes_files=[str(extra)]))
    assert q.speaker is not None and q.speaker.text == "it"
    only_verb = tmp_path / "verb.yaml"
    only_verb.write_text("verbs:\n  speech: [grumble]\n", encoding="utf-8")
    q = _only(_code(text, quotes_files=[str(only_verb)]))
    assert q.speaker is None or q.speaker.text != "it"


def test_quotes_files_is_a_typed_setting(tmp_path) -> None:
    config = tmp_path / "detente.toml"
    config.write_text('[detente]\nquotes_files = ["verbs.yaml"]\n', encoding="utf-8")
    assert load_settings(config).quotes_files == ("verbs.yaml",)
    assert Settings().replace(quotes_files="one.yaml").quotes_files == ("one.yaml",)
    with pytest.raises(ConfigError, match="must be a list of file paths"):
        Settings().replace(quotes_files=[1, 2])
    with pytest.raises(ConfigError, match="now the top-level setting quotes_files"):
        Settings().replace(extra={"quotes_files": ["verbs.yaml"]})


def test_quotes_option_adds_a_reporting_lexicon_on_the_cli(tmp_path) -> None:
    extra = tmp_path / "verbs.yaml"
    extra.write_text("verbs:\n  speech: [grumble]\n", encoding="utf-8")
    story = tmp_path / "story.txt"
    story.write_text(
        "Foreign Minister Selka Varn grumbled that Ostrana had broken the truce.\n",
        encoding="utf-8",
    )
    args = ["quotes", str(story), "--date", DATE, "--actors", WORLD, "--format", "jsonl"]
    runner = CliRunner()
    plain = runner.invoke(main, args, catch_exceptions=False)
    assert plain.exit_code == 0 and plain.stdout.strip() == ""
    more = runner.invoke(main, [*args, "--quotes", str(extra)], catch_exceptions=False)
    assert more.exit_code == 0, more.output
    (line,) = more.stdout.strip().splitlines()
    assert json.loads(line)["cue"]["text"] == "grumbled"


# --------------------------------------------------------------------------------------------
# speakers through the actor stage's mentions, and links to events


def test_speaker_follows_mention_ref_to_antecedent(nlp) -> None:
    text = "Selka Varn arrived. She said that Velmora would wait."
    art = make_article("t", text, id="t1").with_(doc=nlp(text))
    varn = ActorRef(code="XVM", sector="GOV", name="Selka Varn", kind="person", kb_id="p:varn")
    mentions = (
        Mention("Selka Varn", 0, 10, varn, "exact", label="PERSON"),
        Mention("She", 20, 23, None, "pronoun", ref=0),
    )
    (q,) = extract_quotes(art.with_(mentions=mentions))
    assert q.speaker is not None and q.speaker.text == "She"
    assert q.speaker.name == "Selka Varn" and q.speaker.actor == varn


def _event(trigger: Span) -> Event:
    evidence = Evidence(
        sentence="",
        sentence_span=trigger,
        trigger=(trigger,),
        actor_spans=(),
        recipient_spans=(),
        lexicon_entry="test",
    )
    return Event(
        id="e1",
        date=DATE,
        event="ACCUSE",
        mode="",
        context=(),
        actor=(),
        recipient=(),
        quad_code=3,
        event_scale=-2.0,
        event_text="",
        text_info={},
        evidence=evidence,
    )


def test_link_sets_reported_by_and_quote_id() -> None:
    art = _code("Varn, Velmora's foreign minister, said: “Ostrana attacked our border posts.”")
    q = _only(art)
    start = art.text.index("attacked")
    inside = _event(Span("attacked", start, start + 8))
    outside = dataclasses.replace(_event(Span("Varn", 0, 4)), id="e2")
    events, quotes = link_events([inside, outside], art.quotes)
    assert events[0].quote_id == q.id
    reported: Entity | None = events[0].evidence.reported_by
    assert reported is not None and reported.name == "Selka Varn" and reported.code == "XVM"
    assert events[1].quote_id is None and events[1].evidence.reported_by is None
    assert quotes[0].event_ids == ("e1",)
    linked = LinkStage()(art.with_(events=(inside, outside)))
    assert linked.events[0].quote_id == q.id
    assert inside.quote_id is None and inside.evidence.reported_by is None  # never mutated


def test_stage_without_parse_returns_no_quotes() -> None:
    art = make_article("t", "“Hello there,” said Varn.")
    assert QuoteStage.from_settings(Settings())(art).quotes == ()


def test_quote_to_dict_contract() -> None:
    q = _only(_code("“The border stays open,” said Foreign Minister Dorin Kasprak."))
    d = q.to_dict()
    for key in ("text", "start", "end", "kind", "cue", "speaker"):
        assert key in d
    assert set(d["cue"]) == {"text", "start", "end"}
    assert {"text", "start", "end", "name", "actor"} <= set(d["speaker"])


# --------------------------------------------------------------------------------------------
# acceptance on the reference article


def _covers(quotes: tuple[Quote, ...], needle: str) -> list[Quote]:
    return [q for q in quotes if needle in q.text]


def test_reference_article_lavrov_direct_quotes(seed_coded: Article) -> None:
    text = seed_coded.text
    lo = text.index("We are expressing deep concern")
    hi = text.index("provoke Pyongyang.") + len("provoke Pyongyang.")
    direct = [
        q
        for q in seed_coded.quotes
        if q.kind == "direct" and q.field == "text" and q.start < hi and q.end > lo
    ]
    assert direct
    covered = set()
    for q in direct:
        assert q.speaker is not None and q.speaker.name == "Sergei Lavrov"
        assert q.speaker.actor is not None
        assert (q.speaker.actor.code, q.speaker.actor.sector) == ("RUS", "GOV")
        covered.update(range(max(lo, q.start), min(hi, q.end)))
    quoted_words = [m for m in range(lo, hi) if not text[m].isspace() and text[m] not in "“”"]
    assert all(m in covered for m in quoted_words)


@pytest.mark.parametrize(
    "needle",
    [
        "Japan, and its allies, were not seeking regime change in North Korea",
        "Tokyo had to act to defend itself after Pyongyang test-fired missiles which flew over "
        "Japan’s territory",
    ],
)
def test_reference_article_kono_reported_speech(seed_coded: Article, needle: str) -> None:
    hits = _covers(seed_coded.quotes, needle)
    assert hits, [q.text for q in seed_coded.quotes]
    for q in hits:
        assert q.kind == "indirect"
        assert q.speaker is not None and q.speaker.name == "Taro Kono"
        assert q.speaker.actor is not None
        assert (q.speaker.actor.code, q.speaker.actor.sector) == ("JPN", "GOV")


def test_reference_article_only_lavrov_and_kono_speak(seed_coded: Article) -> None:
    assert seed_coded.quotes
    assert {q.speaker.name if q.speaker else None for q in seed_coded.quotes} <= {
        "Sergei Lavrov",
        "Taro Kono",
    }


def test_reference_article_events_in_lavrov_quote_are_reported_by_him(seed_coded: Article) -> None:
    by_id = {q.id: q for q in seed_coded.quotes}
    linked = [e for e in seed_coded.events if e.quote_id is not None]
    for ev in linked:
        q = by_id[ev.quote_id]
        assert ev.id in q.event_ids
        assert ev.evidence.reported_by is not None
        assert q.speaker is not None and ev.evidence.reported_by.name == q.speaker.name


NASTY = [
    "",
    "“",
    "”",
    '"',
    '""""',
    "“““ ”””",
    "He said: “",
    "“Unclosed at the very end",
    'A ” stray, a “ stray, a " stray.\n\n“\n\n”',
    "“One,” he said, “",
    "“A.\n“B.\n“C.",
    "''Typewriter,'' he said, ``and more",
    "— Selka Varn",
    "VARN: \n\nKASPRAK:",
]


@pytest.mark.parametrize("text", NASTY)
def test_bad_marks_never_fail(nlp, text: str) -> None:
    find_chains(text)
    art = make_article("t", text or " ").with_(doc=nlp(text or " "))
    for q in extract_quotes(art):
        assert 0 <= q.start <= q.end <= len(art.text)


def test_country_guessed_from_the_sentence_is_not_given_to_a_speaker() -> None:
    # "Activist" gives a sector but no country; Ostrana is merely named in the sentence.
    q = _only(_code("Activist Pella Norrick said the Ostranan army had shelled the village."))
    assert q.speaker is not None and q.speaker.name == "Pella Norrick"
    assert q.speaker.actor is None or q.speaker.actor.code is None


def test_demonym_gives_a_speaker_a_country() -> None:
    q = _only(
        _code("Velmoran activist Pella Norrick said the Ostranan army had shelled the village.")
    )
    assert q.speaker is not None and q.speaker.actor is not None
    assert q.speaker.actor.code == "XVM"
