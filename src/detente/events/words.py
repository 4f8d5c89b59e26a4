"""The extractor's closed-class words and intent rules, read once from the package data.

Four files under ``detente/events/data/`` hold them (each commented and versioned):

1. ``words.yaml``: auxiliaries and infinitive heads of the modes (future, hypothetical,
   negation), control verbs and nouns, pronouns, prepositions of phrases and circumstances;
2. ``light_verbs.yaml``: verbs that carry a nominal event ("held talks");
3. ``speech.yaml``: verbs and nouns of saying for reported speech;
4. ``intent.yaml``: PLOVER's intent and refusal rules ("will attack" -> THREATEN violence, "will
   not meet" -> REJECT meet), the violent contexts and the place-targeted events.

The module-level names (``SPEECH_VERBS``, ``INTENT_THREATEN``, ...) are filled at import, so the
files are parsed once per process; :func:`load_words` gives the whole table.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..errors import EventError
from .lexicon import load_data

__all__ = [
    "ACL_CONTROL_NOUNS",
    "ADVERBIAL_SUBORDINATORS",
    "APPEAL_VERBS",
    "CIRCUMSTANCE_PREPS",
    "DUMMY_SUBJECTS",
    "FIRST_PERSON",
    "FUTURE_AUX",
    "FUTURE_HEADS",
    "GENERIC_LIGHT",
    "HYPOTHETICAL_AUX",
    "HYPOTHETICAL_HEADS",
    "INTENT_AGREE",
    "INTENT_THREATEN",
    "LIGHT_PREPS",
    "NEGATING_HEADS",
    "OBJECT_CONTROL",
    "OBLIGATION_AUX",
    "PHRASE_PREPS",
    "PLACE_PREPS",
    "PLACE_TARGETED",
    "PRONOUNS",
    "REJECT_MODES",
    "SPEECH_NOUNS",
    "SPEECH_VERBS",
    "STATIVE_PASSIVES",
    "VIOLENT_CONTEXTS",
    "Words",
    "load_words",
]

_FILES = ("words.yaml", "light_verbs.yaml", "speech.yaml", "intent.yaml")


@dataclass(frozen=True)
class Words:
    """Every word set and rule table of the extractor (see the data files for each one)."""

    future_heads: frozenset[str]
    hypothetical_heads: frozenset[str]
    negating_heads: frozenset[str]
    future_aux: frozenset[str]
    hypothetical_aux: frozenset[str]
    obligation_aux: frozenset[str]
    object_control: frozenset[str]
    appeal_verbs: frozenset[str]
    acl_control_nouns: frozenset[str]
    stative_passives: frozenset[str]
    first_person: frozenset[str]
    pronouns: frozenset[str]
    dummy_subjects: frozenset[str]
    adverbial_subordinators: frozenset[str]
    circumstance_preps: frozenset[str]
    phrase_preps: frozenset[str]
    light_preps: frozenset[str]
    place_preps: frozenset[str]
    light_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    speech_nouns: frozenset[str]
    intent_agree: frozenset[str]
    intent_threaten: dict[str, str]
    reject_modes: dict[str, str]
    violent_contexts: frozenset[str]
    place_targeted: frozenset[str]
    version: str


def _word_set(data: dict[str, Any], key: str, source: str) -> frozenset[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EventError(f"{source}: `{key}` must be a list of words", code="E064")
    return frozenset(value)


def _rule_table(data: dict[str, Any], key: str, source: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise EventError(f"{source}: `{key}` must map event types to modes", code="E064")
    return {str(k): str(v or "") for k, v in value.items()}


@functools.cache
def load_words() -> Words:
    """Read the packaged word files (once per process).

    Raises:
        EventError: a file is missing a key or a key has the wrong shape.
    """
    merged: dict[str, Any] = {}
    versions: list[str] = []
    for name in _FILES:
        text = resources.files("detente.events").joinpath("data", name).read_text("utf-8")
        data = load_data(text)
        if not isinstance(data, dict):
            raise EventError(f"{name}: expected a mapping of word lists", code="E064")
        versions.append(f"{name.removesuffix('.yaml')}-{data.pop('version', 0)}")
        merged.update({k: (v, name) for k, v in data.items()})
    values = {k: v for k, (v, _) in merged.items()}
    sources = {k: s for k, (_, s) in merged.items()}
    tables = ("intent_threaten", "reject_modes")
    kwargs: dict[str, Any] = {}
    for f in Words.__dataclass_fields__:
        if f == "version":
            continue
        where = sources.get(f, "events data")
        if f in tables:
            kwargs[f] = _rule_table(values, f, where)
        else:
            kwargs[f] = _word_set(values, f, where)
    return Words(**kwargs, version="+".join(versions))


_W = load_words()

FUTURE_HEADS = _W.future_heads
HYPOTHETICAL_HEADS = _W.hypothetical_heads
NEGATING_HEADS = _W.negating_heads
FUTURE_AUX = _W.future_aux
HYPOTHETICAL_AUX = _W.hypothetical_aux
OBLIGATION_AUX = _W.obligation_aux
OBJECT_CONTROL = _W.object_control
APPEAL_VERBS = _W.appeal_verbs
ACL_CONTROL_NOUNS = _W.acl_control_nouns
STATIVE_PASSIVES = _W.stative_passives
FIRST_PERSON = _W.first_person
PRONOUNS = _W.pronouns
DUMMY_SUBJECTS = _W.dummy_subjects
ADVERBIAL_SUBORDINATORS = _W.adverbial_subordinators
CIRCUMSTANCE_PREPS = _W.circumstance_preps
PHRASE_PREPS = _W.phrase_preps
LIGHT_PREPS = _W.light_preps
PLACE_PREPS = _W.place_preps
#: Verbs whose subject carries out a nominal event in their object ("held talks").
GENERIC_LIGHT = _W.light_verbs
#: Verbs of saying: an event in their complement clause is reported by their subject.
SPEECH_VERBS = _W.speech_verbs
#: Nouns of saying: "issued a statement that ...", "a warning that ...".
SPEECH_NOUNS = _W.speech_nouns
INTENT_AGREE = _W.intent_agree
INTENT_THREATEN = _W.intent_threaten
REJECT_MODES = _W.reject_modes
VIOLENT_CONTEXTS = _W.violent_contexts
PLACE_TARGETED = _W.place_targeted
