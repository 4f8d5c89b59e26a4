"""Scores of the event-type model on its folds, and the human-readable model card."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..events.typemodel import NONE

__all__ = ["cv_scores", "decide_example", "render_card", "score_predictions"]


def _rescale(p: dict[str, float], t: float) -> dict[str, float]:
    if t == 1.0:
        return p
    z = {c: np.log(max(v, 1e-12)) / t for c, v in p.items()}
    m = max(z.values())
    e = {c: float(np.exp(v - m)) for c, v in z.items()}
    s = sum(e.values())
    return {c: v / s for c, v in e.items()}


def decide_example(
    ex: Any, p: dict[str, float], threshold: float, keep_rule_ratio: float = 0.0
) -> tuple[str | None, str]:
    """The integrated decision for one example: ``(class or None, type_source)``.

    Mirrors :meth:`detente.events.typemodel.EventTypeModel.decide`.
    """
    from ..events.typemodel import model_class

    cands = sorted({model_class(t) for t in ex.factual_rule_types})
    top = max((c for c in p if c != NONE), key=lambda c: p[c])
    if cands:
        best = max(cands, key=lambda c: (p.get(c, 0.0), c))
        if p.get(best, 0.0) >= keep_rule_ratio * p[top]:
            return best, "lexicon+model"
        return top, "model"
    if ex.rule_types:
        # the rules found the event negated, hypothetical or future: no factual event (as in
        # the events stage, the model never turns it into a factual one)
        return None, ""
    if ex.has_actor and p[top] >= threshold and p[top] >= p.get(NONE, 0.0):
        return top, "model"
    return None, ""


def score_predictions(gold: Sequence[str], pred: Sequence[str | None]) -> dict[str, Any]:
    """Top-1 accuracy, macro-F1 over the gold types, per-type F1 and the share with no event."""
    n = len(gold)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    pred = [None if p == NONE else p for p in pred]
    right = [(p or NONE) == g for g, p in zip(gold, pred, strict=True)]
    for g, p in zip(gold, pred, strict=True):
        if (p or NONE) == g:
            counts[g]["tp"] += 1
        else:
            counts[g]["fn"] += 1
            if p is not None:
                counts[p]["fp"] += 1
    per_type = {}
    for t in sorted({g for g in gold if g != NONE}):
        c = counts[t]
        prec = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        rec = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_type[t] = {"f1": round(f1, 4), "n": c["tp"] + c["fn"]}
    macro = sum(v["f1"] for v in per_type.values()) / len(per_type) if per_type else 0.0
    return {
        "n": n,
        "accuracy": round(sum(right) / n, 4) if n else 0.0,
        "macro_f1": round(macro, 4),
        "no_event": round(sum(p is None for p in pred) / n, 4) if n else 0.0,
        "per_type": per_type,
    }


def cv_scores(
    examples: Sequence[Any],
    probs: Sequence[dict[str, float]],
    temperature: float,
    threshold: float,
    keep_rule_ratio: float = 0.0,
) -> dict[str, Any]:
    """Out-of-fold scores per data group: integrated (rules + model) and model alone."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, ex in enumerate(examples):
        groups[ex.group].append(i)
    out: dict[str, Any] = {}
    for group, idx in sorted(groups.items()):
        gold = [examples[i].label for i in idx]
        cal = [_rescale(probs[i], temperature) for i in idx]
        integrated = [
            decide_example(examples[i], p, threshold, keep_rule_ratio)[0]
            for i, p in zip(idx, cal, strict=True)
        ]
        alone = []
        for p in cal:
            top = max(p, key=lambda c: p[c])
            alone.append(None if top == NONE else top)
        out[group] = {
            "integrated": score_predictions(gold, integrated),
            "model_alone": {
                k: v for k, v in score_predictions(gold, alone).items() if k != "per_type"
            },
        }
    return out


def render_card(card: dict[str, Any]) -> str:
    """``MODEL_CARD.md``: the card as a page."""
    lines = [
        f"# Model card: {card['name']} {card['version']}",
        "",
        "Learned PLOVER event typing for detente: scores the types of a sentence; the rules",
        'give the structure (see docs/events.md, "How a type is decided").',
        "",
        f"- trained: {card['date']}; seed {card['seed']}; {card['folds']} stratified folds",
        f"- features ({card['n_features']}): {card['features']}",
        f"- classifier: {card['classifier']}",
        f"- calibration: softmax temperature {card['temperature']}; model-alone threshold "
        f"{card['threshold']}; rule candidates kept down to {card['keep_rule_ratio']} of the "
        "top class's probability (all fitted on the folds)",
        f"- classes: {', '.join(card['classes'])}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in sorted(card["versions"].items())),
        "",
        "## Data",
        "",
        "| file | sha256 | sentences |",
        "|---|---|---|",
    ]
    for d in card["data"]:
        lines.append(f"| {d['file']} | `{d['sha256'][:16]}…` | {d['sentences']} |")
    lines += [
        "",
        "## Cross-validated scores (out of fold; integrated = rules' candidates + model)",
        "",
        "| data | accuracy | macro-F1 | no event | model alone: accuracy | macro-F1 |",
        "|---|---|---|---|---|---|",
    ]
    for group, s in card["cv"].items():
        i, a = s["integrated"], s["model_alone"]
        lines.append(
            f"| {group} | {i['accuracy']:.3f} | {i['macro_f1']:.3f} | {i['no_event']:.3f} | "
            f"{a['accuracy']:.3f} | {a['macro_f1']:.3f} |"
        )
    for group, s in card["cv"].items():
        per = s["integrated"]["per_type"]
        if not per:
            continue
        lines += ["", f"### Per-type F1: {group}", "", "| type | F1 | n |", "|---|---|---|"]
        lines += [f"| {t} | {v['f1']:.3f} | {v['n']} |" for t, v in per.items()]
    return "\n".join(lines) + "\n"
