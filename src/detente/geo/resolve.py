"""Toponym resolution: which place each place name in an article means.

For "Lavrov met Kono in Moscow on Thursday; the Russian minister ...":

1. Toponyms are the spaCy entities labelled GPE or LOC ("Moscow"), the actor stage's mentions of
   states and locations that spaCy missed, and demonyms among NORP entities ("Russian"), which
   become their country with ``via: "demonym"``.
2. Each toponym's candidates come from the gazetteer by normalised name (countries, first-level
   regions, cities).
3. The article's context is gathered once: the countries of its actor mentions, of its toponyms
   with a single reading, and of its dateline ("MOSCOW (Reuters) —" counts three times).
4. Every candidate is scored: a prior by feature (a country name means the country), population
   (log scale), capital status, the share of the article's context in its country, agreement with
   the actor stage's code for the same words, and a region or country named right after it
   ("Paris, Texas" keeps only places in Texas).
5. The best candidate wins; ``via`` says what decided (``unique``, ``population``, ``context``,
   ``actor``, ``pattern``, ``dateline``, ``demonym``), ``confidence`` is its share of the
   candidates' softmax.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..countries import main_country as shared_main_country
from ..records import Article, Mention, Place
from .gazetteer import Gazetteer, GeoEntry, normalise

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["TOPONYM_LABELS", "best_reading", "dateline_country", "main_country", "resolve_places"]

TOPONYM_LABELS = frozenset({"GPE", "LOC"})
#: Entities spaCy often gives place names metonymically ("Washington said"): kept when they are
#: a whole country, region or large city name.
METONYM_LABELS = frozenset({"ORG", "FAC"})
METONYM_MIN_CITY = 100_000
#: A city this large (or a capital) is meant over a region of its name in its country.
BIG_CITY = 100_000
_AREAS = frozenset({"continent", "region", "country", "admin1"})
_PRIOR = {"continent": 5.5, "region": 4.0, "country": 5.0, "admin1": 1.2, "city": 0.0}
_DATELINE = re.compile(r"^\s*([A-Z][A-Z .'\-]{2,40}?)(?:,\s*[A-Za-z .]+)?\s*(?:\(|—|–|-{1,2}\s)")
_TRAILING = re.compile(r"(?:'s|’s|')$")


@dataclass(slots=True)
class _Toponym:
    start: int  # offsets into Article.doc_text
    end: int
    text: str
    candidates: list[GeoEntry]
    code: str | None = None  # the actor stage's country code for the same words
    demonym: GeoEntry | None = None
    within: list[GeoEntry] | None = None  # "City, Region": the region's readings


_AFFIXES = re.compile(
    r"^(?:republic|state|kingdom|city|province|county|emirate|sultanate) of\s+"
    r"|\s+(?:county|city|province|state|region|oblast|governorate|district|prefecture)$",
    re.IGNORECASE,
)


def _lookup(gaz: Gazetteer, text: str) -> tuple[list[GeoEntry], list[GeoEntry] | None]:
    """Readings of a toponym; when its full name is unknown, of the name without an
    administrative word ("Orange County" → Orange, "Republic of Armenia" → Armenia) or of
    the part before a comma ("Washington, D.C." → Washington within D.C.)."""
    cands = gaz.candidates(text)
    if cands:
        return cands, None
    bare = _AFFIXES.sub("", text).strip()
    if bare and bare != text:
        return gaz.candidates(bare), None
    if "," in text:
        head, _, tail = text.partition(",")
        within = [c for c in gaz.candidates(tail.strip()) if c.feature in ("admin1", "country")]
        return gaz.candidates(head.strip()), within or None
    return [], None


def _clean(text: str) -> str:
    text = _TRAILING.sub("", text.strip())
    return text.strip(" ,.;:")


def _mention_codes(article: Article) -> dict[tuple[int, int], str]:
    """(doc start, doc end) of each mention → its actor's country code."""
    off = article.body_offset
    codes: dict[tuple[int, int], str] = {}
    for m in article.mentions:
        if m.actor is None or not m.actor.code or len(m.actor.code) != 3:
            continue
        base = 0 if m.field == "title" else off
        codes[(base + m.start, base + m.end)] = m.actor.code
    return codes


def _place_mentions(article: Article) -> Iterable[Mention]:
    for m in article.mentions:
        if m.actor is not None and m.actor.kind in ("state", "location") and m.via != "demonym":
            yield m


def _toponyms(article: Article, doc: Doc, gaz: Gazetteer) -> list[_Toponym]:
    codes = _mention_codes(article)
    found: list[_Toponym] = []
    taken: set[int] = set()
    for ent in doc.ents:
        text = _clean(ent.text)
        if not text:
            continue
        if ent.label_ in ("NORP", "PERSON", *METONYM_LABELS):
            country = gaz.demonym(text)
            if country is not None:
                found.append(_Toponym(ent.start_char, ent.end_char, text, [], demonym=country))
                taken.update(range(ent.start_char, ent.end_char))
                continue
        within: list[GeoEntry] | None = None
        if ent.label_ in METONYM_LABELS:
            cands = [
                c
                for c in gaz.candidates(text)
                if c.feature in _AREAS or c.population >= METONYM_MIN_CITY
            ]
        elif ent.label_ in TOPONYM_LABELS:
            cands, within = _lookup(gaz, text)
        elif ent.label_ == "PERSON" and len(ent) > 1:
            # spaCy takes some two-word regions for people ("Tamil Nadu"): only a country's or
            # region's own full name counts, never a city or an alias
            key = normalise(text)
            cands = [
                c
                for c in gaz.candidates(text)
                if c.feature in ("country", "admin1") and normalise(c.name) == key
            ]
        else:
            continue
        if not cands:
            continue
        code = codes.get((ent.start_char, ent.end_char))
        found.append(_Toponym(ent.start_char, ent.end_char, text, cands, code=code))
        if within:
            found[-1].within = within
        taken.update(range(ent.start_char, ent.end_char))
    off = article.body_offset
    for m in _place_mentions(article):
        base = 0 if m.field == "title" else off
        start, end = base + m.start, base + m.end
        if any(i in taken for i in range(start, end)):
            continue
        text = _clean(m.text)
        cands = gaz.candidates(text)
        if cands:
            code = m.actor.code if m.actor else None
            found.append(_Toponym(start, end, text, cands, code=code))
            taken.update(range(start, end))
    found.sort(key=lambda t: t.start)
    _link_patterns(found, article.doc_text)
    return found


def _link_patterns(toponyms: list[_Toponym], text: str) -> None:
    """ "City, Region" and "City, Country": the second name restricts the first."""
    for first, second in itertools.pairwise(toponyms):
        if first.demonym or second.demonym:
            continue
        between = text[first.end : second.start]
        if between.strip() == "," and "\n" not in between:
            inside = [c for c in second.candidates if c.feature in ("admin1", "country")]
            if inside and not first.within:
                first.within = inside


def dateline_country(article: Article, gaz: Gazetteer) -> str | None:
    """The country (ISO3) of the article's wire dateline: the place the cleaner took off the
    text (``meta["dateline"]``, "BEIRUT"), else a dateline still at the start of the text."""
    name = str(article.meta.get("dateline") or "").strip(" ,")
    if name:
        cands = gaz.candidates(name.title())
        if cands:
            return max(cands, key=_base_score).country or None
    return _dateline(article, gaz)


def _dateline(article: Article, gaz: Gazetteer) -> str | None:
    """The country of a wire dateline at the start of the text ("BEIRUT (Reuters) —")."""
    match = _DATELINE.match(article.text[:80])
    if not match:
        return None
    cands = gaz.candidates(match.group(1).title())
    if not cands:
        return None
    return max(cands, key=_base_score).country


def _base_score(entry: GeoEntry) -> float:
    """Prior of a reading before context: the feature, and for cities and regions their size."""
    score = _PRIOR[entry.feature]
    if entry.feature in ("city", "admin1"):
        score += 0.5 * math.log10(entry.population + 10)
    return score + (1.0 if entry.capital else 0.0)


def best_reading(
    gaz: Gazetteer,
    name: str,
    context: Mapping[str, int],
    features: Iterable[str] = ("city", "admin1"),
) -> GeoEntry | None:
    """The most likely place called ``name`` among ``features``, scored as :func:`resolve_places`
    scores a toponym: the prior (feature, population, capital), the share of ``context`` (country
    code -> mentions in the article) in its country, and its own name over an alternate name.

    Example: ``best_reading(gaz, "Paris", {"USA": 3})`` may give Paris, Texas; with no context,
    Paris, France.
    """
    wanted = set(features)
    cands = [c for c in gaz.candidates(name) if c.feature in wanted and c.country]
    if not cands:
        return None
    key = normalise(name)
    cands = _city_over_region(cands, key)
    total = sum(context.values()) or 1
    return max(cands, key=lambda c: _reading_score(c, key, context, total))


def _context(toponyms: Sequence[_Toponym], article: Article, dateline: str | None) -> Counter[str]:
    ctx: Counter[str] = Counter()
    for m in article.mentions:
        if m.actor is not None and m.actor.code and len(m.actor.code) == 3:
            ctx[m.actor.code] += 1
    for t in toponyms:
        if t.demonym is not None:
            ctx[t.demonym.country] += 1
        elif len({c.country for c in t.candidates}) == 1:
            ctx[t.candidates[0].country] += 1
    if dateline:
        ctx[dateline] += 3
    return ctx


def _city_over_region(cands: list[GeoEntry], key: str) -> list[GeoEntry]:
    """Drop a region that shares its name with a city inside it ("Moscow", "Tokyo", "New York"):
    news means the city unless it says "Moscow region" or "New York State"."""
    cities = [c for c in cands if c.feature == "city" and normalise(c.name) == key]
    inside = {c.admin1 for c in cities}
    big = {c.country for c in cities if c.capital or c.population >= BIG_CITY}
    kept = [
        c for c in cands if not (c.feature == "admin1" and (c.admin1 in inside or c.country in big))
    ]
    return kept or cands


def _reading_score(
    c: GeoEntry, key: str, ctx: Mapping[str, int], total: int, code: str | None = None
) -> float:
    """A reading's score in context: its prior, the article's share of mentions in its country,
    its own name over an alias, and agreement with the actor stage's code for the same words."""
    score = _base_score(c) + (2.5 * ctx.get(c.country, 0) / total if c.country else 0.0)
    if normalise(c.name) == key:
        score += 1.5  # its own name, not an alias ("England" the region, not the UK)
    if code and c.country == code:
        score += 3.0
    return score


def _choose(t: _Toponym, ctx: Counter[str], dateline: str | None) -> tuple[GeoEntry, str, float]:
    cands = _city_over_region(t.candidates, normalise(t.text))
    via = "population"
    if t.within:
        allowed = {(w.country, w.admin1 if w.feature == "admin1" else None) for w in t.within}
        kept = [
            c for c in cands if (c.country, None) in allowed or (c.country, c.admin1) in allowed
        ]
        if kept:
            cands, via = kept, "pattern"
    total = sum(ctx.values()) or 1
    key = normalise(t.text)
    scored = [(_reading_score(c, key, ctx, total, t.code), c) for c in cands]
    scored.sort(key=lambda sc: -sc[0])
    best_score, best = scored[0]
    if len({c.country for c in t.candidates}) == 1 and len(t.candidates) == 1:
        via = "unique"
    elif via != "pattern":
        by_prior = max(cands, key=_base_score)
        if by_prior is not best:
            via = "actor" if t.code and best.country == t.code else "context"
            if dateline and best.country == dateline and via == "context":
                via = "dateline"
    exp = [math.exp(s - best_score) for s, _ in scored]
    return best, via, 1.0 / sum(exp)


def _place(article: Article, t: _Toponym, entry: GeoEntry, via: str, conf: float) -> Place:
    span = article.span(t.start, t.end)
    return Place(
        text=span.text,
        start=span.start,
        end=span.end,
        field=span.field,
        name=entry.name,
        geonames_id=entry.geonames_id,
        feature=entry.feature,
        country=entry.country or None,
        admin1=entry.admin1,
        lat=round(entry.lat, 5),
        lon=round(entry.lon, 5),
        population=entry.population,
        confidence=round(conf, 3),
        via=via,
    )


def resolve_places(article: Article, gaz: Gazetteer) -> tuple[Place, ...]:
    """Resolve every toponym of a parsed article (``article.doc``) to a place."""
    doc = article.doc
    if doc is None:
        return ()
    toponyms = _toponyms(article, doc, gaz)
    dateline = _dateline(article, gaz)
    ctx = _context(toponyms, article, dateline)
    places = []
    for t in toponyms:
        if t.demonym is not None:
            places.append(_place(article, t, t.demonym, "demonym", 1.0))
            continue
        entry, via, conf = _choose(t, ctx, dateline)
        places.append(_place(article, t, entry, via, conf))
    return tuple(places)


def main_country(places: Sequence[Place]) -> str | None:
    """The article's most named country among its places (demonyms count half)."""
    return shared_main_country(places)
