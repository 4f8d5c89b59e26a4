"""The world map of the dashboard: events as points on an offline world outline, inline SVG.

The outline is ``static/world.svg`` (Natural Earth 1:110m country shapes, public domain, drawn
by ``scripts/make_world_svg.py``), so the map needs no tile server and no CDN. Both share one
equirectangular projection in degrees: the viewBox is ``-180 -90 360 180`` and a place is drawn
at ``(lon, -lat)``. Each point is a circle whose area grows with its number of events, coloured
by the quad class most of them have (the CSS classes ``q1`` .. ``q4`` of every chart), and links
to the events page filtered to that place. Every label is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from ..quads import QUAD_CLASSES, quad_label

__all__ = ["WORLD_SVG", "dominant_quad", "event_link", "point_radius", "world_map_svg"]

#: The outline, served from this package's static files.
WORLD_SVG = "/static/world.svg"

# Circle radii in degrees of the map (360 wide): the smallest stays clickable, the largest
# does not hide a continent.
_MIN_RADIUS, _MAX_RADIUS = 1.3, 7.0


def dominant_quad(counts: Mapping[str, int]) -> int:
    """The quad class most of a place's events have (the more conflictual one on a tie; 0 if
    none has one)."""
    best, top = 0, 0
    for quad in QUAD_CLASSES:
        n = int(counts.get(str(quad), 0) or 0)
        if n and n >= top:
            best, top = quad, n
    return best


def point_radius(count: int, largest: int) -> float:
    """A circle's radius, its area proportional to its count (relative to the largest)."""
    if largest <= 0 or count <= 0:
        return _MIN_RADIUS
    return _MIN_RADIUS + (_MAX_RADIUS - _MIN_RADIUS) * math.sqrt(count / largest)


def event_link(point: Mapping[str, Any], query: Mapping[str, str]) -> str:
    """The events page filtered to a point's place (and the map's other filters)."""
    params = {k: v for k, v in query.items() if k not in ("location", "country")}
    params["location"] = str(point.get("name") or "")
    if point.get("country"):
        params["country"] = str(point["country"])
    return "/events?" + urlencode(params)


def _title(point: Mapping[str, Any]) -> str:
    counts = point.get("counts") or {}
    parts = [f"{quad_label(q)} {counts.get(str(q), 0)}" for q in QUAD_CLASSES if counts.get(str(q))]
    n = int(point.get("count") or 0)
    where = ", ".join(str(x) for x in (point.get("name"), point.get("country")) if x)
    detail = f" ({'; '.join(parts)})" if parts else ""
    return f"{where}: {n} event{'s' if n != 1 else ''}{detail}"


def world_map_svg(
    points: Sequence[Mapping[str, Any]],
    query: Mapping[str, str],
    *,
    label: str = "Where the events happened",
) -> Markup:
    """Draw the points on the world outline.

    Args:
        points: places as :meth:`detente.web.queries.Repository.map_points` gives them
            (``name``, ``country``, ``lat``, ``lon``, ``count``, ``counts``).
        query: the map's filters as query parameters, kept in each point's link.
        label: the accessible name of the map.

    Returns:
        Safe SVG markup (the outline, a 30-degree graticule and one linked circle per place).
    """
    out = [
        '<svg class="world-map" viewBox="-180 -90 360 180" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(label)}</title>",
        '<rect class="sea" x="-180" y="-90" width="360" height="180"/>',
        f'<image href="{WORLD_SVG}" x="-180" y="-90" width="360" height="180" '
        'preserveAspectRatio="none"/>',
        '<g class="graticule">',
    ]
    out += [f'<line x1="{x}" x2="{x}" y1="-90" y2="90"/>' for x in range(-150, 180, 30)]
    out += [f'<line x1="-180" x2="180" y1="{y}" y2="{y}"/>' for y in range(-60, 90, 30)]
    out.append("</g>")
    largest = max((int(p.get("count") or 0) for p in points), default=0)
    out.append('<g class="points">')
    # the largest first, so that a small place on top of a big one stays clickable
    for p in sorted(points, key=lambda p: -int(p.get("count") or 0)):
        lat, lon = float(p["lat"]), float(p["lon"])
        r = point_radius(int(p.get("count") or 0), largest)
        quad = dominant_quad(p.get("counts") or {})
        out.append(
            f'<a href="{escape(event_link(p, query))}" class="map-point" '
            f'data-name="{escape(p.get("name") or "")}" data-count="{int(p.get("count") or 0)}">'
            f'<circle class="q{quad}" cx="{lon:.2f}" cy="{-lat:.2f}" r="{r:.2f}"/>'
            f"<title>{escape(_title(p))}</title></a>"
        )
    out.append("</g></svg>")
    return Markup("".join(out))
