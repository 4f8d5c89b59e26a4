"""The NLP stage: parse each article once with a spaCy English pipeline.

The pipeline is loaded by name from what is installed (no downloads, ever) and cached per process,
so each worker process loads it once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.tokens import Doc

from .config import Settings
from .errors import NLPError
from .records import Article

__all__ = ["NLPStage", "load_nlp"]


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


class NLPStage:
    """Parse :attr:`Article.doc_text` into ``article.doc`` (batched with ``nlp.pipe``)."""

    name = "nlp"
    version = "1"
    requires: tuple[str, ...] = ("text",)
    assigns: tuple[str, ...] = ("doc",)

    def __init__(self, model: str, batch_size: int = 32) -> None:
        self.model = model
        self.batch_size = batch_size
        self.nlp = load_nlp(model)
        self.version = f"1+{self.nlp.meta.get('name', model)}-{self.nlp.meta.get('version', '')}"

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
        docs = iter(self.nlp.pipe(texts, batch_size=self.batch_size))
        for art in arts:
            if art.title:
                title_doc, body_doc = next(docs), next(docs)
                doc = Doc.from_docs([title_doc, body_doc], ensure_whitespace=False)
            else:
                doc = next(docs)
            yield art.with_(doc=doc)
