"""Quotes: direct and reported speech (placeholder until issue #5 lands)."""

from __future__ import annotations

from ..config import Settings
from ..records import Article

__all__ = ["LinkStage", "QuoteStage"]


class QuoteStage:
    """Find quotations and their speakers; assigns ``quotes``."""

    name = "quotes"
    version = "0"
    requires: tuple[str, ...] = ("doc", "mentions")
    assigns: tuple[str, ...] = ("quotes",)

    @classmethod
    def from_settings(cls, settings: Settings) -> QuoteStage:
        return cls()

    def __call__(self, article: Article) -> Article:
        return article


class LinkStage:
    """Link events to the quotes they were said in (``reported_by``, ``quote_id``)."""

    name = "link"
    version = "0"
    requires: tuple[str, ...] = ("events", "quotes")
    assigns: tuple[str, ...] = ("links",)

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkStage:
        return cls()

    def __call__(self, article: Article) -> Article:
        return article
