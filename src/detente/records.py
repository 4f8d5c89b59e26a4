"""The data model: frozen records that flow through the pipeline.

Every record is a frozen dataclass with ``slots=True`` and tuples for collections; a stage
returns a *new* record with :func:`dataclasses.replace`. Each record knows how to turn itself into
the JSON shape of the output contract (``to_dict``), documented in the README.

Offsets: every derived record (mention, event evidence, quote) carries ``field`` (``"title"`` or
``"text"``) and character offsets ``start``/``end`` into that field of the article. Stages work on a
single spaCy ``Doc`` built over :attr:`Article.doc_text` (title, a blank line, then the text) and
convert with :meth:`Article.locate`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

Field = Literal["title", "text"]

#: What the pipeline does when a stage raises on an article: go on without the stage's work
#: (``skip``), turn the article into a rejection (``reject``) or let the exception out
#: (``raise``). A stage declares it as its ``on_error`` class attribute
#: (see :mod:`detente.pipeline`).
ErrorPolicy = Literal["skip", "reject", "raise"]

__all__ = [
    "ActorRef",
    "Article",
    "Credit",
    "Entity",
    "ErrorPolicy",
    "Event",
    "EventLocation",
    "Evidence",
    "Mention",
    "Place",
    "Quote",
    "RejectReason",
    "Rejected",
    "Removed",
    "Span",
    "Speaker",
    "content_hash",
]


def content_hash(text: str) -> str:
    """Return a short, stable hash of a text (whitespace-normalised, case-folded).

    Used for article ids and for idempotent ingest: the same story text always hashes the same.
    """
    norm = " ".join(text.split()).casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of text with its character offsets into one field of the article."""

    text: str
    start: int
    end: int
    field: Field = "text"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "field": self.field}


class RejectReason(StrEnum):
    """Why an input was rejected; the values are the ``reason`` strings of the output contract."""

    EMPTY = "empty"  # no text, or nothing left after boilerplate removal
    BINARY = "binary"  # binary or in an unknown encoding
    UNDECODABLE = "undecodable"  # a line that is not valid text
    TOO_LARGE = "too_large"  # larger than ``max_bytes``
    UNREADABLE = "unreadable"  # cannot be read or parsed as its format (feed, HTML, WARC)
    INVALID_JSON = "invalid_json"  # a JSONL line that is not a JSON object
    NO_TEXT = "no_text"  # an HTML page without main text
    LANGUAGE = "language"  # not English
    ERROR = "error"  # a stage failed on it (see ``meta["stage_errors"]``)


@dataclass(frozen=True, slots=True)
class Rejected:
    """Why an input produced no article: a value, counted and stored, never an exception."""

    reason: RejectReason
    detail: str
    input: str

    def to_dict(self) -> dict[str, Any]:
        return {"reason": str(self.reason), "detail": self.detail, "input": self.input}


@dataclass(frozen=True, slots=True)
class Credit:
    """A credit line kept as metadata: ``kind`` is source, photo, reporting, editing, agency, ..."""

    kind: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name}


@dataclass(frozen=True, slots=True)
class Removed:
    """A span removed from the raw text as boilerplate; offsets are into the raw input text."""

    start: int
    end: int
    reason: str
    text: str = ""
    pattern: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "reason": self.reason,
            "text": self.text,
            "pattern": self.pattern,
        }


@dataclass(frozen=True, slots=True)
class ActorRef:
    """A coded actor: what a mention resolves to.

    ``kind`` is one of state, person, igo, ngo, group, agent, organisation, or location (a place
    such as "in Moscow": ``code`` says where it is; it is not an actor). ``kb_id`` is the
    knowledge-base entry id (stable, e.g. ``person:sergei-lavrov``).
    """

    code: str | None
    sector: str | None = None
    name: str | None = None
    kind: str = "state"
    kb_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "sector": self.sector,
            "name": self.name,
            "kind": self.kind,
            "kb_id": self.kb_id,
        }


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention of an actor in the article, with how it was resolved (``via``).

    ``via`` is one of: exact, alias, demonym, demonym+agent, metonym, location, surname, pronoun,
    role, fuzzy, agent, context (the sentence's only country, low confidence), entity (spaCy
    entity with no dictionary match). See docs/actors.md.
    """

    text: str
    start: int
    end: int
    actor: ActorRef | None
    via: str
    field: Field = "text"
    confidence: float = 1.0
    label: str = ""  # spaCy entity label when the mention came from NER
    ref: int | None = None  # index of the antecedent mention for surname/pronoun/role links

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "field": self.field,
            "actor": self.actor.to_dict() if self.actor else None,
            "via": self.via,
            "confidence": round(self.confidence, 3),
            "label": self.label,
            "ref": self.ref,
        }


@dataclass(frozen=True, slots=True)
class Entity:
    """A PLOVER entity: an actor or recipient of an event.

    ``country_via`` says where the country of an agent the actor stage left without one came
    from (``phrase``, ``place``, ``dateline``, ``article``; see docs/events.md), else None.
    ``kind`` ``unknown`` is a named actor the knowledge base does not know (``code`` null).
    """

    code: str | None
    sector: str | None
    entity_text: str
    name: str | None = None
    kind: str | None = None
    kb_id: str | None = None
    span: Span | None = None
    country_via: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "sector": self.sector,
            "entity_text": self.entity_text,
            "name": self.name,
            "kind": self.kind,
            "kb_id": self.kb_id,
            "country_via": self.country_via,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why an event was coded: the sentence, the words, the lexicon entry, and the confidence."""

    sentence: str
    sentence_span: Span
    trigger: tuple[Span, ...]
    actor_spans: tuple[Span, ...]
    recipient_spans: tuple[Span, ...]
    lexicon_entry: str
    stage: str = "events"
    reported_by: Entity | None = None
    auxiliary_modes: tuple[str, ...] = ()
    confidence: float = 1.0
    context_keywords: tuple[str, ...] = ()
    date_expression: str | None = None
    actor_via: str = ""  # how the actor was found: subject, passive agent, control, ...
    actor_unknown: bool = False  # an agentless passive or nominal: nobody named did it
    # Where the type came from: "lexicon" (the rules alone), "model" or "lexicon+model" (the
    # learned model decided); ``model`` is {"name", "version", "probability"} when it ran.
    type_source: str = "lexicon"
    model: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "sentence_span": self.sentence_span.to_dict(),
            "trigger": [s.to_dict() for s in self.trigger],
            "actor_spans": [s.to_dict() for s in self.actor_spans],
            "recipient_spans": [s.to_dict() for s in self.recipient_spans],
            "lexicon_entry": self.lexicon_entry,
            "stage": self.stage,
            "reported_by": self.reported_by.to_dict() if self.reported_by else None,
            "auxiliary_modes": list(self.auxiliary_modes),
            "confidence": round(self.confidence, 3),
            "context_keywords": list(self.context_keywords),
            "date_expression": self.date_expression,
            "actor_via": self.actor_via,
            "actor_unknown": self.actor_unknown,
            "type_source": self.type_source,
            "model": self.model,
        }


@dataclass(frozen=True, slots=True)
class EventLocation:
    """Where an event happened (see docs/geo.md): ``via`` is ``clause`` (a place attached to the
    trigger's clause, "met in Moscow"), ``sentence`` (a locative phrase elsewhere in the trigger's
    sentence), ``dateline`` or ``article`` (the article's main country)."""

    name: str
    country: str | None
    lat: float
    lon: float
    admin1: str | None = None
    geonames_id: int | None = None
    via: str = "clause"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "geonames_id": self.geonames_id,
            "via": self.via,
        }


@dataclass(frozen=True, slots=True)
class Event:
    """A PLOVER event record (field names from the PLOVER manual) plus its evidence."""

    id: str
    date: str | None
    event: str
    mode: str
    context: tuple[str, ...]
    actor: tuple[Entity, ...]
    recipient: tuple[Entity, ...]
    quad_code: int
    event_scale: float
    event_text: str
    text_info: dict[str, Any]
    evidence: Evidence
    cameo: str | None = None
    quote_id: str | None = None
    location: EventLocation | None = None

    @property
    def factual(self) -> bool:
        """True when the event happened: no negation, hypothetical or future auxiliary mode."""
        return not self.evidence.auxiliary_modes

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date,
            "event": self.event,
            "mode": self.mode,
            "context": list(self.context),
            "actor": [e.to_dict() for e in self.actor],
            "recipient": [e.to_dict() for e in self.recipient],
            "quad_code": self.quad_code,
            "event_scale": self.event_scale,
            "event_text": self.event_text,
            "text_info": self.text_info,
            "cameo": self.cameo,
            "quote_id": self.quote_id,
            "location": self.location.to_dict() if self.location else None,
            "evidence": self.evidence.to_dict(),
        }

    def with_location(self, location: EventLocation | None) -> Event:
        """Return a copy placed at ``location``."""
        return dataclasses.replace(self, location=location)


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who said a quote: the source mention and what it resolves to."""

    text: str
    start: int
    end: int
    name: str | None
    actor: ActorRef | None
    field: Field = "text"
    via: str = ""
    #: person, organisation, group (officials, experts: never a named person), pronoun (left
    #: unresolved) or unknown
    kind: str = "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "field": self.field,
            "name": self.name,
            "actor": self.actor.to_dict() if self.actor else None,
            "via": self.via,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct or reported (indirect) quotation with its cue and speaker."""

    id: str
    text: str
    start: int
    end: int
    kind: Literal["direct", "indirect"]
    cue: Span | None
    speaker: Speaker | None
    field: Field = "text"
    confidence: float = 1.0
    event_ids: tuple[str, ...] = ()
    # quotes interrupted by their attribution or continued over paragraphs: the quoted pieces
    segments: tuple[Span, ...] = ()
    rule: str = ""  # which attribution rule found it (lead, tail, verb, according, ...)
    # the text is a topic, not words said ("Lavrov's comments on North Korea" -> "North Korea")
    topic: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "field": self.field,
            "kind": self.kind,
            "cue": (
                {"text": self.cue.text, "start": self.cue.start, "end": self.cue.end}
                if self.cue
                else None
            ),
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "confidence": round(self.confidence, 3),
            "event_ids": list(self.event_ids),
            "segments": [s.to_dict() for s in self.segments],
            "rule": self.rule,
            "topic": self.topic,
        }


@dataclass(frozen=True, slots=True)
class Place:
    """A toponym mention resolved to a place of the gazetteer (see docs/geo.md).

    ``feature`` is ``country``, ``admin1`` (first-level region) or ``city``; ``country`` is ISO
    3166-1 alpha-3 and ``admin1`` the ISO 3166-2 code of the region. ``via`` says what decided the
    reading: unique, population, context, actor, pattern, dateline, or demonym (a nationality
    adjective such as "Russian", linked to its country; never an event's location by itself).
    """

    text: str
    start: int
    end: int
    field: Field
    name: str
    feature: str
    country: str | None
    lat: float
    lon: float
    geonames_id: int | None = None
    admin1: str | None = None
    population: int = 0
    confidence: float = 1.0
    via: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "field": self.field,
            "name": self.name,
            "geonames_id": self.geonames_id,
            "feature": self.feature,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "population": self.population,
            "confidence": self.confidence,
            "via": self.via,
        }


@dataclass(frozen=True, slots=True)
class Article:
    """One input, from reading to coding.

    Reader fields (id .. raw_text) are set by the readers; ``text`` is cleaned by the clean stage;
    ``doc`` is the spaCy parse (never serialised); mentions, events and quotes are filled by their
    stages. ``rejected`` is set instead of raising when the input cannot be coded.
    """

    id: str
    input: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD
    language: str | None = None
    authors: tuple[str, ...] = ()
    credits: tuple[Credit, ...] = ()
    removed: tuple[Removed, ...] = ()
    format: str = "text"
    raw_text: str = ""  # text as read, before boilerplate removal; removed offsets point here
    hash: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    doc: Any = field(default=None, compare=False, repr=False)
    mentions: tuple[Mention, ...] = ()
    events: tuple[Event, ...] = ()
    quotes: tuple[Quote, ...] = ()
    places: tuple[Place, ...] = ()
    rejected: Rejected | None = None

    @property
    def body_offset(self) -> int:
        """Where ``text`` starts inside :attr:`doc_text`."""
        return len(self.title) + 2 if self.title else 0

    @property
    def doc_text(self) -> str:
        """The string the NLP stage parses: the title, a blank line, then the text."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text

    def locate(self, start: int, end: int) -> tuple[Field, int, int]:
        """Convert offsets in :attr:`doc_text` into ``(field, start, end)`` of the article."""
        off = self.body_offset
        if self.title and start < off:
            return "title", start, min(end, len(self.title))
        return "text", start - off, end - off

    def span(self, start: int, end: int) -> Span:
        """Make a :class:`Span` from offsets into :attr:`doc_text`."""
        fld, s, e = self.locate(start, end)
        source = self.title if fld == "title" else self.text
        return Span(text=(source or "")[s:e], start=s, end=e, field=fld)

    def with_(self, **changes: Any) -> Article:
        """Return a copy with ``changes`` applied (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)

    def article_dict(self) -> dict[str, Any]:
        """The ``article`` object of the output contract."""
        return {
            "id": self.id,
            "input": self.input,
            "title": self.title,
            "text": self.text,
            "url": self.url,
            "source": self.source,
            "published": self.published,
            "language": self.language,
            "authors": list(self.authors),
            "credits": [c.to_dict() for c in self.credits],
            "removed": [r.to_dict() for r in self.removed],
            "format": self.format,
            "hash": self.hash,
            "meta": self.meta,
        }

    def to_dict(self) -> dict[str, Any]:
        """The whole output-contract object for this input (one JSONL line)."""
        return {
            "article": self.article_dict(),
            "mentions": [m.to_dict() for m in self.mentions],
            "events": [e.to_dict() for e in self.events],
            "quotes": [q.to_dict() for q in self.quotes],
            "places": [p.to_dict() for p in self.places],
            "rejected": self.rejected.to_dict() if self.rejected else None,
        }
