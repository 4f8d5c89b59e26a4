"""The actor knowledge base: states, organisations, agents, roles and office holders.

The knowledge base is data: packaged YAML files under ``detente/actors/data/`` plus any user
files (``Settings.actors_files`` / ``--actors FILE``) in the same format. A user file may hold any
of the top-level keys ``states``, ``organisations``, ``agents``, ``roles``, ``people`` and
``offices``; entries with an existing id (a state's code, an organisation's ``id``, a person's
``id`` or name) are merged into it (scalars replaced, lists extended), new ones are added.

Loading (packaged files, user files, the lower Phoenix layer) is in ``actors/loading.py``.

This module is a leaf of ``detente.actors``: it knows names and what they mean, not how mentions
are found or resolved (``candidates``, ``compose``, ``resolver``) nor how readings are explained
(``lookup``).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from ..errors import ActorError
from ..records import ActorRef

__all__ = [
    "Entry",
    "Hit",
    "KnowledgeBase",
    "Office",
    "Person",
    "Role",
    "norm_key",
    "parse_date",
]

log = logging.getLogger(__name__)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_SPACE_RE = re.compile(r"\s+")
_OFFICE_LABELS = {
    "hos": "head of state",
    "hog": "head of government",
    "fm": "foreign minister",
    "dm": "defence minister",
    "sg": "secretary-general",
}


def strip_accents(text: str) -> str:
    """Return ``text`` without combining accents ("Élysée" -> "Elysee")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1 << 16)
def norm_key(text: str) -> str:
    """Normalise a name for dictionary look-up: accents, apostrophes, case, spacing, "the"."""
    key = strip_accents(text).translate(_APOSTROPHES).casefold().strip()
    key = _SPACE_RE.sub(" ", key)
    if key.startswith("the "):
        key = key[4:]
    if key.endswith("'s"):
        key = key[:-2]
    elif key.endswith("'"):
        key = key[:-1]
    return key.strip(" ,.;:") or key


def parse_date(value: Any) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (or ``YYYY-MM`` / ``YYYY``, or a date) into a date; ``None`` stays."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 4:
            return dt.date(int(text), 1, 1)
        if len(text) == 7:
            return dt.date(int(text[:4]), int(text[5:7]), 1)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ActorError(f"{value!r} is not a date (use YYYY-MM-DD)", code="E051") from None


def plural(word: str) -> str:
    """English plural of the last word of a phrase (good enough for agent nouns)."""
    head, _, last = word.rpartition(" ")
    low = last.lower()
    if low.endswith(("s", "sh", "ch", "x", "z")):
        out = last + "es"
    elif low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        out = last[:-1] + "ies"
    elif low.endswith("man"):
        out = last[:-3] + "men"
    else:
        out = last + "s"
    return f"{head} {out}" if head else out


def demonym_plural(word: str) -> str | None:
    """Plural noun of a demonym ("Russian" -> "Russians"), or None when it has none."""
    low = word.lower()
    if low.endswith(("ese", "sh", "ch", "ss", "s")) or (" " in word and low.endswith("ese")):
        return None
    if low.endswith("man"):
        return word[:-3] + "men"
    return word + "s"


@dataclass(frozen=True, slots=True)
class Entry:
    """A named actor that is not a person: a state, organisation, seat, group, place or agent."""

    id: str
    kind: str  # state, territory, igo, ngo, group, organisation, seat, place, agent, role
    code: str | None
    sector: str | None
    name: str
    office: str | None = None  # roles only: hos, hog, fm, dm, sg
    needs_agent: bool = False  # ambiguous name: an actor only before an agent noun
    layer: str = "curated"  # the knowledge layer it comes from (curated, phoenix)

    def ref(self, sector: str | None = None) -> ActorRef:
        """The actor this entry stands for, optionally with a sector."""
        kind = {"territory": "state", "seat": "state", "place": "location", "role": "agent"}.get(
            self.kind, self.kind
        )
        return ActorRef(
            code=self.code, sector=sector or self.sector, name=self.name, kind=kind, kb_id=self.id
        )


@dataclass(frozen=True, slots=True)
class Office:
    """One term in one office: role key, country (or IGO) code, sector and date range."""

    role: str
    code: str
    start: dt.date | None
    end: dt.date | None
    sector: str = "GOV"
    title: str = ""

    def holds(self, date: dt.date) -> bool:
        """True when the office was held on ``date`` (start and end inclusive)."""
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)

    @property
    def label(self) -> str:
        return self.title or _OFFICE_LABELS.get(self.role, self.role)


@dataclass(frozen=True, slots=True)
class Person:
    """A person of the knowledge base, with name variants and offices held over time."""

    id: str
    name: str
    names: tuple[str, ...]
    country: str | None
    offices: tuple[Office, ...] = ()
    sector: str | None = None
    gender: str | None = None  # "f" or "m" (pronoun agreement); None when not given
    layer: str = "curated"

    @property
    def surnames(self) -> tuple[str, ...]:
        """Last words of every name variant ("Sergei Lavrov" -> "Lavrov")."""
        out: list[str] = []
        for name in self.names:
            words = name.replace(".", ". ").split()
            if len(words) >= 2 and words[-1] not in out:
                out.append(words[-1])
        return tuple(out)

    def office_on(self, date: dt.date | None) -> Office | None:
        """The office held on ``date`` (the most recently started one when several)."""
        if date is None:
            date = dt.date.today()
        held = [o for o in self.offices if o.holds(date)]
        if not held:
            return None
        return max(held, key=lambda o: o.start or dt.date.min)

    def ref(self, date: dt.date | None) -> tuple[ActorRef, Office | None]:
        """The actor this person is on ``date``: the office's code and sector, else the country."""
        office = self.office_on(date)
        if office is not None:
            return ActorRef(
                code=office.code, sector=office.sector, name=self.name, kind="person", kb_id=self.id
            ), office
        return ActorRef(
            code=self.country, sector=self.sector, name=self.name, kind="person", kb_id=self.id
        ), None


@dataclass(frozen=True, slots=True)
class Role:
    """A title or agent noun: the sector it gives and (titles) the office it names."""

    id: str
    sector: str
    office: str | None
    is_title: bool


@dataclass(frozen=True, slots=True)
class Hit:
    """What a name means: an entry or person id and how the name relates to it (``via``)."""

    target: str  # entry id or person id
    via: str  # exact, alias, demonym, capital, place, seat, agent, role, person, surname
    case_sensitive: bool = False
    layer: str = "curated"  # the knowledge layer the name comes from


@dataclass
class KnowledgeBase:
    """The compiled knowledge base: entries, people, roles and a name index.

    Attributes:
        entries: kb id -> :class:`Entry` (states, organisations, places, agents).
        people: person id -> :class:`Person`.
        roles: kb id -> :class:`Role` (agent nouns and titles).
        names: normalised name -> hits (what the name can mean).
        surnames: normalised surname -> person ids.
        patterns: normalised name -> surface forms (for the phrase matcher).
        files: the files the knowledge base was built from.
        layer_tokens: token sequences of the lower layers' names -> normalised name.
    """

    entries: dict[str, Entry] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    names: dict[str, list[Hit]] = field(default_factory=dict)
    surnames: dict[str, list[str]] = field(default_factory=dict)
    patterns: dict[str, set[str]] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    #: Lower-layer names as lower-cased token sequences (matched without a PhraseMatcher).
    layer_tokens: dict[tuple[str, ...], str] = field(default_factory=dict)
    _terms: dict[str, list[tuple[Person, Office]]] | None = field(
        default=None, repr=False, compare=False
    )

    # ------------------------------------------------------------------ building
    def _add_name(self, name: str, hit: Hit) -> None:
        name = name.strip()
        if not name:
            return
        key = norm_key(name)
        if not key:
            return
        hits = self.names.setdefault(key, [])
        if all(h.target != hit.target or h.via != hit.via for h in hits):
            hits.append(hit)
        # Surface forms for the phrase matcher (the accent-free form too).
        forms = self.patterns.setdefault(key, set())
        forms.add(name)
        if strip_accents(name) != name:
            forms.add(strip_accents(name))

    def state(self, code: str) -> Entry | None:
        """The state entry for a country code (after normalising old CAMEO codes)."""
        return self.entries.get(f"state:{normalise_code(code)}")

    # ------------------------------------------------------------------ look-up
    def hits(self, name: str) -> list[Hit]:
        """Everything ``name`` can mean, best first (no context, no date)."""
        return list(self.names.get(norm_key(name), ()))

    def hit_ref(self, hit: Hit, date: dt.date | None) -> tuple[ActorRef, str]:
        """The actor a single hit gives on ``date`` and a sentence saying why."""
        if hit.target in self.people:
            person = self.people[hit.target]
            ref, office = person.ref(date)
            when = date.isoformat() if date else "today"
            if office is not None:
                span = f"{office.start or '?'} to {office.end or 'present'}"
                why = f"{person.name}: {office.label} of {office.code} ({span}) on {when}"
            else:
                why = f"{person.name}: no office in the knowledge base on {when}; country only"
            return ref, why
        if hit.target in self.roles:
            role = self.roles[hit.target]
            entry = self.entries[hit.target]
            return (
                ActorRef(code=None, sector=role.sector, name=None, kind="agent", kb_id=entry.id),
                f"{hit.via} noun {entry.name!r} gives sector {role.sector}",
            )
        entry = self.entries[hit.target]
        if hit.via == "capital":
            state = self.state(entry.code or "")
            name = state.name if state else entry.name
            return (
                ActorRef(
                    code=entry.code,
                    sector="GOV",
                    name=name,
                    kind="state",
                    kb_id=state.id if state else entry.id,
                ),
                f"{entry.name} is the capital of {name}: metonym for its government "
                f"(a location after 'in', 'at', ...)",
            )
        if hit.via == "place":
            return (
                entry.ref(),
                f"{entry.name} is a place in {entry.code} (a location, not an actor)",
            )
        if hit.via == "seat":
            return entry.ref(), (
                f"{entry.name} stands for {entry.code} {entry.sector} (seat of power, metonym)"
            )
        return entry.ref(), f"{hit.via} name of {entry.kind} {entry.name} ({entry.code})"

    def terms_of(self, code: str) -> list[tuple[Person, Office]]:
        """Every (person, office) term for ``code``, in knowledge-base order (indexed once)."""
        if self._terms is None:
            index: dict[str, list[tuple[Person, Office]]] = {}
            for person in self.people.values():
                for office in person.offices:
                    index.setdefault(office.code, []).append((person, office))
            self._terms = index
        return self._terms.get(code, [])

    def people_named(self, surname: str) -> list[Person]:
        """People whose name variants end in ``surname``."""
        return [self.people[p] for p in self.surnames.get(norm_key(surname), ())]


@functools.lru_cache(maxsize=1)
def cameo_codes() -> dict[str, dict[str, str]]:
    """The tables of ``data/cameo_codes.yaml``: ``countries``, ``ambiguous`` and ``regions``.

    Older CAMEO codes are mapped to ISO 3166 alpha-3 (``JAP`` -> ``JPN``). ``ambiguous`` codes are
    also ISO codes of another state (``SWZ``: Switzerland in CAMEO, Eswatini in ISO) and
    ``regions`` are CAMEO region codes (compared as ``IGO``); both apply only to input known to
    be CAMEO-coded, such as a gold set.
    """
    text = resources.files("detente.actors").joinpath("data/cameo_codes.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {k: {str(a): str(b) for a, b in (data.get(k) or {}).items()} for k in _CAMEO_TABLES}


_CAMEO_TABLES = ("countries", "ambiguous", "regions")


def normalise_code(code: str | None, *, cameo: bool = False) -> str | None:
    """Map an older CAMEO country code to ISO alpha-3 (``JAP`` -> ``JPN``); others unchanged.

    Args:
        code: an actor code.
        cameo: the code is known to be CAMEO (a gold set): also map the codes that are ISO codes
            of another state and the region codes.
    """
    if not code:
        return code
    code = code.strip().upper()
    tables = cameo_codes()
    for table in _CAMEO_TABLES if cameo else _CAMEO_TABLES[:1]:
        if code in tables[table]:
            return tables[table][code]
    return code


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(text).casefold()).strip("-")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _is_acronym(name: str, short: bool = True) -> bool:
    """Names matched case-sensitively: acronyms ("US", "IS") and, for proper names (``short``),
    other names of three letters or fewer ("LeT" must not match "let")."""
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return False
    return (all(c.isupper() for c in letters) and len(letters) <= 6) or (
        short and len(letters) <= 3
    )


class Builder:
    """Merges raw YAML documents into one knowledge base."""

    def __init__(self, layer: str = "curated") -> None:
        self.layer = layer
        self.states: dict[str, dict[str, Any]] = {}
        self.orgs: dict[str, dict[str, Any]] = {}
        self.agents: dict[str, dict[str, Any]] = {}
        self.people: dict[str, dict[str, Any]] = {}
        self.discards: set[str] = set()

    @staticmethod
    def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        out = dict(old)
        for key, value in new.items():
            if isinstance(value, list) and isinstance(out.get(key), list):
                out[key] = out[key] + [v for v in value if v not in out[key]]
            else:
                out[key] = value
        return out

    def add_doc(self, doc: Any, source: str) -> None:
        """Merge one parsed actor file (``source`` names it in errors)."""
        if doc is None:
            return
        if not isinstance(doc, dict):
            raise ActorError(
                f"{source}: an actor file must be a mapping with keys such as "
                "'states', 'organisations', 'people'",
                code="E052",
            )
        known = {
            "version",
            "states",
            "organisations",
            "agents",
            "roles",
            "people",
            "offices",
            "default_gender",
            "discards",
        }
        unknown = set(doc) - known
        if unknown:
            raise ActorError(
                f"{source}: unknown key(s) {', '.join(sorted(unknown))}; use "
                f"{', '.join(sorted(known))}",
                code="E053",
            )
        for item in self._items(doc, "states", source):
            code = str(item.get("code", "")).upper()
            if not code:
                raise ActorError(f"{source}: a state needs a 'code' ({item})", code="E054")
            item = {**item, "code": code}
            self.states[code] = self._merge(self.states.get(code, {}), item)
        for item in self._items(doc, "organisations", source):
            oid = item.get("id") or f"org:{_slug(str(item.get('name', '')))}"
            if not item.get("name"):
                raise ActorError(f"{source}: an organisation needs a 'name' ({item})", code="E054")
            self.orgs[oid] = self._merge(self.orgs.get(oid, {}), {**item, "id": oid})
        for key, is_title in (("agents", False), ("roles", True)):
            for item in self._items(doc, key, source):
                if "sector" not in item or "words" not in item:
                    raise ActorError(
                        f"{source}: each {key} entry needs 'sector' and 'words'", code="E054"
                    )
                for word in _as_list(item["words"]):
                    rid = f"{'role' if is_title else 'agent'}:{_slug(word)}"
                    if rid in self.agents:
                        # "secretary-general" and "secretary general" share one id.
                        forms = self.agents[rid]["forms"]
                        if word not in forms:
                            forms.append(word)
                        continue
                    self.agents[rid] = {
                        "name": word,
                        "sector": str(item["sector"]),
                        "office": item.get("office"),
                        "title": is_title,
                        "forms": [word],
                    }
        self.discards.update(norm_key(str(d)) for d in _as_list(doc.get("discards")))
        default_gender = doc.get("default_gender")
        for item in self._items(doc, "people", source):
            self._add_person(item, source, default_gender)
        for item in self._items(doc, "offices", source):
            # Flat form: one office term per item, grouped into people by id or name.
            office_keys = ("role", "code", "start", "end", "sector", "title")
            office = {k: item[k] for k in office_keys if k in item}
            person = {k: v for k, v in item.items() if k not in office_keys}
            person["offices"] = [office]
            person.setdefault("country", item.get("code"))
            self._add_person(person, source, default_gender)

    @staticmethod
    def _items(doc: dict[str, Any], key: str, source: str) -> list[dict[str, Any]]:
        items = doc.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ActorError(f"{source}: '{key}' must be a list of mappings", code="E055")
        return items

    def _add_person(self, item: dict[str, Any], source: str, default_gender: Any = None) -> None:
        name = item.get("name")
        if not name:
            raise ActorError(f"{source}: a person needs a 'name' ({item})", code="E054")
        pid = item.get("id") or f"person:{_slug(str(name))}"
        if not str(pid).startswith("person:"):
            pid = f"person:{pid}"
        for office in item.get("offices") or []:
            if "role" not in office or "code" not in office:
                raise ActorError(f"{source}: office of {name} needs 'role' and 'code'", code="E054")
        if default_gender and "gender" not in item and "gender" not in self.people.get(pid, {}):
            item = {**item, "gender": default_gender}
        self.people[pid] = self._merge(self.people.get(pid, {}), {**item, "id": pid})

    def build(self, files: tuple[str, ...]) -> KnowledgeBase:
        """Compile the merged documents into a :class:`KnowledgeBase`."""
        kb = KnowledgeBase(files=files)
        layer = self.layer
        hit = functools.partial(Hit, layer=layer)
        for code, s in self.states.items():
            kind = s.get("kind", "state")
            sid = f"state:{code}"
            kb.entries[sid] = Entry(sid, kind, code, None, str(s.get("name", code)), layer=layer)
            kb._add_name(str(s.get("name", code)), hit(sid, "exact"))
            for alias in _as_list(s.get("aliases")):
                kb._add_name(alias, hit(sid, "alias", _is_acronym(alias)))
            for dem in _as_list(s.get("demonyms")):
                kb._add_name(dem, hit(sid, "demonym", _is_acronym(dem)))
                many = demonym_plural(dem)
                if many and not _is_acronym(dem):
                    kb._add_name(many, hit(sid, "demonym"))
            capitals = _as_list(s.get("capital")) + _as_list(s.get("capital_aliases"))
            for cap in capitals:
                if norm_key(cap) == norm_key(str(s.get("name", ""))):
                    continue
                pid = f"place:{_slug(cap)}"
                kb.entries[pid] = Entry(pid, "place", code, None, cap, layer=layer)
                kb._add_name(cap, hit(pid, "capital"))
            for place in _as_list(s.get("places")):
                pid = f"place:{_slug(place)}"
                if pid not in kb.entries:
                    kb.entries[pid] = Entry(pid, "place", code, None, place, layer=layer)
                kb._add_name(place, hit(pid, "place"))
        for oid, o in self.orgs.items():
            org_code = normalise_code(o.get("code"))
            kind = str(o.get("kind", "organisation"))
            kb.entries[oid] = Entry(
                oid,
                kind,
                org_code,
                o.get("sector"),
                str(o["name"]),
                needs_agent=bool(o.get("needs_agent", False)),
                layer=layer,
            )
            via = "seat" if kind == "seat" else "exact"
            kb._add_name(str(o["name"]), hit(oid, via, _is_acronym(str(o["name"]))))
            for alias in _as_list(o.get("aliases")):
                kb._add_name(
                    alias, hit(oid, "seat" if kind == "seat" else "alias", _is_acronym(alias))
                )
        for rid, a in self.agents.items():
            kind = "role" if a["title"] else "agent"
            kb.entries[rid] = Entry(
                rid, kind, None, a["sector"], a["name"], a.get("office"), layer=layer
            )
            kb.roles[rid] = Role(rid, a["sector"], a.get("office"), a["title"])
            for word in a["forms"]:
                acr = _is_acronym(word, short=False)
                kb._add_name(word, hit(rid, kind, acr))
                if not acr:
                    kb._add_name(plural(word), hit(rid, kind))
        for pid, p in self.people.items():
            offices = tuple(
                Office(
                    role=str(o["role"]),
                    code=normalise_code(str(o["code"])) or "",
                    start=parse_date(o.get("start")),
                    end=parse_date(o.get("end")),
                    sector=str(o.get("sector", "GOV")),
                    title=str(o.get("title", "")),
                )
                for o in p.get("offices") or []
            )
            names = [str(p["name"])] + [a for a in _as_list(p.get("aliases")) if a != p["name"]]
            country = normalise_code(p.get("country")) or next((o.code for o in offices), None)
            gender = str(p["gender"]).lower()[:1] if p.get("gender") else None
            person = Person(
                pid,
                str(p["name"]),
                tuple(names),
                country,
                offices,
                p.get("sector"),
                gender,
                layer=layer,
            )
            kb.people[pid] = person
            for name in names:
                kb._add_name(name, hit(pid, "person"))
            for surname in person.surnames:
                ids = kb.surnames.setdefault(norm_key(surname), [])
                if pid not in ids:
                    ids.append(pid)
        for key in self.discards:
            # Discarded phrases (a Phoenix "discards" list) are never actors.
            kb.names.pop(key, None)
            kb.patterns.pop(key, None)
        return kb
