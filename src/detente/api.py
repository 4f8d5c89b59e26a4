"""The high-level library API: code a text, an HTML page, or files, with a cached pipeline."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence

from .config import Settings, load_settings
from .pipeline import DEFAULT_STAGES, Pipeline
from .read import make_article, read_html, read_paths, read_text
from .read.base import fill_defaults
from .records import Article

__all__ = ["code_articles", "code_html", "code_paths", "code_text", "get_pipeline"]

_lock = threading.Lock()
_pipelines: dict[str, Pipeline] = {}


def get_pipeline(settings: Settings | None = None, stages: Sequence[str] | None = None) -> Pipeline:
    """Return the pipeline for ``settings`` (built once per process, settings and stages).

    Args:
        settings: pipeline settings (default: :func:`~detente.config.load_settings`).
        stages: stage names to run (default: every stage, :data:`~detente.pipeline.DEFAULT_STAGES`);
            re-coding stored texts runs only the coding stages.
    """
    settings = settings or load_settings()
    names = tuple(stages) if stages is not None else DEFAULT_STAGES
    key = f"{settings!r}|{','.join(names)}"
    with _lock:
        if key not in _pipelines:
            _pipelines[key] = Pipeline.from_settings(settings, stages=names)
        return _pipelines[key]


def _finish(article: Article, settings: Settings, date: str | None, source: str | None) -> Article:
    return fill_defaults(article, date or settings.default_date, source or settings.source)


def code_text(
    text: str,
    *,
    title: str | None = None,
    date: str | None = None,
    source: str | None = None,
    url: str | None = None,
    id: str | None = None,
    split_title: bool = False,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
) -> Article:
    """Code one plain-text article and return it with mentions, events and quotes.

    Args:
        text: the article text (boilerplate is removed by the clean stage).
        title: the headline, coded too; with ``split_title`` the first line is taken when it
            looks like a headline.
        date: publication date (``YYYY-MM-DD``); event dates are resolved against it.
        source, url, id: metadata kept on the article (``id`` defaults to a content hash).
        settings, pipeline: override the defaults.
    """
    settings = settings or load_settings()
    if split_title and title is None:
        art = read_text("<text>", text, published=date, source=source, url=url, id=id)
    else:
        art = make_article(
            "<text>", text, title=title, published=date, source=source, url=url, id=id
        )
    return (pipeline or get_pipeline(settings))(_finish(art, settings, date, source))


def code_html(
    html: str,
    *,
    url: str | None = None,
    date: str | None = None,
    source: str | None = None,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
) -> Article:
    """Code one HTML page: the main text and metadata are extracted first (trafilatura)."""
    settings = settings or load_settings()
    art = read_html(url or "<html>", html, url=url)
    return (pipeline or get_pipeline(settings))(_finish(art, settings, date, source))


def code_articles(
    articles: Iterable[Article],
    *,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
) -> Iterator[Article]:
    """Code read articles in a stream, in order (rejected ones pass through)."""
    settings = settings or load_settings()
    pipe = pipeline or get_pipeline(settings)
    yield from pipe.pipe(_finish(a, settings, None, None) for a in articles)


def code_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
) -> Iterator[Article]:
    """Read and code every input under ``paths`` (files, directories, ``-``), in input order."""
    settings = settings or load_settings()
    arts = read_paths(
        paths, max_bytes=settings.max_bytes, published=settings.default_date, source=settings.source
    )
    yield from code_articles(arts, settings=settings, pipeline=pipeline)
