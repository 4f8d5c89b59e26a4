"""The explain view of the knowledge base: what a name means on a date, and why.

This is what ``detente actors lookup NAME`` shows. It sits above the knowledge base and the
resolver (the knowledge base itself never imports the resolver):

1. Every direct reading of the name in the knowledge base, best first, each with the actor it
   gives on the date and a sentence saying why ("Taro Kono" on 2018-01-01 -> JPN GOV, "Taro
   Kono: foreign minister of JPN (2017-08-03 to 2019-09-11) on 2018-01-01").
2. When the name itself is unknown, the phrase is composed from its known parts as the resolver
   does ("Russian Foreign Minister" -> the office holder of RUS that day).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .kb import KnowledgeBase, parse_date
from .phrase import resolve_text

__all__ = ["lookup"]

#: How a direct hit is reported (the ``via`` vocabulary of mentions).
_VIAS = {"seat": "metonym", "capital": "metonym", "person": "exact", "place": "location"}


def lookup(kb: KnowledgeBase, name: str, date: str | dt.date | None = None) -> list[dict[str, Any]]:
    """Explain what ``name`` resolves to on ``date``: one dict per reading, best first.

    Args:
        kb: a loaded knowledge base.
        name: a name or noun phrase ("Kremlin", "Japanese officials").
        date: the date (``YYYY-MM-DD`` or a date); ``None`` means today.

    Returns:
        One dict per reading with ``actor`` (the :class:`~detente.records.ActorRef` as a dict),
        ``via`` and ``why``; empty when nothing is known.
    """
    day = parse_date(date) if not isinstance(date, dt.date) else date
    out: list[dict[str, Any]] = []
    for hit in kb.hits(name):
        ref, why = kb.hit_ref(hit, day)
        out.append({"actor": ref.to_dict(), "via": _VIAS.get(hit.via, hit.via), "why": why})
    if not out:
        res = resolve_text(kb, name, day)
        if res is not None:
            ref, via, why = res
            out.append({"actor": ref.to_dict(), "via": via, "why": why})
    return out
