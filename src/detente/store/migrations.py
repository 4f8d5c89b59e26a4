"""Migrations of the store's schema, one function per version step (``schema.MIGRATIONS``).

Each step runs inside the transaction that :func:`detente.store.schema.open_db` opens, so a
failed step leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["MIGRATIONS"]

# The record of a version-1 mention, rebuilt from its columns (``Mention.to_dict()``): version 1
# stored every field of it. An actor always has a kind, so ``actor_kind`` tells whether there
# was one.
_MENTION_RECORD = """json_object(
    'text', text, 'start', start, 'end', "end", 'field', coalesce(field, 'text'),
    'actor', CASE WHEN actor_kind IS NULL THEN NULL ELSE json_object(
        'code', actor_code, 'sector', actor_sector, 'name', actor_name, 'kind', actor_kind,
        'kb_id', actor_kb_id) END,
    'via', via, 'confidence', round(coalesce(confidence, 0.0), 3), 'label', label, 'ref', ref)"""

# The record of a version-1 quote (``Quote.to_dict()``). Version 1 did not store a quote's
# segments, its rule, its speaker's offsets and field or the name of the speaker's actor: they
# come out empty ([], "", null). Nor did it tell topics from words said (``topic`` false) or
# know a speaker's kind (null).
_QUOTE_RECORD = """json_object(
    'id', quote_id, 'text', text, 'start', start, 'end', "end", 'field', coalesce(field, 'text'),
    'kind', kind,
    'cue', CASE WHEN cue_text IS NULL THEN NULL ELSE json_object(
        'text', cue_text, 'start', cue_start, 'end', cue_end) END,
    'speaker', CASE WHEN speaker_text IS NULL AND speaker_name IS NULL THEN NULL ELSE json_object(
        'text', speaker_text, 'start', NULL, 'end', NULL, 'field', NULL, 'name', speaker_name,
        'actor', CASE WHEN speaker_kind IS NULL THEN NULL ELSE json_object(
            'code', speaker_code, 'sector', speaker_sector, 'name', NULL,
            'kind', speaker_kind, 'kb_id', speaker_kb_id) END,
        'via', coalesce(speaker_via, ''), 'kind', NULL) END,
    'confidence', round(coalesce(confidence, 0.0), 3),
    'event_ids', coalesce(event_ids, []::VARCHAR[]), 'segments', []::JSON[], 'rule', '',
    'topic', false)"""


def _v1_to_v2(con: Any) -> None:
    """Version 2 stores each mention and quote as its record JSON (``record``), as events are."""
    con.execute("ALTER TABLE mentions ADD COLUMN record JSON")
    con.execute(f"UPDATE mentions SET record = {_MENTION_RECORD}")
    con.execute("ALTER TABLE quotes ADD COLUMN record JSON")
    con.execute(f"UPDATE quotes SET record = {_QUOTE_RECORD}")


# The events' location columns, read from the stored record (``Event.to_dict()["location"]``);
# an event coded before the locations stage has none and gets NULLs.
_LOCATION_COLUMNS = (
    ("location_name", "VARCHAR", "json_extract_string(record, '$.location.name')"),
    ("location_country", "VARCHAR", "json_extract_string(record, '$.location.country')"),
    ("location_admin1", "VARCHAR", "json_extract_string(record, '$.location.admin1')"),
    ("location_lat", "DOUBLE", "TRY_CAST(json_extract(record, '$.location.lat') AS DOUBLE)"),
    ("location_lon", "DOUBLE", "TRY_CAST(json_extract(record, '$.location.lon') AS DOUBLE)"),
    (
        "location_geonames_id",
        "BIGINT",
        "TRY_CAST(json_extract(record, '$.location.geonames_id') AS BIGINT)",
    ),
    ("location_via", "VARCHAR", "json_extract_string(record, '$.location.via')"),
)


# The places table as version 3 created it (a migration keeps the shape of its own version).
_V3_PLACES = """
    CREATE TABLE IF NOT EXISTS places (
        article_id VARCHAR, idx INTEGER, text VARCHAR, field VARCHAR, start INTEGER,
        "end" INTEGER, name VARCHAR, feature VARCHAR, country VARCHAR, admin1 VARCHAR,
        lat DOUBLE, lon DOUBLE, geonames_id BIGINT, population BIGINT, confidence DOUBLE,
        via VARCHAR, record JSON
    )"""


def _v2_to_v3(con: Any) -> None:
    """Version 3 stores places (``places``, one row per toponym mention) and each event's
    location in columns (``location_*``), filled from the stored event records.

    A version-2 database stored no places (the contract had none before), so the new table
    starts empty; re-ingesting into a new database adds them.
    """
    con.execute(_V3_PLACES)
    con.execute("CREATE INDEX IF NOT EXISTS places_article ON places(article_id)")
    for name, kind, _ in _LOCATION_COLUMNS:
        con.execute(f"ALTER TABLE events ADD COLUMN {name} {kind}")
    sets = ", ".join(f"{name} = {expr}" for name, _, expr in _LOCATION_COLUMNS)
    con.execute(f"UPDATE events SET {sets}")


#: version -> function migrating a database *from* that version to the next one.
MIGRATIONS: dict[int, Callable[[Any], None]] = {1: _v1_to_v2, 2: _v2_to_v3}
