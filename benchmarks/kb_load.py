"""Knowledge-base load benchmark: time and memory of the actor knowledge base and the gazetteer,
and the actor stage's time per mention.

Usage::

    python benchmarks/kb_load.py [--json] [--runs N] [--docs N]

Each measurement runs in a fresh process (so nothing is cached in memory): it loads spaCy and
the default pipeline first, then times ``load_kb(layers=...)``, the compilation of the
document resolver (phrase matchers) and, with the full knowledge base, ``load_gazetteer()``
(the actor stage asks it for places the knowledge base does not know), and reports wall and CPU
seconds and the RSS added (knowledge base, then knowledge base + gazetteer). It then parses the
first ``--docs`` PolNeAR news articles of ``../shared/corpora/polnear-news`` (untimed; a fixed
text when the corpus is absent) and times the resolver alone over them: CPU microseconds per
mention found. Modes:

- ``curated``: the curated layer only (``--kb curated``: no Phoenix, no gazetteer);
- ``full-cold``: curated + Phoenix + gazetteer with empty disk caches (the first run after an
  install);
- ``full``: the same with the compiled caches in place (every later run).

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
import datetime as dt, glob, json, sys, time
def rss():
    with open("/proc/self/status") as f:
        return int(f.read().split("VmRSS:")[1].split()[0]) / 1024
import spacy
from detente.config import DEFAULT_MODEL
from detente.actors import load_kb
from detente.actors.resolver import get_resolver
from detente.geo import load_gazetteer, place_country
layers, ndocs = sys.argv[1], int(sys.argv[2])
nlp = spacy.load(DEFAULT_MODEL)
base = rss()
w0, c0 = time.perf_counter(), time.process_time()
kb = load_kb(layers=layers)
w1, c1 = time.perf_counter(), time.process_time()
places = place_country if layers == "full" else None
resolver = get_resolver(kb, nlp.vocab, places)
w2, c2 = time.perf_counter(), time.process_time()
kb_rss = rss() - base
if places is not None:
    load_gazetteer()
w3, c3 = time.perf_counter(), time.process_time()
out = {"load_wall": w1 - w0, "load_cpu": c1 - c0, "resolver_wall": w2 - w1,
       "resolver_cpu": c2 - c1, "gazetteer_wall": w3 - w2, "gazetteer_cpu": c3 - c2,
       "rss_added_mb": kb_rss, "rss_with_gazetteer_mb": rss() - base,
       "names": len(kb.names), "people": len(kb.people)}
files = sorted(glob.glob("../shared/corpora/polnear-news/*.txt"))[:ndocs]
texts = [open(f, encoding="utf-8").read() for f in files] or [
    "Russian Foreign Minister Sergei Lavrov met Japan's Taro Kono in Moscow. "
    "Rebels in Darfur attacked a police post near Nyala, officials in Khartoum said."] * ndocs
docs = list(nlp.pipe(texts))
resolver.resolve_doc(docs[0], dt.date(2016, 6, 1))  # warm the lazy tables (fuzzy names)
c4 = time.process_time()
mentions = sum(len(resolver.resolve_doc(d, dt.date(2016, 6, 1))) for d in docs)
c5 = time.process_time()
out.update({"docs": len(docs), "mentions": mentions,
            "us_per_mention": 1e6 * (c5 - c4) / max(mentions, 1)})
if places is not None:
    # The same knowledge base without the gazetteer look-up (the resolver before it was added).
    bare = get_resolver(kb, nlp.vocab, None)
    bare.resolve_doc(docs[0], dt.date(2016, 6, 1))
    c6 = time.process_time()
    n = sum(len(bare.resolve_doc(d, dt.date(2016, 6, 1))) for d in docs)
    out["us_per_mention_no_gazetteer"] = 1e6 * (time.process_time() - c6) / max(n, 1)
print(json.dumps(out))
"""


def _run(layers: str, cache: str, docs: int) -> dict[str, float]:
    # Both disk caches in ``cache``: the knowledge base's (DETENTE_CACHE_DIR) and the
    # gazetteer's (the platformdirs user cache, XDG_CACHE_HOME on Linux).
    env = {**os.environ, "DETENTE_CACHE_DIR": cache, "XDG_CACHE_HOME": cache}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, layers, str(docs)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=2, help="warm runs per mode (best kept)")
    parser.add_argument("--docs", type=int, default=60, help="articles for the per-mention time")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as cache:
        results["full-cold"] = _run("full", cache, args.docs)
        for mode, layers in (("full", "full"), ("curated", "curated")):
            runs = [_run(layers, cache, args.docs) for _ in range(args.runs)]
            results[mode] = min(runs, key=lambda r: r["load_cpu"])
    if args.json:
        print(json.dumps(results))
        return
    for mode, r in results.items():
        print(
            f"{mode:10s} load {r['load_wall']:.2f}s wall {r['load_cpu']:.2f}s cpu; resolver "
            f"{r['resolver_wall']:.2f}s wall {r['resolver_cpu']:.2f}s cpu; gazetteer "
            f"{r['gazetteer_wall']:.2f}s wall {r['gazetteer_cpu']:.2f}s cpu; "
            f"+{r['rss_added_mb']:.0f} MB (+{r['rss_with_gazetteer_mb']:.0f} MB with the "
            f"gazetteer); {r['names']:.0f} names, {r['people']:.0f} people; "
            f"{r['us_per_mention']:.0f} us/mention ({r['mentions']:.0f} in {r['docs']:.0f} docs"
            + (
                f"; {r['us_per_mention_no_gazetteer']:.0f} without the gazetteer)"
                if "us_per_mention_no_gazetteer" in r
                else ")"
            )
        )


if __name__ == "__main__":
    main()
