"""Geolocation: toponyms resolved to places of an offline gazetteer (see docs/geo.md).

The ``places`` stage runs after the actor stage (it uses the actors' country codes as context)
and assigns ``article.places``; :mod:`detente.geo.gazetteer` is the world gazetteer and
:mod:`detente.geo.resolve` the disambiguation.
"""

from __future__ import annotations

from ..config import Settings
from ..records import Article
from .gazetteer import Gazetteer, GeoEntry, load_gazetteer, normalise
from .resolve import dateline_country, main_country, resolve_places

__all__ = [
    "Gazetteer",
    "GeoEntry",
    "PlaceStage",
    "dateline_country",
    "load_gazetteer",
    "main_country",
    "normalise",
    "resolve_places",
]


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
