"""Events: PLOVER coding from the parse and the actor mentions.

The stage reads ``article.doc`` (one spaCy parse over title and text) and ``article.mentions``
and assigns ``article.events``: PLOVER records with their evidence. The article's contexts (the
union over its factual events) go to ``article.meta["event_contexts"]``. With the learned
event-type model on (the default; ``--no-event-model`` turns it off), the rules propose and the
model decides each sentence's type (:mod:`detente.events.model_stage`, docs/events.md).
"""

from __future__ import annotations

import logging
from collections import Counter

from ..config import Settings
from ..records import Article, Event
from .context import load_contexts
from .extractor import EventExtractor
from .lexicon import load_trigger_lexicon
from .model_stage import type_events
from .ontology import load_ontology
from .typemodel import DEFAULT_MODEL_DIR, EventTypeModel, load_model

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

    def __init__(
        self, lexicon_files: tuple[str, ...] = (), model: EventTypeModel | None = None
    ) -> None:
        ontology = load_ontology()
        lexicon = load_trigger_lexicon(tuple(lexicon_files))
        self.ontology = ontology
        self.extractor = EventExtractor(ontology, lexicon, load_contexts(tuple(lexicon_files)))
        self.model = model
        self.version = f"1+plover-{ontology.version}+lexicon-{lexicon.version}"
        if model is not None:
            # the model decides types, so it is part of what a stored run was coded with
            self.version += f"+model-{model.name}-{model.version}"

    @classmethod
    def from_settings(cls, settings: Settings) -> EventStage:
        """The stage with the shipped event-type model, ``settings.event_model``, or none."""
        model = None
        if settings.use_event_model:
            model = load_model(settings.event_model or str(DEFAULT_MODEL_DIR))
        return cls(settings.lexicon_files, model)

    def __call__(self, article: Article) -> Article:
        events = self.extractor.extract(article)
        if self.model is not None:
            events = type_events(article, events, self.model, self.ontology)
        meta = dict(article.meta)
        contexts = article_contexts(events)
        if contexts:
            meta["event_contexts"] = contexts
        return article.with_(events=events, meta=meta)
