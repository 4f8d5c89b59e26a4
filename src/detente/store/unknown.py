"""New actors: the names that fill an event role but resolve to nothing (``kind: unknown``).

:func:`unknown_actors` lists them from a database, most frequent first, with the dates and an
example sentence; :func:`starter_actor_file` turns the list into a user actor file (the format
of ``detente/actors/data/*.yaml`` and ``--actors FILE``) for a curator to complete:
``detente actors unknown --db FILE --yaml > mine.yaml``.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["starter_actor_file", "unknown_actors"]

_SQL = """
SELECT coalesce(x.name, x.entity_text) AS name,
       count(*) AS events,
       count(DISTINCT e.article_id) AS articles,
       min(e.date) AS first_date,
       max(e.date) AS last_date,
       arg_min(e.sentence, coalesce(e.date, DATE '9999-12-31')) AS example,
       sum(CASE WHEN x.role = 'actor' THEN 1 ELSE 0 END) AS as_actor,
       sum(CASE WHEN x.role = 'recipient' THEN 1 ELSE 0 END) AS as_recipient,
       (SELECT m.label FROM mentions m
         WHERE m.text = coalesce(any_value(x.name), any_value(x.entity_text)) AND m.label <> ''
         GROUP BY m.label ORDER BY count(*) DESC LIMIT 1) AS label
FROM event_entities x JOIN events e ON e.id = x.event_id
WHERE x.kind = 'unknown'
GROUP BY 1
ORDER BY events DESC, name
LIMIT ?
"""


def unknown_actors(con: Any, limit: int = 50) -> list[dict[str, Any]]:
    """The most frequent unresolved names in event roles of a database.

    Args:
        con: an open database connection.
        limit: how many names.

    Returns:
        One dict per name: ``name``, ``events``, ``articles``, ``first_date``, ``last_date``
        (ISO dates or None), ``example`` (an evidence sentence, the earliest), ``as_actor``,
        ``as_recipient`` and ``label`` (the spaCy entity label of its mentions: PERSON, ORG, ...).
    """
    cur = con.execute(_SQL, [int(limit)])
    cols = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        rec = dict(zip(cols, row, strict=True))
        for key in ("first_date", "last_date"):
            value = rec[key]
            rec[key] = value.isoformat() if value is not None else None
        rec["events"], rec["articles"] = int(rec["events"]), int(rec["articles"])
        rec["as_actor"], rec["as_recipient"] = int(rec["as_actor"]), int(rec["as_recipient"])
        rec["example"] = " ".join((rec["example"] or "").split())
        out.append(rec)
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unnamed"


def starter_actor_file(rows: list[dict[str, Any]]) -> str:
    """A user actor file (YAML text) with one entry per unknown name to complete.

    People (entity label PERSON) go under ``people`` with a ``country`` to fill in; everything
    else under ``organisations`` with ``code`` and ``sector`` to fill in. Each entry keeps its
    counts and example in a comment above it.
    """
    people = [r for r in rows if r.get("label") == "PERSON"]
    orgs = [r for r in rows if r.get("label") != "PERSON"]
    lines = [
        "# Starter user actor file (detente actors unknown --yaml): names that filled an event",
        "# role but resolved to nothing. Fill in code/sector (organisations) or country and",
        "# offices (people), delete what is not an actor, then code with --actors THIS_FILE.",
        "version: 1",
    ]

    def comment(r: dict[str, Any]) -> list[str]:
        example = r["example"] if len(r["example"]) <= 150 else r["example"][:147] + "..."
        return [
            f"  # {r['events']} events in {r['articles']} articles, "
            f"{r['first_date'] or '?'}..{r['last_date'] or '?'}",
            f"  # e.g. {example}",
        ]

    def item(entry: dict[str, Any]) -> str:
        text = yaml.safe_dump(entry, default_flow_style=True, allow_unicode=True, width=1000)
        return "  - " + text.strip()

    if orgs:
        lines.append("organisations:")
        for r in orgs:
            lines += comment(r)
            entry = {
                "id": f"org:{_slug(r['name'])}",
                "name": r["name"],
                "code": None,
                "sector": None,
                "kind": "organisation",
            }
            lines.append(item(entry))
    if people:
        lines.append("people:")
        for r in people:
            lines += comment(r)
            lines.append(item({"name": r["name"], "country": None, "offices": []}))
    return "\n".join(lines) + "\n"
