"""Convert a Wikidata JSON dump into detente's actor-file format.

``detente actors import wikidata DUMP.json[.gz] --out FILE`` reads a Wikidata entity dump and
writes one actor file (the format :mod:`detente.actors.importers.phoenix` writes, which
``--actors FILE`` loads). The dump is read as a stream, one entity a line: the standard dump
(``latest-all.json.gz``: a JSON array, ``[`` and ``]`` on lines of their own, every entity line
ending with ``,``) and plain JSONL (one entity a line) are both accepted, gzip-compressed or not.
Memory grows with the entities kept, never with the dump.

1. *Classify* each entity by its ``P31`` (instance of) classes with ``data/wikidata_map.yaml``:
   states (sovereign state, country; their ISO 3166-1 alpha-3 code ``P298`` is the code), IGOs,
   armed groups, political parties, and people (``Q5``) with positions held (``P39``).
   Entities whose English label matches a position pattern of the table (``^President of``,
   ``^Minister of``, ``^member of (the) parliament``...) are remembered as positions with their
   jurisdiction (``P1001``, else ``P17``).
2. *Resolve* at the end of the stream (entities refer to others that may come later): each
   ``P39`` statement of a kept person whose position is known becomes an office with the role
   and sector of the position's pattern, the code of its jurisdiction (a kept state's ISO code,
   ``IGO`` for a kept IGO, else the person's citizenship ``P27``) and the dates of its ``P580``
   (start) and ``P582`` (end) qualifiers. A person with no such office is dropped.
3. *Write*: English labels are names, English aliases are aliases, QIDs are kept as ids
   (``person:Q42``, ``wikidata:Q1065``) and in each entry's ``provenance``.

Bad lines: a line that is not a JSON object is skipped with a warning naming the line, and
counted (:attr:`WikidataStats.bad_lines`): a dump cut short by an interrupted download still
gives everything before the cut. ``strict=True`` (``--strict``) raises instead.

Example: the line ``{"id": "Q900003", "labels": {"en": {"value": "Selka Varn"}}, "claims":
{"P31": [Q5], "P39": [Q900020 from 2015-03-01]}}`` with ``Q900020`` labelled "Minister of
Foreign Affairs of Velmora" (jurisdiction ``Q900001``, ISO code ``XVM``) becomes the person
"Selka Varn" with an ``fm`` office for XVM from 2015-03-01.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any

import yaml

from ...errors import ActorError

__all__ = ["HEADER", "WikidataStats", "convert_dump", "convert_lines", "iter_entities"]

log = logging.getLogger(__name__)

#: The comment header of a converted file.
HEADER = """Converted by `detente actors import wikidata` from {dump}.
Source: Wikidata (CC0). Ids and `provenance` keep each entity's QID."""

_MALE, _FEMALE = "Q6581097", "Q6581072"
_MAX_WARNINGS = 20  # bad lines logged one by one; the rest only counted


@functools.lru_cache(maxsize=1)
def _map() -> dict[str, Any]:
    text = resources.files("detente.actors").joinpath("data/wikidata_map.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@functools.lru_cache(maxsize=1)
def _kind_of_class() -> dict[str, str]:
    return {qid: kind for kind, classes in _map()["classes"].items() for qid in classes}


@functools.lru_cache(maxsize=1)
def _positions() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    return [(re.compile(p["pattern"], re.IGNORECASE), p) for p in _map()["positions"]]


def position_rule(label: str) -> dict[str, Any] | None:
    """The position table's rule for a position label ("Prime Minister of X" -> hog), or None."""
    for pattern, rule in _positions():
        if pattern.search(label.strip()):
            return rule
    return None


@dataclass
class WikidataStats:
    """What a conversion read and kept."""

    lines: int = 0
    entities: int = 0
    bad_lines: int = 0
    states: int = 0
    organisations: int = 0
    people: int = 0
    offices: int = 0
    unknown_positions: int = 0  # P39 values that are not a known position
    no_country: int = 0  # offices dropped: no jurisdiction or citizenship with a code
    states_without_code: int = 0


@dataclass
class _Person:
    qid: str
    name: str
    aliases: list[str]
    gender: str | None
    citizenship: list[str]
    held: list[tuple[str, str | None, str | None]]  # position QID, start, end


@dataclass
class _Collector:
    states: dict[str, dict[str, Any]] = field(default_factory=dict)  # QID -> state
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)  # QID -> org + country QID
    positions: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # label, juris.
    people: list[_Person] = field(default_factory=list)
    stats: WikidataStats = field(default_factory=WikidataStats)


def _open(path: Path) -> IO[str]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    return path.open("r", encoding="utf-8", errors="replace")


def iter_entities(
    lines: Iterable[str], source: str, stats: WikidataStats | None = None, strict: bool = False
) -> Iterator[dict[str, Any]]:
    """Entities of a dump, one a line (the array form's ``[``, ``]`` and trailing ``,`` allowed).

    Raises:
        ActorError: ``strict`` and a line is not a JSON object (the error names the line).
    """
    stats = stats if stats is not None else WikidataStats()
    for number, line in enumerate(lines, 1):
        stats.lines += 1
        text = line.strip().rstrip(",").strip()
        if not text or text in ("[", "]"):
            continue
        try:
            entity = json.loads(text)
            if not isinstance(entity, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            if strict:
                raise ActorError(
                    f"{source}:{number}: not a Wikidata entity (a JSON object a line): {exc}",
                    code="E057",
                ) from None
            stats.bad_lines += 1
            if stats.bad_lines <= _MAX_WARNINGS:
                log.warning("%s:%d: skipped, not a JSON entity: %s", source, number, exc)
            continue
        stats.entities += 1
        yield entity


def _label(entity: dict[str, Any]) -> str:
    return str(((entity.get("labels") or {}).get("en") or {}).get("value") or "").strip()


def _aliases(entity: dict[str, Any], name: str) -> list[str]:
    values = [str(a.get("value", "")).strip() for a in (entity.get("aliases") or {}).get("en", [])]
    return [v for v in dict.fromkeys(values) if v and v != name]


def _statements(entity: dict[str, Any], prop: str) -> list[dict[str, Any]]:
    claims = (entity.get("claims") or {}).get(prop) or []
    return [c for c in claims if isinstance(c, dict) and c.get("rank") != "deprecated"]


def _value(snak: dict[str, Any] | None) -> Any:
    if not snak or snak.get("snaktype", "value") != "value":
        return None
    return (snak.get("datavalue") or {}).get("value")


def _items(entity: dict[str, Any], prop: str) -> list[str]:
    out = []
    for claim in _statements(entity, prop):
        value = _value(claim.get("mainsnak"))
        if isinstance(value, dict) and value.get("id"):
            out.append(str(value["id"]))
    return out


def _string(entity: dict[str, Any], prop: str) -> str | None:
    for claim in _statements(entity, prop):
        value = _value(claim.get("mainsnak"))
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def wikidata_date(value: Any, end: bool = False) -> str | None:
    """A Wikidata time value as ``YYYY-MM-DD``: ``+2015-03-01T00:00:00Z`` -> "2015-03-01".

    Unknown month or day (``+2015-00-00``, year precision) is the first of the period for a start
    and its last day for an ``end``; BCE and unreadable times give None.
    """
    time = value.get("time") if isinstance(value, dict) else value
    match = re.match(r"^\+?(\d{4})-(\d{2})-(\d{2})", str(time or ""))
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    precision = int(value.get("precision", 11)) if isinstance(value, dict) else 11
    if precision < 11:
        day = 0
    if precision < 10:
        month = 0
    if month == 0:
        month, day = (12, 31) if end else (1, 1)
    if day == 0:
        if end:
            import calendar

            day = calendar.monthrange(year, month)[1]
        else:
            day = 1
    return f"{year:04d}-{month:02d}-{day:02d}"


def _qualifier_date(claim: dict[str, Any], prop: str, end: bool) -> str | None:
    for snak in (claim.get("qualifiers") or {}).get(prop) or []:
        day = wikidata_date(_value(snak), end=end)
        if day:
            return day
    return None


def _collect(entity: dict[str, Any], out: _Collector) -> None:
    qid = str(entity.get("id") or "")
    name = _label(entity)
    if not qid or not name:
        return
    kinds = {_kind_of_class().get(c) for c in _items(entity, "P31")} - {None}
    if "state" in kinds:
        out.states[qid] = {
            "code": (_string(entity, "P298") or "").upper(),
            "name": name,
            "aliases": _aliases(entity, name),
        }
    elif kinds & {"igo", "group", "party"}:
        kind = "igo" if "igo" in kinds else "group" if "group" in kinds else "party"
        countries = _items(entity, "P17")
        out.orgs[qid] = {
            "name": name,
            "aliases": _aliases(entity, name),
            "kind": kind,
            "country": countries[0] if countries else None,
        }
    elif "person" in kinds:
        held = []
        for claim in _statements(entity, "P39"):
            value = _value(claim.get("mainsnak"))
            if isinstance(value, dict) and value.get("id"):
                start = _qualifier_date(claim, "P580", end=False)
                held.append((str(value["id"]), start, _qualifier_date(claim, "P582", end=True)))
        if held:
            genders = _items(entity, "P21")
            gender = "m" if _MALE in genders else "f" if _FEMALE in genders else None
            aliases = _aliases(entity, name)
            citizenship = _items(entity, "P27")
            out.people.append(_Person(qid, name, aliases, gender, citizenship, held))
    if not kinds & {"state", "person"} and position_rule(name) is not None:
        # A position (or anything labelled like one: only used when a person holds it).
        where = _items(entity, "P1001") or _items(entity, "P17")
        out.positions[qid] = (name, where[0] if where else None)


def _code_of(qid: str | None, out: _Collector) -> str | None:
    if qid is None:
        return None
    if qid in out.states:
        return out.states[qid]["code"] or None
    org = out.orgs.get(qid)
    if org is not None and org["kind"] == "igo":
        return "IGO"
    return None


def _office(held: tuple[str, str | None, str | None], person: _Person, out: _Collector) -> Any:
    qid, start, end = held
    position = out.positions.get(qid)
    if position is None:
        out.stats.unknown_positions += 1
        return None
    label, jurisdiction = position
    rule = position_rule(label) or {}
    code = _code_of(jurisdiction, out)
    if code is None:
        code = next((c for c in map(lambda q: _code_of(q, out), person.citizenship) if c), None)
    if code is None:
        out.stats.no_country += 1
        return None
    office: dict[str, Any] = {"role": rule["role"], "code": code, "sector": rule["sector"]}
    title = rule.get("title") or (label if rule["role"] == "other" else None)
    if title:
        office["title"] = title
    office.update({k: v for k, v in (("start", start), ("end", end)) if v})
    office["position"] = qid
    return office


def _document(out: _Collector) -> dict[str, Any]:
    stats = out.stats
    states = []
    for qid, s in out.states.items():
        if not re.fullmatch(r"[A-Z]{3}", s["code"]):
            stats.states_without_code += 1
            continue
        state = {"code": s["code"], "name": s["name"], "aliases": s["aliases"]}
        states.append({**{k: v for k, v in state.items() if v}, "provenance": f"wikidata:{qid}"})
    sectors = _map()["sectors"]
    orgs = []
    for qid, o in out.orgs.items():
        code = "IGO" if o["kind"] == "igo" else _code_of(o["country"], out)
        org: dict[str, Any] = {"id": f"wikidata:{qid}", "name": o["name"]}
        if o["aliases"]:
            org["aliases"] = o["aliases"]
        org.update({"code": code, "sector": sectors.get(o["kind"])})
        org["kind"] = "igo" if o["kind"] == "igo" else "group"
        org["provenance"] = f"wikidata:{qid}"
        orgs.append({k: v for k, v in org.items() if v is not None})
    people = []
    for person in out.people:
        offices = [o for o in (_office(h, person, out) for h in person.held) if o is not None]
        if not offices:
            continue
        country = next(
            (c for c in (_code_of(q, out) for q in person.citizenship) if c and c != "IGO"),
            offices[-1]["code"] if offices[-1]["code"] != "IGO" else None,
        )
        entry: dict[str, Any] = {"id": person.qid, "name": person.name}
        if person.aliases:
            entry["aliases"] = person.aliases
        if person.gender:
            entry["gender"] = person.gender
        if country:
            entry["country"] = country
        entry["offices"] = offices
        entry["provenance"] = f"wikidata:{person.qid}"
        people.append(entry)
        stats.offices += len(offices)
    stats.states, stats.organisations, stats.people = len(states), len(orgs), len(people)
    return {"version": 1, "states": states, "organisations": orgs, "people": people}


def convert_lines(
    lines: Iterable[str], source: str = "<dump>", strict: bool = False
) -> tuple[dict[str, Any], WikidataStats]:
    """Convert dump lines into an actor-file document and the conversion's counts.

    Raises:
        ActorError: ``strict`` and a line is not a JSON entity.
    """
    out = _Collector()
    for entity in iter_entities(lines, source, out.stats, strict):
        _collect(entity, out)
    doc = _document(out)
    s = out.stats
    log.info(
        "wikidata %s: %d entities read, %d states, %d organisations, %d people (%d offices); "
        "%d bad lines skipped, %d unknown positions, %d offices without a country",
        source,
        s.entities,
        s.states,
        s.organisations,
        s.people,
        s.offices,
        s.bad_lines,
        s.unknown_positions,
        s.no_country,
    )
    return doc, s


def convert_dump(path: str | Path, strict: bool = False) -> tuple[dict[str, Any], WikidataStats]:
    """Convert the Wikidata dump at ``path`` (``.json`` or ``.json.gz``, array or JSONL).

    Raises:
        ActorError: the dump cannot be read, or (``strict``) a line is not a JSON entity.
    """
    dump = Path(path)
    try:
        with _open(dump) as handle:
            return convert_lines(_until_truncation(handle, str(path), strict), str(path), strict)
    except OSError as exc:
        raise ActorError(f"cannot read Wikidata dump {path}: {exc}", code="E057") from exc


def _until_truncation(handle: IO[str], source: str, strict: bool) -> Iterator[str]:
    """The lines of ``handle``; a gzip stream cut short ends them with a warning (or, when
    ``strict``, an error), keeping everything read before the cut."""
    try:
        yield from handle
    except EOFError as exc:
        if strict:
            raise ActorError(
                f"{source}: the compressed dump is truncated: {exc}", code="E057"
            ) from exc
        log.warning(
            "%s: the compressed dump is truncated; kept the entities before the cut", source
        )
