"""`detente code --format plover`, `--lexicon`, and the events scorer end to end (fictional)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from detente.cli import main
from detente.eval import run_eval

from .fictional import WORLD, fictional_settings


def _plover(args: list[str]) -> list[dict]:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]


def test_code_format_plover_writes_factual_records(tmp_path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(
        "Velmora attacked Ostrana on Monday. Velmora did not attack Calderra.\n", encoding="utf-8"
    )
    records = _plover(
        ["code", str(story), "--actors", WORLD, "--date", "2018-05-02", "--format", "plover"]
    )
    assert [(r["event"], r["date"]) for r in records] == [("ASSAULT", "2018-04-30")]
    assert records[0]["actor"][0]["code"] == "XVM"
    every = _plover(
        [
            "code",
            str(story),
            "--actors",
            WORLD,
            "--date",
            "2018-05-02",
            "--format",
            "plover",
            "--all-events",
        ]
    )
    assert [r["evidence"]["auxiliary_modes"] for r in every] == [[], ["negation"]]


def test_user_lexicon_from_the_command_line(tmp_path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Velmora stonewalled Ostrana over the border talks.\n", encoding="utf-8")
    lexicon = tmp_path / "mine.yaml"
    lexicon.write_text(
        "entries:\n- {id: mine.stonewall, event: REJECT, mode: meet, verbs: [stonewall]}\n",
        encoding="utf-8",
    )
    records = _plover(
        [
            "code",
            str(story),
            "--actors",
            WORLD,
            "--lexicon",
            str(lexicon),
            "--date",
            "2018-05-02",
            "--format",
            "plover",
        ]
    )
    assert [(r["event"], r["mode"], r["evidence"]["lexicon_entry"]) for r in records] == [
        ("REJECT", "meet", "mine.stonewall")
    ]


def test_eval_events_on_a_fictional_gold_file(tmp_path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [
        {
            "text": "Velmora attacked Ostrana.",
            "date": "2018-05-02",
            "event": "FIGHT",
            "source": [{"code": "XVM"}],
            "target": [{"code": "XOS"}],
        },
        {
            "text": "Ostrana condemned Velmora.",
            "date": "2018-05-02",
            "event": "DISAPPROVE",
            "source": [{"code": "XOS"}],
            "target": [{"code": "XVM"}],
        },
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    scores = run_eval("events", gold, fictional_settings())
    assert scores["n"] == 2
    assert scores["type"]["f1"] == 1.0 and scores["triple"]["f1"] == 1.0
    assert set(scores) >= {"n", "type", "triple", "per_type", "confusion"}
