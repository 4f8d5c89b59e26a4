"""Score quote extraction: PolNeAR brat annotations, or a simple JSONL gold format.

PolNeAR (a folder with ``text/*.txt`` and ``attributions/*.ann``): each attribution relation
(``E`` line) links a Content span (possibly discontinuous, ``Content2`` merged in), a Cue and
usually a Source. A predicted quote matches a gold attribution when their content spans share at
least half of the shorter span's word tokens (``\\w+``); matching is one-to-one, largest overlap
first. Speaker accuracy is over matched pairs whose gold attribution has a Source: the predicted
speaker span must overlap the gold Source span. When an article has several annotators' files,
the counts are computed against each file and averaged for that article; precision and recall are
then micro-averaged over articles.

Simple JSONL (one object a line): ``{"id", "text", "title"?, "date"?, "quotes": [{"quote",
"speaker"}]}``. Quotes match by word-token overlap of the quote texts (the same half-of-shorter
rule); the speaker is right when the gold name's last word is among the words of the predicted
speaker's name, text or actor name (:func:`speaker_ok`).

Both formats also report ``speaker.end_to_end``: the share of gold quotes with a speaker whose
quote was found and whose speaker is right (speaker right over gold quotes, not over matches).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import EvalError
from ..pipeline import Pipeline, build_stage
from ..read import make_article
from ..read.repair import offset_mapper, repair_text
from ..records import Article, Quote

__all__ = ["GoldAttribution", "match", "read_ann", "score", "score_article", "speaker_ok"]

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w+", re.UNICODE)
_ANN_SUFFIX = re.compile(r"_[0-9a-f]{4}$")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
STAGES = ("nlp", "actors", "quotes")

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One gold attribution: content segments and the source segments (empty when none)."""

    content: Spans
    source: Spans = ()
    cue: Spans = ()


@dataclass(slots=True)
class Counts:
    """Match counts of one article (fractional when averaged over annotators)."""

    n_gold: float = 0.0
    n_pred: float = 0.0
    tp: float = 0.0
    speaker_n: float = 0.0
    speaker_ok: float = 0.0
    gold_speakers: float = 0.0  # gold quotes with a speaker (the end-to-end denominator)
    by_rule: dict[str, list[float]] = field(default_factory=dict)

    def add(self, other: Counts, weight: float = 1.0) -> None:
        self.n_gold += other.n_gold * weight
        self.n_pred += other.n_pred * weight
        self.tp += other.tp * weight
        self.speaker_n += other.speaker_n * weight
        self.speaker_ok += other.speaker_ok * weight
        self.gold_speakers += other.gold_speakers * weight
        for rule, (n, ok) in other.by_rule.items():
            cur = self.by_rule.setdefault(rule, [0.0, 0.0])
            cur[0] += n * weight
            cur[1] += ok * weight


# --------------------------------------------------------------------------------------------
# reading gold


def read_ann(path: Path) -> list[GoldAttribution]:
    """Read the attribution relations of one brat ``.ann`` file.

    Raises:
        EvalError: a line cannot be parsed.
    """
    spans: dict[str, Spans] = {}
    relations: list[dict[str, str]] = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            if line.startswith("T"):
                tid, mid, _text = line.split("\t", 2)
                _label, _, offsets = mid.partition(" ")
                spans[tid] = tuple(
                    (int(a), int(b)) for a, b in (seg.split() for seg in offsets.split(";"))
                )
            elif line.startswith("E"):
                _eid, args = line.split("\t", 1)
                rel: dict[str, str] = {}
                for arg in args.split():
                    role, _, ref = arg.partition(":")
                    rel[role] = ref if role not in rel else rel[role] + " " + ref
                relations.append(rel)
        except ValueError as exc:
            raise EvalError(
                f"{path}:{n}: cannot parse brat line {line!r}; is this a brat standoff file?",
                code="E084",
            ) from exc
    out = []
    for rel in relations:
        content: list[tuple[int, int]] = []
        for role in ("Content", "Content2"):
            for ref in rel.get(role, "").split():
                content.extend(spans.get(ref, ()))
        if not content:
            continue
        source = tuple(s for ref in rel.get("Source", "").split() for s in spans.get(ref, ()))
        cue = tuple(s for ref in rel.get("Cue", "").split() for s in spans.get(ref, ()))
        out.append(GoldAttribution(tuple(sorted(content)), source, cue))
    return out


def _polnear_items(gold: Path) -> list[tuple[Path, list[Path]]]:
    text_dir, ann_dir = gold / "text", gold / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise EvalError(
            f"{gold} is not a PolNeAR folder (needs text/ and attributions/); for the "
            f"simple format pass a .jsonl file",
            code="E083",
        )
    anns: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted(ann_dir.glob("*.ann")):
        anns[_ANN_SUFFIX.sub("", ann.stem)].append(ann)
    items = []
    for txt in sorted(text_dir.glob("*.txt")):
        if anns.get(txt.stem):
            items.append((txt, anns[txt.stem]))
    if not items:
        raise EvalError(f"{gold}: no text file has an annotation file", code="E084")
    return items


def _article_for_file(path: Path, content: str) -> Article:
    m = _DATE.search(path.name)
    date = m.group(1) if m else None
    title, sep, rest = content.partition("\n\n")
    if sep and title and "\n" not in title and title == title.strip():
        art = make_article(str(path), rest, title=title, published=date, id=path.stem)
        # the reader repairs mojibake: compare with the repaired file (gold spans are mapped)
        if art.doc_text in (content, repair_text(content)[0]):
            return art
    return make_article(str(path), content, published=date, id=path.stem)


# --------------------------------------------------------------------------------------------
# matching


def _token_index(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _tokens(index: list[tuple[int, int]], spans: Iterable[tuple[int, int]]) -> frozenset[int]:
    out: set[int] = set()
    for s, e in spans:
        for i, (a, b) in enumerate(index):
            if a >= e:
                break
            if b > s:
                out.add(i)
    return frozenset(out)


def match(pred: list[frozenset[Any]], gold: list[frozenset[Any]]) -> list[tuple[int, int]]:
    """One-to-one matching of token sets: overlap >= half of the shorter, largest first.

    Returns:
        ``(pred index, gold index)`` pairs.
    """
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if not p or not g:
                continue
            inter = len(p & g) if isinstance(p, frozenset) else 0
            if inter and inter >= 0.5 * min(len(p), len(g)):
                pairs.append((inter, i, j))
    pairs.sort(key=lambda t: -t[0])
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _inter, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return out


def _doc_spans(article: Article, quote: Quote) -> list[tuple[int, int]]:
    pieces = quote.segments or ()
    if not pieces:
        base = article.body_offset if quote.field == "text" else 0
        return [(quote.start + base, quote.end + base)]
    return [
        (
            p.start + (article.body_offset if p.field == "text" else 0),
            p.end + (article.body_offset if p.field == "text" else 0),
        )
        for p in pieces
    ]


def score_article(article: Article, gold: list[GoldAttribution]) -> Counts:
    """Count matches of an article's predicted quotes against one annotator's attributions."""
    text = article.doc_text
    index = _token_index(text)
    preds = list(article.quotes)
    p_sets = [_tokens(index, _doc_spans(article, q)) for q in preds]
    g_sets = [_tokens(index, g.content) for g in gold]
    counts = Counts(
        n_gold=len(gold), n_pred=len(preds), gold_speakers=sum(1 for g in gold if g.source)
    )
    for i, j in match(p_sets, g_sets):
        counts.tp += 1
        g = gold[j]
        q = preds[i]
        rule = counts.by_rule.setdefault(q.rule or q.kind, [0.0, 0.0])
        if not g.source:
            continue
        counts.speaker_n += 1
        rule[0] += 1
        sp = q.speaker
        if sp is None:
            continue
        base = article.body_offset if sp.field == "text" else 0
        s, e = sp.start + base, sp.end + base
        if any(s < b and e > a for a, b in g.source):
            counts.speaker_ok += 1
            rule[1] += 1
    return counts


# --------------------------------------------------------------------------------------------


class _Tolerant:
    """Run a stage, but keep the article unchanged when it fails (logged), so that a failure of
    an upstream stage (actors) scores as missing speakers' actors, not as missing quotes."""

    def __init__(self, stage: Any) -> None:
        self.stage = stage
        self.name, self.version = stage.name, stage.version
        self.requires, self.assigns = stage.requires, stage.assigns

    def __call__(self, article: Article) -> Article:
        try:
            result: Article = self.stage(article)
        except Exception as exc:  # scoring goes on without this stage's output
            log.warning("stage %s failed on %s: %s", self.name, article.input, exc)
            return article
        return result


def _pipeline(settings: Settings) -> Pipeline:
    stages = [build_stage(n, settings) for n in STAGES]
    stages = [s if s.name in ("nlp", "quotes") else _Tolerant(s) for s in stages]
    return Pipeline(stages, on_error="raise", settings=settings)


def _prf(c: Counts) -> dict[str, Any]:
    p = c.tp / c.n_pred if c.n_pred else 0.0
    r = c.tp / c.n_gold if c.n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _score_polnear(gold: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    items = _polnear_items(gold)[:limit] if limit else _polnear_items(gold)
    pipe = _pipeline(settings)
    arts = [_article_for_file(txt, txt.read_text("utf-8")) for txt, _ in items]
    total = Counts()
    for (txt, anns), art in zip(items, pipe.pipe(arts), strict=True):
        # gold offsets are into the file as written; the article's into the repaired text
        to_doc = offset_mapper(txt.read_text("utf-8"), art.doc_text)
        per = [score_article(art, [_mapped(g, to_doc) for g in read_ann(a)]) for a in anns]
        for c in per:
            total.add(c, 1.0 / len(per))
    return _result(total, len(items))


def _mapped(gold: GoldAttribution, to_doc: Callable[[int], int]) -> GoldAttribution:
    def spans(segments: Spans) -> Spans:
        return tuple((to_doc(a), to_doc(b)) for a, b in segments)

    return GoldAttribution(spans(gold.content), spans(gold.source), spans(gold.cue))


def _result(total: Counts, n_articles: int) -> dict[str, Any]:
    acc = total.speaker_ok / total.speaker_n if total.speaker_n else 0.0
    e2e = total.speaker_ok / total.gold_speakers if total.gold_speakers else 0.0
    return {
        "n_articles": n_articles,
        "n_gold": round(total.n_gold, 2),
        "n_pred": round(total.n_pred, 2),
        "content": _prf(total),
        "speaker": {
            "accuracy": round(acc, 4),
            "n": round(total.speaker_n, 2),
            # gold quotes found with the right speaker, over all gold quotes with a speaker
            "end_to_end": round(e2e, 4),
            "n_gold": round(total.gold_speakers, 2),
        },
        "by_rule": {
            k: {
                "matched_with_source": round(n, 2),
                "speaker_accuracy": round(ok / n, 4) if n else None,
            }
            for k, (n, ok) in sorted(total.by_rule.items())
        },
    }


def _words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _TOKEN.findall(text or ""))


def speaker_ok(gold_name: str, quote: Quote) -> bool:
    """True when the gold name's last word is a word of the predicted speaker.

    The predicted words are those of the speaker's name, its text and its actor's name, so that
    ``Obama`` matches ``President Barack Obama`` but ``President Barack Obama`` does not match
    ``President Trump`` (a shared title is not the same person).
    """
    sp = quote.speaker
    if sp is None:
        return False
    gold_words = [w.lower() for w in _TOKEN.findall(gold_name)]
    if not gold_words:
        return False
    pred = f"{sp.name or ''} {sp.text} {sp.actor.name if sp.actor and sp.actor.name else ''}"
    return gold_words[-1] in {w.lower() for w in _TOKEN.findall(pred)}


def _score_jsonl(gold: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    records = []
    for n, line in enumerate(gold.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec.get("text"), str) or not isinstance(rec.get("quotes"), list):
                raise ValueError("needs text (string) and quotes (list)")
        except (ValueError, AttributeError) as exc:
            raise EvalError(
                f"{gold}:{n}: not a gold record ({exc}); each line must be "
                f'{{"id", "text", "quotes": [{{"quote", "speaker"}}]}}',
                code="E086",
            ) from exc
        records.append(rec)
        if limit and len(records) >= limit:
            break
    pipe = _pipeline(settings)
    arts = [
        make_article(
            str(rec.get("id", i)),
            rec["text"],
            title=rec.get("title"),
            published=rec.get("date"),
            id=str(rec.get("id", i)),
        )
        for i, rec in enumerate(records)
    ]
    total = Counts()
    for rec, art in zip(records, pipe.pipe(arts), strict=True):
        gold_q = [q for q in rec["quotes"] if isinstance(q, dict) and q.get("quote")]
        preds = list(art.quotes)
        p_sets = [
            frozenset((w, k) for w, c in _words(q.text).items() for k in range(c)) for q in preds
        ]
        g_sets = [
            frozenset((w, k) for w, c in _words(g["quote"]).items() for k in range(c))
            for g in gold_q
        ]
        c = Counts(
            n_gold=len(gold_q),
            n_pred=len(preds),
            gold_speakers=sum(1 for g in gold_q if g.get("speaker")),
        )
        for i, j in match(p_sets, g_sets):
            c.tp += 1
            if gold_q[j].get("speaker"):
                c.speaker_n += 1
                c.speaker_ok += speaker_ok(str(gold_q[j]["speaker"]), preds[i])
        total.add(c)
    return _result(total, len(records))


def score(gold: Path, settings: Settings, limit: int | None = None) -> dict[str, Any]:
    """Score the quotes stage on ``gold``: a PolNeAR folder or a simple JSONL file.

    Returns:
        ``{"n_articles", "n_gold", "n_pred", "content": {"precision", "recall", "f1"},
        "speaker": {"accuracy", "n", "end_to_end", "n_gold"}, "by_rule": {...}}``; ``accuracy``
        is over matched quotes with a gold speaker, ``end_to_end`` over all gold quotes with a
        speaker (the quote found and its speaker right).

    Raises:
        EvalError: the gold set is missing or malformed.
    """
    if gold.is_file():
        return _score_jsonl(gold, settings, limit)
    return _score_polnear(gold, settings, limit)
