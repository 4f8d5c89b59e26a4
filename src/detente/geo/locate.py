"""Event locations: where each coded event happened.

For "Lavrov and Kono met in Moscow on Thursday" (an event CONSULT with trigger "met"):

1. The trigger's tokens are found in the parse from the event's evidence offsets.
2. Clause: a place (not a demonym) whose phrase hangs from a locative preposition ("in", "at",
   "near", "outside", ...) attached to the trigger, to the verb that governs it, or to a noun the
   trigger heads ("talks in Geneva") gives the location: Moscow, ``via: "clause"``. A place inside
   an actor's phrase ("a Syrian minister said in Paris": the minister's "Syrian" is a demonym, and
   Paris is the location) or after a preposition that names an origin ("from", "of") never does.
3. Else a place under a locative preposition elsewhere in the trigger's sentence, outside the
   actors' words (the parser often attaches "in Moscow" to the nearest noun): ``via: "sentence"``.
4. Else the article's dateline place ("BEIRUT (Reuters) — ...": ``via: "dateline"``).
5. Else the article's main country, the country named most among its places (``via: "article"``).
6. Else no location (``location: null``). A demonym alone never locates an event.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..config import Settings
from ..records import Article, Event, EventLocation, Place
from .gazetteer import Gazetteer, load_gazetteer
from .resolve import main_country

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["LOCATIVE_PREPS", "LocationStage", "locate_events"]

#: Prepositions that put an event somewhere (the place is where it happened).
LOCATIVE_PREPS = frozenset(
    {"in", "at", "near", "outside", "inside", "across", "around", "within", "throughout"}
)
#: The stricter set for a phrase outside the trigger's clause ("on", "across" are often topics).
SENTENCE_PREPS = frozenset({"in", "at", "near", "outside", "inside"})
_DATELINE_END = 80
_DATELINE = re.compile(r"\s*(?:\(|—|–|-{1,2}\s)")


def _location(place: Place, via: str) -> EventLocation:
    return EventLocation(
        name=place.name,
        country=place.country,
        admin1=place.admin1,
        lat=place.lat,
        lon=place.lon,
        geonames_id=place.geonames_id,
        via=via,
    )


def _doc_start(article: Article, field: str, start: int) -> int:
    return start if field == "title" else article.body_offset + start


def _place_tokens(article: Article, doc: Doc) -> list[tuple[Place, Token]]:
    """Each non-demonym place with the root token of its words in the parse."""
    out = []
    for place in article.places:
        if place.via == "demonym":
            continue
        start = _doc_start(article, place.field, place.start)
        span = doc.char_span(start, start + (place.end - place.start), alignment_mode="expand")
        if span is not None and len(span):
            out.append((place, span.root))
    return out


def _anchors(trigger: Token) -> set[int]:
    """The trigger, the verbs above it up to its clause, and what it heads directly."""
    anchors = {trigger.i}
    tok = trigger
    while tok.dep_ in ("xcomp", "ccomp", "aux", "prt", "dobj", "amod", "compound", "pobj", "prep"):
        if tok.head.i == tok.i:
            break
        tok = tok.head
        anchors.add(tok.i)
        if tok.pos_ in ("VERB", "AUX"):
            break
    return anchors


def _clause_place(
    event: Event, article: Article, doc: Doc, places: list[tuple[Place, Token]]
) -> tuple[Place, str] | None:
    """The place of the trigger's clause (``clause``), else of its sentence (``sentence``)."""
    if not event.evidence.trigger:
        return None
    first = event.evidence.trigger[0]
    start = _doc_start(article, first.field, first.start)
    span = doc.char_span(start, start + len(first.text), alignment_mode="expand")
    if span is None or not len(span):
        return None
    anchors = _anchors(span.root)
    sent = span.root.sent
    actor_chars = {
        (_doc_start(article, s.field, s.start), _doc_start(article, s.field, s.end))
        for s in event.evidence.actor_spans
    }
    in_sentence: Place | None = None
    for place, root in places:
        if not (sent.start <= root.i < sent.end):
            continue
        head = root
        # climb a compound or a "City, Region" apposition to the phrase that takes the preposition
        while head.dep_ in ("compound", "appos", "conj", "nmod") and head.head.i != head.i:
            head = head.head
        prep = head.head
        if head.dep_ != "pobj" or prep.lemma_.lower() not in LOCATIVE_PREPS:
            continue
        if any(a <= root.idx < b for a, b in actor_chars):
            continue
        if prep.head.i in anchors:
            return place, "clause"
        # why: the parser often hangs "in Moscow" on the nearest noun ("talks between the
        # ministers in Moscow"); a locative phrase elsewhere in the sentence is the next best
        if prep.lemma_.lower() in SENTENCE_PREPS:
            in_sentence = in_sentence or place
    return (in_sentence, "sentence") if in_sentence is not None else None


def _dateline_place(article: Article) -> Place | None:
    for place in article.places:
        if place.field != "text" or place.via == "demonym":
            continue
        if place.start > _DATELINE_END:
            break
        before = article.text[: place.start]
        if before.strip() == "" and _DATELINE.match(article.text[place.end :]):
            return place
    return None


def _article_place(article: Article, gaz: Gazetteer) -> Place | None:
    code = main_country([p for p in article.places if p.via != "demonym"])
    if code is None:
        return None
    for place in article.places:
        if place.country == code and place.feature == "country" and place.via != "demonym":
            return place
    entry = gaz.country(code)
    if entry is None:
        return None
    return Place(
        text=entry.name,
        start=0,
        end=0,
        field="text",
        name=entry.name,
        feature="country",
        country=entry.country,
        lat=entry.lat,
        lon=entry.lon,
        geonames_id=entry.geonames_id,
    )


def locate_events(article: Article, gaz: Gazetteer) -> tuple[Event, ...]:
    """The article's events, each with its location (module docstring), in the same order."""
    doc = article.doc
    if doc is None or not article.events:
        return article.events
    places = _place_tokens(article, doc)
    dateline = _dateline_place(article)
    fallback = _article_place(article, gaz) if dateline is None else None
    located: list[Event] = []
    for event in article.events:
        found = _clause_place(event, article, doc, places)
        if found is not None:
            location = _location(*found)
        elif dateline is not None:
            location = _location(dateline, "dateline")
        elif fallback is not None:
            location = _location(fallback, "article")
        else:
            location = None
        located.append(event if location is None else event.with_location(location))
    return tuple(located)


class LocationStage:
    """Give each event its location; assigns ``events`` (with ``location``)."""

    name = "locations"
    version = "1"
    requires: tuple[str, ...] = ("doc", "places", "events")
    assigns: tuple[str, ...] = ("events",)

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    @classmethod
    def from_settings(cls, settings: Settings) -> LocationStage:
        """Build the stage with the process-wide gazetteer."""
        return cls(load_gazetteer())

    def __call__(self, article: Article) -> Article:
        return article.with_(events=locate_events(article, self.gazetteer))
