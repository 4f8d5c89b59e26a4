"""The pipeline: requires/assigns checks, order, batching, and the error policy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest

from detente.config import Settings
from detente.errors import PipelineError
from detente.pipeline import Pipeline, build_stage
from detente.read.base import make_article, reject
from detente.records import Article


@dataclass
class Tag:
    name: str
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    version: str = "1"
    fail_on: str | None = None

    def __call__(self, article: Article) -> Article:
        if self.fail_on and self.fail_on in article.text:
            raise ValueError("boom")
        return article.with_(meta={**article.meta, self.name: True})


class Batched(Tag):
    batch_size = 2

    def __init__(self) -> None:
        super().__init__("batched", assigns=("b",))
        self.batches: list[int] = []

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        arts = list(articles)
        self.batches.append(len(arts))
        if any("poison" in a.text for a in arts):
            raise ValueError("bad batch")
        return (a.with_(meta={**a.meta, "batched": True}) for a in arts)


def arts(*texts: str) -> list[Article]:
    return [make_article(f"in{i}", t) for i, t in enumerate(texts)]


def test_missing_requirement_fails_before_any_article() -> None:
    with pytest.raises(PipelineError, match="requires doc"):
        Pipeline([Tag("a", requires=("doc",))])


def test_assigned_requirement_is_satisfied() -> None:
    pipe = Pipeline([Tag("a", assigns=("doc",)), Tag("b", requires=("doc",))])
    out = pipe(arts("x")[0])
    assert out.meta == {"a": True, "b": True}


def test_not_a_stage_is_refused() -> None:
    with pytest.raises(PipelineError, match="not a stage"):
        Pipeline([object()])  # type: ignore[list-item]


def test_error_in_one_article_rejects_only_that_article() -> None:
    pipe = Pipeline([Tag("a", fail_on="bad")])
    out = list(pipe.pipe(arts("good one", "bad one", "good two")))
    assert [a.rejected is None for a in out] == [True, False, True]
    assert out[1].rejected is not None and "stage a" in out[1].rejected.detail
    assert [a.input for a in out] == ["in0", "in1", "in2"]


def test_raise_policy_propagates() -> None:
    pipe = Pipeline([Tag("a", fail_on="bad")], on_error="raise")
    with pytest.raises(ValueError):
        list(pipe.pipe(arts("bad")))


def test_batches_skip_rejected_and_keep_order() -> None:
    stage = Batched()
    pipe = Pipeline([stage])
    inputs = arts("a", "b", "c")
    inputs.insert(1, reject("r", "empty", "input is empty"))
    out = list(pipe.pipe(inputs))
    assert [a.input for a in out] == ["in0", "r", "in1", "in2"]
    assert out[1].rejected is not None and "batched" not in out[1].meta
    assert all(a.meta.get("batched") for a in out if a.rejected is None)
    assert stage.batches == [2, 1]


def test_failing_batch_falls_back_to_single_articles() -> None:
    stage = Batched()
    out = list(Pipeline([stage]).pipe(arts("fine", "poison")))
    assert out[0].rejected is None and out[0].meta.get("batched")
    assert out[1].rejected is not None


def test_unknown_stage_name() -> None:
    with pytest.raises(PipelineError, match="unknown stage"):
        build_stage("telepathy", Settings())


def test_default_pipeline_versions(nlp) -> None:
    pipe = Pipeline.from_settings(Settings())
    names = [s.name for s in pipe.stages]
    assert names == ["clean", "language", "nlp", "actors", "places", "events", "quotes", "link"]
    assert set(pipe.versions) == set(names)
