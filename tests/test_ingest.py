"""Ingest: idempotent, resumable after kill -9, parallel, WARC input, rejections, CLI."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.cli import main
from detente.config import Settings
from detente.ingest import ingest
from detente.store import open_db, queries

from .test_store import build

SETTINGS = Settings(default_date="2020-05-04")

TEXTS = [
    "Ruritania's foreign minister met the Freedonian ambassador in Strelsau on Monday to "
    "discuss the disputed border. Officials said the talks were frank.",
    "Freedonia said on Tuesday that it would send medical supplies to Sylvania after the "
    "floods. The aid convoy left the capital at dawn.",
    "Sylvanian police arrested twelve protesters outside parliament, witnesses said. The "
    "government called the demonstration illegal.",
]


def write_corpus(folder: Path, n: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"story-{i:03d}.txt"
        text = TEXTS[i % len(TEXTS)]
        path.write_text(f"Headline number {i}\n\n{text} This is report {i}.\n", "utf-8")
        paths.append(path)
    return paths


def count(db: Path, table: str) -> int:
    con = open_db(db, read_only=True)
    try:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchall()
        return int(row[0][0])
    finally:
        con.close()


def test_ingest_stores_articles_and_rejections_and_rerun_adds_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    write_corpus(corpus)
    (corpus / "copy.txt").write_text((corpus / "story-000.txt").read_text("utf-8"), "utf-8")
    (corpus / "blob.txt").write_bytes(b"\x00\x01\x02\x03 binary")
    (corpus / "empty.txt").write_text("   \n", "utf-8")
    db = tmp_path / "db.duckdb"
    seen = []
    first = ingest(
        [corpus],
        db,
        workers=1,
        settings=SETTINGS,
        chunk_size=2,
        progress=lambda p: seen.append((p.coded, p.rejected)),
    )
    assert (first.read, first.coded, first.skipped, first.rejected) == (6, 3, 1, 2)
    assert seen and seen[-1] == (3, 2)
    assert count(db, "articles") == 3 and count(db, "rejections") == 2
    again = ingest([corpus], db, workers=1, settings=SETTINGS)
    assert (again.coded, again.skipped, again.rejected) == (0, 6, 0)
    assert count(db, "articles") == 3 and count(db, "rejections") == 2
    con = open_db(db, read_only=True)
    reasons = {r["reason"] for r in queries.rejections(con)}
    assert reasons == {"binary", "empty"}
    runs = queries.runs(con)
    assert [r["status"] for r in runs] == ["done", "done"]
    assert {"clean", "nlp", "actors", "events", "quotes"} <= set(runs[-1]["versions"])
    assert runs[-1]["n_coded"] == 3 and runs[0]["n_skipped"] == 6
    art = queries.articles(con, limit=10)
    assert {a["published"] for a in art} == {"2020-05-04"}
    # mentions (when the actors stage finds any) are stored once per article
    row = con.execute("SELECT sum(n_mentions) FROM articles").fetchall()
    assert count(db, "mentions") == int(row[0][0] or 0)


def test_missing_input_fails_before_anything_is_written(tmp_path: Path) -> None:
    from detente.errors import ReadError

    with pytest.raises(ReadError):
        ingest([tmp_path / "nope"], tmp_path / "db.duckdb", workers=1, settings=SETTINGS)
    assert not (tmp_path / "db.duckdb").exists()


def test_warc_records_are_ingested(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, text in enumerate(TEXTS[:2]):
            html = (
                f"<html><head><title>Report {i}</title></head><body><article><h1>Report "
                f"{i}</h1><p>{text}</p><p>{text}</p></article></body></html>"
            ).encode()
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://news.example/{i}",
                "response",
                payload=io.BytesIO(html),
                http_headers=headers,
            )
            writer.write_record(record)
    db = tmp_path / "warc.duckdb"
    result = ingest([path], db, workers=1, settings=SETTINGS)
    assert result.coded == 2
    con = open_db(db, read_only=True)
    urls = {a["url"] for a in queries.articles(con)}
    assert urls == {"https://news.example/0", "https://news.example/1"}


def test_jsonl_gz_input(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i, text in enumerate(TEXTS):
            fh.write(
                json.dumps(
                    {
                        "id": f"j{i}",
                        "title": f"T{i}",
                        "text": text,
                        "date": "2019-01-0" + str(i + 1),
                        "source": "Wire",
                    }
                )
                + "\n"
            )
    db = tmp_path / "j.duckdb"
    assert ingest([path], db, workers=1, settings=SETTINGS).coded == 3
    con = open_db(db, read_only=True)
    assert {a["id"] for a in queries.articles(con)} == {"j0", "j1", "j2"}


def test_two_workers_store_the_same_as_one(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    write_corpus(corpus, 6)
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    ingest([corpus], one, workers=1, settings=SETTINGS, chunk_size=2)
    ingest([corpus], two, workers=2, settings=SETTINGS, chunk_size=2)

    def snapshot(db: Path) -> list[tuple]:
        con = open_db(db, read_only=True)
        try:
            return con.execute(
                "SELECT id, hash, n_mentions, n_events, n_quotes, story_id "
                "FROM articles ORDER BY id"
            ).fetchall()
        finally:
            con.close()

    assert snapshot(one) == snapshot(two)
    assert len(snapshot(two)) == 6


def test_kill_9_mid_run_then_rerun_finishes_with_nothing_lost_or_duplicated(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    paths = write_corpus(corpus, 40)
    db = tmp_path / "kill.duckdb"
    cmd = [
        sys.executable,
        "-c",
        "from detente.cli import main; main()",
        "-v",
        "ingest",
        str(corpus),
        "--db",
        str(db),
        "--workers",
        "1",
        "--chunk-size",
        "1",
        "--no-progress",
        "--date",
        "2020-05-04",
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    stored = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        if "stored 1 articles" in line:
            stored += 1
            if stored == 3:
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    partial = count(db, "articles")
    assert 3 <= partial < len(paths)
    con = open_db(db, read_only=True)
    assert [r["status"] for r in queries.runs(con)] == ["running"]
    con.close()
    result = ingest([corpus], db, workers=1, settings=SETTINGS, chunk_size=4)
    assert result.skipped == partial and result.coded == len(paths) - partial
    assert count(db, "articles") == len(paths)
    con = open_db(db, read_only=True)
    rows = con.execute(
        "SELECT count(*), count(DISTINCT input), count(DISTINCT hash) FROM articles"
    ).fetchall()
    assert rows == [(len(paths), len(paths), len(paths))]
    row = con.execute(
        "SELECT coalesce(sum(n_quotes), 0), coalesce(sum(n_mentions), 0) FROM articles"
    ).fetchall()
    assert row == [(count(db, "quotes"), count(db, "mentions"))]


def test_ingest_command_prints_counts_and_exits_1_on_rejections(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    write_corpus(corpus, 2)
    (corpus / "blob.txt").write_bytes(b"\x00\x01 binary")
    db = tmp_path / "cli.duckdb"
    runner = CliRunner()
    res = runner.invoke(
        main, ["ingest", str(corpus), "--db", str(db), "--workers", "1", "--no-progress", "--json"]
    )
    assert res.exit_code == 1, res.output
    data = json.loads(res.stdout.splitlines()[-1])
    assert (data["coded"], data["rejected"]) == (2, 1)
    res = runner.invoke(main, ["rejects", "--db", str(db), "--json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["reason"] == "binary"
    res = runner.invoke(main, ["ingest", str(corpus), "--db", str(db), "--workers", "1"])
    assert res.exit_code == 0 and "0 coded, 3 skipped" in res.output


# -- query commands over a database built from records (no spaCy) ----------------------------


@pytest.fixture()
def world_db(tmp_path: Path) -> Path:
    path = tmp_path / "world.duckdb"
    build(path)
    return path


def test_relations_command_table_and_json(world_db: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["relations", "RUR", "FRE", "--db", str(world_db), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [p["events"] for p in data["periods"]] == [3, 1]
    res = runner.invoke(
        main, ["relations", "RUR", "FRE", "--db", str(world_db), "--by", "year", "--json"]
    )
    assert [p["period"] for p in json.loads(res.stdout)["periods"]] == ["2020-01-01"]
    res = runner.invoke(main, ["relations", "RUR", "FRE", "--db", str(world_db)])
    assert res.exit_code == 0 and "RUR → FRE by month" in res.output


def test_events_command_filters_and_shows_evidence(world_db: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        main,
        [
            "events",
            "--db",
            str(world_db),
            "--actor",
            "RUR",
            "--type",
            "ACCUSE",
            "--since",
            "2020-01-03",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a4/e1", "a2/e1"]
    assert rows[0]["evidence"]["sentence"]
    res = runner.invoke(main, ["events", "--db", str(world_db), "--merged", "--json"])
    assert max(json.loads(line)["num_articles"] for line in res.stdout.splitlines()) == 2
    res = runner.invoke(main, ["events", "--db", str(world_db), "--since", "yesterday"])
    assert res.exit_code == 2


def test_export_stories_runs_and_dedup_commands(world_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "g.tsv"
    res = runner.invoke(
        main, ["export", "--db", str(world_db), "--format", "gdelt", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert all(len(line.split("\t")) == 61 for line in out.read_text().splitlines())
    res = runner.invoke(main, ["export", "--db", str(world_db), "--format", "plover", "--out", "-"])
    assert len(res.stdout.splitlines()) == 6
    res = runner.invoke(main, ["stories", "--db", str(world_db), "--json"])
    assert json.loads(res.stdout)["article_ids"] == ["a1", "a2"]
    res = runner.invoke(main, ["runs", "--db", str(world_db), "--json"])
    assert json.loads(res.stdout)["status"] == "done"
    res = runner.invoke(main, ["dedup", "--db", str(world_db), "--threshold", "1.0"])
    assert res.exit_code == 0 and res.output.startswith("0 multi-article stories")


def test_query_commands_on_a_missing_database_exit_2(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "detente ingest" in res.output


def test_progress_is_logged_as_information_not_as_a_warning(caplog) -> None:
    from detente.cli.progress import progress_display
    from detente.ingest import Progress

    with caplog.at_level("INFO", logger="detente.ingest"), progress_display(False, every=0) as cb:
        cb(Progress(read=5, coded=4, rejected=1, events=7, total=5))
    assert "4 coded" in caplog.text and "7 events" in caplog.text and "/5 files" in caplog.text
    assert [r.levelname for r in caplog.records] == ["INFO"]


def test_progress_lines_are_hidden_at_the_default_level(caplog) -> None:
    from detente.cli.progress import progress_display
    from detente.ingest import Progress

    with caplog.at_level("WARNING"), progress_display(False, every=0) as cb:
        cb(Progress(read=5, coded=4, total=5))
    assert caplog.records == []


@pytest.mark.spark
@pytest.mark.slow
def test_spark_engine_stores_the_same_as_local(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java")
    corpus = tmp_path / "in"
    write_corpus(corpus, 3)
    local, spark = tmp_path / "local.duckdb", tmp_path / "spark.duckdb"
    ingest([corpus], local, workers=1, settings=SETTINGS)
    result = ingest([corpus], spark, workers=1, settings=SETTINGS, engine="spark")
    assert result.coded == 3

    def ids(db: Path) -> list[tuple]:
        con = open_db(db, read_only=True)
        try:
            return con.execute(
                "SELECT id, n_mentions, n_events FROM articles ORDER BY id"
            ).fetchall()
        finally:
            con.close()

    assert ids(local) == ids(spark)


def test_rejections_are_stored_as_they_come_not_held_until_the_end(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(5):
        (corpus / f"empty-{i}.txt").write_text(" " * i + "\n", "utf-8")
    calls = []
    result = ingest(
        [corpus],
        tmp_path / "r.duckdb",
        workers=1,
        settings=SETTINGS,
        chunk_size=2,
        progress=lambda p: calls.append(p.rejected),
    )
    assert result.rejected == 5 and result.coded == 0
    assert calls[:2] == [2, 4]  # flushed every chunk_size rejections
    assert count(tmp_path / "r.duckdb", "rejections") == 5


def test_an_article_whose_rows_cannot_be_made_becomes_a_rejection(monkeypatch) -> None:
    from detente.engine import local
    from detente.read import make_article
    from detente.store import rows

    real = rows.article_rows

    def boom(article, **kw):
        if article.rejected is None and "explode" in article.text:
            raise ValueError("cannot serialise")
        return real(article, **kw)

    monkeypatch.setattr(rows, "article_rows", boom)
    arts = [make_article("ok.txt", TEXTS[0]), make_article("bad.txt", TEXTS[1] + " explode")]
    batch = local.code_chunk(arts, SETTINGS)
    assert (batch.coded, batch.rejected) == (1, 1)
    (rej,) = batch.rows["rejections"]
    assert rej[2] == "bad.txt" and rej[3] == "error" and "cannot serialise" in rej[4]


def _children(pid: int) -> set[int]:
    kids: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            kids.update(int(k) for k in (task / "children").read_text().split())
    return kids


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_kill_9_with_workers_leaves_no_orphans_and_resumes(tmp_path: Path) -> None:
    import time

    corpus = tmp_path / "in"
    paths = write_corpus(corpus, 30)
    db = tmp_path / "kill2.duckdb"
    cmd = [
        sys.executable,
        "-c",
        "from detente.cli import main; main()",
        "-v",
        "ingest",
        str(corpus),
        "--db",
        str(db),
        "--workers",
        "2",
        "--chunk-size",
        "1",
        "--no-progress",
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    workers: set[int] = set()
    for line in proc.stderr:
        if "stored 1 articles" in line:
            workers = _children(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert workers, "the ingest had no worker processes"
    # Workers die with their parent (PR_SET_PDEATHSIG, or their watcher within a second).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.2)
    alive = [
        w
        for w in workers
        if Path(f"/proc/{w}/cmdline").exists()
        and b"spawn_main" in Path(f"/proc/{w}/cmdline").read_bytes()
    ]
    assert alive == []
    result = ingest([corpus], db, workers=2, settings=SETTINGS)
    assert result.skipped + result.coded == len(paths)
    assert count(db, "articles") == len(paths)
