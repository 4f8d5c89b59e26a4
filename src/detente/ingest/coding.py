"""What an article's coding depends on: the coding stages, their versions and knowledge files.

Re-coding runs only the stages after reading and cleaning (the stored text is already clean).
A run records :func:`coding_inputs` with its settings; an article is up to date when the run that
coded it has the same coding-stage versions and the same inputs (file contents, not only names,
so an edited actor file counts as a change).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..config import Settings
from ..pipeline import DEFAULT_STAGES

__all__ = ["CODING_STAGES", "coding_inputs", "coding_versions", "file_digest"]

#: The stages that code a stored text (reading and cleaning are not repeated).
CODING_STAGES: tuple[str, ...] = tuple(s for s in DEFAULT_STAGES if s not in ("clean", "language"))


def file_digest(path: str) -> str:
    """The SHA-256 of a file's content (``missing`` when it cannot be read)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def coding_inputs(settings: Settings) -> dict[str, Any]:
    """The settings the coding stages depend on, with a digest of every knowledge file."""
    return {
        "model": settings.model,
        "actors_files": {p: file_digest(p) for p in settings.actors_files},
        "lexicon_files": {p: file_digest(p) for p in settings.lexicon_files},
        "event_model": settings.event_model,
    }


def coding_versions(versions: dict[str, str] | None) -> dict[str, str]:
    """The versions of the coding stages among a run's stage versions."""
    return {k: v for k, v in (versions or {}).items() if k in CODING_STAGES}
