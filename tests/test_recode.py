"""Re-coding stored articles in place, and a database that lives inside its input directory."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.cli import main
from detente.config import Settings
from detente.ingest import ingest, recode
from detente.ingest.inputs import input_files, outputs_of
from detente.store import open_db

ROOT = Path(__file__).resolve().parents[1]
WORLD = str(ROOT / "tests" / "fictional" / "world.yaml")
SETTINGS = Settings(default_date="2020-05-04")

TEXTS = [
    "Velmora and Ostrana held talks in Port Azul on Monday about the border, officials said.",
    "The army of Ostrana attacked Velmora near Harrowgate Pass on Tuesday, witnesses said.",
    "Velmora accused Ostrana of shelling Kellwick. The government called it a crime.",
]


def corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(TEXTS):
        (folder / f"story-{i}.txt").write_text(f"Border report {i}\n\n{text}\n", "utf-8")
    return folder


def stored(db: Path) -> dict[str, object]:
    con = open_db(db, read_only=True)
    try:
        return {
            "ids": [r[0] for r in con.execute("SELECT id FROM articles ORDER BY id").fetchall()],
            "actors": sorted(
                r[0]
                for r in con.execute(
                    "SELECT actor_code FROM mentions WHERE actor_code IS NOT NULL"
                ).fetchall()
            ),
            "events": con.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchone(),
            "quotes": con.execute("SELECT count(*), count(DISTINCT id) FROM quotes").fetchone(),
            "runs": con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall(),
        }
    finally:
        con.close()


def test_listing_inputs_leaves_out_the_database_its_wal_and_other_outputs(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "in")
    for name in ("events.duckdb", "events.duckdb.wal", "events.parquet"):
        (folder / name).write_bytes(b"\x00\x01binary\xff" * 10)
    files, total = input_files(
        [str(folder)], outputs_of(folder / "events.duckdb", [folder / "events.parquet"])
    )
    assert [Path(f).name for f in files] == ["story-0.txt", "story-1.txt", "story-2.txt"]
    assert total == 3


def test_ingest_into_a_database_inside_the_input_directory_reads_only_the_texts(
    tmp_path: Path,
) -> None:
    folder = corpus(tmp_path / "in")
    db = folder / "events.duckdb"
    args = ["ingest", str(folder), "--db", str(db), "--workers", "1", "--date", "2020-05-04"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "3 read, 3 coded" in first.output
    # An (empty) WAL beside the database: read as an input it would be rejected as empty.
    (folder / "events.duckdb.wal").write_bytes(b"")
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "3 read, 0 coded, 3 skipped" in second.output and "0 rejected" in second.output


def test_recode_with_a_user_actor_file_changes_the_stored_actors(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    ingest([corpus(tmp_path / "in")], db, workers=1, settings=SETTINGS)
    before = stored(db)
    assert "XVM" not in before["actors"]
    result = CliRunner().invoke(
        main, ["recode", "--db", str(db), "--actors", WORLD, "--workers", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    after = stored(db)
    assert after["ids"] == before["ids"]  # same articles, in place
    assert "XVM" in after["actors"] and "XOS" in after["actors"]
    assert after["events"][0] == after["events"][1]  # no duplicated rows
    assert after["runs"][-1][1] == "done"


def test_recode_rerun_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    ingest([corpus(tmp_path / "in")], db, workers=1, settings=SETTINGS)
    world = SETTINGS.replace(actors_files=[WORLD])
    first = recode(db, settings=world, workers=1)
    assert first.coded == 3 and first.skipped == 0
    once = stored(db)
    second = recode(db, settings=world, workers=1)
    assert second.coded == 0 and second.skipped == 3
    again = stored(db)
    assert {k: v for k, v in again.items() if k != "runs"} == {
        k: v for k, v in once.items() if k != "runs"
    }


def test_recode_killed_after_a_chunk_completes_on_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recode_module = importlib.import_module("detente.ingest.recode")

    db = tmp_path / "e.duckdb"
    ingest([corpus(tmp_path / "in")], db, workers=1, settings=SETTINGS)
    world = SETTINGS.replace(actors_files=[WORLD])
    real = recode_module._replace
    calls = []

    def dies_after_one_chunk(session, batch) -> None:
        if calls:
            raise KeyboardInterrupt  # the process is killed after the first chunk is stored
        calls.append(len(batch))
        real(session, batch)

    monkeypatch.setattr(recode_module, "_replace", dies_after_one_chunk)
    with pytest.raises(KeyboardInterrupt):
        recode(db, settings=world, workers=1, chunk_size=1)
    assert stored(db)["runs"][-1][1] == "interrupted"
    monkeypatch.setattr(recode_module, "_replace", real)
    rest = recode(db, settings=world, workers=1, chunk_size=1)
    assert rest.coded == 2 and rest.skipped == 1  # only what the killed run left
    after = stored(db)
    assert len(after["ids"]) == 3 and "XOS" in after["actors"]
    assert after["events"][0] == after["events"][1]


def test_recode_only_codes_articles_in_the_date_range(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    ingest([corpus(tmp_path / "in")], db, workers=1, settings=SETTINGS)
    world = SETTINGS.replace(actors_files=[WORLD])
    assert recode(db, settings=world, workers=1, since="2021-01-01").coded == 0
    assert recode(db, settings=world, workers=1, until="2020-05-04").coded == 3


def test_recode_of_a_missing_database_is_an_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["recode", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "detente: error:" in res.output
    assert not (tmp_path / "none.duckdb").exists()
