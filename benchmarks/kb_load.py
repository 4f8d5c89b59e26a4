"""Knowledge-base load benchmark: time and memory of loading the actor knowledge base.

Usage::

    python benchmarks/kb_load.py [--json] [--runs N]

Each measurement runs in a fresh process (so nothing is cached in memory): it loads spaCy and
the default pipeline first, then times ``load_kb(layers=...)`` and the compilation of the
document resolver (phrase matchers), and reports wall and CPU seconds and the RSS added. Modes:

- ``curated``: the curated layer only (``--kb curated``);
- ``full-cold``: curated + Phoenix with an empty disk cache (the first run after an install);
- ``full``: curated + Phoenix with the compiled cache in place (every later run).

CPU seconds are the better measure on a shared machine (wall time grows with the load average).
The goal (issue 13): the full knowledge base loads in at most 2 s and adds at most 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import json, sys, time
def rss():
    with open("/proc/self/status") as f:
        return int(f.read().split("VmRSS:")[1].split()[0]) / 1024
import spacy
from detente.config import DEFAULT_MODEL
from detente.actors import load_kb
from detente.actors.resolver import get_resolver
nlp = spacy.load(DEFAULT_MODEL)
base = rss()
w0, c0 = time.perf_counter(), time.process_time()
kb = load_kb(layers=sys.argv[1])
w1, c1 = time.perf_counter(), time.process_time()
get_resolver(kb, nlp.vocab)
w2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"load_wall": w1 - w0, "load_cpu": c1 - c0, "resolver_wall": w2 - w1,
                  "resolver_cpu": c2 - c1, "rss_added_mb": rss() - base,
                  "names": len(kb.names), "people": len(kb.people)}))
"""


def _run(layers: str, cache: str) -> dict[str, float]:
    env = {**os.environ, "DETENTE_CACHE_DIR": cache}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, layers], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=2, help="warm runs per mode (best kept)")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as cache:
        results["full-cold"] = _run("full", cache)
        for mode, layers in (("full", "full"), ("curated", "curated")):
            runs = [_run(layers, cache) for _ in range(args.runs)]
            results[mode] = min(runs, key=lambda r: r["load_cpu"])
    if args.json:
        print(json.dumps(results))
        return
    for mode, r in results.items():
        print(
            f"{mode:10s} load {r['load_wall']:.2f}s wall {r['load_cpu']:.2f}s cpu; resolver "
            f"{r['resolver_wall']:.2f}s wall {r['resolver_cpu']:.2f}s cpu; "
            f"+{r['rss_added_mb']:.0f} MB; {r['names']:.0f} names, {r['people']:.0f} people"
        )


if __name__ == "__main__":
    main()
