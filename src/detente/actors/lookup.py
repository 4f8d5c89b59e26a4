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

__all__ = ["kb_stats", "lookup"]

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
        ``via``, ``why`` and ``layer`` (the knowledge layer the reading comes from: ``curated``
        or ``phoenix``); empty when nothing is known.
    """
    day = parse_date(date) if not isinstance(date, dt.date) else date
    out: list[dict[str, Any]] = []
    for hit in kb.hits(name):
        ref, why = kb.hit_ref(hit, day)
        via = _VIAS.get(hit.via, hit.via)
        out.append({"actor": ref.to_dict(), "via": via, "why": why, "layer": hit.layer})
    if not out:
        res = resolve_text(kb, name, day)
        if res is not None:
            ref, via, why = res
            layer = _layer_of(kb, ref.kb_id)
            out.append({"actor": ref.to_dict(), "via": via, "why": why, "layer": layer})
    return out


def _layer_of(kb: KnowledgeBase, kb_id: str | None) -> str:
    if kb_id in kb.people:
        return kb.people[kb_id].layer
    if kb_id in kb.entries:
        return kb.entries[kb_id].layer
    return "curated"  # composed from curated parts (a title, an agent noun)


def kb_stats(kb: KnowledgeBase) -> dict[str, Any]:
    """Entries per layer and kind, people and names per layer (``detente actors stats``).

    Returns:
        ``{"layers": {layer: {"entries": {kind: n}, "people": n, "names": n}}, "total": {...}}``;
        a name counts in the layer of its first reading.
    """
    layers: dict[str, dict[str, Any]] = {}

    def of(layer: str) -> dict[str, Any]:
        return layers.setdefault(layer, {"entries": {}, "people": 0, "names": 0})

    for entry in kb.entries.values():
        kinds = of(entry.layer)["entries"]
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    for person in kb.people.values():
        of(person.layer)["people"] += 1
    for hits in kb.names.values():
        if hits:
            of(hits[0].layer)["names"] += 1
    for layer in layers.values():
        layer["entries"] = dict(sorted(layer["entries"].items()))
    total = {
        "entries": sum(sum(x["entries"].values()) for x in layers.values()),
        "people": len(kb.people),
        "names": len(kb.names),
    }
    return {"layers": layers, "total": total}
