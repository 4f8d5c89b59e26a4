"""Server-rendered charts: small, dependency-free inline SVG.

Charts are drawn on the server so that the dashboard needs no JavaScript library (and works
offline); every label is escaped. Colours follow the quad classes and are defined in CSS
(``.q1`` .. ``.q4``) so that the legend, the badges and the charts always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from ..quads import QUAD_CLASSES, quad_label

__all__ = ["QUADS", "quad_label", "timeline_svg"]

#: PLOVER quad classes by ``quad_code`` (the package's one table, :mod:`detente.quads`).
QUADS: dict[int, str] = QUAD_CLASSES


def _nice_max(value: float) -> int:
    """Round a maximum up to 1, 2 or 5 times a power of ten, so the axis ticks are readable."""
    if value <= 1:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if value <= m * step:
                return m * step
        step *= 10


def timeline_svg(
    series: Sequence[Mapping[str, Any]],
    *,
    intensity: bool = False,
    width: int = 760,
    height: int = 230,
    label: str = "Events over time by quad class",
) -> Markup:
    """Draw stacked bars of event counts per period and quad class, optionally with intensity.

    Args:
        series: one mapping per period, oldest first, with ``period`` (str), ``counts``
            (quad code -> count) and, for ``intensity``, ``mean_intensity`` (-10..10 or None).
        intensity: also draw the mean intensity per period as a line on a -10..+10 right axis.
        width, height: the SVG coordinate system (the element scales to its container).
        label: the accessible name of the chart.

    Returns:
        Safe SVG markup; a short note when there is nothing to draw.
    """
    if not series:
        return Markup('<p class="empty">No dated events yet.</p>')
    left, right, top, bottom = 40, 44 if intensity else 12, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(int(v) for v in (p.get("counts") or {}).values()) for p in series]
    ymax = _nice_max(max(totals) if totals else 1)
    n = len(series)
    slot = plot_w / n
    bar_w = max(min(slot * 0.7, 48.0), 1.0)
    out: list[str] = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(label)}</title>",
    ]
    # Horizontal grid with count ticks (0, half, max).
    # Count ticks at 0, the top and (when it is a whole number) the middle.
    for frac in (0.0, 0.5, 1.0) if ymax % 2 == 0 else (0.0, 1.0):
        y = top + plot_h * (1 - frac)
        out.append(
            f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        tick = ymax * frac
        tick_txt = f"{tick:g}"
        out.append(
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick_txt}</text>'
        )
    # Show at most ~12 period labels so they never overlap.
    every = max(1, -(-n // 12))
    for i, point in enumerate(series):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        period = str(point.get("period") or "")
        counts = point.get("counts") or {}
        for quad in QUADS:
            c = int(counts.get(quad, counts.get(str(quad), 0)) or 0)
            if not c:
                continue
            h = plot_h * c / ymax
            y -= h
            out.append(
                f'<rect class="q{quad}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}"><title>{escape(period)}: {c} {QUADS[quad]}</title></rect>'
            )
        if i % every == 0:
            cx = left + slot * i + slot / 2
            out.append(
                f'<text class="axis" x="{cx:.1f}" y="{top + plot_h + 16}" '
                f'text-anchor="middle">{escape(period)}</text>'
            )
    if intensity:
        out.extend(_intensity_line(series, left, top, plot_w, plot_h, slot))
    out.append("</svg>")
    return Markup("".join(out))


def _intensity_line(
    series: Sequence[Mapping[str, Any]],
    left: float,
    top: float,
    plot_w: float,
    plot_h: float,
    slot: float,
) -> list[str]:
    """The mean-intensity line and its right axis (-10 at the bottom, +10 at the top)."""
    out: list[str] = []
    x_axis = left + plot_w
    for value in (-10, 0, 10):
        y = top + plot_h * (10 - value) / 20
        out.append(
            f'<text class="axis intensity-axis" x="{x_axis + 6}" y="{y + 4:.1f}">{value:+d}</text>'
        )
    zero = top + plot_h / 2
    out.append(f'<line class="zero" x1="{left}" x2="{x_axis}" y1="{zero:.1f}" y2="{zero:.1f}"/>')
    points: list[tuple[float, float, float, str]] = []
    # The line joins adjacent periods only: a period without events has no mean, and drawing
    # through it would suggest values that were never observed.
    runs: list[list[tuple[float, float]]] = []
    previous = -2
    for i, point in enumerate(series):
        raw = point.get("mean_intensity")
        if raw is None:
            continue
        v = max(-10.0, min(10.0, float(raw)))
        x, y = left + slot * i + slot / 2, top + plot_h * (10 - v) / 20
        points.append((x, y, v, str(point.get("period") or "")))
        if i != previous + 1:
            runs.append([])
        runs[-1].append((x, y))
        previous = i
    for run in runs:
        if len(run) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            out.append(f'<polyline class="intensity" points="{path}"/>')
    for x, y, v, period in points:
        out.append(
            f'<circle class="intensity-dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
            f"<title>{escape(period)}: mean intensity {v:+.1f}</title></circle>"
        )
    return out
