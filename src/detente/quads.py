"""The PLOVER quad classes: one table for the whole package, read from the ontology data.

The names come from ``quad_names`` in ``events/data/ontology.yaml`` (the ontology the events
stage codes with), so the store's columns and JSON keys, the CLI's tables and the dashboard's
labels cannot drift apart.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

__all__ = ["QUAD_CLASSES", "QUAD_KEYS", "quad_label"]


def _load() -> dict[int, str]:
    # Read straight from the package's files so that importing this table does not import the
    # events stage (and its parser).
    text = resources.files("detente").joinpath("events", "data", "ontology.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    names = yaml.load(text, Loader=loader)["quad_names"]
    return {int(code): str(name) for code, name in sorted(names.items())}


#: Quad code -> name: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
#: 4 material conflict (as in GDELT's QuadClass).
QUAD_CLASSES: dict[int, str] = _load()

#: Quad code -> the name as a column or JSON key (``verbal_cooperation``).
QUAD_KEYS: dict[int, str] = {code: name.replace(" ", "_") for code, name in QUAD_CLASSES.items()}


def quad_label(code: Any) -> str:
    """The name of a quad class (``"unknown"`` for anything else)."""
    try:
        return QUAD_CLASSES.get(int(code), "unknown")
    except (TypeError, ValueError):
        return "unknown"
