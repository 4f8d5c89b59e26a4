"""Turn a coded :class:`~detente.records.Article` into rows of the store's tables.

This runs in the worker processes (so the writer only inserts): everything a row needs comes from
the records' ``to_dict()`` contract, and the parse (``article.doc``) is never shipped back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..records import Article, Entity, Event, Place, Quote

__all__ = ["COLUMNS", "Batch", "article_rows", "minhash_signature", "shingles"]

#: Column order of every table the writer fills (matches ``schema.SCHEMA``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": (
        "id",
        "hash",
        "input",
        "title",
        "text",
        "url",
        "source",
        "published",
        "language",
        "authors",
        "format",
        "meta",
        "credits",
        "removed",
        "n_mentions",
        "n_events",
        "n_quotes",
        "story_id",
        "run_id",
        "ingested_at",
    ),
    "mentions": (
        "article_id",
        "idx",
        "text",
        "field",
        "start",
        "end",
        "via",
        "confidence",
        "label",
        "ref",
        "actor_code",
        "actor_sector",
        "actor_name",
        "actor_kind",
        "actor_kb_id",
        "record",
    ),
    "events": (
        "id",
        "event_id",
        "article_id",
        "idx",
        "date",
        "event",
        "mode",
        "context",
        "quad_code",
        "event_scale",
        "event_text",
        "cameo",
        "quote_id",
        "factual",
        "auxiliary_modes",
        "actor_codes",
        "recipient_codes",
        "sentence",
        "sentence_field",
        "sentence_start",
        "sentence_end",
        "trigger_text",
        "lexicon_entry",
        "confidence",
        "text_info",
        "record",
        "location_name",
        "location_country",
        "location_admin1",
        "location_lat",
        "location_lon",
        "location_geonames_id",
        "location_via",
    ),
    "event_entities": (
        "event_id",
        "role",
        "idx",
        "code",
        "sector",
        "entity_text",
        "name",
        "kind",
        "kb_id",
    ),
    "quotes": (
        "id",
        "quote_id",
        "article_id",
        "idx",
        "text",
        "kind",
        "field",
        "start",
        "end",
        "cue_text",
        "cue_start",
        "cue_end",
        "speaker_text",
        "speaker_name",
        "speaker_code",
        "speaker_sector",
        "speaker_kind",
        "speaker_kb_id",
        "speaker_via",
        "confidence",
        "event_ids",
        "record",
    ),
    "places": (
        "article_id",
        "idx",
        "text",
        "field",
        "start",
        "end",
        "name",
        "feature",
        "country",
        "admin1",
        "lat",
        "lon",
        "geonames_id",
        "population",
        "confidence",
        "via",
        "record",
    ),
    "rejections": ("id", "hash", "input", "reason", "detail", "run_id", "rejected_at"),
    "signatures": ("article_id", "minhash"),
}

_WORD = re.compile(r"\w+")
NUM_PERM = 64
SHINGLE = 5


def _date(value: Any) -> str | None:
    # A malformed date from a stage must not fail the whole chunk's transaction.
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        return None


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str)


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Word ``k``-gram shingles of a text (case-folded ``\\w+`` tokens), as bytes for hashing."""
    words = _WORD.findall(text.casefold())
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def minhash_signature(text: str, num_perm: int = NUM_PERM) -> bytes | None:
    """The MinHash signature of a text's shingles (``None`` for a text with no words)."""
    from datasketch import MinHash

    grams = shingles(text)
    if not grams:
        return None
    mh = MinHash(num_perm=num_perm, seed=1, scheme="affine32")
    mh.update_batch(list(grams))
    return bytes(mh.hashvalues.astype("<u8").tobytes())


def _codes(ents: tuple[Entity, ...]) -> str:
    return "+".join(sorted({e.code for e in ents if e.code}))


def _trigger(ev: Event) -> str:
    return " ".join(s.text for s in ev.evidence.trigger)


@dataclass(slots=True)
class Batch:
    """Rows for several articles, per table, plus how many of each record they hold."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    ids: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    coded: int = 0
    rejected: int = 0
    mentions: int = 0
    events: int = 0
    quotes: int = 0
    versions: dict[str, str] = field(default_factory=dict)  # of the pipeline that coded it

    def add(
        self,
        article: Article,
        *,
        run_id: int | None = None,
        now: str | None = None,
        signature: bool = True,
    ) -> None:
        """Add one (coded or rejected) article's rows."""
        self.ids.append(article.id)
        self.hashes.append(article.hash)
        for table, rows in article_rows(
            article, run_id=run_id, now=now, signature=signature
        ).items():
            self.rows[table].extend(rows)
        if article.rejected is not None:
            self.rejected += 1
        else:
            self.coded += 1
            self.mentions += len(article.mentions)
            self.events += len(article.events)
            self.quotes += len(article.quotes)

    def extend(self, other: Batch) -> None:
        """Append another batch's rows and counts."""
        for table, rows in other.rows.items():
            self.rows[table].extend(rows)
        self.ids.extend(other.ids)
        self.hashes.extend(other.hashes)
        self.coded += other.coded
        self.rejected += other.rejected
        self.mentions += other.mentions
        self.events += other.events
        self.quotes += other.quotes
        self.versions = self.versions or other.versions

    def __len__(self) -> int:
        return len(self.ids)


def _event_rows(
    article: Article, idx: int, ev: Event, key: str
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    evid = ev.evidence
    sent = evid.sentence_span
    loc = ev.location
    row = (
        key,
        ev.id,
        article.id,
        idx,
        _date(ev.date) or _date(article.published),
        ev.event,
        ev.mode or None,
        list(ev.context),
        ev.quad_code,
        ev.event_scale,
        ev.event_text,
        ev.cameo,
        ev.quote_id,
        ev.factual,
        list(evid.auxiliary_modes),
        _codes(ev.actor),
        _codes(ev.recipient),
        evid.sentence,
        sent.field,
        sent.start,
        sent.end,
        _trigger(ev),
        evid.lexicon_entry,
        float(evid.confidence),
        _json(ev.text_info),
        _json(ev.to_dict()),
        loc.name if loc else None,
        loc.country if loc else None,
        loc.admin1 if loc else None,
        float(loc.lat) if loc else None,
        float(loc.lon) if loc else None,
        loc.geonames_id if loc else None,
        loc.via if loc else None,
    )
    ents = [
        (key, role, i, e.code, e.sector, e.entity_text, e.name, e.kind, e.kb_id)
        for role, group in (("actor", ev.actor), ("recipient", ev.recipient))
        for i, e in enumerate(group)
    ]
    return row, ents


def _quote_row(article: Article, idx: int, q: Quote, key: str) -> tuple[Any, ...]:
    sp = q.speaker
    actor = sp.actor if sp else None
    return (
        key,
        q.id,
        article.id,
        idx,
        q.text,
        q.kind,
        q.field,
        q.start,
        q.end,
        q.cue.text if q.cue else None,
        q.cue.start if q.cue else None,
        q.cue.end if q.cue else None,
        sp.text if sp else None,
        sp.name if sp else None,
        actor.code if actor else None,
        actor.sector if actor else None,
        actor.kind if actor else None,
        actor.kb_id if actor else None,
        sp.via if sp else None,
        float(q.confidence),
        list(q.event_ids),
        _json(q.to_dict()),
    )


def _place_row(article: Article, idx: int, p: Place) -> tuple[Any, ...]:
    return (
        article.id,
        idx,
        p.text,
        p.field,
        p.start,
        p.end,
        p.name,
        p.feature,
        p.country,
        p.admin1,
        float(p.lat),
        float(p.lon),
        p.geonames_id,
        int(p.population),
        float(p.confidence),
        p.via,
        _json(p.to_dict()),
    )


def _unique_keys(article_id: str, ids: list[str]) -> list[str]:
    # Record ids are unique within an article by contract; a suffix keeps a faulty stage from
    # failing the whole batch on the primary key.
    seen: set[str] = set()
    keys = []
    for i, rid in enumerate(ids):
        key = f"{article_id}/{rid or i}"
        if key in seen:
            key = f"{key}#{i}"
        seen.add(key)
        keys.append(key)
    return keys


def article_rows(
    article: Article, *, run_id: int | None = None, now: str | None = None, signature: bool = True
) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of every table for one article (a rejected article gives one ``rejections`` row).

    Args:
        article: a coded (or rejected) article.
        run_id: the run that stores it.
        now: the ingest timestamp (ISO); ``None`` leaves it empty.
        signature: compute the MinHash signature used to group stories.
    """
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
    if article.rejected is not None:
        r = article.rejected
        out["rejections"].append(
            (
                article.id,
                article.hash or None,
                r.input or article.input,
                r.reason,
                r.detail,
                run_id,
                now,
            )
        )
        return out
    a = article
    out["articles"].append(
        (
            a.id,
            a.hash,
            a.input,
            a.title,
            a.text,
            a.url,
            a.source,
            _date(a.published),
            a.language,
            list(a.authors),
            a.format,
            _json(a.meta),
            _json([c.to_dict() for c in a.credits]),
            _json([r.to_dict() for r in a.removed]),
            len(a.mentions),
            len(a.events),
            len(a.quotes),
            None,
            run_id,
            now,
        )
    )
    for i, m in enumerate(a.mentions):
        act = m.actor
        out["mentions"].append(
            (
                a.id,
                i,
                m.text,
                m.field,
                m.start,
                m.end,
                m.via,
                float(m.confidence),
                m.label,
                m.ref,
                act.code if act else None,
                act.sector if act else None,
                act.name if act else None,
                act.kind if act else None,
                act.kb_id if act else None,
                _json(m.to_dict()),
            )
        )
    for i, (ev, key) in enumerate(
        zip(a.events, _unique_keys(a.id, [e.id for e in a.events]), strict=True)
    ):
        row, ents = _event_rows(a, i, ev, key)
        out["events"].append(row)
        out["event_entities"].extend(ents)
    for i, (q, key) in enumerate(
        zip(a.quotes, _unique_keys(a.id, [q.id for q in a.quotes]), strict=True)
    ):
        out["quotes"].append(_quote_row(a, i, q, key))
    out["places"].extend(_place_row(a, i, p) for i, p in enumerate(a.places))
    if signature:
        sig = minhash_signature(f"{a.title or ''}\n{a.text}")
        if sig is not None:
            out["signatures"].append((a.id, sig))
    return out
