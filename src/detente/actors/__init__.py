"""Actors: the knowledge base of states, organisations and office holders, and mention resolution.

Public API (what other stages call)::

    from detente.actors import load_kb, lookup, resolve, mentions_in

    kb = load_kb(extra_files=("tests/fictional/world.yaml",))   # cached per process
    resolve("Russian Foreign Minister Sergei Lavrov", "2017-11-24")
    # -> ActorRef(code="RUS", sector="GOV", name="Sergei Lavrov", kind="person",
    #             kb_id="person:sergei-lavrov")
    resolve("Kremlin", "2017-11-24")        # -> ActorRef(code="RUS", sector="GOV", kind="state")
    lookup(kb, "Taro Kono", "2020-01-01")    # every reading with the reason ("why")

    article = ActorStage.from_settings(settings)(article)   # fills article.mentions
    mentions_in(article, start, end)         # mentions inside doc_text offsets [start, end)

- ``resolve(text, date=None, kb=None)`` accepts a name, a noun phrase or a spaCy ``Span``
  (``span.text`` is used) and returns an :class:`~detente.records.ActorRef` or ``None``.
  A location ("Tokyo" as a place) has ``kind == "location"``: a place, never an actor.
- :class:`ActorStage` (name ``actors``, requires ``doc``, assigns ``mentions``) finds every
  mention in the article's spaCy ``Doc`` and resolves it on the article's date
  (``article.published``; today when missing). Each :class:`~detente.records.Mention` says how
  it was resolved in ``via``: exact, alias, demonym, demonym+agent, agent, metonym, location,
  surname, role, pronoun, fuzzy, context (the sentence's only country, low confidence) or entity
  (an unknown person with no actor); ``ref`` points to the antecedent mention for surname, role and
  pronoun links.
- Mentions whose actor has ``kind == "location"`` are places ("in Moscow"): events should not
  use them as actors or recipients.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from ..config import Settings
from ..records import ActorRef, Article, Mention
from .candidates import PlaceSource
from .kb import KnowledgeBase, normalise_code, parse_date
from .loading import load_kb
from .lookup import kb_stats, lookup
from .phrase import resolve_text
from .resolver import DocResolver, get_resolver

__all__ = [
    "ActorStage",
    "KnowledgeBase",
    "kb_stats",
    "load_kb",
    "lookup",
    "mentions_in",
    "normalise_code",
    "person_gender",
    "resolve",
]

log = logging.getLogger(__name__)


def person_gender(
    kb_id: str, extra_files: tuple[str, ...] = (), layers: str = "full"
) -> str | None:
    """The gender (``"f"``, ``"m"``) the knowledge base gives person ``kb_id``, or None.

    The quotes stage gets this as a pipeline service (it may not import this package) to keep
    ``she said`` off a man of the knowledge base. The knowledge base is the one of
    :func:`load_kb` with the same files and layers (cached).
    """
    person = load_kb(extra_files, layers=layers).people.get(kb_id)
    return person.gender if person is not None else None


def resolve(
    text: Any,
    date: str | dt.date | None = None,
    kb: KnowledgeBase | None = None,
    extra_files: Iterable[str] = (),
) -> ActorRef | None:
    """Resolve a name or noun phrase (or a spaCy ``Span``) to an actor on ``date``.

    Args:
        text: "Kremlin", "Japanese officials", "Russian Foreign Minister Sergei Lavrov", or a
            spaCy ``Span`` (its text is used).
        date: the date the text refers to (``YYYY-MM-DD``); office holders depend on it. ``None``
            means today.
        kb: a loaded knowledge base; default :func:`load_kb` with ``extra_files``.
        extra_files: user actor files, used when ``kb`` is not given.

    Returns:
        The actor, or ``None`` when nothing in the text is known.
    """
    kb = kb or load_kb(tuple(extra_files))
    found = resolve_text(kb, str(getattr(text, "text", text)), date)
    return found[0] if found else None


def mentions_in(article: Article, start: int, end: int) -> list[Mention]:
    """The article's mentions that lie inside ``[start, end)`` of :attr:`Article.doc_text`."""
    out = []
    for m in article.mentions:
        offset = article.body_offset if m.field == "text" else 0
        if start <= m.start + offset and m.end + offset <= end:
            out.append(m)
    return out


class ActorStage:
    """Find and resolve actor mentions in ``article.doc``; assigns ``mentions``."""

    name = "actors"
    version = "1"
    requires: tuple[str, ...] = ("doc",)
    assigns: tuple[str, ...] = ("mentions",)
    #: Services the pipeline passes to ``from_settings`` (``places``: the world gazetteer, which
    #: this package may not import; see ``detente.pipeline.SERVICES``).
    services: tuple[str, ...] = ("places",)

    def __init__(
        self,
        kb: KnowledgeBase,
        default_date: str | None = None,
        places: PlaceSource | None = None,
    ) -> None:
        self.kb = kb
        self.default_date = default_date
        self.places = places
        self._resolver: DocResolver | None = None
        self.version = f"1+kb{len(kb.entries)}.{len(kb.people)}" + ("+gaz" if places else "")

    @classmethod
    def from_settings(cls, settings: Settings, places: PlaceSource | None = None) -> ActorStage:
        """Build the stage: the knowledge base of ``settings.kb`` plus ``settings.actors_files``;
        ``places`` (a gazetteer look-up for places the knowledge base does not know) is used
        with the full knowledge base only (``--kb curated`` turns it off)."""
        kb = load_kb(settings.actors_files, layers=settings.kb)
        return cls(kb, settings.default_date, places if settings.kb == "full" else None)

    def _date(self, article: Article) -> dt.date | None:
        value = article.published or self.default_date
        if not value:
            return None
        try:
            return parse_date(value)
        except Exception:
            log.warning("article %s: unreadable date %r; resolving as of today", article.id, value)
            return None

    def __call__(self, article: Article) -> Article:
        doc = article.doc
        if doc is None:
            return article
        if self._resolver is None or self._resolver.vocab is not doc.vocab:
            self._resolver = get_resolver(self.kb, doc.vocab, self.places)
        mentions = self._resolver.resolve_doc(doc, self._date(article), article)
        return article.with_(mentions=tuple(mentions))
