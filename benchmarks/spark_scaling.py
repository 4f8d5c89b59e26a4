"""Spark scaling benchmark: ``ingest --engine spark --parquet`` on ``local[1]`` vs ``local[2]``.

Usage::

    python benchmarks/spark_scaling.py [--corpus DIR] [--limit N] [--cores 1,2] [--no-save]

Takes the first ``--limit`` (default 200) articles of the corpus (default
``../shared/corpora/polnear-news``), links them into a temporary input directory and, for each
core count, runs a fresh process that writes a new Parquet dataset from them on
``local[cores]`` (reading, coding, writing every table, the de-duplication pass). It reports for
each: the wall time of the process (JVM and Spark start included), the run's own time (from the
Spark session's start to the end of the dedup pass: the part that scales), articles per second
and per core-second, and the speedup of the largest core count over one core. The machine's load
(``/proc/loadavg``, as ``uptime`` prints it) is recorded before and after each run: the target
(local[2] >= 1.7x local[1]) applies to an idle machine.

Results are saved to ``benchmarks/results/spark-scaling-<date>.json`` unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "polnear-news"
RESULTS = ROOT / "benchmarks" / "results"

_CHILD = """
import json, sys
from detente.config import load_settings
from detente.ingest import ingest_dataset
result = ingest_dataset([sys.argv[1]], sys.argv[2], workers=int(sys.argv[3]),
                        settings=load_settings(), chunk_size=int(sys.argv[4]))
print(json.dumps(result.to_dict()))
"""


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _run(inputs: Path, cores: int, chunk_size: int, work: Path) -> dict[str, Any]:
    out = work / f"ds-{cores}"
    env = {k: v for k, v in os.environ.items() if k != "SPARK_MASTER"}
    load_before = _load()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(inputs), str(out), str(cores), str(chunk_size)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"local[{cores}] failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    n = result["coded"] + result["rejected"]
    return {
        "cores": cores,
        "articles": n,
        "events": result["events"],
        "wall_seconds": round(wall, 2),
        "run_seconds": result["seconds"],
        "articles_per_second": round(n / result["seconds"], 3),
        "articles_per_core_second": round(n / result["seconds"] / cores, 3),
        "load_before": load_before,
        "load_after": _load(),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and save) the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--cores", default="1,2", help="comma-separated core counts")
    parser.add_argument("--chunk-size", type=int, default=8)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    files = sorted(p for p in args.corpus.glob("*.txt"))[: args.limit]
    if not files:
        raise SystemExit(f"no .txt articles in {args.corpus}")
    runs = []
    with tempfile.TemporaryDirectory(prefix="detente-spark-bench-") as tmp:
        work = Path(tmp)
        inputs = work / "in"
        inputs.mkdir()
        for f in files:  # links, not copies: the texts stay in ../shared
            (inputs / f.name).symlink_to(f.resolve())
        for cores in (int(c) for c in args.cores.split(",")):
            runs.append(_run(inputs, cores, args.chunk_size, work))
            print(json.dumps(runs[-1]), file=sys.stderr)
    base = runs[0]
    best = runs[-1]
    report = {
        "benchmark": "spark_scaling",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "corpus": str(args.corpus),
        "limit": len(files),
        "runs": runs,
        "speedup": round(base["run_seconds"] / best["run_seconds"], 3),
        "speedup_wall": round(base["wall_seconds"] / best["wall_seconds"], 3),
        # Core-hours per million articles at the one-core rate (what a cluster core does).
        "core_hours_per_million": round(1e6 / base["articles_per_core_second"] / 3600, 1),
    }
    print(json.dumps(report, indent=2))
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        (RESULTS / f"spark-scaling-{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
