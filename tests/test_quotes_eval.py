"""The quotes scorer (PolNeAR brat and simple JSONL gold) and the ``detente quotes`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.cli import main
from detente.config import Settings
from detente.errors import EvalError
from detente.eval import run_eval
from detente.eval.quotes import match, read_ann, speaker_ok
from detente.records import ActorRef, Quote, Speaker

from .conftest import shared_path
from .fictional import WORLD

ANN = """T1\tSource 0 10\tSelka Varn
T2\tCue 11 15\tsaid
T3\tContent 16 40;50 60\tthat Ostrana had failed x
T4\tAttribution 11 15\tsaid
E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1
T5\tCue 70 74\tsaid
T6\tContent 75 90\tsomething else
T7\tAttribution-no-source 70 74\tsaid
E2\tAttribution-no-source:T7 Content:T6 Cue:T5
T8\tDiscard 95 99\tjunk
"""


def test_read_ann_relations_with_discontinuous_content(tmp_path: Path) -> None:
    path = tmp_path / "a_1234.ann"
    path.write_text(ANN, encoding="utf-8")
    first, second = read_ann(path)
    assert first.content == ((16, 40), (50, 60))
    assert first.source == ((0, 10),) and first.cue == ((11, 15),)
    assert second.source == () and second.content == ((75, 90),)


def test_read_ann_rejects_garbage(tmp_path: Path) -> None:
    path = tmp_path / "bad.ann"
    path.write_text("T1\tSource x y\tnope\n", encoding="utf-8")
    with pytest.raises(EvalError):
        read_ann(path)


def test_match_is_one_to_one_and_needs_half_of_the_shorter() -> None:
    pred = [frozenset({1, 2, 3, 4}), frozenset({10, 11}), frozenset({1, 2})]
    gold = [frozenset({1, 2, 3, 4, 5, 6}), frozenset({11, 12, 13, 14, 15})]
    # pred 0 takes gold 0 (largest overlap); pred 2 cannot take it again; pred 1 shares one of
    # its two tokens with gold 1 (half of the shorter span): a match
    assert sorted(match(pred, gold)) == [(0, 0), (1, 1)]
    assert match([frozenset({1})], [frozenset({2, 3})]) == []


def _simple_gold(tmp_path: Path) -> Path:
    records = [
        {
            "id": "v1",
            "date": "2018-05-02",
            "text": "Foreign Minister Selka Varn said: “Velmora will never give up the Saltmarsh.”",
            "quotes": [{"quote": "Velmora will never give up the Saltmarsh", "speaker": "Varn"}],
        },
        {
            "id": "v2",
            "date": "2018-05-02",
            "text": "Dorin Kasprak said that Ostrana would close the border at Harrowgate Pass.",
            "quotes": [
                {"quote": "Ostrana would close the border", "speaker": "Selka Varn"},
                {"quote": "The weather in Drovnik was fine", "speaker": "Brannoc Oltz"},
            ],
        },
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_simple_jsonl_gold(tmp_path: Path) -> None:
    result = run_eval("quotes", _simple_gold(tmp_path), Settings(actors_files=(WORLD,)))
    assert result["n_gold"] == 3 and result["n_pred"] == 2
    assert result["content"]["precision"] == 1.0
    assert result["content"]["recall"] == pytest.approx(2 / 3, abs=1e-3)
    # Varn is right; v2's first quote was said by Kasprak, not by the gold's Selka Varn
    assert result["speaker"]["accuracy"] == 0.5
    # end to end: one of the three gold quotes is found with the right speaker
    assert result["speaker"]["end_to_end"] == pytest.approx(1 / 3, abs=1e-3)
    assert result["speaker"]["n_gold"] == 3


def _said_by(text: str, name: str | None, actor_name: str | None = None) -> Quote:
    actor = ActorRef(code="XVM", sector="GOV", name=actor_name) if actor_name else None
    speaker = Speaker(text=text, start=0, end=len(text), name=name, actor=actor)
    return Quote("a:q1", "words", 0, 5, "direct", None, speaker)


def test_speaker_needs_the_gold_last_word_not_any_shared_word() -> None:
    trump = _said_by("President Trump", "Trump")
    assert not speaker_ok("President Barack Obama", trump)
    assert speaker_ok("Obama", _said_by("President Barack Obama", "Barack Obama"))
    assert speaker_ok("Mr. Trump", trump)
    # the actor's name counts: a pronoun resolved to an actor
    assert speaker_ok("Selka Varn", _said_by("she", None, actor_name="Selka Varn"))
    assert not speaker_ok(
        "Foreign Minister Dorin Kasprak", _said_by("Foreign Minister Varn", "Varn")
    )
    assert not speaker_ok("", trump)
    assert not speaker_ok("Trump", Quote("a:q2", "words", 0, 5, "direct", None, None))


def test_simple_jsonl_gold_shared_title_is_not_the_speaker(tmp_path: Path) -> None:
    record = {
        "id": "v3",
        "date": "2018-05-02",
        "text": "Foreign Minister Selka Varn said that Ostrana had broken the truce at Drovnik.",
        "quotes": [
            {
                "quote": "Ostrana had broken the truce at Drovnik",
                "speaker": "Foreign Minister Dorin Kasprak",
            }
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run_eval("quotes", path, Settings(actors_files=(WORLD,)))
    assert result["content"]["recall"] == 1.0
    assert result["speaker"] == {"accuracy": 0.0, "n": 1, "end_to_end": 0.0, "n_gold": 1}


def test_simple_jsonl_gold_malformed(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "quotes": []}\n', encoding="utf-8")
    with pytest.raises(EvalError):
        run_eval("quotes", path, Settings())


@pytest.mark.gold
def test_polnear_scorer_runs_on_a_few_articles() -> None:
    gold = shared_path("gold/polnear-dev")
    result = run_eval("quotes", gold, Settings(), limit=4)
    assert result["n_articles"] == 4
    assert result["n_gold"] > 0 and result["n_pred"] > 0
    assert 0.0 < result["content"]["f1"] <= 1.0
    assert 0.0 <= result["speaker"]["accuracy"] <= 1.0


def test_cli_quotes_table_and_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "story.txt"
    src.write_text(
        "Velmora rejects Ostranan claims\n\nForeign Minister Selka Varn said: “Velmora "
        "will never give up the Saltmarsh.”\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    table = runner.invoke(main, ["quotes", str(src), "--date", "2018-05-02", "--actors", WORLD])
    assert table.exit_code == 0, table.output
    assert "Selka Varn" in table.output and "direct" in table.output
    out = runner.invoke(
        main, ["quotes", str(src), "--date", "2018-05-02", "--actors", WORLD, "--format", "jsonl"]
    )
    assert out.exit_code == 0, out.output
    (line,) = [json.loads(x) for x in out.output.splitlines() if x.strip()]
    assert line["kind"] == "direct" and line["speaker"]["name"] == "Selka Varn"
    assert line["speaker"]["actor"]["code"] == "XVM"
    assert line["text"] == "Velmora will never give up the Saltmarsh."
    assert line["article"]
