"""The `detente` command: the output contract, the reference article, exit codes, stdin."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.cli import main

from .conftest import EXAMPLE, ROOT

CONTRACT_ARTICLE_KEYS = {
    "id",
    "title",
    "text",
    "url",
    "source",
    "published",
    "language",
    "authors",
    "credits",
    "removed",
}


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def seed_json() -> dict:
    result = run("code", str(EXAMPLE), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_output_contract(seed_json: dict) -> None:
    assert set(seed_json) == {"article", "mentions", "events", "quotes", "places", "rejected"}
    assert set(seed_json["article"]) >= CONTRACT_ARTICLE_KEYS
    assert seed_json["rejected"] is None
    for removed in seed_json["article"]["removed"]:
        assert {"start", "end", "reason"} <= set(removed)


def test_reference_article_acceptance(seed_json: dict) -> None:
    art = seed_json["article"]
    assert art["title"] == "Russia confronts Tokyo over defence alliance with Washington, US"
    assert art["text"].startswith("Russia is concerned")
    assert art["text"].endswith("flew over Japan’s territory.")
    raw = EXAMPLE.read_text("utf-8")
    tail = raw[raw.index("Source:") :]
    for para in (p.strip() for p in tail.split("\n\n") if p.strip()):
        assert para[:40] not in art["text"]
    assert {"kind": "source", "name": "Pan European Network"} in art["credits"]
    assert {"kind": "photo", "name": "Alexander Nemenov"} in art["credits"]
    assert art["language"] == "en"
    assert all(r["reason"] for r in art["removed"])


def test_same_input_same_id(seed_json: dict) -> None:
    again = json.loads(run("code", str(EXAMPLE), "--format", "jsonl").stdout)
    assert again["article"]["id"] == seed_json["article"]["id"]


def test_stdin_date_and_source() -> None:
    text = "Velmora and Ostrana agree to talks\n\nThe two governments agreed to meet next week."
    result = run(
        "code", "-", "--format", "jsonl", "--date", "2020-05-06", "--source", "Wire", input=text
    )
    obj = json.loads(result.stdout)
    assert obj["article"]["published"] == "2020-05-06"
    assert obj["article"]["source"] == "Wire"
    assert obj["article"]["title"] == "Velmora and Ostrana agree to talks"


def test_bad_inputs_are_reported_and_others_coded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The two governments agreed on Monday to meet next week.")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_text(
        "Les deux gouvernements ont dit qu'ils se retrouveront "
        "la semaine prochaine pour la paix et le commerce."
    )
    result = CliRunner().invoke(main, ["code", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 1
    objs = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [o["rejected"]["reason"] if o["rejected"] else None for o in objs] == [
        None,
        "empty",
        "language",
    ]
    assert objs[1]["rejected"]["input"].endswith("b.txt")
    assert "b.txt" in result.stderr and "c.txt" in result.stderr


def test_bad_date_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["code", str(EXAMPLE), "--date", "24/11/2017"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_missing_path_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["code", str(tmp_path / "none.txt")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_unknown_model_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["code", str(EXAMPLE), "--model", "xx_no_such_model"])
    assert result.exit_code == 2
    assert "xx_no_such_model" in result.stderr and "not installed" in result.stderr


def test_table_format_is_readable() -> None:
    result = run("code", str(EXAMPLE))
    assert "Russia confronts Tokyo" in result.stdout
    assert "Pan European Network" in result.stdout


def _commands(group, prefix=""):
    import click

    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        yield full, cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, full + " ")


def test_every_command_and_option_is_documented() -> None:
    docs = "\n".join(p.read_text("utf-8") for p in [ROOT / "README.md", *ROOT.glob("docs/*.md")])
    for name, cmd in _commands(main):
        assert f"detente {name}" in docs, f"`detente {name}` is not documented"
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ("--help",):
                    assert re.search(re.escape(opt) + r"\b", docs), f"{name} {opt} undocumented"


def test_every_setting_is_documented() -> None:
    import dataclasses

    from detente.config import Settings

    doc = (ROOT / "docs" / "config.md").read_text("utf-8")
    for f in dataclasses.fields(Settings):
        assert f"`{f.name}`" in doc, f"setting {f.name} is not documented in docs/config.md"


def test_table_shows_auxiliary_modes_and_keeps_brackets() -> None:
    text = (
        "Velmora and Ostrana [sic] hold talks\n\n"
        "The army of Ostrana did not attack Velmora on Monday, officials [in Port Azul] said."
    )
    world = str(ROOT / "tests" / "fictional" / "world.yaml")
    result = run("code", "-", "--actors", world, "--date", "2018-05-02", input=text)
    assert "[sic]" in result.stdout
    assert "ASSAULT" in result.stdout and "(negation)" in result.stdout


def test_documented_example_has_the_fields_of_real_output(seed_json: dict) -> None:
    doc = (ROOT / "docs" / "output.md").read_text("utf-8")
    example = json.loads(doc.split("```json", 1)[1].split("```", 1)[0])
    assert set(example) == set(seed_json)
    assert set(example["article"]) == set(seed_json["article"])
    for kind in ("mentions", "events", "quotes"):
        assert set(example[kind][0]) == set(seed_json[kind][0]), kind
    assert set(example["events"][0]["evidence"]) == set(seed_json["events"][0]["evidence"])
    assert set(example["quotes"][0]["speaker"]) == set(seed_json["quotes"][0]["speaker"])


def test_ingest_wants_one_output_and_parquet_only_on_spark(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "a.txt").write_text("Velmora recalled its envoy.\n", "utf-8")
    for args, says in (
        (["--parquet", str(tmp_path / "ds")], "--parquet DIR needs --engine spark"),
        ([], "give either --db FILE or --engine spark --parquet DIR"),
    ):
        res = runner.invoke(main, ["ingest", str(tmp_path / "a.txt"), *args])
        assert res.exit_code == 2 and says in res.output
    missing = [str(tmp_path / "nope"), "--engine", "spark", "--parquet", str(tmp_path / "ds")]
    res = runner.invoke(main, ["ingest", *missing])  # refused before Spark starts
    assert res.exit_code == 2 and "does not exist" in res.output
    assert not (tmp_path / "ds").exists()
