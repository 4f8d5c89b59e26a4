"""The learned type model inside the events stage (prototype; see docs/events.md).

:func:`type_events` takes the rules' events of an article and the article's parse and returns
the events with their type decided as in "How a type is decided":

* a sentence where rules fired: each rule event keeps its structure (trigger, actor, recipient,
  mode, negation) and gets the calibrated probability of its type as confidence,
  ``evidence.type_source = "lexicon+model"``; when the model's top type is far more probable
  than every candidate (below ``keep_rule_ratio``), the sentence's most confident factual rule
  event takes the model's type (``"model"``, mode cleared, ``lexicon_entry`` kept);
* a sentence where no rule fired, with an actor candidate: an event of the model's top type
  when it clears the threshold (``"model"``); its actor is the candidate in subject position of
  the main verb (else the first), its recipient the first other candidate, its trigger the main
  verb; negation, future and hypothetical are read off the main verb's auxiliaries.

It touches nothing in ``extractor.py``: it runs on the extractor's output.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..records import Article, Entity, Event, Evidence, Mention, Span
from .ontology import Ontology
from .structure import actor_words
from .typemodel import YIELD, EventTypeModel, model_class

__all__ = ["type_events", "yield_type"]

_HYPOTHETICAL = frozenset({"would", "could", "might", "may", "should", "if"})


@lru_cache(maxsize=1)
def _retreat_lemmas() -> frozenset[str]:
    text = (resources.files("detente.events") / "data" / "yield_split.yaml").read_text("utf-8")
    return frozenset(yaml.safe_load(text)["retreat_lemmas"])


def yield_type(sent: Any) -> str:
    """CONCEDE or RETREAT for a sentence the model calls YIELD (``data/yield_split.yaml``)."""
    lemmas = {t.lemma_.lower() for t in sent}
    return "RETREAT" if lemmas & _retreat_lemmas() else "CONCEDE"


def _candidates(
    article: Article, sent: Any, placed: list[tuple[int, Mention]] | None = None
) -> list[Mention]:
    # Actor candidates, as in training: every actor mention but places; coded ones first.
    # ``placed`` is :func:`_placed` of the article, computed once for all its sentences.
    if placed is None:
        placed = _placed(article)
    lo, hi = sent.start_char, sent.end_char
    out = [m for start, m in placed if lo <= start < hi]
    return sorted(out, key=lambda m: m.actor is None or not m.actor.code)


def _placed(article: Article) -> list[tuple[int, Mention]]:
    """The article's non-place mentions with their offsets into the parsed text."""
    off = article.body_offset
    return [
        (m.start + (off if m.field == "text" else 0), m)
        for m in article.mentions
        if not (m.actor is not None and m.actor.kind == "location")
    ]


def _entity(m: Mention) -> Entity:
    ref = m.actor
    if ref is None:
        return Entity(None, None, m.text, span=Span(m.text, m.start, m.end, m.field))
    return Entity(
        code=ref.code,
        sector=ref.sector,
        entity_text=m.text,
        name=ref.name,
        kind=ref.kind,
        kb_id=ref.kb_id,
        span=Span(m.text, m.start, m.end, m.field),
    )


def _field_span(article: Article, start: int, end: int, text: str) -> Span:
    off = article.body_offset
    if start >= off:
        return Span(text, start - off, end - off, "text")
    return Span(text, start, end, "title")


def _aux_modes(root: Any) -> tuple[str, ...]:
    aux: set[str] = set()
    for child in root.children:
        low = child.lower_
        if child.dep_ == "neg":
            aux.add("negation")
        elif child.dep_ in {"aux", "auxpass"} and low in {"will", "'ll", "shall"}:
            aux.add("future")
        elif child.dep_ in {"aux", "mark"} and low in _HYPOTHETICAL:
            aux.add("hypothetical")
    return tuple(sorted(aux))


def _model_info(model: EventTypeModel, prob: float) -> dict[str, Any]:
    return {"name": model.name, "version": model.version, "probability": round(prob, 3)}


def _retype(ev: Event, event_type: str, onto: Ontology) -> Event:
    return dataclasses.replace(
        ev,
        event=event_type,
        mode="",
        quad_code=onto.quad(event_type),
        event_scale=onto.intensity(event_type),
        cameo=onto.nearest_cameo(event_type, "", ev.context),
    )


def _model_event(
    article: Article,
    sent: Any,
    s_index: int,
    cands: list[Mention],
    event_type: str,
    prob: float,
    model: EventTypeModel,
    onto: Ontology,
) -> Event:
    root = sent.root
    off = article.body_offset
    subj = {t.i for c in root.children if c.dep_ in {"nsubj", "nsubjpass"} for t in c.subtree}

    def in_subject(m: Mention) -> bool:
        start = m.start + (off if m.field == "text" else 0)
        return any(t.idx == start or t.idx <= start < t.idx + len(t) for t in sent if t.i in subj)

    actor = next((m for m in cands if in_subject(m)), cands[0])
    recipient = next((m for m in cands if m is not actor and m.text != actor.text), None)
    sent_span = _field_span(article, sent.start_char, sent.end_char, sent.text)
    trigger = _field_span(article, root.idx, root.idx + len(root), root.text)
    actors = (_entity(actor),)
    recipients = (_entity(recipient),) if recipient is not None else ()
    evidence = Evidence(
        sentence=sent.text,
        sentence_span=sent_span,
        trigger=(trigger,),
        actor_spans=tuple(e.span for e in actors if e.span is not None),
        recipient_spans=tuple(e.span for e in recipients if e.span is not None),
        lexicon_entry="",
        auxiliary_modes=_aux_modes(root),
        confidence=prob,
        actor_via="model:subject" if in_subject(actor) else "model:first",
        type_source="model",
        model=_model_info(model, prob),
    )
    key = f"{article.id}|model|{trigger.field}|{trigger.start}|{event_type}"
    return Event(
        id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16],
        date=article.published,
        event=event_type,
        mode="",
        context=(),
        actor=actors,
        recipient=recipients,
        quad_code=onto.quad(event_type),
        event_scale=onto.intensity(event_type),
        event_text=root.text,
        text_info={
            "sequence": s_index,
            "field": sent_span.field,
            "start": sent_span.start,
            "end": sent_span.end,
        },
        evidence=evidence,
        cameo=onto.nearest_cameo(event_type, "", ()),
    )


def facts_in(idx: Sequence[int], events: Sequence[Event]) -> list[int]:
    """The factual rule events among ``idx``."""
    return [i for i in idx if events[i].factual]


def _names_a_disaster(sent: Any) -> bool:
    words = actor_words().disaster_words
    return any(t.lemma_.lower() in words or t.lower_ in words for t in sent)


def type_events(
    article: Article, events: Sequence[Event], model: EventTypeModel, onto: Ontology
) -> tuple[Event, ...]:
    """The rules' ``events`` of ``article`` typed by ``model`` (see the module docstring)."""
    doc = article.doc
    if doc is None:
        return tuple(events)
    off = article.body_offset
    starts = [s.start_char for s in doc.sents]
    by_sent: dict[int, list[int]] = {}
    for i, ev in enumerate(events):
        sp = ev.evidence.sentence_span
        pos = sp.start + (off if sp.field == "text" else 0)
        s_index = max((j for j, st in enumerate(starts) if st <= pos), default=0)
        by_sent.setdefault(s_index, []).append(i)
    out: list[Event] = list(events)
    added: list[Event] = []
    placed = _placed(article)
    for s_index, sent in enumerate(doc.sents):
        idx = by_sent.get(s_index, [])
        cands = _candidates(article, sent, placed)
        if not idx and not cands:
            continue  # no actor candidate and no rule: the model does not run
        rules = [(events[i].event, events[i].factual) for i in idx]
        scores = model.scores(sent, rules, has_actor=bool(cands))
        factual = [events[i].event for i in idx if events[i].factual]
        cls, source, prob = model.decide(scores, factual, has_actor=bool(cands))
        for i in idx:
            p = model.type_probability(scores, events[i].event)
            evd = dataclasses.replace(
                events[i].evidence,
                confidence=p,
                type_source="lexicon+model",
                model=_model_info(model, p),
            )
            out[i] = dataclasses.replace(events[i], evidence=evd)
        if cls is None or source != "model":
            continue
        if not facts_in(idx, events) and _names_a_disaster(sent):
            # deaths in a flood or a fire are nobody's political event (the same word list keeps
            # the rules from coding an unnamed actor there)
            continue
        event_type = yield_type(sent) if cls == YIELD else cls
        facts = facts_in(idx, events)
        if idx and not facts:
            # the rules found the sentence's events negated, hypothetical or future: the model
            # never turns one into a factual event, but may code another type beside them
            if cls in {model_class(events[i].event) for i in idx}:
                continue
            added.append(_model_event(article, sent, s_index, cands, event_type, prob, model, onto))
        elif idx:
            best = max(facts, key=lambda i: events[i].evidence.confidence)
            ev = _retype(out[best], event_type, onto)
            out[best] = dataclasses.replace(
                ev,
                evidence=dataclasses.replace(
                    ev.evidence,
                    confidence=prob,
                    type_source="model",
                    model=_model_info(model, prob),
                ),
            )
        else:
            added.append(_model_event(article, sent, s_index, cands, event_type, prob, model, onto))
    return tuple(out + added)
