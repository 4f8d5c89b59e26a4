"""The article's main country among its places: one rule for the geo and events stages.

Each place counts for its country, a demonym ("Russian") half as much. The geo stage takes the
most named country as the fallback location of an event; the events stage, which gives a
country to agents from it, wants one that dominates, so a tie gives it none.
"""

from __future__ import annotations

from collections.abc import Iterable

from .records import Place

__all__ = ["main_country"]


def main_country(places: Iterable[Place], *, decisive: bool = False) -> str | None:
    """The most named country of ``places`` (ISO alpha-3), or None.

    Args:
        places: the article's places.
        decisive: return None when two countries tie for the most mentions.
    """
    counts: dict[str, float] = {}
    for p in places:
        if p.country:
            counts[p.country] = counts.get(p.country, 0.0) + (0.5 if p.via == "demonym" else 1.0)
    if not counts:
        return None
    if decisive:
        ranked = sorted(counts.values(), reverse=True)
        if len(ranked) > 1 and ranked[0] == ranked[1]:
            return None  # no country dominates
    return max(counts, key=lambda code: counts[code])
