"""Code PLOVER events from the spaCy parse already in ``article.doc`` and the actor mentions.

The driver. For each sentence of an article (the headline is its own sentence), e.g. "Velmora
said Ostrana would hold talks with Calderra on Friday", :meth:`EventExtractor.extract`:

1. builds the document index once (:mod:`detente.events.index`: token -> coded mention, quote
   state, headline end) and follows who is being quoted;
2. finds triggers (:mod:`detente.events.triggers`): lexicon patterns matched by lemma (verbs,
   adjectival participles, nouns, multi-word expressions), choosing the most specific entry
   whose object constraint holds ("talks" -> CONSULT);
3. finds arguments from the dependency parse (:mod:`detente.events.arguments`): Ostrana the
   actor, Calderra the recipient;
4. absorbs infinitive complements of embedding triggers (:mod:`detente.events.embedding`:
   "threatened to attack" is one THREATEN with mode violence);
5. marks auxiliary modes and reported speech (:mod:`detente.events.modes`: future, reported by
   Velmora) and derives PLOVER's intent events (Ostrana AGREE: an announced meeting);
6. makes the records (:meth:`EventExtractor.make_event`): frame checks, one entity per actor,
   contexts from keywords, CAMEO code, confidence and the date from expressions attached to the
   clause ("on Friday" -> the Friday after publication); repeated events of a sentence are
   dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING, Any

from ..records import ActorRef, Article, Entity, Event, Evidence, Span
from ..syntax import span_root
from .arguments import find_arguments
from .context import ContextMatcher
from .country import event_place, infer_country
from .dates import resolve_expression
from .embedding import absorb
from .index import DocIndex, distinct, uncoded_actor
from .lexicon import Lexicon, Pattern
from .modes import derive, mark_modes
from .ontology import Ontology
from .roles import self_directed, unknown_actor_ok
from .triggers import Trigger, choose, match
from .words import VIOLENT_CONTEXTS

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["EventExtractor", "Trigger"]

log = logging.getLogger(__name__)

_NO_ACTOR = ActorRef(code=None)


class EventExtractor:
    """Turn a parsed article with actor mentions into PLOVER events."""

    def __init__(self, ontology: Ontology, lexicon: Lexicon, contexts: ContextMatcher) -> None:
        self.ontology = ontology
        self.lexicon = lexicon
        self.contexts = contexts

    def extract(self, article: Article) -> tuple[Event, ...]:
        """Return the PLOVER events of ``article`` (which must carry ``doc`` and ``mentions``)."""
        doc = article.doc
        if doc is None or len(doc) == 0:
            return ()
        index = DocIndex.build(article, doc)
        art_id = article.id
        events: list[Event] = []
        seen: set[tuple[Any, ...]] = set()
        for s_index, (start, end) in enumerate(index.sentences()):
            sent = doc[start:end]
            index.update_speaker(sent)
            made: list[Event] = []
            for trig in self.sentence_triggers(index, sent):
                event = self.make_event(index, sent, s_index, trig, len(events))
                if event is not None:
                    made.append(event)
            known = {e.event for e in made if not e.evidence.actor_unknown}
            for event in made:
                if event.evidence.actor_unknown and event.event in known:
                    continue  # "US attacks killed eight": the named attacker's event is enough
                key: tuple[Any, ...] = (
                    s_index,
                    event.event,
                    event.mode,
                    event.evidence.auxiliary_modes,
                    tuple(e.code for e in event.actor),
                    tuple(e.code for e in event.recipient),
                )
                if event.evidence.actor_unknown:
                    # one event by an unnamed actor per sentence and type: "killed in a
                    # shelling" is one event, not one for "killed" and one for "shelling"
                    key = (s_index, event.event, event.evidence.auxiliary_modes, "?")
                if key in seen:
                    continue
                seen.add(key)
                # the id counts the events kept before this one
                events.append(dataclasses.replace(event, id=_event_id(art_id, event, len(events))))
        return tuple(events)

    def sentence_triggers(self, index: DocIndex, sent: SpacySpan) -> list[Trigger]:
        """The triggers of one sentence with their arguments and modes, absorbed ones left out
        and derived intent events added after their source."""
        in_title = sent.start < index.title_end
        by_anchor: dict[int, list[tuple[Pattern, list[Token]]]] = {}
        for pat, toks in match(self.lexicon, sent, in_title):
            by_anchor.setdefault(span_root(toks).i, []).append((pat, toks))
        triggers: list[Trigger] = []
        for cands in by_anchor.values():
            trig = choose(cands, in_title, index)
            if trig is not None:
                triggers.append(trig)
        anchors = {t.anchor.i: t for t in triggers}
        for trig in triggers:
            find_arguments(index, trig, in_title)
        absorb(triggers, anchors)
        out: list[Trigger] = []
        for trig in triggers:
            if trig.absorbed:
                continue
            mark_modes(index, trig)
            out.append(trig)
            derived = derive(index, trig, self.lexicon)
            if derived is not None:
                out.append(derived)
        return out

    def make_event(
        self, index: DocIndex, sent: SpacySpan, s_index: int, trig: Trigger, n: int
    ) -> Event | None:
        """The event record of a trigger, or None when its frame or actor kinds do not hold.

        ``n`` (the number of events already made) makes the id unique within the article.
        """
        art = index.article
        mentions = index.mentions
        unknown = False
        place: str | None = None
        if not trig.actor:
            # "five civilians were killed in a shelling": an event by an unnamed actor
            place = event_place(index, trig, attached=True)
            if not unknown_actor_ok(index, trig, place):
                return None
            unknown = True
            trig.actor_via = "unknown"
        kinds = trig.entry.actor_kinds
        if (
            kinds
            and not unknown
            and not any((mentions[m].actor or _NO_ACTOR).kind in kinds for m in trig.actor)
        ):
            return None
        trig.actor = distinct(trig.actor, mentions)
        trig.recipient = distinct(trig.recipient, mentions)
        actors = tuple(self._entity(index, trig, m) for m in trig.actor)
        pairs = [(m, self._entity(index, trig, m)) for m in trig.recipient]
        # no self-directed events: "Kono defended Japan's position" has no JPN GOV -> JPN
        pairs = [(m, r) for m, r in pairs if not self_directed(r, actors, trig.entry.event)]
        trig.recipient = [m for m, _ in pairs]
        recipients = tuple(r for _, r in pairs)
        if not self._valid(trig, unknown):
            return None
        if unknown and not place and not any(r.code for r in recipients):
            return None  # "five soldiers were wounded in an ambush": nobody and nowhere known
        trigger_spans = tuple(art.span(t.idx, t.idx + len(t.text)) for t in trig.tokens)
        # spaCy's sentence keeps the whitespace after it (paragraph breaks): the evidence does not
        sent_span = art.span(sent.start_char, sent.start_char + len(sent.text.rstrip()))
        hits = self.contexts.find(sent)
        contexts, keywords = ContextMatcher.rank(
            hits, first=tuple(dict.fromkeys(trig.entry.context + trig.extra_context))
        )
        if (
            trig.entry.verbal
            and trig.actor
            and not {c for c, _ in hits} & VIOLENT_CONTEXTS
            and all(
                (mentions[m].actor or _NO_ACTOR).kind in ("person", "party") for m in trig.actor
            )
        ):
            # "Trump attacked Clinton" with no weapon in sight: a verbal attack
            trig.event, trig.mode = trig.entry.verbal, "disapprove"
            contexts = tuple(c for c in contexts if c != "military")
        if not contexts and self.ontology.quad(trig.event) in (1, 3):
            codes_a = {a.code for a in actors if a.code}
            codes_r = {r.code for r in recipients if r.code}
            if codes_r and not codes_a & codes_r:
                contexts = ("diplomatic",)  # words between two states, nothing more specific
        date, expression = self._date(art, sent, trig)
        confidence = trig.confidence
        confidence *= min([mentions[m].confidence for m in trig.actor + trig.recipient] or [1.0])
        if not trig.recipient:
            confidence -= 0.05
        aux = tuple(sorted(trig.aux))
        reported = (
            self._entity(index, None, trig.reported_by) if trig.reported_by is not None else None
        )
        evidence = Evidence(
            sentence=sent_span.text,
            sentence_span=sent_span,
            trigger=trigger_spans,
            actor_spans=tuple(a.span for a in actors if a.span is not None),
            recipient_spans=tuple(r.span for r in recipients if r.span is not None),
            lexicon_entry=trig.entry.id + (f"+{trig.derived}" if trig.derived else ""),
            reported_by=reported,
            auxiliary_modes=aux,
            confidence=max(0.05, min(1.0, confidence)),
            context_keywords=keywords,
            date_expression=expression,
            actor_via=trig.actor_via,
            actor_unknown=unknown,
        )
        cameo = (
            trig.entry.cameo
            if (
                not trig.derived
                and trig.event == trig.entry.event
                and (trig.mode == trig.entry.mode)
            )
            else None
        )
        cameo = cameo or self.ontology.nearest_cameo(trig.event, trig.mode, contexts)
        event = Event(
            id="",
            date=date,
            event=trig.event,
            mode=trig.mode,
            context=contexts,
            actor=actors,
            recipient=recipients,
            quad_code=self.ontology.quad(trig.event),
            event_scale=self.ontology.intensity(trig.event, trig.mode),
            event_text=index.doc[trig.tokens[0].i : trig.tokens[-1].i + 1].text,
            text_info={
                "sequence": s_index,
                "field": sent_span.field,
                "start": sent_span.start,
                "end": sent_span.end,
            },
            evidence=evidence,
            cameo=cameo,
        )
        return dataclasses.replace(event, id=_event_id(art.id, event, n))

    @staticmethod
    def _valid(trig: Trigger, unknown: bool = False) -> bool:
        """Frame checks that need the final actor and recipient lists."""
        entry = trig.entry
        if unknown:
            return True  # unknown_actor_ok has checked for a recipient or a place
        if trig.event == "CONSULT" and not trig.recipient and len(trig.actor) < 2:
            return False  # a meeting needs a counterpart ("the Cabinet met" is not CONSULT)
        # "fight for jobs", "helping him stretch his lead": these entries need a counterpart
        return not (entry.needs_recipient and not trig.recipient and len(trig.actor) < 2)

    @staticmethod
    def _entity(index: DocIndex, trig: Trigger | None, m: int) -> Entity:
        """The entity of mention ``m``: a sector agent gets its country from the context
        (:func:`detente.events.country.infer_country`), an unknown name is ``kind: unknown``."""
        mention = index.mentions[m]
        ref = mention.actor
        assert ref is not None  # only mentions with an actor are indexed
        span = Span(mention.text, mention.start, mention.end, mention.field)
        if uncoded_actor(mention) and ref.kind != "agent" and ref.sector is None:
            # a new actor: a name that resolves to nothing but fills a role
            return Entity(None, None, mention.text, name=mention.text, kind="unknown", span=span)
        code, via = infer_country(index, trig, m)
        return Entity(
            code=code,
            sector=ref.sector,
            entity_text=mention.text,
            name=ref.name,
            kind=ref.kind,
            kb_id=ref.kb_id,
            span=span,
            country_via=via,
        )

    def _date(self, art: Article, sent: SpacySpan, trig: Trigger) -> tuple[str | None, str | None]:
        published = _parse_date(art.published)
        if published is None:
            return None, None
        if trig.derived:
            # the announcement ("will meet on Friday") is dated by the story, not by the plan
            return published.isoformat(), None
        verbs = {trig.clause.i, trig.anchor.i}
        if trig.light is not None:
            verbs.add(trig.light.i)
        future = "future" in trig.aux
        for ent in sent.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            node = ent.root
            attached = False
            for _ in range(4):
                node = node.head
                if node.i in verbs:
                    attached = True
                    break
                if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
                    break
            if not attached:
                continue
            found = resolve_expression(ent.text, published, future=future)
            if found is not None:
                return found.isoformat(), ent.text
        return published.isoformat(), None


def _event_id(article_id: str, event: Event, n: int) -> str:
    """A stable id: the article, the first trigger word, the type, the actors and ``n`` (the
    number of events kept before it in the article)."""
    first = event.evidence.trigger[0]
    key = (
        f"{article_id}|{first.field}|{first.start}|{event.event}|"
        f"{'+'.join(a.code or '' for a in event.actor)}|{n}"
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
