"""Actors: knowledge base and mention resolution (placeholder until issue #3 lands)."""

from __future__ import annotations

from ..config import Settings
from ..records import Article

__all__ = ["ActorStage"]


class ActorStage:
    """Find and resolve actor mentions; assigns ``mentions``."""

    name = "actors"
    version = "0"
    requires: tuple[str, ...] = ("doc",)
    assigns: tuple[str, ...] = ("mentions",)

    @classmethod
    def from_settings(cls, settings: Settings) -> ActorStage:
        return cls()

    def __call__(self, article: Article) -> Article:
        return article
