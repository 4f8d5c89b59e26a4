"""The PLOVER ontology as data: event types, modes, quad classes, intensities, contexts, CAMEO.

Loaded once per process from ``data/ontology.yaml`` and ``data/cameo_plover.tsv`` (the CAMEO
crosswalk of the PLOVER project, normalised to the v2.0 modes and contexts).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from ..errors import EventError

__all__ = ["CameoRow", "Ontology", "load_ontology"]


@dataclass(frozen=True, slots=True)
class CameoRow:
    """One row of the CAMEO -> PLOVER crosswalk."""

    cameo: str
    event: str
    mode: str
    context: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Ontology:
    """Event types with their modes, quad class and intensity; contexts; the CAMEO crosswalk."""

    version: str
    events: dict[str, dict[str, Any]]
    contexts: tuple[str, ...]
    auxiliary_modes: tuple[str, ...]
    legacy: dict[str, tuple[str, str]]
    crosswalk: tuple[CameoRow, ...] = ()
    _by_cameo: dict[str, CameoRow] = field(default_factory=dict, repr=False)

    def check(self, event: str, mode: str = "") -> None:
        """Raise :class:`EventError` unless ``event`` (and ``mode``) are in the ontology."""
        if event not in self.events:
            raise EventError(
                f"unknown PLOVER event type {event!r}; use one of {', '.join(self.events)}",
                code="E061",
            )
        if mode and mode not in self.events[event]["modes"]:
            raise EventError(
                f"unknown mode {mode!r} for {event}; use one of "
                f"{', '.join(self.events[event]['modes']) or '(none)'}",
                code="E062",
            )

    def quad(self, event: str) -> int:
        """Quad class: 1 verbal coop., 2 material coop., 3 verbal conflict, 4 material conflict."""
        return int(self.events[event]["quad"])

    def intensity(self, event: str, mode: str = "") -> float:
        """The manual's intensity score of an event type, refined by its mode when one is set."""
        spec = self.events[event]
        return float(spec["modes"].get(mode, spec["intensity"]) if mode else spec["intensity"])

    def normalise(self, label: str) -> tuple[str, str]:
        """Map an event label, older PLOVER labels included, to ``(event, mode)`` in v2.0."""
        up = label.strip().upper()
        if up in self.legacy:
            return self.legacy[up]
        return up, ""

    def cameo_row(self, code: str) -> CameoRow | None:
        """The crosswalk row of a CAMEO code, or None."""
        return self._by_cameo.get(code)

    def nearest_cameo(
        self, event: str, mode: str = "", contexts: tuple[str, ...] = ()
    ) -> str | None:
        """The most general CAMEO code that maps to ``event`` (and ``mode``, and a context)."""
        best: tuple[int, str] | None = None
        for row in self.crosswalk:
            if row.event != event:
                continue
            rank = len(row.cameo)
            if mode and row.mode == mode:
                rank -= 10
            elif mode and row.mode:
                rank += 5
            if contexts and set(row.context) & set(contexts):
                rank -= 1
            if best is None or rank < best[0]:
                best = (rank, row.cameo)
        return best[1] if best else None


def _read_text(name: str) -> str:
    return resources.files("detente.events").joinpath("data", name).read_text("utf-8")


@functools.lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    """Load the packaged PLOVER ontology and CAMEO crosswalk (cached per process).

    Raises:
        EventError: a packaged data file is malformed.
    """
    try:
        data = yaml.safe_load(_read_text("ontology.yaml"))
        events = {
            name: {
                "quad": spec["quad"],
                "intensity": float(spec["intensity"]),
                "description": spec.get("description", ""),
                "modes": {str(m): float(v) for m, v in (spec.get("modes") or {}).items()},
            }
            for name, spec in data["events"].items()
        }
        legacy = {k: (v[0], v[1]) for k, v in data.get("legacy_labels", {}).items()}
        rows = []
        lines = [
            ln
            for ln in _read_text("cameo_plover.tsv").splitlines()
            if ln and not ln.startswith("#")
        ]
        for rec in csv.DictReader(lines, delimiter="\t"):
            rows.append(
                CameoRow(
                    cameo=rec["cameo"],
                    event=rec["event"],
                    mode=rec["mode"],
                    context=tuple(c for c in rec["context"].split(";") if c),
                    description=rec["description"],
                )
            )
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise EventError(
            f"the packaged PLOVER ontology is malformed: {exc}; reinstall detente", code="E063"
        ) from exc
    by_cameo: dict[str, CameoRow] = {}
    for row in rows:
        by_cameo.setdefault(row.cameo, row)
    return Ontology(
        version=str(data.get("version", "")),
        events=events,
        contexts=tuple(data["contexts"]),
        auxiliary_modes=tuple(data.get("auxiliary_modes", ())),
        legacy=legacy,
        crosswalk=tuple(rows),
        _by_cameo=by_cameo,
    )
