"""Contexts from keyword evidence: PLOVER context -> words found in an event's sentence.

Keywords are data (``data/contexts.yaml``), matched on lower-cased lemmas (and surface forms) with
multi-word keywords matched as consecutive tokens. Users extend them with a file that has a
top-level ``contexts`` mapping, named in ``Settings.lexicon_files``.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import EventError
from .lexicon import load_data, split_phrase
from .ontology import load_ontology

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["ContextMatcher", "load_contexts"]


class ContextMatcher:
    """Find context keywords in a run of spaCy tokens."""

    def __init__(self, keywords: dict[str, list[str]]) -> None:
        self._index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for context, words in keywords.items():
            for word in words:
                seq = split_phrase(word)
                if seq:
                    self._index.setdefault(seq[0], []).append((seq, context))
        for pats in self._index.values():
            pats.sort(key=lambda p: -len(p[0]))

    def find(self, tokens: Span | Sequence[Token]) -> list[tuple[str, str]]:
        """Return ``(context, keyword)`` hits in ``tokens`` (spaCy tokens), in text order."""
        lemmas = [t.lemma_.lower() for t in tokens]
        lowers = [t.lower_ for t in tokens]
        hits: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens):
            advanced = 1
            for key in {lemmas[i], lowers[i]}:
                for seq, context in self._index.get(key, ()):
                    n = len(seq)
                    window_l, window_t = lemmas[i : i + n], lowers[i : i + n]
                    if (
                        all(s in (a, b) for s, a, b in zip(seq, window_l, window_t, strict=False))
                        and len(window_l) == n
                    ):
                        hits.append((context, " ".join(lowers[i : i + n])))
                        advanced = max(advanced, n)
            i += advanced
        return hits

    @staticmethod
    def rank(
        hits: Iterable[tuple[str, str]], first: Sequence[str] = (), limit: int = 3
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Order contexts: ``first`` (from the lexicon entry), then by keyword count.

        Returns:
            ``(contexts, keywords)`` with at most ``limit`` keyword-derived contexts.
        """
        hits = list(hits)
        counts = Counter(c for c, _ in hits)
        ordered = list(dict.fromkeys(first))
        for ctx, _ in counts.most_common():
            if len(ordered) >= len(first) + limit:
                break
            if ctx not in ordered:
                ordered.append(ctx)
        keep = set(ordered)
        keywords = tuple(dict.fromkeys(k for c, k in hits if c in keep))
        return tuple(ordered), keywords


@functools.lru_cache(maxsize=8)
def load_contexts(extra_files: tuple[str, ...] = ()) -> ContextMatcher:
    """Load the packaged context keywords plus user files with a ``contexts`` key (cached).

    Raises:
        EventError: a file is invalid or names a context that PLOVER does not define.
    """
    known = set(load_ontology().contexts)
    text = resources.files("detente.events").joinpath("data", "contexts.yaml").read_text("utf-8")
    sources: list[tuple[str, Any]] = [("contexts.yaml", load_data(text))]
    for name in extra_files:
        path = Path(name)
        if not path.is_file():
            raise EventError(f"lexicon file {path} does not exist; fix lexicon_files", code="E067")
        try:
            sources.append((str(path), load_data(path.read_text("utf-8"))))
        except yaml.YAMLError as exc:
            raise EventError(f"{path} is not valid YAML: {exc}", code="E064") from exc
    merged: dict[str, list[str]] = {}
    for source, data in sources:
        if not isinstance(data, dict) or "contexts" not in data:
            continue
        for ctx, words in (data["contexts"] or {}).items():
            if ctx not in known:
                raise EventError(f"{source}: unknown PLOVER context {ctx!r}", code="E066")
            merged.setdefault(ctx, []).extend(str(w) for w in words or ())
    return ContextMatcher(merged)
