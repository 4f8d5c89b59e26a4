"""Events: PLOVER coding (placeholder until issue #4 lands)."""

from __future__ import annotations

from ..config import Settings
from ..records import Article

__all__ = ["EventStage"]


class EventStage:
    """Code PLOVER events from the parse and the mentions; assigns ``events``."""

    name = "events"
    version = "0"
    requires: tuple[str, ...] = ("doc", "mentions")
    assigns: tuple[str, ...] = ("events",)

    @classmethod
    def from_settings(cls, settings: Settings) -> EventStage:
        return cls()

    def __call__(self, article: Article) -> Article:
        return article
