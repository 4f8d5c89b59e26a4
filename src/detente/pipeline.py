"""Ordered stages, checked before the first article runs, with an error policy.

A stage is any object with ``name``, ``version``, ``requires``, ``assigns`` and
``__call__(article) -> article``; it may also offer ``pipe(articles) -> iterator`` when batching
helps (the NLP stage does). Stages are built from settings by name through :data:`STAGES`, so a
user can insert, drop or replace one.

Rejected articles pass through later stages untouched. No stage catches every exception: when a
stage raises on one article, the pipeline applies an error policy and the batch goes on:

1. the policy is the stage's own ``on_error`` class attribute when it declares one, else the
   pipeline's ``on_error`` (default ``"reject"``);
2. ``"skip"``: the article goes on without what the stage would have assigned (the quotes stage
   does this: a quote-finding bug must not cost the article its events);
   ``"reject"``: the article becomes a rejection (``reason="error"``);
   ``"raise"``: the exception propagates to the caller;
3. every caught error is recorded in ``article.meta["stage_errors"]``, a list of
   ``{"stage", "error", "message"}`` objects, and logged as a warning.

Example: a stage ``class Flaky: name = "flaky"; on_error = "skip"`` that raises ``ValueError("x")``
leaves the article coded by the other stages with
``meta["stage_errors"] == [{"stage": "flaky", "error": "ValueError", "message": "x"}]``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, get_args, runtime_checkable

from .config import Settings
from .errors import PipelineError
from .records import Article, ErrorPolicy, Rejected, RejectReason

__all__ = [
    "DEFAULT_STAGES",
    "SERVICES",
    "STAGES",
    "ErrorPolicy",
    "Pipeline",
    "Stage",
    "build_stage",
    "error_policy",
]

log = logging.getLogger(__name__)

#: What readers give every article before any stage runs.
READER_ASSIGNS = frozenset({"text", "title", "raw_text", "published", "source", "url"})

#: Stage name -> "module:Class"; the class has ``from_settings(settings)``.
STAGES: dict[str, str] = {
    "clean": "detente.clean:CleanStage",
    "language": "detente.language:LanguageStage",
    "nlp": "detente.gating:GatedNLPStage",
    "actors": "detente.actors:ActorStage",
    "places": "detente.geo:PlaceStage",
    "locations": "detente.geo.locate:LocationStage",
    "events": "detente.events:EventStage",
    "quotes": "detente.quotes:QuoteStage",
    "link": "detente.quotes:LinkStage",
}

#: Service name -> "module:function": what a stage that lists it in ``services`` is given as a
#: keyword of ``from_settings`` (so that sibling packages need not import each other: the actor
#: stage gets the world gazetteer of ``detente.geo``).
SERVICES: dict[str, str] = {
    "places": "detente.geo:place_country",
    "person_gender": "detente.actors:person_gender",
}

DEFAULT_STAGES: tuple[str, ...] = (
    "clean",
    "language",
    "nlp",
    "actors",
    "places",
    "events",
    "locations",
    "quotes",
    "link",
)


@runtime_checkable
class Stage(Protocol):
    """What the pipeline needs of a stage.

    A stage may also declare ``on_error: ErrorPolicy`` (a class attribute) to say what the
    pipeline does with its errors; without it the pipeline's own ``on_error`` applies.
    """

    name: str
    version: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, article: Article) -> Article: ...


def build_stage(name: str, settings: Settings) -> Stage:
    """Build the stage registered under ``name`` from ``settings``.

    Raises:
        PipelineError: no stage has that name.
    """
    try:
        target = STAGES[name]
    except KeyError:
        raise PipelineError(
            f"unknown stage {name!r}; known stages: {', '.join(STAGES)}", code="E021"
        ) from None
    module_name, _, cls_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    services = {}
    for service in getattr(cls, "services", ()):
        mod, _, func = SERVICES[service].partition(":")
        services[service] = getattr(importlib.import_module(mod), func)
    stage: Stage = cls.from_settings(settings, **services)
    return stage


def error_policy(stage: Stage, default: ErrorPolicy) -> ErrorPolicy:
    """The error policy of ``stage``: its declared ``on_error``, else ``default``.

    Raises:
        PipelineError: the stage declares a policy that is not skip, reject or raise.
    """
    policy = getattr(stage, "on_error", None)
    if policy is None:
        return default
    if policy not in get_args(ErrorPolicy):
        raise PipelineError(
            f"stage {stage.name!r} declares on_error={policy!r}; use one of "
            f"{', '.join(get_args(ErrorPolicy))}",
            code="E027",
        )
    return policy


def _record_error(article: Article, stage: Stage, exc: Exception) -> dict[str, Any]:
    """``article.meta`` with the stage error appended to ``stage_errors`` (a new dict)."""
    errors = [*article.meta.get("stage_errors", ()), _error_entry(stage, exc)]
    return {**article.meta, "stage_errors": errors}


def _error_entry(stage: Stage, exc: Exception) -> dict[str, str]:
    return {"stage": stage.name, "error": type(exc).__name__, "message": str(exc)}


class Pipeline:
    """An ordered list of stages that turns read articles into coded ones."""

    def __init__(
        self,
        stages: Sequence[Stage],
        *,
        on_error: ErrorPolicy = "reject",
        settings: Settings | None = None,
    ) -> None:
        self.stages = list(stages)
        self.on_error: ErrorPolicy = on_error
        self.settings = settings or Settings()
        self._check()
        for stage in self.stages:
            error_policy(stage, on_error)  # a bad declaration fails before the first article

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, stages: Iterable[str] = DEFAULT_STAGES, **kw: Any
    ) -> Pipeline:
        """Build the standard pipeline (or the named ``stages``) from ``settings``."""
        settings = settings or Settings()
        return cls([build_stage(n, settings) for n in stages], settings=settings, **kw)

    def _check(self) -> None:
        have = set(READER_ASSIGNS)
        for stage in self.stages:
            if not isinstance(stage, Stage):
                raise PipelineError(
                    f"{stage!r} is not a stage (needs name, version, "
                    "requires, assigns and __call__)",
                    code="E022",
                )
            missing = [r for r in stage.requires if r not in have]
            if missing:
                raise PipelineError(
                    f"stage {stage.name!r} requires {', '.join(missing)}, which no earlier stage "
                    f"assigns; put a stage that assigns it first",
                    code="E023",
                )
            have.update(stage.assigns)

    @property
    def versions(self) -> dict[str, str]:
        """Stage name -> version, recorded with every run."""
        return {s.name: s.version for s in self.stages}

    def __call__(self, article: Article) -> Article:
        """Run every stage over one article."""
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Run every stage over a stream of articles, in input order, batching where stages can."""
        stream: Iterable[Article] = articles
        for stage in self.stages:
            stream = self._apply(stage, stream)
        yield from stream

    def _apply(self, stage: Stage, stream: Iterable[Article]) -> Iterator[Article]:
        batch_pipe = getattr(stage, "pipe", None)
        if batch_pipe is not None:
            yield from self._guard_batch(stage, batch_pipe, stream)
            return
        for article in stream:
            yield self._run_one(stage, article)

    def _run_one(self, stage: Stage, article: Article, batch_pipe: Any = None) -> Article:
        if article.rejected is not None:
            return article
        try:
            if batch_pipe is not None:
                # the same code path as the batch, so a failure isolates the article that caused it
                return next(iter(batch_pipe([article])))
            return stage(article)
        except Exception as exc:
            # one bad article must not take the batch down: the stage's policy decides
            policy = error_policy(stage, self.on_error)
            if policy == "raise":
                raise
            log.warning(
                "stage %s failed on %s (%s): %s: %s",
                stage.name,
                article.input,
                policy,
                type(exc).__name__,
                exc,
            )
            meta = _record_error(article, stage, exc)
            if policy == "skip":
                return article.with_(meta=meta)
            return article.with_(
                meta=meta,
                rejected=Rejected(
                    reason=RejectReason.ERROR,
                    detail=f"stage {stage.name}: {type(exc).__name__}: {exc}",
                    input=article.input,
                ),
            )

    def _guard_batch(
        self, stage: Stage, batch_pipe: Any, stream: Iterable[Article]
    ) -> Iterator[Article]:
        # Batching stages see only live articles; rejected ones are re-inserted in order.
        pending: list[Article] = []
        live: list[Article] = []

        def flush() -> Iterator[Article]:
            try:
                done = iter(list(batch_pipe(live))) if live else iter(())
            except Exception:
                # retry one article at a time to isolate the one that failed
                if error_policy(stage, self.on_error) == "raise":
                    raise
                yield from (self._run_one(stage, art, batch_pipe) for art in pending)
                return
            for art in pending:
                yield art if art.rejected is not None else next(done)

        size = max(1, getattr(stage, "batch_size", 32))
        for article in stream:
            pending.append(article)
            if article.rejected is None:
                live.append(article)
            if len(live) >= size:
                yield from flush()
                pending, live = [], []
        yield from flush()
