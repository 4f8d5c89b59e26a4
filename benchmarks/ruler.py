"""The attribute ruler, spaCy's matcher against detente's compiled one: same output, and time.

Usage::

    python benchmarks/ruler.py [--corpus DIR] [--limit N] [--geo FILE] [--repeat R] [--json]

On the first ``--limit`` articles of the corpus (default: all of ``../shared/corpora/polnear-news``)
and the texts of ``--geo`` (default ``../shared/gold/geowebnews.jsonl``, when present), it checks
that detente's NLP stage gives the same documents with the compiled ruler as with spaCy's
(every token's tag, part of speech, morphology, lemma, head, label, sentence start and entity,
with gating on and off), then times the ruler step both ways in CPU seconds, alternating them
``--repeat`` times over the same parsed documents, against the whole pipeline on the same texts
(``nlp.pipe``, the bare baseline of ``throughput.py``). The result is saved as JSON in
``benchmarks/results/`` unless ``--no-save``. A difference is reported with the text's file and
token, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _texts(corpus: Path, limit: int | None, geo: Path | None) -> list[tuple[str, str]]:
    from detente.read import read_paths

    files = sorted(p for p in corpus.rglob("*") if p.is_file())[:limit]
    out = [(art.input, art.text) for art in read_paths(files) if art.rejected is None]
    if geo is not None and geo.is_file():
        with geo.open(encoding="utf-8") as handle:
            for n, line in enumerate(handle, 1):
                out.append((f"{geo}:{n}", json.loads(line)["text"]))
    return out


def _difference(name: str, a: Any, b: Any) -> str | None:
    """Where two documents differ, in words; ``None`` when they are the same."""
    from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

    cols = [TAG, POS, MORPH, LEMMA, HEAD, DEP, SENT_START]
    left, right = a.to_array(cols), b.to_array(cols)
    if left.shape != right.shape:
        return f"{name}: {len(a)} tokens against {len(b)}"
    rows = (left != right).any(axis=1).nonzero()[0]
    if len(rows):
        i = int(rows[0])
        theirs = f"{b[i].pos_}/{b[i].morph}"
        return f"{name}: token {i} {a[i].text!r}: {a[i].pos_}/{a[i].morph} vs {theirs}"
    ents = [(e.start, e.end, e.label_) for e in a.ents]
    if ents != [(e.start, e.end, e.label_) for e in b.ents]:
        return f"{name}: entities differ"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "polnear-news")
    parser.add_argument("--geo", type=Path, default=SHARED / "gold" / "geowebnews.jsonl")
    parser.add_argument("--limit", type=int, default=None, help="at most N corpus articles")
    parser.add_argument("--repeat", type=int, default=3, help="timed alternations")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--no-save", action="store_true", help="do not write benchmarks/results")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"corpus {args.corpus} is not a directory")
    sys.path.insert(0, str(ROOT / "src"))
    from detente.config import load_settings
    from detente.gating import build_scan
    from detente.nlp import NLPStage

    settings = load_settings()
    named = _texts(args.corpus, args.limit, args.geo)
    texts = [text for _, text in named]
    differences: list[str] = []
    for gating in (False, True):
        scan = build_scan(settings) if gating else None
        fast = NLPStage(settings.model, args.batch_size, relevance=scan).parse(texts)
        stock = NLPStage(settings.model, args.batch_size, relevance=scan, fast_ruler=False)
        for (name, _), a, b in zip(named, fast, stock.parse(texts), strict=True):
            diff = _difference(name, a, b)
            if diff is not None:
                differences.append(("gated " if gating else "") + diff)

    stage = NLPStage(settings.model, args.batch_size)
    nlp, fast_ruler = stage.nlp, stage._ruler
    if fast_ruler is None or stage._ruler_name is None:
        parser.error(f"the attribute ruler of {settings.model} does not compile")
    ruler = nlp.get_pipe(stage._ruler_name)
    # The documents as the ruler gets them: through the components before it.
    docs = list(nlp.pipe(texts, batch_size=args.batch_size, disable=stage._after))
    times: dict[str, list[float]] = {"spacy": [], "compiled": [], "pipeline": []}
    for _ in range(args.repeat):
        start = time.process_time()
        spacy_matches = [ruler.match(doc) for doc in docs]
        times["spacy"].append(time.process_time() - start)
        start = time.process_time()
        compiled = [fast_ruler.matches(doc) for doc in docs]
        times["compiled"].append(time.process_time() - start)
        if spacy_matches != compiled:
            differences.append("the match lists differ")
        start = time.process_time()
        for _doc in nlp.pipe(texts, batch_size=args.batch_size):
            pass
        times["pipeline"].append(time.process_time() - start)
    best = {k: min(v) for k, v in times.items()}
    result = {
        "benchmark": "ruler",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/ruler.py", *(argv or sys.argv[1:])]),
        "model": settings.model,
        "texts": len(texts),
        "tokens": sum(len(doc) for doc in docs),
        "identical": not differences,
        "differences": differences[:20],
        "cpu_s": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "match_share_of_pipeline": {
            "spacy": round(best["spacy"] / best["pipeline"], 4),
            "compiled": round(best["compiled"] / best["pipeline"], 4),
        },
        "speedup": round(best["spacy"] / best["compiled"], 2),
    }
    if not args.no_save:
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        path = out / f"ruler-{stamp}.json"
        path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        result["saved_to"] = str(path.relative_to(ROOT))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['texts']} texts, {result['tokens']} tokens: identical={result['identical']}"
        )
        print(
            f"matching: spaCy {best['spacy']:.2f} s, compiled {best['compiled']:.2f} s "
            f"({result['speedup']}x); whole pipeline {best['pipeline']:.2f} s"
        )
        for line in differences[:20]:
            print(line)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
