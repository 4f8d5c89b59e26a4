"""Score the HTML reader on the article-extraction benchmark (scrapinghub's metric).

The metric: word 4-gram shingles (tokens are ``\\w+``) of the extracted and the true body; per
page, shingle-count TP/FP/FN are normalised to sum 1; precision and recall are averaged over pages,
and F1 is the harmonic mean of the two averages.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from ..clean import clean_text, load_boilerplate
from ..config import Settings
from ..errors import EvalError
from ..read.html import extract_html

__all__ = ["page_scores", "score", "shingles"]

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Count word n-gram shingles of a text (a text shorter than n gives one shorter shingle)."""
    tokens = _TOKEN.findall(text or "")
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_scores(predicted: str, true: str) -> tuple[float, float]:
    """Return ``(precision, recall)`` of one page, from TP/FP/FN normalised to sum 1."""
    pred, gold = shingles(predicted), shingles(true)
    tp = sum((pred & gold).values())
    fp = sum((pred - gold).values())
    fn = sum((gold - pred).values())
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp_n, fp_n, fn_n = tp / total, fp / total, fn / total
    precision = tp_n / (tp_n + fp_n) if tp_n + fp_n else 0.0
    recall = tp_n / (tp_n + fn_n) if tp_n + fn_n else 0.0
    # scrapinghub's evaluation: an empty prediction of an empty truth is perfect
    if not pred and not gold:
        return 1.0, 1.0
    return precision, recall


def score(gold: Path, settings: Settings, limit: int | None = None) -> dict[str, Any]:
    """Score the article text detente makes of an HTML page on the benchmark folder ``gold``.

    That text is the HTML reader's extraction (:func:`detente.read.html.extract_html`) after the
    clean stage's boilerplate removal, i.e. ``article.text``. ``extraction_only`` gives the score of
    the extraction alone, for comparison.
    """
    boilerplate = load_boilerplate(tuple(settings.boilerplate_files))
    truth_path = gold / "ground-truth.json"
    if not truth_path.is_file():
        raise EvalError(f"{gold} has no ground-truth.json; pass the benchmark folder", code="E083")
    truth = json.loads(truth_path.read_text("utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    precisions, recalls = [], []
    alone_p, alone_r = [], []
    for page_id in ids:
        html_path = gold / "html" / f"{page_id}.html.gz"
        if not html_path.is_file():
            raise EvalError(f"missing page {html_path}", code="E083")
        html = gzip.decompress(html_path.read_bytes()).decode("utf-8", errors="replace")
        found = extract_html(html)
        extracted = found["text"] if found else ""
        body = truth[page_id].get("articleBody", "")
        p, r = page_scores(extracted, body)
        alone_p.append(p)
        alone_r.append(r)
        p, r = page_scores(clean_text(extracted, boilerplate)[0] if extracted else "", body)
        precisions.append(p)
        recalls.append(r)
    return {**_summary(precisions, recalls), "extraction_only": _summary(alone_p, alone_r)}


def _summary(precisions: list[float], recalls: list[float]) -> dict[str, Any]:
    n = len(precisions)
    precision = sum(precisions) / n if n else 0.0
    recall = sum(recalls) / n if n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "n": n,
    }
