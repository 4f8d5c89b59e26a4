"""Exports: PLOVER JSONL, the GDELT 2.0 event table, Parquet and CSV.

Default exports hold factual events only (``all_events=True`` adds negated, hypothetical and
future ones). The GDELT export writes one row per *merged* event (NumMentions, NumSources and
NumArticles come from de-duplication); the column mapping is documented in ``docs/store.md``.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import IO, Any

from ..errors import StoreError
from ..jsonl import write_line
from .gdelt_geo import gdelt_geo

__all__ = ["CAMEO_DEFAULTS", "EXPORT_FORMATS", "GDELT_COLUMNS", "cameo_code", "export"]

log = logging.getLogger(__name__)

EXPORT_FORMATS = ("plover", "gdelt", "parquet", "csv")

#: The 61 columns of the GDELT 2.0 event table, in order.
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(
        f"Actor{n}{c}"
        for n in (1, 2)
        for c in (
            "Code",
            "Name",
            "CountryCode",
            "KnownGroupCode",
            "EthnicCode",
            "Religion1Code",
            "Religion2Code",
            "Type1Code",
            "Type2Code",
            "Type3Code",
        )
    ),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(
        f"{g}_{c}"
        for g in ("Actor1Geo", "Actor2Geo", "ActionGeo")
        for c in (
            "Type",
            "FullName",
            "CountryCode",
            "ADM1Code",
            "ADM2Code",
            "Lat",
            "Long",
            "FeatureID",
        )
    ),
    "DATEADDED",
    "SOURCEURL",
)
assert len(GDELT_COLUMNS) == 61

#: PLOVER event (and mode) -> CAMEO code, used when the events stage gave no ``cameo``; chosen
#: from the CAMEO->PLOVER crosswalk (CAMEO2PLOVER-2021.txt) as the code each type/mode maps from.
CAMEO_DEFAULTS: dict[str, str] = {
    "AGREE": "030",
    "CONSULT": "040",
    "CONSULT/phone": "041",
    "CONSULT/visit": "042",
    "CONSULT/third-party": "044",
    "CONSULT/multilateral": "044",
    "SUPPORT": "050",
    "COOPERATE": "060",
    "AID": "070",
    "CONCEDE": "080",
    "RETREAT": "084",
    "RETREAT/ease": "085",
    "RETREAT/access": "086",
    "RETREAT/disarm": "087",
    "RETREAT/release": "084",
    "REQUEST": "100",
    "REQUEST/assist": "101",
    "REQUEST/change": "104",
    "REQUEST/yield": "105",
    "REQUEST/meet": "106",
    "ACCUSE": "112",
    "ACCUSE/disapprove": "111",
    "ACCUSE/investigate": "090",
    "ACCUSE/allege": "112",
    "REJECT": "120",
    "REJECT/assist": "121",
    "REJECT/change": "123",
    "REJECT/yield": "124",
    "REJECT/meet": "125",
    "THREATEN": "130",
    "THREATEN/relations": "133",
    "THREATEN/expel": "136",
    "THREATEN/violence": "138",
    "PROTEST": "140",
    "PROTEST/demo": "141",
    "PROTEST/hunger": "142",
    "PROTEST/strike": "143",
    "PROTEST/boycott": "143",
    "PROTEST/obstruct": "144",
    "PROTEST/riot": "145",
    "SANCTION": "160",
    "SANCTION/withdraw": "161",
    "SANCTION/discontinue": "162",
    "SANCTION/expel": "166",
    "MOBILIZE": "150",
    "MOBILIZE/police": "153",
    "MOBILIZE/troops": "154",
    "COERCE": "170",
    "COERCE/seize": "171",
    "COERCE/restrict": "172",
    "COERCE/arrest": "173",
    "COERCE/deport": "174",
    "ASSAULT": "180",
    "ASSAULT/abduct": "181",
    "ASSAULT/sexual": "1821",
    "ASSAULT/torture": "1822",
    "ASSAULT/beat": "182",
    "ASSAULT/suicide-attack": "1831",
    "ASSAULT/explosives": "1832",
    "ASSAULT/firearms": "190",
    "ASSAULT/heavy-weapons": "194",
    "ASSAULT/aerial": "195",
    "ASSAULT/drone": "1951",
    "ASSAULT/unconventional": "200",
}

#: Codes that are groups, not countries (GDELT's KnownGroupCode rather than CountryCode).
_GROUP_CODES = {"IGO", "NGO", "MNC", "UNO", "EUR", "NATO", "IMG", "INT", "REB", "UIS"}


def cameo_code(event: str | None, mode: str | None, cameo: str | None = None) -> str:
    """The CAMEO code of an event: its own, else the crosswalk default for type and mode."""
    if cameo:
        return cameo
    if not event:
        return ""
    return CAMEO_DEFAULTS.get(f"{event}/{mode}") or CAMEO_DEFAULTS.get(event, "")


def _open_out(out: str | os.PathLike[str] | IO[str]) -> tuple[IO[str], bool]:
    if not isinstance(out, str | os.PathLike):
        return out, False
    path = Path(os.fspath(out))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8", newline=""), True


def _export_plover(con: Any, out: IO[str], all_events: bool, merged: bool) -> int:
    where = "" if all_events else " WHERE e.factual"
    sql = (
        "SELECT e.record, e.article_id, a.url, a.source, a.title, l.merged_id "
        "FROM events e LEFT JOIN articles a ON a.id = e.article_id "
        f"LEFT JOIN merged_links l ON l.event_id = e.id{where} "
        "ORDER BY e.date NULLS LAST, e.article_id, e.idx"
    )
    cur = con.execute(sql)
    n = 0
    while rows := cur.fetchmany(2000):
        for record, art_id, url, source, title, merged_id in rows:
            rec = json.loads(record)
            rec["cite_info"] = {
                "article_id": art_id,
                "url": url,
                "publication": source,
                "title": title,
            }
            if merged:
                rec["merged_id"] = merged_id
            write_line(rec, out)
            n += 1
    return n


_GDELT_SQL = """
WITH ents AS (
    SELECT event_id, role, code, sector, coalesce(name, entity_text) AS name
    FROM event_entities WHERE idx = 0)
SELECT m.id, m.date, m.event, m.mode, m.cameo, m.quad_code, m.event_scale, m.num_mentions,
       m.num_sources, m.num_articles, coalesce(m.source_url, a.url, a.input) AS url,
       a1.code, a1.sector, a1.name, a2.code, a2.sector, a2.name,
       (e.sentence_field = 'title' OR e.sentence_start <
            coalesce(nullif(strpos(a.text, chr(10) || chr(10)), 0), 500)) AS is_root,
       a.ingested_at,
       e.location_name, e.location_country, e.location_admin1, e.location_lat, e.location_lon,
       e.location_geonames_id
FROM merged_events m
JOIN events e ON e.id = m.first_event_id
JOIN articles a ON a.id = e.article_id
LEFT JOIN ents a1 ON a1.event_id = e.id AND a1.role = 'actor'
LEFT JOIN ents a2 ON a2.event_id = e.id AND a2.role = 'recipient'
ORDER BY m.date NULLS LAST, m.id
"""


def _actor_cols(code: str | None, sector: str | None, name: str | None) -> list[str]:
    code = (code or "").upper()
    sector = (sector or "").upper()
    country = code if len(code) == 3 and code.isalpha() and code not in _GROUP_CODES else ""
    group = code if code and not country else ""
    full = f"{code}{sector}" if code else sector
    return [full, (name or "").upper() if full else "", country, group, "", "", "", sector, "", ""]


def _actor_geo(code: str | None, location_country: str | None, action_geo: list[str]) -> list[str]:
    """An actor's geography: the event's location when the actor is of its country."""
    if location_country and (code or "").upper() == location_country:
        return action_geo
    return [""] * len(action_geo)


def gdelt_row(row: tuple[Any, ...]) -> list[str]:
    """One GDELT 2.0 row (61 strings) from a row of the merged-event query."""
    (
        mid,
        date,
        event,
        mode,
        cameo,
        quad,
        scale,
        n_mentions,
        n_sources,
        n_articles,
        url,
        c1,
        s1,
        n1,
        c2,
        s2,
        n2,
        is_root,
        added,
    ) = row[:19]
    # The geography blocks (issue 15): ActionGeo is the event's location; an actor's block is
    # the same place when the actor's country is the location's country, else empty.
    action_geo = gdelt_geo(*row[19:25]) if len(row) >= 25 else [""] * 8
    location_country = row[20] if len(row) >= 25 else None
    gid = str(int(mid[1:13], 16)) if mid and len(mid) >= 13 else ""
    if date is not None:
        sqldate = date.strftime("%Y%m%d")
        month, year = sqldate[:6], sqldate[:4]
        frac = f"{date.year + (date.timetuple().tm_yday - 1) / 365:.4f}"
    else:
        sqldate = month = year = frac = ""
    code = cameo_code(event, mode, cameo)
    goldstein = "" if scale is None else f"{max(-10.0, min(10.0, float(scale))):.1f}"
    return [
        gid,
        sqldate,
        month,
        year,
        frac,
        *_actor_cols(c1, s1, n1),
        *_actor_cols(c2, s2, n2),
        "1" if is_root else "0",
        code,
        code[:3],
        code[:2],
        "" if quad is None else str(quad),
        goldstein,
        str(n_mentions),
        str(n_sources),
        str(n_articles),
        "",
        *_actor_geo(c1, location_country, action_geo),
        *_actor_geo(c2, location_country, action_geo),
        *action_geo,
        added.strftime("%Y%m%d%H%M%S") if added is not None else "",
        url or "",
    ]


def _export_gdelt(con: Any, out: IO[str]) -> int:
    cur = con.execute(_GDELT_SQL)
    n = 0
    while rows := cur.fetchmany(2000):
        for row in rows:
            fields = gdelt_row(row)
            # GDELT files are tab-separated with no quoting: tabs and newlines cannot appear.
            out.write("\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields) + "\n")
            n += 1
    return n


FLAT_SQL = """
SELECT e.id, e.event_id, e.article_id, e.date, e.event, e.mode,
       array_to_string(e.context, ';') AS context, e.quad_code, e.event_scale,
       e.cameo, e.factual, array_to_string(e.auxiliary_modes, ';') AS auxiliary_modes,
       e.actor_codes, e.recipient_codes,
       (SELECT string_agg(coalesce(x.code, '') || coalesce(x.sector, ''), '+' ORDER BY x.idx)
          FROM event_entities x WHERE x.event_id = e.id AND x.role = 'actor') AS actor_full,
       (SELECT string_agg(coalesce(x.name, x.entity_text), '; ' ORDER BY x.idx)
          FROM event_entities x WHERE x.event_id = e.id AND x.role = 'actor') AS actor_names,
       (SELECT string_agg(x.kb_id, '; ' ORDER BY x.idx)
          FROM event_entities x WHERE x.event_id = e.id AND x.role = 'actor') AS actor_kb_ids,
       (SELECT string_agg(coalesce(x.code, '') || coalesce(x.sector, ''), '+' ORDER BY x.idx)
          FROM event_entities x WHERE x.event_id = e.id AND x.role = 'recipient')
          AS recipient_full,
       (SELECT string_agg(coalesce(x.name, x.entity_text), '; ' ORDER BY x.idx)
          FROM event_entities x WHERE x.event_id = e.id AND x.role = 'recipient')
          AS recipient_names,
       (SELECT string_agg(x.kb_id, '; ' ORDER BY x.idx)
          FROM event_entities x WHERE x.event_id = e.id AND x.role = 'recipient')
          AS recipient_kb_ids,
       e.event_text, e.sentence, e.trigger_text, e.lexicon_entry, e.confidence, e.quote_id,
       l.merged_id, m.num_articles AS merged_num_articles, m.num_sources AS merged_num_sources,
       a.published, a.source, a.url, a.title, a.story_id,
       e.location_name, e.location_country, e.location_admin1, e.location_lat, e.location_lon,
       e.location_geonames_id, e.location_via
FROM events e
LEFT JOIN articles a ON a.id = e.article_id
LEFT JOIN merged_links l ON l.event_id = e.id
LEFT JOIN merged_events m ON m.id = l.merged_id
{where}
ORDER BY e.date NULLS LAST, e.article_id, e.idx
"""


def export(
    con: Any,
    fmt: str,
    out: str | os.PathLike[str] | IO[str],
    *,
    all_events: bool = False,
    merged: bool = False,
) -> int:
    """Export the database's events.

    Args:
        con: an open connection (read-only is enough).
        fmt: ``plover`` (JSONL, one PLOVER record per line, with ``cite_info``), ``gdelt`` (GDELT
            2.0 event table, 61 tab-separated columns, one row per merged event), ``parquet`` or
            ``csv`` (raw events, actor and recipient flattened, with their merged event).
        out: a path (``-`` is not handled here) or, for ``plover``/``gdelt``, an open text file.
        all_events: include non-factual events (not for ``gdelt``: merged events are factual).
        merged: with ``plover``, add each record's ``merged_id``.

    Returns:
        The number of rows written.

    Raises:
        StoreError: unknown format, or a binary format asked for a stream.
    """
    if fmt not in EXPORT_FORMATS:
        raise StoreError(
            f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}", code="E079"
        )
    if fmt in ("parquet", "csv"):
        if hasattr(out, "write"):
            raise StoreError(f"--format {fmt} needs --out FILE", code="E079")
        path = Path(os.fspath(out))
        path.parent.mkdir(parents=True, exist_ok=True)
        sql = FLAT_SQL.format(where="" if all_events else "WHERE e.factual")
        opts = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
        con.execute(f"COPY ({sql}) TO '{_sql_str(str(path))}' ({opts})")
        row = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()
        return int(row[0]) if row else 0
    stream, close = _open_out(out)
    try:
        if fmt == "plover":
            return _export_plover(con, stream, all_events, merged)
        return _export_gdelt(con, stream)
    finally:
        if close:
            stream.close()


def _sql_str(text: str) -> str:
    return text.replace("'", "''")
