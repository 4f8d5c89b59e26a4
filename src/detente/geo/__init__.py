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
from .resolve import best_reading, main_country, resolve_places

__all__ = [
    "Gazetteer",
    "GeoEntry",
    "PlaceStage",
    "load_gazetteer",
    "main_country",
    "normalise",
    "place_country",
    "resolve_places",
]


def place_country(name: str, context: Mapping[str, int]) -> tuple[str, str] | None:
    """The country and canonical name of the city or first-level region ``name`` most likely
    means given the article's country ``context`` (see :func:`~detente.geo.resolve.best_reading`),
    or ``None`` when the gazetteer knows no such place.

    The actor stage calls this (wired by the pipeline) for place entities its knowledge base does
    not know: "clashes in Kasese" gives Kasese's country (UGA) as a location.
    """
    entry = best_reading(load_gazetteer(), name, context)
    return None if entry is None else (entry.country, entry.name)


class PlaceStage:
    """Resolve the toponyms of ``article.doc`` to places; assigns ``places``."""

    name = "places"
    version = "1"
    requires: tuple[str, ...] = ("doc", "mentions")
    assigns: tuple[str, ...] = ("places",)

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
        return article.with_(places=resolve_places(article, self.gazetteer))
