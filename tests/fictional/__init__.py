"""A fictional world for unit tests: invented states, capitals and office holders with dates.

Use it in any test::

    from tests.fictional import WORLD, fictional_settings

    settings = fictional_settings(default_date="2018-05-02")   # Settings(actors_files=(WORLD,))
    art = detente.code_text("Velmoran Foreign Minister Selka Varn met Ostrana's Dorin Kasprak.",
                            settings=settings)

The world is described at the top of ``world.yaml`` (codes XVM Velmora, XOS Ostrana, XCA
Calderra; IGO League of Azure States; leaders and ministers whose offices change over time).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

WORLD = str(Path(__file__).with_name("world.yaml"))
PLACES = Path(__file__).with_name("places.yaml")

__all__ = ["PLACES", "WORLD", "fictional_pipeline", "fictional_settings"]


def fictional_settings(**changes: Any) -> Any:
    """Settings that load the fictional world on top of the packaged actors."""
    from detente.config import Settings

    return Settings(actors_files=(WORLD,)).replace(**changes)


def fictional_pipeline(settings: Any) -> Any:
    """The standard pipeline for ``settings`` whose places stage also knows the fictional places
    of ``places.yaml`` (Port Azul, Drovnik, Saltmarsh, ...)."""
    from detente.geo import PlaceStage, load_gazetteer
    from detente.geo.gazetteer import load_places
    from detente.pipeline import Pipeline

    pipeline = Pipeline.from_settings(settings)
    gazetteer = load_gazetteer().extended(load_places(PLACES))
    pipeline.stages = [
        PlaceStage(gazetteer) if stage.name == "places" else stage for stage in pipeline.stages
    ]
    return pipeline
