"""Geolocation: toponyms resolved to places of an offline gazetteer (see docs/geo.md).

The ``places`` stage runs after the actor stage (it uses the actors' country codes as context)
and assigns ``article.places``; :mod:`detente.geo.gazetteer` is the world gazetteer and
:mod:`detente.geo.resolve` the disambiguation.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..config import Settings
from ..records import Article
from .gazetteer import Gazetteer, GeoEntry, load_gazetteer, normalise
from .resolve import best_reading, dateline_country, main_country, resolve_places

__all__ = [
    "Gazetteer",
    "GeoEntry",
    "PlaceStage",
    "dateline_country",
    "load_gazetteer",
    "main_country",
    "normalise",
    "place_country",
    "resolve_places",
]


#: A town smaller than this is a reading only when the article names its country ("Carly" is
#: more often a first name than a French village of 500).
MIN_TOWN_WITHOUT_CONTEXT = 5000


def place_country(name: str, context: Mapping[str, int]) -> tuple[str, str] | None:
    """The country and canonical name of the city or first-level region ``name`` most likely
    means given the article's country ``context`` (see :func:`~detente.geo.resolve.best_reading`),
    or ``None`` when the gazetteer knows no such place, when the name is also a continent,
    macro-region or country (the actor knowledge base codes those; "Asia" is not the town of
    Asia in the Philippines), or when the best reading is a small town in a country the article
    does not name.

    The actor stage calls this (wired by the pipeline) for place entities its knowledge base does
    not know: "clashes in Kasese" gives Kasese's country (UGA) as a location.
    """
    gaz = load_gazetteer()
    if any(c.feature in ("continent", "region", "country") for c in gaz.candidates(name)):
        return None
    entry = best_reading(gaz, name, context)
    if entry is None:
        return None
    small = entry.feature == "city" and entry.population < MIN_TOWN_WITHOUT_CONTEXT
    if small and not context.get(entry.country):
        return None
    return entry.country, entry.name


class PlaceStage:
    """Resolve the toponyms of ``article.doc`` to places; assigns ``places`` (and
    ``meta["dateline_country"]``, the ISO3 country of the wire dateline, when there is one)."""

    name = "places"
    version = "1"
    requires: tuple[str, ...] = ("doc", "mentions")
    assigns: tuple[str, ...] = ("places", "meta")

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        counts = gazetteer.stats()
        self.version = f"1+gaz{counts.get('city', 0)}.{counts.get('admin1', 0)}"

    @classmethod
    def from_settings(cls, settings: Settings) -> PlaceStage:
        """Build the stage with the process-wide gazetteer."""
        return cls(load_gazetteer())

    def __call__(self, article: Article) -> Article:
        if article.doc is None:
            return article
        places = resolve_places(article, self.gazetteer)
        dateline = dateline_country(article, self.gazetteer)
        if dateline is None:
            return article.with_(places=places)
        # the events stage places a country-less "police" by it ("BEIRUT (Reuters) - Police ...")
        return article.with_(places=places, meta={**article.meta, "dateline_country": dateline})
