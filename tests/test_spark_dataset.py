"""Spark at cluster scale: a Parquet dataset written by executors, read back through --db DIR.

Few and small (Spark on ``local[2]``, a few dozen fictional articles): one local ingest and one
Spark ingest shared by the module, and one killed-and-resumed Spark run.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from detente.cli import main
from detente.ingest import ingest, ingest_dataset
from detente.store import GDELT_COLUMNS, connect

from .fictional import fictional_settings

pytestmark = [pytest.mark.spark, pytest.mark.slow]

SETTINGS = fictional_settings(default_date="2020-05-04")

_ACTORS = [
    "Velmoran Foreign Minister Selka Varn",
    "Ostrana's President Ilsa Trevane",
    "The League of Azure States",
    "Calderran President Quillon Haste",
    "Ostranan Foreign Minister Dorin Kasprak",
    "The Saltmarsh Front",
]
_ACTS = [
    "met {r} in {p} to discuss the disputed border",
    "accused {r} of shelling villages near {p}",
    "promised to send medical aid to {r} after the floods in {p}",
    "demanded that {r} withdraw its troops from {p}",
    "signed a trade agreement with {r} in {p}",
    "condemned {r} for the arrests of protesters in {p}",
]
_PLACES = ["Port Azul", "Drovnik", "Mirrenhold", "Harrowgate Pass", "Kellwick", "Saltmarsh"]
_RECIPIENTS = ["Ostrana", "Velmora", "Calderra", "the Velmoran government", "Ostranan officials"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _article(rng: random.Random, i: int) -> str:
    sentences = []
    for _ in range(4):
        act = rng.choice(_ACTS).format(r=rng.choice(_RECIPIENTS), p=rng.choice(_PLACES))
        sentences.append(f"{rng.choice(_ACTORS)} {act} on {rng.choice(_DAYS)}.")
    return f"Dispatch number {i} from {rng.choice(_PLACES)}\n\n" + " ".join(sentences) + "\n"


def write_corpus(folder: Path, n: int = 24) -> None:
    """``n`` distinct articles, 4 near-duplicates (stories), an exact copy, JSONL, a reject."""
    rng = random.Random(16)
    folder.mkdir(parents=True)
    texts = [_article(rng, i) for i in range(n)]
    for i, text in enumerate(texts):
        (folder / f"a-{i:03d}.txt").write_text(text, "utf-8")
    for i in range(4):  # the same story, another paper: one sentence added
        (folder / f"copy-{i}.txt").write_text(
            texts[i].rstrip("\n") + " Officials declined to comment further.\n", "utf-8"
        )
    (folder / "zz-exact.txt").write_text(texts[5], "utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03 binary")
    lines = [
        json.dumps({"id": f"j{i}", "title": f"Wire {i}", "text": _article(rng, 100 + i)})
        for i in range(3)
    ]
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture(scope="module")
def spark_ready() -> None:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java")


@pytest.fixture(scope="module")
def built(spark_ready: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("spark")
    corpus = root / "in"
    write_corpus(corpus)
    local = root / "local.duckdb"
    want = ingest([corpus], local, workers=1, settings=SETTINGS, chunk_size=8)
    result = ingest_dataset([corpus], root / "ds", workers=2, settings=SETTINGS, chunk_size=8)
    return {"corpus": corpus, "local": local, "ds": root / "ds", "result": result, "want": want}


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


EVENTS = (
    "SELECT id, article_id, event, mode, date, actor_codes, recipient_codes, factual, record "
    "FROM events ORDER BY id"
)
ARTICLES = "SELECT id, input, title, published, story_id, n_mentions, n_events FROM articles"


def test_spark_dataset_holds_what_a_local_ingest_stores(built: dict[str, Any]) -> None:
    local, ds = built["local"], built["ds"]
    got, want = built["result"], built["want"]
    assert (got.read, got.coded, got.rejected, got.events) == (33, 31, 1, want.events)
    assert (want.read, want.coded, want.rejected) == (33, 31, 1)
    events = rows(ds, EVENTS)
    assert len(events) > 20
    assert events == rows(local, EVENTS)
    assert rows(ds, ARTICLES + " ORDER BY id") == rows(local, ARTICLES + " ORDER BY id")
    for table in ("mentions", "event_entities", "quotes", "signatures"):
        sql = f"SELECT count(*) FROM {table}"
        assert rows(ds, sql) == rows(local, sql), table
    reject = "SELECT id, input, reason FROM rejections"
    assert rows(ds, reject) == rows(local, reject) and len(rows(ds, reject)) == 1
    # The same stories (four near-duplicate pairs) and merged events as the DuckDB store.
    stories = "SELECT * FROM stories ORDER BY story_id"
    assert rows(ds, stories) == rows(local, stories)
    assert rows(ds, "SELECT count(*) FROM stories WHERE n_articles > 1") == [(4,)]
    merged = "SELECT * FROM merged_events ORDER BY id"
    assert rows(ds, merged) == rows(local, merged) and rows(ds, merged)
    links = "SELECT * FROM merged_links ORDER BY merged_id, event_id"
    assert rows(ds, links) == rows(local, links)
    # Events are partitioned by year and month of their date.
    parts = {p.parent.parent.name + "/" + p.parent.name for p in ds.glob("events/*/*/*")}
    months = rows(ds, "SELECT DISTINCT year(date), month(date) FROM events")
    assert parts == {f"year={y}/month={m}" for y, m in months} and len(parts) >= 1


def test_read_commands_accept_the_dataset_as_db(built: dict[str, Any], tmp_path: Path) -> None:
    runner = CliRunner()

    def lines(args: list[str], db: Path) -> list[dict[str, Any]]:
        res = runner.invoke(main, [*args, "--db", str(db)])
        assert res.exit_code == 0, res.output
        out = [json.loads(line) for line in res.output.splitlines()]
        for row in out:
            row.pop("rejected_at", None)  # when each run rejected it
        return out

    for args in (
        ["events", "--json", "--limit", "500"],
        ["stories", "--json"],
        ["rejects", "--json"],
    ):
        got = lines(args, built["ds"])
        assert got == lines(args, built["local"]) and got, args
    runs = runner.invoke(main, ["runs", "--json", "--db", str(built["ds"])])
    (run,) = [json.loads(line) for line in runs.output.splitlines()]
    assert (run["status"], run["n_coded"], run["n_rejected"]) == ("done", 31, 1)
    out = tmp_path / "events.tsv"
    res = runner.invoke(
        main, ["export", "--db", str(built["ds"]), "--format", "gdelt", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    lines = out.read_text("utf-8").splitlines()
    assert lines and {len(line.split("\t")) for line in lines} == {len(GDELT_COLUMNS)} == {61}


def test_a_killed_spark_run_resumes_to_the_same_events(
    built: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.ingest import dataset

    ds = tmp_path / "ds"
    real = dataset.commit_marker
    calls = []

    def killed_at_second_commit(fs: Any, commit: str, record: dict[str, Any]) -> None:
        calls.append(commit)
        if len(calls) == 2:  # the second wave's files are written, its marker never is
            raise KeyboardInterrupt
        real(fs, commit, record)

    monkeypatch.setattr(dataset, "commit_marker", killed_at_second_commit)
    with pytest.raises(KeyboardInterrupt):
        ingest_dataset([built["corpus"]], ds, workers=2, settings=SETTINGS, chunk_size=8, wave=12)
    monkeypatch.setattr(dataset, "commit_marker", real)
    # Only the first wave is visible, though the second wave's parts are on disk.
    partial = rows(ds, "SELECT count(DISTINCT input) FROM articles")[0][0]
    assert partial == 12
    assert len({p.name for p in ds.glob("articles/commit=*")}) == 2
    again = ingest_dataset([built["corpus"]], ds, workers=2, settings=SETTINGS, chunk_size=8)
    assert again.coded == 31 - partial
    assert rows(ds, EVENTS) == rows(built["local"], EVENTS)
    assert len({p.name for p in ds.glob("articles/commit=*")}) == 2  # the leftovers are gone
    stories = "SELECT * FROM stories ORDER BY story_id"
    assert rows(ds, stories) == rows(built["local"], stories)
    # A rerun on the same inputs adds nothing.
    before = {t: rows(ds, f"SELECT count(*) FROM {t}") for t in ("articles", "events", "quotes")}
    third = ingest_dataset([built["corpus"]], ds, workers=2, settings=SETTINGS, chunk_size=8)
    assert (third.coded, third.rejected) == (0, 0)
    assert {t: rows(ds, f"SELECT count(*) FROM {t}") for t in before} == before
    assert [r[0] for r in rows(ds, "SELECT status FROM runs ORDER BY run_id")] == [
        "running",
        "done",
        "done",
    ]
