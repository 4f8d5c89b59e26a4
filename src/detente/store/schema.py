"""The DuckDB schema, its version, migrations, and opening a database (read-write or read-only).

The schema is plain SQL kept here (one source of truth; ``docs/store.md`` documents every column).
``meta.schema_version`` records the version a database was created with; :func:`open_db` migrates
an older database forward in one transaction and refuses a newer one.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .migrations import MIGRATIONS

__all__ = ["MIGRATIONS", "SCHEMA", "SCHEMA_VERSION", "TABLES", "open_db", "schema_version"]

log = logging.getLogger(__name__)

#: Bump when the schema changes, and add a migration from the previous version
#: (``migrations.py``). Version 2 added ``mentions.record`` and ``quotes.record``; version 3 the
#: ``places`` table and the events' ``location_*`` columns.
SCHEMA_VERSION = 3

#: The tables of a version-3 database, in creation order. Child tables (mentions, places, entities,
#: links) have no primary key: their rows are written in the same transaction as their
#: article, which the writer stores once, and DuckDB keeps primary-key indexes in memory.
SCHEMA: dict[str, str] = {
    "meta": """
        CREATE TABLE IF NOT EXISTS meta (
            key VARCHAR PRIMARY KEY,
            value VARCHAR
        )""",
    "runs": """
        CREATE TABLE IF NOT EXISTS runs (
            run_id INTEGER PRIMARY KEY,
            started_at TIMESTAMP,
            finished_at TIMESTAMP,
            status VARCHAR,             -- running | done | failed (a killed run stays running)
            detente_version VARCHAR,
            versions JSON,              -- stage name -> version (pipeline.versions)
            lexicon_files JSON,         -- extra actor/lexicon/boilerplate files of the settings
            settings JSON,
            inputs JSON,
            workers INTEGER,
            n_read BIGINT DEFAULT 0,
            n_coded BIGINT DEFAULT 0,
            n_skipped BIGINT DEFAULT 0,
            n_rejected BIGINT DEFAULT 0,
            n_mentions BIGINT DEFAULT 0,
            n_events BIGINT DEFAULT 0,
            n_quotes BIGINT DEFAULT 0
        )""",
    "articles": """
        CREATE TABLE IF NOT EXISTS articles (
            id VARCHAR PRIMARY KEY,
            hash VARCHAR,
            input VARCHAR,
            title VARCHAR,
            text VARCHAR,
            url VARCHAR,
            source VARCHAR,
            published DATE,
            language VARCHAR,
            authors VARCHAR[],
            format VARCHAR,
            meta JSON,
            credits JSON,
            removed JSON,
            n_mentions INTEGER,
            n_events INTEGER,
            n_quotes INTEGER,
            story_id VARCHAR,
            run_id INTEGER,
            ingested_at TIMESTAMP
        )""",
    "mentions": """
        CREATE TABLE IF NOT EXISTS mentions (
            article_id VARCHAR,
            idx INTEGER,
            text VARCHAR,
            field VARCHAR,
            start INTEGER,
            "end" INTEGER,
            via VARCHAR,
            confidence DOUBLE,
            label VARCHAR,
            ref INTEGER,
            actor_code VARCHAR,
            actor_sector VARCHAR,
            actor_name VARCHAR,
            actor_kind VARCHAR,
            actor_kb_id VARCHAR,
            record JSON                 -- the full mention record (Mention.to_dict())
        )""",
    "events": """
        CREATE TABLE IF NOT EXISTS events (
            id VARCHAR PRIMARY KEY,     -- article_id/event id: unique in the database
            event_id VARCHAR,           -- the id the events stage gave the record
            article_id VARCHAR,
            idx INTEGER,
            date DATE,
            event VARCHAR,
            mode VARCHAR,
            context VARCHAR[],
            quad_code INTEGER,
            event_scale DOUBLE,
            event_text VARCHAR,
            cameo VARCHAR,
            quote_id VARCHAR,
            factual BOOLEAN,
            auxiliary_modes VARCHAR[],
            actor_codes VARCHAR,        -- '+'-joined sorted actor codes ('' when none)
            recipient_codes VARCHAR,
            sentence VARCHAR,
            sentence_field VARCHAR,
            sentence_start INTEGER,
            sentence_end INTEGER,
            trigger_text VARCHAR,
            lexicon_entry VARCHAR,
            confidence DOUBLE,
            text_info JSON,
            record JSON,                -- the full PLOVER record (Event.to_dict())
            location_name VARCHAR,      -- event.location (NULL when the event has none)
            location_country VARCHAR,   -- ISO 3166-1 alpha-3
            location_admin1 VARCHAR,    -- ISO 3166-2
            location_lat DOUBLE,
            location_lon DOUBLE,
            location_geonames_id BIGINT,
            location_via VARCHAR        -- clause | sentence | dateline | article
        )""",
    "event_entities": """
        CREATE TABLE IF NOT EXISTS event_entities (
            event_id VARCHAR,           -- events.id
            role VARCHAR,               -- actor | recipient
            idx INTEGER,
            code VARCHAR,
            sector VARCHAR,
            entity_text VARCHAR,
            name VARCHAR,
            kind VARCHAR,
            kb_id VARCHAR
        )""",
    "quotes": """
        CREATE TABLE IF NOT EXISTS quotes (
            id VARCHAR PRIMARY KEY,     -- article_id/quote id
            quote_id VARCHAR,
            article_id VARCHAR,
            idx INTEGER,
            text VARCHAR,
            kind VARCHAR,
            field VARCHAR,
            start INTEGER,
            "end" INTEGER,
            cue_text VARCHAR,
            cue_start INTEGER,
            cue_end INTEGER,
            speaker_text VARCHAR,
            speaker_name VARCHAR,
            speaker_code VARCHAR,
            speaker_sector VARCHAR,
            speaker_kind VARCHAR,
            speaker_kb_id VARCHAR,
            speaker_via VARCHAR,
            confidence DOUBLE,
            event_ids VARCHAR[],
            record JSON                 -- the full quote record (Quote.to_dict())
        )""",
    "places": """
        CREATE TABLE IF NOT EXISTS places (
            article_id VARCHAR,
            idx INTEGER,
            text VARCHAR,
            field VARCHAR,
            start INTEGER,
            "end" INTEGER,
            name VARCHAR,
            feature VARCHAR,            -- continent | region | country | admin1 | city
            country VARCHAR,            -- ISO 3166-1 alpha-3
            admin1 VARCHAR,             -- ISO 3166-2
            lat DOUBLE,
            lon DOUBLE,
            geonames_id BIGINT,
            population BIGINT,
            confidence DOUBLE,
            via VARCHAR,
            record JSON                 -- the full place record (Place.to_dict())
        )""",
    "rejections": """
        CREATE TABLE IF NOT EXISTS rejections (
            id VARCHAR PRIMARY KEY,     -- the article id (content hash or reader id)
            hash VARCHAR,
            input VARCHAR,
            reason VARCHAR,
            detail VARCHAR,
            run_id INTEGER,
            rejected_at TIMESTAMP
        )""",
    "signatures": """
        CREATE TABLE IF NOT EXISTS signatures (
            article_id VARCHAR PRIMARY KEY,
            minhash BLOB                -- MinHash hash values (uint64, little-endian)
        )""",
    "stories": """
        CREATE TABLE IF NOT EXISTS stories (
            story_id VARCHAR PRIMARY KEY,   -- the smallest article id of the story
            n_articles INTEGER,
            n_sources INTEGER,
            first_published DATE,
            last_published DATE,
            title VARCHAR
        )""",
    "merged_events": """
        CREATE TABLE IF NOT EXISTS merged_events (
            id VARCHAR PRIMARY KEY,
            event VARCHAR,
            actor_codes VARCHAR,
            recipient_codes VARCHAR,
            date DATE,                  -- first date of the group
            last_date DATE,
            mode VARCHAR,               -- most frequent mode
            quad_code INTEGER,
            event_scale DOUBLE,         -- mean intensity
            cameo VARCHAR,
            num_mentions INTEGER,       -- raw events merged
            num_articles INTEGER,
            num_sources INTEGER,
            num_stories INTEGER,
            first_event_id VARCHAR,
            source_url VARCHAR
        )""",
    "merged_links": """
        CREATE TABLE IF NOT EXISTS merged_links (
            merged_id VARCHAR,
            event_id VARCHAR
        )""",
}

INDEXES = (
    "CREATE INDEX IF NOT EXISTS articles_hash ON articles(hash)",
    "CREATE INDEX IF NOT EXISTS events_article ON events(article_id)",
    "CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_id)",
    "CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article_id)",
    "CREATE INDEX IF NOT EXISTS places_article ON places(article_id)",
    "CREATE INDEX IF NOT EXISTS rejections_hash ON rejections(hash)",
)

TABLES: tuple[str, ...] = tuple(SCHEMA)


def schema_version(con: Any) -> int | None:
    """Return the schema version of an open database (``None`` for an empty database)."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except Exception:
        return None
    return int(row[0]) if row else None


def _create(con: Any) -> None:
    for ddl in SCHEMA.values():
        con.execute(ddl)
    for ddl in INDEXES:
        con.execute(ddl)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def _migrate(con: Any, found: int) -> None:
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {found} is newer than this detente ({SCHEMA_VERSION}); "
            "upgrade detente",
            code="E072",
        )
    con.execute("BEGIN TRANSACTION")
    try:
        for version in range(found, SCHEMA_VERSION):
            step = MIGRATIONS.get(version)
            if step is None:
                raise StoreError(
                    f"no migration from schema version {version}; re-ingest into a new database",
                    code="E073",
                )
            log.info("migrating database schema %d -> %d", version, version + 1)
            step(con)
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def open_db(path: str | os.PathLike[str], *, read_only: bool = False) -> Any:
    """Open (and create or migrate, unless read-only) a detente DuckDB database.

    Args:
        path: the database file (``":memory:"`` for a throwaway database).
        read_only: open without write access (the web app and queries); the file must exist
            and have the current schema.

    Returns:
        A ``duckdb.DuckDBPyConnection``.

    Raises:
        StoreError: the file is missing (read-only), locked by a writer, not a detente database,
            or has a schema this version cannot migrate.
    """
    import duckdb

    name = os.fspath(path)
    if read_only and name != ":memory:" and not Path(name).is_file():
        raise StoreError(
            f"database {name!r} does not exist; create it with `detente ingest PATH --db {name}`",
            code="E071",
        )
    try:
        con = duckdb.connect(name, read_only=read_only)
    except duckdb.IOException as exc:
        raise StoreError(
            f"cannot open database {name!r}: {exc}; another process holds it (DuckDB allows one "
            "writer, and no reader while it writes): wait for the ingest to finish, stop the "
            "web server before ingesting, or query a copy",
            code="E074",
        ) from exc
    except duckdb.Error as exc:
        if "different configuration" in str(exc):
            # this process already has the file open for writing (an ingest in progress)
            raise StoreError(
                f"cannot open database {name!r} read-only while it is open for writing: {exc}",
                code="E074",
            ) from exc
        raise StoreError(
            f"cannot open database {name!r}: {exc}; is it a DuckDB file?", code="E075"
        ) from exc
    found = schema_version(con)
    if read_only:
        if found is None:
            con.close()
            raise StoreError(
                f"{name!r} is not a detente database (no schema version); "
                "create one with `detente ingest`",
                code="E076",
            )
        if found != SCHEMA_VERSION:
            con.close()
            raise StoreError(
                f"database {name!r} has schema version {found}, this detente reads "
                f"{SCHEMA_VERSION}; open it once read-write (e.g. `detente ingest` "
                "with no new inputs) to migrate it",
                code="E077",
            )
        return con
    if found is None:
        _create(con)
    elif found != SCHEMA_VERSION:
        _migrate(con, found)
    return con
