"""detente: political event data from news — who did what to whom, when, where, and who said what.

The public API::

    import detente
    article = detente.code_text(text, title="...", date="2017-11-24")
    article.events, article.quotes, article.mentions
    article.to_dict()  # the JSON output contract
"""

from __future__ import annotations

from ._version import __version__
from .api import code_articles, code_html, code_paths, code_text, get_pipeline
from .config import Settings, load_settings
from .errors import (
    ActorError,
    ConfigError,
    DetenteError,
    EvalError,
    EventError,
    NLPError,
    PipelineError,
    ReadError,
    StoreError,
    WebError,
)
from .pipeline import Pipeline, Stage
from .read import read_paths
from .records import (
    ActorRef,
    Article,
    Credit,
    Entity,
    Event,
    Evidence,
    Mention,
    Quote,
    Rejected,
    RejectReason,
    Removed,
    Span,
    Speaker,
)

__all__ = [
    "ActorError",
    "ActorRef",
    "Article",
    "ConfigError",
    "Credit",
    "DetenteError",
    "Entity",
    "EvalError",
    "Event",
    "EventError",
    "Evidence",
    "Mention",
    "NLPError",
    "Pipeline",
    "PipelineError",
    "Quote",
    "ReadError",
    "RejectReason",
    "Rejected",
    "Removed",
    "Settings",
    "Span",
    "Speaker",
    "Stage",
    "StoreError",
    "WebError",
    "__version__",
    "code_articles",
    "code_html",
    "code_paths",
    "code_text",
    "get_pipeline",
    "load_settings",
    "read_paths",
]
