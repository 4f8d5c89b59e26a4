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
# come out empty ([], "", null). Nor did it tell topics from words said: ``topic`` is false.
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
        'via', coalesce(speaker_via, '')) END,
    'confidence', round(coalesce(confidence, 0.0), 3),
    'event_ids', coalesce(event_ids, []::VARCHAR[]), 'segments', []::JSON[], 'rule', '',
    'topic', false)"""


def _v1_to_v2(con: Any) -> None:
    """Version 2 stores each mention and quote as its record JSON (``record``), as events are."""
    con.execute("ALTER TABLE mentions ADD COLUMN record JSON")
    con.execute(f"UPDATE mentions SET record = {_MENTION_RECORD}")
    con.execute("ALTER TABLE quotes ADD COLUMN record JSON")
    con.execute(f"UPDATE quotes SET record = {_QUOTE_RECORD}")


#: version -> function migrating a database *from* that version to the next one.
MIGRATIONS: dict[int, Callable[[Any], None]] = {1: _v1_to_v2}
