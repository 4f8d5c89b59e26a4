"""The NLP stage: parse each article once with a spaCy English pipeline.

The pipeline is loaded by name from what is installed (no downloads, ever) and cached per process,
so each worker process loads it once.

Relevance gating (issue 18): when the stage is given a *relevance* test, the dependency parser
runs only on the sentences that can hold an event, a quote or a place. The components before the
parser (``tok2vec``, ``tagger``) run on the whole text; a rule-based splitter cuts it into
sentences; each maximal run of relevant sentences is copied out with its ``tok2vec`` tensor and
parsed (the parser reads the tensor, so it sees the same features as on the whole text); heads,
labels and sentence starts are written back; then the components after the parser
(``attribute_ruler``, ``lemmatizer``, ``ner``) run on the whole text again. Tokens, tags, lemmas,
entities and character offsets are therefore those of the ungated pipeline; the other sentences
have no dependency arcs (``dep_ == ""``, each token its own head) but keep sentence starts.

Exact equivalents (issue 18): two components whose time in spaCy goes mostly to bookkeeping are
run by detente's own code, with the same output: the attribute ruler's matching
(:mod:`detente.ruler`) and the entity recogniser's greedy decoding (:mod:`detente.biluo`, which
scores with the model's own layers). ``NLPStage(..., compiled=False)`` runs spaCy's.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

import numpy
from spacy.attrs import DEP, HEAD, ORTH, SENT_START
from spacy.pipeline import AttributeRuler, EntityRecognizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from .biluo import FastBILUO
from .config import Settings
from .errors import NLPError
from .records import Article
from .ruler import FastRuler

__all__ = ["NLPStage", "Relevance", "load_nlp", "sentence_starts"]

#: A relevance test: True when the (unparsed, tagged) sentence must be parsed.
Relevance = Callable[[Span], bool]

#: Sentence-final punctuation for the cheap splitter. Not the ellipsis: it mostly marks a cut
#: inside a quotation, where the parser does not end the sentence.
_FINAL = frozenset({".", "!", "?", "‼", "⁇", "⁈", "⁉", "。", "？", "！"})
_FINAL_IDS = frozenset(get_string_id(mark) for mark in _FINAL)
#: An unparsed stretch between two parsed runs shorter than this many tokens is parsed too: a
#: run that starts or ends mid-paragraph can be split by the parser where the whole text is not.
_MIN_GAP = 12
#: Parse a document whole when its relevant runs cover at least this share of its tokens.
_WHOLE = 0.9


@functools.lru_cache(maxsize=4)
def load_nlp(name: str) -> Any:
    """Load an installed spaCy English pipeline by package name (cached per process).

    Raises:
        NLPError: the pipeline is not installed or is not English.
    """
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise NLPError(
            f"spaCy pipeline {name!r} is not installed; install it with pip (for the default, "
            f"run `make install`) or pass --model with an installed English pipeline",
            code="E041",
        ) from exc
    if nlp.lang != "en":
        raise NLPError(f"spaCy pipeline {name!r} is for {nlp.lang!r}, not English", code="E042")
    return nlp


def sentence_starts(doc: Doc) -> list[int]:
    """Token indices where a sentence surely starts, by rule (no model).

    A sentence ends at final punctuation (and any closing marks glued to it) followed by a
    space, when the next word starts with a capital letter or a digit (after any opening mark).
    Line breaks alone do not split: a live blog's "11:05 a.m." before "Donald Trump says" is
    one sentence to the parser. Coarser than the parser's sentences is safe: gating decides
    per stretch, and the parser still splits a relevant stretch as it would.
    """
    n = len(doc)
    if not n:
        return []
    # Only the final marks are looked at as Token objects: they are found in the array of
    # token text hashes (a Token object for every token, or ``doc.text``, costs far more).
    orths = doc.to_array(ORTH).tolist()
    starts = [0]
    i = 0
    for c, orth in enumerate(orths):
        if c < i or orth not in _FINAL_IDS:
            continue
        j = c
        # Closing marks glued to the final punctuation ('."', '.)') stay in the sentence.
        while j + 1 < n and doc[j + 1].is_punct and not doc[j].whitespace_:
            j += 1
        k = j + 1
        while k < n and doc[k].is_space:
            k += 1
        if k < n and (doc[j].whitespace_ or doc[j + 1].is_space):
            first = k
            while first < n and doc[first].is_punct and first - k < 2:
                first += 1
            if first < n and (doc[first].text[:1].isupper() or doc[first].is_digit):
                starts.append(k)
        i = j + 1
    return starts


class NLPStage:
    """Parse :attr:`Article.doc_text` into ``article.doc`` (batched with ``nlp.pipe``).

    Args:
        model: an installed spaCy English pipeline.
        batch_size: documents per ``nlp.pipe`` batch.
        relevance: when given, gate the parser to the sentences it accepts (see the module
            docstring); ``None`` parses everything.
    """

    name = "nlp"
    version = "1"
    requires: tuple[str, ...] = ("text",)
    assigns: tuple[str, ...] = ("doc",)

    def __init__(
        self,
        model: str,
        batch_size: int = 32,
        relevance: Relevance | None = None,
        compiled: bool = True,
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        self.nlp = load_nlp(model)
        self.relevance = relevance
        names = list(self.nlp.pipe_names)
        if relevance is not None and "parser" not in names:
            self.relevance = None  # nothing to gate
        #: Components run by detente's exact equivalents (name -> the equivalent): the
        #: attribute ruler's matches (detente.ruler) and the recogniser's greedy decoding
        #: (detente.biluo), when the pipeline's components are ones they compile.
        self.compiled: dict[str, Any] = _compiled(self.nlp) if compiled else {}
        # The components run one by one after ``nlp.pipe``: those after the parser when
        # gating, else the first compiled one and those after it.
        if self.relevance is not None:
            self._after = names[names.index("parser") + 1 :]
        elif self.compiled:
            self._after = names[min(names.index(name) for name in self.compiled) :]
        else:
            self._after = []
        gated = "+gated" if self.relevance is not None else ""
        meta = self.nlp.meta
        self.version = f"1+{meta.get('name', model)}-{meta.get('version', '')}{gated}"
        #: Sentences seen and parsed by the gate since the stage was made (for the benchmark).
        self.gate_counts = {"sentences": 0, "parsed": 0, "tokens": 0, "parsed_tokens": 0}

    @classmethod
    def from_settings(cls, settings: Settings) -> NLPStage:
        return cls(settings.model, settings.batch_size)

    def __call__(self, article: Article) -> Article:
        return next(self.pipe([article]))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        arts = list(articles)
        # The title and the text are parsed as separate documents and joined, so a headline
        # without final punctuation never runs into the first sentence of the story.
        texts: list[str] = []
        for art in arts:
            if art.title:
                texts.append(art.doc_text[: art.body_offset])
            texts.append(art.text)
        docs = iter(self.parse(texts))
        for art in arts:
            if art.title:
                title_doc, body_doc = next(docs), next(docs)
                doc = _join([title_doc, body_doc])
            else:
                doc = next(docs)
            yield art.with_(doc=doc)

    def parse(self, texts: list[str]) -> list[Doc]:
        """Run the pipeline over ``texts`` (gated when the stage has a relevance test)."""
        if self.relevance is None:
            docs = list(self.nlp.pipe(texts, batch_size=self.batch_size, disable=self._after))
            return self._finish(docs)
        docs = list(
            self.nlp.pipe(texts, batch_size=self.batch_size, disable=["parser", *self._after])
        )
        cuts = [self._relevant_runs(doc) for doc in docs]
        # A document whose relevant runs cover nearly all of it is parsed whole and in place:
        # copying the runs out would cost more than the few tokens it saves.
        whole = [
            sum(e - s for s, e in runs) >= _WHOLE * len(doc)
            for doc, (_, runs) in zip(docs, cuts, strict=True)
        ]
        # Span.as_doc copies the tok2vec tensor, which the parser's listener reads.
        subs = [
            sub
            for doc, (_, runs), full in zip(docs, cuts, whole, strict=True)
            for sub in ([doc] if full else [doc[s:e].as_doc() for s, e in runs])
        ]
        parsed = iter(self.nlp.get_pipe("parser").pipe(subs, batch_size=self.batch_size))
        for doc, (starts, runs), full in zip(docs, cuts, whole, strict=True):
            counts = self.gate_counts
            counts["sentences"] += len(starts)
            counts["tokens"] += len(doc)
            if full:
                next(parsed)
                counts["parsed"] += len(starts)
                counts["parsed_tokens"] += len(doc)
                continue
            counts["parsed_tokens"] += sum(e - s for s, e in runs)
            counts["parsed"] += sum(1 for s in starts if any(a <= s < b for a, b in runs))
            _write_back(doc, starts, [(s, e, next(parsed)) for s, e in runs])
        return self._finish(docs)

    def _finish(self, docs: list[Doc]) -> list[Doc]:
        """Run the components after the cut (see ``__init__``) over the documents."""
        for name in self._after:
            equivalent = self.compiled.get(name)
            if equivalent is not None:
                docs = list(equivalent.pipe(docs, batch_size=self.batch_size))
            else:
                docs = list(self.nlp.get_pipe(name).pipe(docs, batch_size=self.batch_size))
        return docs

    def _relevant_runs(self, doc: Doc) -> tuple[list[int], list[tuple[int, int]]]:
        """The pre-split's sentence starts and the token ranges of maximal relevant runs."""
        assert self.relevance is not None
        starts = sentence_starts(doc)
        bounds = [*starts, len(doc)]
        # A relevance test may flag single tokens that settle their sentence (the pre-scan's
        # cue words): a cumulative count then answers most sentences without a Span.
        cue_tokens = getattr(self.relevance, "cue_tokens", None)
        cues = [0, *itertools.accumulate(cue_tokens(doc))] if cue_tokens is not None else None
        runs: list[tuple[int, int]] = []
        for s, e in itertools.pairwise(bounds):
            if (cues is not None and cues[e] > cues[s]) or self.relevance(doc[s:e]):
                if runs and s - runs[-1][1] < _MIN_GAP:
                    runs[-1] = (runs[-1][0], e)
                else:
                    runs.append((s, e))
        return starts, runs


def _compiled(nlp: Any) -> dict[str, Any]:
    """The pipeline's components that detente runs by an exact equivalent, by name."""
    out: dict[str, Any] = {}
    for name, component in nlp.pipeline:
        equivalent: Any = None
        if isinstance(component, AttributeRuler):
            equivalent = FastRuler.compile(component)
        elif isinstance(component, EntityRecognizer):
            equivalent = FastBILUO.compile(component)
        if equivalent is not None:
            out[name] = equivalent
    return out


def _write_back(doc: Doc, starts: list[int], parsed: list[tuple[int, int, Doc]]) -> None:
    """Copy heads and labels of the parsed runs into ``doc``; start the other sentences."""
    if not len(doc):
        return
    if parsed:
        arr = numpy.zeros((len(doc), 2), dtype="uint64")
        for s, e, sub in parsed:
            arr[s:e] = sub.to_array([HEAD, DEP])
        doc.from_array([HEAD, DEP], cast(Any, arr))
    sent = doc.to_array([SENT_START]).astype("int64")
    in_run = numpy.zeros(len(doc), dtype=bool)
    for s, e, _ in parsed:
        in_run[s:e] = True
    for i in starts:
        if not in_run[i]:
            sent[i] = 1
    unparsed = ~in_run
    sent[unparsed & (sent != 1)] = -1
    doc.from_array([SENT_START], cast(Any, sent.astype("uint64")))


def _join(parts: list[Doc]) -> Doc:
    """Join documents (title and body) keeping every part's sentence starts."""
    doc = Doc.from_docs(parts, ensure_whitespace=False)
    # from_docs recomputes sentence starts from the arcs, which drops those of unparsed
    # sentences; put every part's starts back.
    sent = numpy.concatenate([p.to_array([SENT_START]).astype("int64") for p in parts if len(p)])
    if len(sent) == len(doc) and (doc.to_array([SENT_START]).astype("int64") != sent).any():
        doc.from_array([SENT_START], cast(Any, sent.astype("uint64")))
    return doc
