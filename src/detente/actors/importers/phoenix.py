"""Convert the PETRARCH/Phoenix actor dictionaries into detente's actor-file format.

``detente actors import phoenix DIR --out FILE`` reads every ``*.txt`` dictionary of ``DIR``
(``*actors*.txt``, ``*agents*.txt``, ``*discards*.txt``; ``CAMEO*.txt`` verb files are ignored)
and writes one YAML actor file that ``--actors FILE`` (or the packaged Phoenix layer) loads:

1. *Read* each actor file into entries: a line at the left margin starts an entry (its phrase,
   ``_`` between words, optional codes in brackets on the same line); ``+PHRASE`` lines add
   synonyms; indented ``[CODE DATE]`` lines add codes; ``# ...`` comments are kept as provenance.
2. *Decode* each code: the first three letters are a country (CAMEO codes mapped to ISO
   alpha-3 with ``data/cameo_codes.yaml``) or ``IGO``/``NGO``/``MNC``/``IMG``; the first later
   three-letter group that is a CAMEO role gives the sector (``data/phoenix_map.yaml``). A date
   restriction becomes a term: ``>YYMMDD`` from, ``<YYMMDD`` until, ``D1-D2`` between (two-digit
   years 00-30 are 20YY); open terms end at the Phoenix horizon (2015-12-31).
3. *Classify* each entry: only plain country codes -> a state (names close to the country's name
   are aliases, others places in it); dated codes or a CountryInfo comment -> a person with
   offices; otherwise an organisation, group, IGO, NGO or company.
4. *Agents* (``FARMER [~AGR]``, ``!PERSON!`` macros, ``{PLURALS}``) become agent nouns by sector;
   *discards* become names that are never actors.

Example: the entry ``ARVEL_DUNMORE_ # CountryInfo.txt`` / ``+PRESIDENT_DUNMORE`` /
``[VLMGOV >20040309]`` becomes the person "Arvel Dunmore" (alias "President Dunmore") with a GOV
office for VLM from 2004-03-09 to 2015-12-31 and ``provenance: "...:12 CountryInfo.txt"``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ...errors import ActorError
from ..kb import norm_key, normalise_code

__all__ = ["HEADER", "PhoenixCode", "PhoenixEntry", "convert_dir", "parse_code", "read_actors"]

log = logging.getLogger(__name__)

#: The comment header of a converted file: where it comes from and under which licence.
HEADER = """Converted by `detente actors import phoenix` from {folder}.
Source: the PETRARCH/Phoenix dictionaries, Copyright (c) 2014 Open Event Data Alliance, MIT
licence (the LICENSE file beside them). `provenance` gives each entry's file, line and comment."""

_CODE_RE = re.compile(r"\[([^\]]*)\]")
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "de", "du", "des", "la", "le"})


@functools.lru_cache(maxsize=1)
def _map() -> dict[str, Any]:
    text = resources.files("detente.actors").joinpath("data/phoenix_map.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True)
class PhoenixCode:
    """One decoded ``[CODE DATE]``: actor code, sector, term and the original text."""

    raw: str
    code: str | None  # ISO alpha-3, IGO, NGO, MNC or IMG; None for "---"
    sector: str | None
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass
class PhoenixEntry:
    """One dictionary entry: phrase, synonyms, codes and provenance."""

    name: str
    source: str
    line: int
    synonyms: list[str] = field(default_factory=list)
    codes: list[PhoenixCode] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def provenance(self) -> str:
        notes = "; ".join(c for c in self.comments if c)
        return f"{self.source}:{self.line}" + (f" {notes}" if notes else "")


def phrase_name(phrase: str) -> str:
    """A Phoenix phrase as a name: ``HAMID_KARZAI_`` -> "Hamid Karzai", ``UN_`` -> "UN"."""
    words = [w for w in phrase.replace("_", " ").split() if w]
    out = []
    for i, word in enumerate(words):
        letters = [c.lower() for c in word if c.isalpha()]
        short = len(words) == 1 and len(letters) <= 3
        if short or "." in word or (letters and not set(letters) & set("aeiouy")):
            out.append(word.upper())  # acronyms stay as written: "UN", "U.N.", "ANC"
        elif i > 0 and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in word.split("-")))
    return " ".join(out)


def parse_date(text: str, pivot: int | None = None) -> dt.date:
    """A Phoenix date: ``YYMMDD`` (00-30 are 20YY) or ``YYYYMMDD``.

    Raises:
        ValueError: not a date.
    """
    digits = text.strip()
    if not digits.isdigit():
        raise ValueError(text)
    pivot = _map()["pivot_year"] if pivot is None else pivot
    if len(digits) in (6, 7):  # a 7-digit date is a typo of a 6-digit one ("9008223")
        yy = int(digits[:2])
        return dt.date(2000 + yy if yy <= pivot else 1900 + yy, int(digits[2:4]), int(digits[4:6]))
    if len(digits) > 8:  # "1920030320": a stray century before YYYYMMDD
        digits = digits[-8:]
    return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def parse_code(raw: str) -> PhoenixCode:
    """Decode ``"RUSGOV >20040309"`` into code RUS, sector GOV, start 2004-03-09.

    Raises:
        ValueError: the date restriction is not a date.
    """
    text = raw.strip()
    body, _, restriction = text.partition(" ")
    body, restriction = body.strip(), restriction.strip()
    start = end = None
    if restriction.startswith(">"):
        start = parse_date(restriction[1:])
    elif restriction.startswith("<"):
        end = parse_date(restriction[1:])
    elif "-" in restriction:
        a, _, b = restriction.partition("-")
        start, end = parse_date(a), parse_date(b)
    if not body or set(body) <= {"-"}:
        return PhoenixCode(text, None, None, start, end)
    table = _map()
    lead = body[:3].upper()
    if lead in table["role_leads"]:
        # A code that starts with a role ("MEDJRN" media, "ELI"): a sector, no country.
        return PhoenixCode(text, None, table["sectors"].get(lead), start, end)
    code = lead if lead in table["international"] else normalise_code(lead)
    sector = None
    for i in range(3, len(body) - 2, 3):
        chunk = body[i : i + 3].upper()
        if chunk in table["sectors"]:
            sector = table["sectors"][chunk]
            break
    return PhoenixCode(text, code, sector, start, end)


def _strip_comment(line: str) -> tuple[str, str]:
    text, _, comment = line.partition("#")
    return text.rstrip(), comment.strip().strip("#").strip()


def read_actors(lines: Iterable[str], source: str) -> list[PhoenixEntry]:
    """Read a Phoenix actor dictionary (step 1) into entries with decoded codes."""
    entries: list[PhoenixEntry] = []
    current: PhoenixEntry | None = None
    for number, line in enumerate(lines, 1):
        text, comment = _strip_comment(line.rstrip("\n"))
        if not text.strip():
            continue
        stripped = text.strip()
        codes = _CODE_RE.findall(stripped)
        phrase = _CODE_RE.sub(" ", stripped).strip()
        if stripped.startswith("+") and current is not None:
            current.synonyms.extend(p for p in phrase[1:].split("+") if p.strip("_ "))
        elif text[:1].isspace() and current is not None and not phrase:
            pass  # an indented code line of the current entry
        elif phrase:
            current = PhoenixEntry(phrase, source, number)
            entries.append(current)
        if current is None:
            continue
        if comment:
            current.comments.append(comment)
        for raw in codes:
            try:
                current.codes.append(parse_code(raw))
            except ValueError:
                log.warning(
                    "%s:%d: unreadable date in [%s]; code kept undated", source, number, raw
                )
                current.codes.append(parse_code(raw.split()[0]))
    return entries


def _read_agents(lines: Iterable[str], source: str) -> dict[str, list[str]]:
    """Agent nouns by detente sector (step 4): macros expanded, explicit plurals kept."""
    macros: dict[str, list[str]] = {}
    by_sector: dict[str, list[str]] = {}
    sectors = _map()["sectors"]
    for line in lines:
        text, _ = _strip_comment(line)
        text = text.strip()
        if not text:
            continue
        macro = re.fullmatch(r"(![A-Z]+!)\s*=\s*(.+)", text)
        if macro:
            macros[macro.group(1)] = [w.strip() for w in macro.group(2).split(",") if w.strip()]
            continue
        code = _CODE_RE.search(text)
        if code is None or not code.group(1).startswith("~"):
            continue
        sector = sectors.get(code.group(1)[1:4].upper())
        if sector is None:
            continue
        phrase = _CODE_RE.sub(" ", text)
        plurals = re.findall(r"\{([^}]*)\}", phrase)
        phrase = re.sub(r"\{[^}]*\}", " ", phrase).strip()
        forms = [phrase, *(p for p in plurals if p.strip())]
        words = by_sector.setdefault(sector, [])
        for form in forms:
            for expanded in _expand(form, macros):
                word = phrase_name(expanded).lower()
                if word and word not in words:
                    words.append(word)
    return by_sector


def _expand(phrase: str, macros: dict[str, list[str]]) -> list[str]:
    for key, values in macros.items():
        if key in phrase:
            return [x for v in values for x in _expand(phrase.replace(key, v, 1), macros)]
    return [phrase]


def _is_alias(name: str, country: str) -> bool:
    """A state's other name (its spelling, demonym or long form), not a place in it."""
    from rapidfuzz import fuzz

    a, b = norm_key(name), norm_key(country)
    return b[:4] in a or fuzz.ratio(a, b) >= 75


def _classify(entry: PhoenixEntry) -> str:
    coded = [c for c in entry.codes if c.code]
    if not coded:
        return "none"  # no code, "---", or a bare role without a country
    international = _map()["international"]
    if all(c.sector is None and c.code not in international for c in coded):
        return "state"
    if any(c.dated for c in coded) or any("countryinfo" in c.lower() for c in entry.comments):
        return "person"
    return "organisation"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class _Converter:
    def __init__(self) -> None:
        self.states: dict[str, dict[str, Any]] = {}
        self.orgs: list[dict[str, Any]] = []
        self.people: list[dict[str, Any]] = []
        self.skipped = 0
        self.horizon = dt.date.fromisoformat(str(_map()["horizon"]))

    def add(self, entry: PhoenixEntry) -> None:
        kind = _classify(entry)
        name = phrase_name(entry.name)
        synonyms = [s for s in dict.fromkeys(phrase_name(s) for s in entry.synonyms) if s != name]
        if kind == "none" or not name:
            self.skipped += 1
        elif kind == "state":
            self._state(entry, name, synonyms)
        elif kind == "person":
            self._person(entry, name, synonyms)
        else:
            self._org(entry, name, synonyms)

    def _state(self, entry: PhoenixEntry, name: str, synonyms: list[str]) -> None:
        current = [c for c in entry.codes if c.code and c.end is None] or entry.codes
        code = str(current[-1].code)
        state = self.states.get(code)
        names = [name, *synonyms]
        if state is None:
            state = {"code": code, "name": name, "aliases": [], "places": []}
            state["provenance"] = entry.provenance
            self.states[code] = state
            names = synonyms
        for other in names:
            key = "aliases" if _is_alias(other, state["name"]) else "places"
            if other not in state[key]:
                state[key].append(other)

    def _person(self, entry: PhoenixEntry, name: str, synonyms: list[str]) -> None:
        offices = []
        for c in entry.codes:
            if not (c.code and c.dated and c.sector):
                continue  # an undated code is the default; an unmapped role (ELI) no office
            end = c.end if c.end is not None else self.horizon
            if c.start is not None and c.start > end:
                continue
            office = {"role": "other", "code": c.code, "sector": c.sector, "title": c.raw}
            office.update({k: v for k, v in (("start", _iso(c.start)), ("end", _iso(end))) if v})
            offices.append(office)
        default = [c for c in entry.codes if c.code and not c.dated]
        country = default[-1].code if default else next((o["code"] for o in offices), None)
        if country is None:
            self.skipped += 1
            return
        person: dict[str, Any] = {"name": name}
        if synonyms:
            person["aliases"] = synonyms
        person["country"] = country
        if default and default[-1].sector:
            person["sector"] = default[-1].sector
        if offices:
            person["offices"] = offices
        person["provenance"] = entry.provenance
        self.people.append(person)

    def _org(self, entry: PhoenixEntry, name: str, synonyms: list[str]) -> None:
        code = next(c for c in reversed(entry.codes) if c.code)
        international = _map()["international"]
        kind = international.get(str(code.code), "organisation")
        if code.sector == "REB":
            kind = "group"
        org: dict[str, Any] = {"name": name}
        if synonyms:
            org["aliases"] = synonyms
        org.update({"code": code.code, "sector": code.sector, "kind": kind})
        org["provenance"] = entry.provenance
        self.orgs.append({k: v for k, v in org.items() if v is not None})


def convert_dir(folder: str | Path) -> dict[str, Any]:
    """Convert every Phoenix dictionary of ``folder`` into one actor-file document.

    Returns:
        A mapping with ``version``, ``states``, ``organisations``, ``people``, ``agents`` and
        ``discards``, ready for :func:`yaml.safe_dump`.

    Raises:
        ActorError: the folder has no Phoenix dictionary.
    """
    root = Path(folder)
    files = sorted(p for p in root.glob("*.txt") if not p.name.upper().startswith("CAMEO"))
    if not root.is_dir() or not files:
        raise ActorError(
            f"{folder}: no Phoenix dictionaries (*actors*.txt, *agents*.txt, *discards*.txt)",
            code="E057",
        )
    conv = _Converter()
    agents: dict[str, list[str]] = {}
    discards: list[str] = []
    for path in files:
        lines = path.read_text("utf-8", errors="replace").splitlines()
        low = path.name.lower()
        if "agent" in low:
            for sector, words in _read_agents(lines, path.name).items():
                agents.setdefault(sector, []).extend(words)
        elif "discard" in low:
            for line in lines:
                text, _ = _strip_comment(line)
                text = _CODE_RE.sub(" ", text).strip()
                if text:
                    discards.append(phrase_name(text))
        elif "actor" in low:
            for entry in read_actors(lines, path.name):
                conv.add(entry)
    log.info(
        "phoenix: %d states, %d organisations, %d people, %d agent sectors, %d skipped",
        len(conv.states),
        len(conv.orgs),
        len(conv.people),
        len(agents),
        conv.skipped,
    )
    states = [{k: v for k, v in s.items() if v} for s in conv.states.values()]
    return {
        "version": 1,
        "states": states,
        "organisations": conv.orgs,
        "people": conv.people,
        "agents": [{"sector": s, "words": w} for s, w in sorted(agents.items())],
        "discards": list(dict.fromkeys(discards)),
    }


def write_actor_file(doc: dict[str, Any], out: str | Path, header: str = "") -> None:
    """Write a converted document: YAML with a comment header, or compact JSON (``*.json``).

    JSON (a subset of YAML, so ``--actors FILE`` reads it too) is how the packaged layer is
    shipped: it parses in a fraction of the time; its header goes into the README beside it.
    """
    path = Path(out)
    if path.suffix.lower() == ".json":
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    else:
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
        lines = [f"# {line}".rstrip() for line in header.splitlines()]
        text = "\n".join([*lines, text]) if lines else text
    path.write_text(text, "utf-8")
