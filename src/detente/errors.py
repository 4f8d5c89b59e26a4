"""The detente exception tree: one documented base class, one subclass per layer.

Errors carry a short code (``E0xx``) and say how to fix the problem. Bad *inputs* never raise out
of the pipeline: they become :class:`~detente.records.Rejected` values. Exceptions are for bad
configuration, missing resources and programming errors.
"""

from __future__ import annotations

__all__ = [
    "ActorError",
    "ConfigError",
    "DetenteError",
    "EvalError",
    "EventError",
    "NLPError",
    "PipelineError",
    "ReadError",
    "StoreError",
    "WebError",
]


class DetenteError(Exception):
    """Base class of every error detente raises on purpose."""

    code = "E000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        if code:
            self.code = code
        super().__init__(f"[{self.code}] {message}")


class ConfigError(DetenteError):
    """A setting, data file or pipeline configuration is invalid."""

    code = "E010"


class PipelineError(DetenteError):
    """Stages do not fit together (a stage requires what no earlier stage assigns)."""

    code = "E020"


class ReadError(DetenteError):
    """An input path cannot be opened at all (missing file, unreadable directory)."""

    code = "E030"


class NLPError(DetenteError):
    """The spaCy pipeline cannot be loaded or is not an English pipeline."""

    code = "E040"


class ActorError(DetenteError):
    """The actor knowledge base or a user actor file is invalid."""

    code = "E050"


class EventError(DetenteError):
    """The PLOVER ontology or trigger lexicon is invalid."""

    code = "E060"


class StoreError(DetenteError):
    """The DuckDB store cannot be opened, migrated or queried."""

    code = "E070"


class EvalError(DetenteError):
    """A gold set is missing or malformed."""

    code = "E080"


class WebError(DetenteError):
    """The web application cannot start."""

    code = "E090"
