"""Quotes: direct and reported speech, attributed to the people who said it.

:class:`QuoteStage` finds quotations in the parse and resolves their speakers through the actor
mentions; :class:`LinkStage` (run after events) links each event coded inside a quote to it
(``evidence.reported_by`` and ``quote_id`` on the event, ``event_ids`` on the quote).

The reporting verbs and nouns are data (``detente/quotes/data/reporting.yaml``), extendable with
user files listed in the ``quotes_files`` setting (``--quotes FILE``).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from typing import Any

from ..config import Settings
from ..records import Article, Entity, ErrorPolicy, Event, Quote, Span, Speaker
from .extract import Candidate, find_candidates
from .lexicon import ReportingLexicon, load_reporting_lexicon
from .speaker import SpeakerResolver

__all__ = [
    "LinkStage",
    "QuoteStage",
    "ReportingLexicon",
    "extract_quotes",
    "link_events",
    "load_reporting_lexicon",
]


#: How far back (characters) a quote without its own attribution may take the previous speaker.
INHERIT_WINDOW = 1200


def _regions(article: Article) -> list[tuple[int, int]]:
    if article.title:
        return [(0, len(article.title)), (article.body_offset, len(article.doc_text))]
    return [(0, len(article.doc_text))]


def _same_sentence(text: str, lo: int, hi: int) -> bool:
    """True when no sentence end or line break lies between ``lo`` and ``hi``."""
    between = text[lo:hi]
    if "\n" in between:
        return False
    # a closing mark may carry the previous quote's final stop: look only at the gap
    return not any(ch in between.strip("”’\"' ") for ch in ".?!;") and len(between) < 300


def _quote_text(doc_text: str, segments: list[tuple[int, int]]) -> str:
    parts = []
    for i, (s, e) in enumerate(segments):
        if i:
            parts.append("\n\n" if "\n" in doc_text[segments[i - 1][1] : s] else " ")
        parts.append(doc_text[s:e])
    return "".join(parts)


def extract_quotes(
    article: Article,
    lexicon: ReportingLexicon | None = None,
    person_gender: Callable[[str], str | None] | None = None,
) -> tuple[Quote, ...]:
    """Find the quotations of a parsed article, with cues and resolved speakers.

    Args:
        article: an article with ``doc`` (the parse of :attr:`Article.doc_text`) and, ideally,
            ``mentions`` from the actor stage.
        lexicon: the reporting lexicon (default: the packaged one).
        person_gender: the gender of a knowledge-base person by ``kb_id`` (``"f"``, ``"m"`` or
            None); without it, knowledge-base people have no gender here.

    Returns:
        Quotes in text order; ids are ``<article id>:q<n>``.
    """
    if article.doc is None:
        return ()
    lex = lexicon or load_reporting_lexicon()
    doc = article.doc
    text = doc.text
    cands = find_candidates(doc, lex, _regions(article))
    resolver = SpeakerResolver(article, lex, person_gender=person_gender)
    resolver.set_quoted([seg for cand in cands for seg in cand.segments])
    quotes: list[Quote] = []
    last: tuple[int, Speaker] | None = None
    for cand in cands:
        speaker = _speaker(article, cand, resolver)
        if speaker is not None and cand.speaker_head is not None:
            speaker = _first_person(doc, cand.speaker_head, speaker, quotes, article, resolver)
        if (
            speaker is None
            and cand.inherit
            and last is not None
            and cand.start - last[0] <= INHERIT_WINDOW
        ):
            speaker = dataclasses.replace(last[1], via="previous-quote")
        if (
            speaker is None
            and cand.how == "unattributed"
            and last is not None
            and _same_sentence(text, last[0], cand.start)
        ):
            # “a lifetime politician” who “has never ...”: a later quote of the same sentence
            # belongs to the speaker of the earlier one
            speaker = dataclasses.replace(last[1], via="same-sentence")
        if speaker is None and cand.inherit and cand.confidence < 0.5:
            continue
        quote = _make_quote(article, text, cand, speaker, len(quotes))
        if quote is None:
            continue
        quotes.append(quote)
        if speaker is not None:
            last = (cand.end, speaker)
    return tuple(quotes)


def _first_person(
    doc: Any,
    head: int,
    speaker: Speaker,
    quotes: list[Quote],
    article: Article,
    resolver: SpeakerResolver,
) -> Speaker:
    """``“I told them we would go,” Varn said``: an "I"/"we" speaker inside an earlier quote is
    that quote's speaker."""
    if doc[head].lower_ not in resolver.slex.first_person:
        return speaker
    pos = doc[head].idx
    for q in reversed(quotes):
        outer = q.speaker
        if outer is None or q.kind != "direct":
            continue
        pieces = q.segments or (Span(q.text, q.start, q.end, q.field),)
        for p in pieces:
            base = article.body_offset if p.field == "text" else 0
            if p.start + base <= pos < p.end + base:
                return dataclasses.replace(
                    speaker,
                    name=outer.name,
                    actor=outer.actor,
                    via="quote-speaker",
                    kind=outer.kind,
                )
    return speaker


def _speaker(article: Article, cand: Candidate, resolver: SpeakerResolver) -> Speaker | None:
    if cand.speaker_head is None or cand.speaker_span is None:
        return None
    doc = article.doc
    lo, hi = cand.speaker_span
    res = resolver.resolve(cand.extra.get("resolve_span", (lo, hi)), cand.speaker_head)
    start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
    span = article.span(start, end)
    return Speaker(
        text=span.text,
        start=span.start,
        end=span.end,
        name=res.name,
        actor=res.actor,
        field=span.field,
        via=res.via,
        kind=res.kind,
    )


def _make_quote(
    article: Article, text: str, cand: Candidate, speaker: Speaker | None, n: int
) -> Quote | None:
    start, end = cand.start, cand.end
    fld, s, e = article.locate(start, end)
    if fld == "title" and end > len(article.title or ""):
        return None  # never straddle the title and the text
    cue: Span | None = article.span(*cand.cue) if cand.cue else None
    segments = tuple(article.span(a, b) for a, b in cand.segments)
    return Quote(
        id=f"{article.id}:q{n + 1}",
        text=_quote_text(text, cand.segments),
        start=s,
        end=e,
        kind="direct" if cand.kind == "direct" else "indirect",
        cue=cue,
        speaker=speaker,
        field=fld,
        confidence=cand.confidence if speaker is not None else min(cand.confidence, 0.4),
        segments=segments if len(segments) > 1 else (),
        rule=cand.how,
        topic=cand.topic,
    )


class QuoteStage:
    """Find quotations and their speakers; assigns ``quotes``."""

    name = "quotes"
    #: A quote-finding bug must never cost the article its events: the pipeline skips the stage
    #: for that article and records the error in ``meta["stage_errors"]``.
    on_error: ErrorPolicy = "skip"
    requires: tuple[str, ...] = ("doc", "mentions")
    assigns: tuple[str, ...] = ("quotes",)

    #: Services the pipeline passes to ``from_settings`` (``person_gender``: the knowledge
    #: base's gender of a person, from ``detente.actors``; see ``detente.pipeline.SERVICES``).
    services: tuple[str, ...] = ("person_gender",)

    def __init__(
        self,
        lexicon: ReportingLexicon | None = None,
        person_gender: Callable[[str], str | None] | None = None,
    ) -> None:
        self.lexicon = lexicon or load_reporting_lexicon()
        self.person_gender = person_gender
        self.version = f"1+lex{self.lexicon.version}"

    @classmethod
    def from_settings(
        cls, settings: Settings, person_gender: Callable[..., str | None] | None = None
    ) -> QuoteStage:
        """Build the stage with the packaged lexicon and the user's ``quotes_files``;
        ``person_gender(kb_id, actor files, layers)`` gives knowledge-base people's gender."""
        gender = (
            functools.partial(
                person_gender, extra_files=tuple(settings.actors_files), layers=settings.kb
            )
            if person_gender is not None
            else None
        )
        return cls(load_reporting_lexicon(tuple(settings.quotes_files)), gender)

    def __call__(self, article: Article) -> Article:
        quotes = extract_quotes(article, self.lexicon, person_gender=self.person_gender)
        return article.with_(quotes=quotes)


def _inside(span: Span, quote: Quote) -> bool:
    pieces = quote.segments or (Span(quote.text, quote.start, quote.end, quote.field),)
    return any(
        span.field == p.field and p.start <= span.start and span.end <= p.end for p in pieces
    )


def _entity(speaker: Speaker) -> Entity:
    actor = speaker.actor
    return Entity(
        code=actor.code if actor else None,
        sector=actor.sector if actor else None,
        entity_text=speaker.text,
        name=speaker.name or (actor.name if actor else None),
        kind=actor.kind if actor else None,
        kb_id=actor.kb_id if actor else None,
        span=Span(speaker.text, speaker.start, speaker.end, speaker.field),
    )


def link_events(
    events: Iterable[Event], quotes: Iterable[Quote]
) -> tuple[tuple[Event, ...], tuple[Quote, ...]]:
    """Link events whose trigger lies inside a quote to that quote (new records, no mutation).

    Returns:
        ``(events, quotes)``: events with ``quote_id`` and ``evidence.reported_by`` set when their
        trigger is quoted; quotes with the ids of the events coded inside them.
    """
    quotes = tuple(quotes)
    linked: dict[str, list[str]] = {q.id: [] for q in quotes}
    out_events: list[Event] = []
    for ev in events:
        trig = ev.evidence.trigger
        quote = next((q for q in quotes if trig and all(_inside(t, q) for t in trig)), None)
        if quote is None:
            out_events.append(ev)
            continue
        linked[quote.id].append(ev.id)
        evidence = ev.evidence
        if quote.speaker is not None:
            evidence = dataclasses.replace(evidence, reported_by=_entity(quote.speaker))
        out_events.append(dataclasses.replace(ev, quote_id=quote.id, evidence=evidence))
    out_quotes = tuple(
        dataclasses.replace(q, event_ids=tuple(linked[q.id])) if linked[q.id] else q for q in quotes
    )
    return tuple(out_events), out_quotes


class LinkStage:
    """Link events to the quotes they were said in (``reported_by``, ``quote_id``)."""

    name = "link"
    version = "1"
    requires: tuple[str, ...] = ("events", "quotes")
    assigns: tuple[str, ...] = ("links",)

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkStage:
        return cls()

    def __call__(self, article: Article) -> Article:
        if not article.events or not article.quotes:
            return article
        events, quotes = link_events(article.events, article.quotes)
        return article.with_(events=events, quotes=quotes)
