"""Events: PLOVER coding from the parse and the actor mentions.

The stage reads ``article.doc`` (one spaCy parse over title and text) and ``article.mentions``
and assigns ``article.events``: PLOVER records with their evidence. The article's contexts (the
union over its factual events) go to ``article.meta["event_contexts"]``.
"""

from __future__ import annotations

import logging
from collections import Counter

from ..config import Settings
from ..records import Article, Event
from .context import load_contexts
from .extractor import EventExtractor
from .lexicon import load_trigger_lexicon
from .ontology import load_ontology

__all__ = ["EventExtractor", "EventStage", "article_contexts"]

log = logging.getLogger(__name__)


def article_contexts(events: tuple[Event, ...]) -> list[str]:
    """The contexts of an article: those of its factual events, most frequent first."""
    counts = Counter(c for ev in events if ev.factual for c in ev.context)
    return [c for c, _ in counts.most_common()]


class EventStage:
    """Code PLOVER events from the parse and the mentions; assigns ``events``."""

    name = "events"
    requires: tuple[str, ...] = ("doc", "mentions")
    assigns: tuple[str, ...] = ("events",)

    def __init__(self, lexicon_files: tuple[str, ...] = ()) -> None:
        ontology = load_ontology()
        lexicon = load_trigger_lexicon(tuple(lexicon_files))
        self.extractor = EventExtractor(ontology, lexicon, load_contexts(tuple(lexicon_files)))
        self.version = f"1+plover-{ontology.version}+lexicon-{lexicon.version}"

    @classmethod
    def from_settings(cls, settings: Settings) -> EventStage:
        return cls(settings.lexicon_files)

    def __call__(self, article: Article) -> Article:
        events = self.extractor.extract(article)
        meta = dict(article.meta)
        contexts = article_contexts(events)
        if contexts:
            meta["event_contexts"] = contexts
        return article.with_(events=events, meta=meta)
