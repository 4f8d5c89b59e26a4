"""The pipeline: requires/assigns checks, order, batching, and the error policy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest

from detente.config import Settings
from detente.errors import PipelineError
from detente.pipeline import Pipeline, build_stage
from detente.read.base import make_article, reject
from detente.records import Article, RejectReason


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


class Flaky(Tag):
    """A fictional stage that fails on texts containing ``fail_on`` and declares a policy."""

    def __init__(self, on_error: str, fail_on: str = "bad") -> None:
        super().__init__("flaky", fail_on=fail_on)
        self.on_error = on_error


def test_rejection_records_the_stage_error() -> None:
    out = Pipeline([Tag("a", fail_on="bad")])(arts("bad one")[0])
    assert out.rejected is not None and out.rejected.reason is RejectReason.ERROR
    assert out.meta["stage_errors"] == [{"stage": "a", "error": "ValueError", "message": "boom"}]


def test_skip_policy_keeps_the_article_for_later_stages() -> None:
    pipe = Pipeline([Flaky("skip"), Tag("after")])
    good, bad = pipe.pipe(arts("good", "bad"))
    assert good.rejected is None and good.meta == {"flaky": True, "after": True}
    assert bad.rejected is None
    assert bad.meta == {
        "after": True,
        "stage_errors": [{"stage": "flaky", "error": "ValueError", "message": "boom"}],
    }


def test_stage_policy_wins_over_the_pipeline_default() -> None:
    with pytest.raises(ValueError, match="boom"):
        list(Pipeline([Flaky("raise")], on_error="reject").pipe(arts("bad")))
    out = Pipeline([Flaky("reject")], on_error="raise")(arts("bad")[0])
    assert out.rejected is not None and out.meta["stage_errors"][0]["stage"] == "flaky"


def test_errors_of_several_stages_accumulate_without_touching_the_input() -> None:
    first = arts("bad")[0]
    out = Pipeline([Flaky("skip"), Tag("b", fail_on="bad")])(first)
    assert [e["stage"] for e in out.meta["stage_errors"]] == ["flaky", "b"]
    assert first.meta == {}


def test_unknown_stage_policy_is_refused() -> None:
    with pytest.raises(PipelineError, match="on_error='ignore'"):
        Pipeline([Flaky("ignore")])


def test_quote_stage_errors_are_skipped_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    import detente.quotes as quotes

    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("quote bug")

    monkeypatch.setattr(quotes, "extract_quotes", broken)
    stage = quotes.QuoteStage()
    assert stage.on_error == "skip"
    pipe = Pipeline([Tag("parse", assigns=("doc", "mentions")), stage, Tag("after")])
    out = pipe(arts("Varn said the border stays open.")[0])
    assert out.rejected is None and out.quotes == ()
    assert out.meta["after"] is True
    assert out.meta["stage_errors"] == [
        {"stage": "quotes", "error": "RuntimeError", "message": "quote bug"}
    ]
    with pytest.raises(RuntimeError):
        stage(arts("x")[0])


def test_raise_policy_propagates() -> None:
    pipe = Pipeline([Tag("a", fail_on="bad")], on_error="raise")
    with pytest.raises(ValueError):
        list(pipe.pipe(arts("bad")))


def test_batches_skip_rejected_and_keep_order() -> None:
    stage = Batched()
    pipe = Pipeline([stage])
    inputs = arts("a", "b", "c")
    inputs.insert(1, reject("r", RejectReason.EMPTY, "input is empty"))
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
    assert names == [
        "clean",
        "language",
        "nlp",
        "actors",
        "places",
        "events",
        "locations",
        "quotes",
        "link",
    ]
    assert set(pipe.versions) == set(names)


def test_reject_reason_is_a_str_enum_with_the_contract_strings() -> None:
    import json

    assert {r.value for r in RejectReason} == {
        "empty",
        "binary",
        "undecodable",
        "too_large",
        "unreadable",
        "invalid_json",
        "no_text",
        "language",
        "error",
    }
    art = reject("in.txt", RejectReason.TOO_LARGE, "too big")
    assert art.rejected is not None and art.rejected.reason == "too_large"
    assert json.dumps(art.rejected.to_dict()) == (
        '{"reason": "too_large", "detail": "too big", "input": "in.txt"}'
    )
