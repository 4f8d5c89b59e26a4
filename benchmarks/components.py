"""detente's exact equivalents of two spaCy components against spaCy's: same output, and time.

Usage::

    python benchmarks/components.py [--corpus DIR] [--limit N] [--geo FILE] [--repeat R] [--json]

The equivalents are the attribute ruler's compiled matcher (``detente.ruler``) and the entity
recogniser's greedy decoder (``detente.biluo``). The benchmark runs on the first ``--limit``
articles of the corpus (default: all of ``../shared/corpora/polnear-news``) and the texts of
``--geo`` (default ``../shared/gold/geowebnews.jsonl``, when present).

It first checks that detente's NLP stage gives the same documents with the equivalents as
without them, with gating on and off. It compares every token's tag, part of speech,
morphology, lemma, head, label, sentence start, entity IOB and type, and every entity. Then it
times each component both ways in CPU seconds on the same documents, alternating them
``--repeat`` times and keeping the best: ruler matching, and the recogniser on copies of the
documents as it gets them. The whole stock pipeline on the same texts (``nlp.pipe``, the bare
baseline of ``throughput.py``) is timed too.

The result is saved as JSON in ``benchmarks/results/`` unless ``--no-save``. A difference is
reported with the text's file and token, and the exit status is 1.
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
    from interleave import corpus_files

    from detente.read import read_paths

    files = corpus_files(corpus, limit)
    out = [(art.input, art.text) for art in read_paths(files) if art.rejected is None]
    if geo is not None and geo.is_file():
        with geo.open(encoding="utf-8") as handle:
            for n, line in enumerate(handle, 1):
                out.append((f"{geo}:{n}", json.loads(line)["text"]))
    return out


def _difference(name: str, a: Any, b: Any) -> str | None:
    """Where two documents differ, in words; ``None`` when they are the same."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

    cols = [TAG, POS, MORPH, LEMMA, HEAD, DEP, SENT_START, ENT_IOB, ENT_TYPE]
    left, right = a.to_array(cols), b.to_array(cols)
    if left.shape != right.shape:
        return f"{name}: {len(a)} tokens against {len(b)}"
    rows = (left != right).any(axis=1).nonzero()[0]
    if len(rows):
        i = int(rows[0])
        theirs = f"{b[i].pos_}/{b[i].morph}"
        theirs += f"/{b[i].ent_iob_}-{b[i].ent_type_}"
        ours = f"{a[i].pos_}/{a[i].morph}/{a[i].ent_iob_}-{a[i].ent_type_}"
        return f"{name}: token {i} {a[i].text!r}: {ours} vs {theirs}"
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
        fast = NLPStage(settings.model, args.batch_size, relevance=scan)
        stock = NLPStage(settings.model, args.batch_size, relevance=scan, compiled=False)
        # In chunks, so that only a chunk's documents are held at a time.
        for lo in range(0, len(named), 100):
            chunk = texts[lo : lo + 100]
            pairs = zip(named[lo : lo + 100], fast.parse(chunk), stock.parse(chunk), strict=True)
            for (name, _), a, b in pairs:
                diff = _difference(name, a, b)
                if diff is not None:
                    differences.append(("gated " if gating else "") + diff)

    stage = NLPStage(settings.model, args.batch_size)
    nlp = stage.nlp
    names = list(nlp.pipe_names)
    if set(stage.compiled) != {"attribute_ruler", "ner"}:
        parser.error(f"the components of {settings.model} do not all compile: {stage.compiled}")
    ruler, ner = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("ner")
    # The documents as each component gets them: through the components before it.
    before_ruler = list(nlp.pipe(texts, batch_size=args.batch_size, disable=stage._after))
    before_ner = list(nlp.pipe(texts, batch_size=args.batch_size, disable=names[-1:]))
    if names[-1] != "ner":
        parser.error("the benchmark expects the recogniser to be the pipeline's last component")
    times: dict[str, list[float]] = {
        "ruler_spacy": [],
        "ruler_compiled": [],
        "ner_spacy": [],
        "ner_compiled": [],
        "pipeline": [],
    }

    def timed(key: str, work: Any) -> Any:
        start = time.process_time()
        out = work()
        times[key].append(time.process_time() - start)
        return out

    for _ in range(args.repeat):
        spacy_matches = timed("ruler_spacy", lambda: [ruler.match(d) for d in before_ruler])
        compiled = timed(
            "ruler_compiled",
            lambda: [stage.compiled["attribute_ruler"].matches(d) for d in before_ruler],
        )
        if spacy_matches != compiled:
            differences.append("the attribute ruler's match lists differ")
        for key, component in (("ner_spacy", ner), ("ner_compiled", stage.compiled["ner"])):
            copies = [doc.copy() for doc in before_ner]
            timed(key, lambda c=component, d=copies: list(c.pipe(d, batch_size=args.batch_size)))
        timed("pipeline", lambda: sum(1 for _ in nlp.pipe(texts, batch_size=args.batch_size)))
    best = {k: min(v) for k, v in times.items()}
    result = {
        "benchmark": "components",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/components.py", *(argv or sys.argv[1:])]),
        "model": settings.model,
        "texts": len(texts),
        "tokens": sum(len(doc) for doc in before_ruler),
        "identical": not differences,
        "differences": differences[:20],
        "cpu_s": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "share_of_pipeline": {
            k: round(best[k] / best["pipeline"], 4) for k in times if k != "pipeline"
        },
        "speedup": {
            "ruler": round(best["ruler_spacy"] / best["ruler_compiled"], 2),
            "ner": round(best["ner_spacy"] / best["ner_compiled"], 2),
        },
    }
    if not args.no_save:
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        path = out / f"components-{stamp}.json"
        path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        result["saved_to"] = str(path.relative_to(ROOT))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['texts']} texts, {result['tokens']} tokens: identical={result['identical']}"
        )
        for part in ("ruler", "ner"):
            print(
                f"{part}: spaCy {best[part + '_spacy']:.2f} s, compiled "
                f"{best[part + '_compiled']:.2f} s ({result['speedup'][part]}x)"
            )
        print(f"whole pipeline {best['pipeline']:.2f} s")
        for line in differences[:20]:
            print(line)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
