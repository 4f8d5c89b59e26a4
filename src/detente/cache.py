"""Where compiled knowledge is cached on disk (the actor knowledge base, the gazetteer).

``$DETENTE_CACHE_DIR/<part>`` when that variable is set, else ``<part>`` under the user cache
directory (``platformdirs``: ``~/.cache/detente`` on Linux); ``DETENTE_CACHE_DIR=""`` (empty)
turns the disk cache off, and callers then build in memory.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir(part: str) -> Path | None:
    """The cache folder for ``part`` (e.g. ``"kb"``), or None when caching is off."""
    env = os.environ.get("DETENTE_CACHE_DIR")
    if env is not None:
        return Path(env) / part if env else None
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    return Path(platformdirs.user_cache_dir("detente", appauthor=False)) / part
