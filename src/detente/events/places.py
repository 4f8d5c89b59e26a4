"""The article's places as the event coder reads them, built once per article.

:func:`place_maps` maps tokens to the countries of the places stage's places (and of the actor
stage's location mentions), with the article's dateline and dominant country;
:func:`place_mentions` turns the places stage's towns the actor stage did not name into
location mentions of the index (see :mod:`detente.events.country` for how they are used).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from ..countries import main_country as shared_main_country
from ..records import ActorRef, Article, Mention, Place

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["PlaceMaps", "main_country", "place_maps", "place_mentions"]

#: After a dateline's place: an optional ", Region", then "(Agency)" or a dash.
_DATELINE_TAIL = re.compile(r"^(?:,\s*[A-Za-z .]{2,30})?\s*(?:\(|—|–|-{1,2}\s)")


def main_country(places: tuple[Place, ...]) -> str | None:
    """The article's dominant country among its places (demonyms count half; a tie: none)."""
    return shared_main_country(places, decisive=True)


class PlaceMaps:
    """Token -> country of the article's places, its demonyms, dateline and dominant country."""

    def __init__(
        self,
        places: dict[int, str],
        demonyms: dict[int, str],
        dateline: str | None,
        dominant: str | None,
    ) -> None:
        self.places = places
        self.demonyms = demonyms
        self.dateline = dateline
        self.dominant = dominant


def place_mentions(
    article: Article,
    doc: Doc,
    mentions: list[Mention],
    tok2mention: dict[int, int],
    loc2mention: dict[int, int],
) -> dict[int, int]:
    """The places stage's towns and regions that the actor stage did not name ("shelled
    villages in Harrowgate") as location mentions: appended to ``mentions`` (the index's own
    list); returns token -> mention. They only stand for the state where a force or measure is
    applied (the place-targeted recipient fallback), not for the actors found in them."""
    off = article.body_offset
    out: dict[int, int] = {}
    for p in article.places:
        if not p.country or p.via == "demonym" or p.feature not in ("city", "admin1"):
            continue
        base = off if p.field == "text" else 0
        span = doc.char_span(base + p.start, base + p.end, alignment_mode="expand")
        if span is None or any(t.i in tok2mention or t.i in loc2mention for t in span):
            continue
        ref = ActorRef(code=p.country, name=p.name, kind="location")
        mentions.append(Mention(p.text, p.start, p.end, ref, "place", field=p.field))
        for tok in span:
            out[tok.i] = len(mentions) - 1
    return out


def place_maps(
    article: Article, doc: Doc, mentions: list[Mention], loc2mention: dict[int, int]
) -> PlaceMaps:
    """Build the place look-ups of an article once (see :class:`PlaceMaps`)."""
    off = article.body_offset
    places: dict[int, str] = {}
    demonyms: dict[int, str] = {}
    # the places stage resolves the dateline the cleaner took off ("BEIRUT (Reuters) -")
    dateline: str | None = article.meta.get("dateline_country") or None
    lead = len(article.text) - len(article.text.lstrip())
    for p in article.places:
        if not p.country:
            continue
        base = off if p.field == "text" else 0
        span = doc.char_span(base + p.start, base + p.end, alignment_mode="expand")
        if span is None:
            continue
        target = demonyms if p.via == "demonym" else places
        for tok in span:
            target.setdefault(tok.i, p.country)
        if (
            p.via != "demonym"
            and p.field == "text"
            and p.start <= lead + 1
            and _DATELINE_TAIL.match(article.text[p.end : p.end + 40])
        ):
            dateline = p.country
    for i, m in loc2mention.items():
        ref = mentions[m].actor
        if ref is not None and ref.code:
            places.setdefault(i, ref.code)
    for mention in mentions:
        ref = mention.actor
        if (
            dateline is None
            and ref is not None
            and ref.code
            and len(ref.code) == 3
            and ref.kind in ("state", "location")
            and mention.field == "text"
            and mention.start <= lead + 1
            and _DATELINE_TAIL.match(article.text[mention.end : mention.end + 40])
        ):
            dateline = ref.code  # the actor stage's reading of "DROVNIK (Reuters) —"
    dominant = main_country(article.places)
    if dominant is None:
        counts = Counter(
            m.actor.code
            for m in mentions
            if m.actor is not None
            and m.actor.code
            and len(m.actor.code) == 3
            and m.actor.kind in ("state", "location")
        )
        top = counts.most_common(2)
        dominant = top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None
    return PlaceMaps(places, demonyms, dateline, dominant)
