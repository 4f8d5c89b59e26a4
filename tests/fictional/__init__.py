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

__all__ = ["WORLD", "fictional_settings"]


def fictional_settings(**changes: Any) -> Any:
    """Settings that load the fictional world on top of the packaged actors."""
    from detente.config import Settings

    return Settings(actors_files=(WORLD,)).replace(**changes)
