"""Speaker knowledge: honorifics, gendered pronouns, organisation heads, group nouns; gender.

The words are data (``detente/quotes/data/speakers.yaml``), extendable with user files of the same
shape (lists are added to, mappings merged). Gender of a person is found in this order:

1. an honorific before the name decides (``Ms. Tanden`` -> ``f``, ``Mr. Kamin`` -> ``m``);
2. the first name in a first-name lexicon (the ``gender-guesser`` package): only its plain
   ``male``/``female`` answers count; ``mostly_*``, ``andy`` and unknown names stay unknown
   (``None``), so that a doubtful name is never forced to a gender and never blocks a pronoun.

Example: ``gender_of("Chelsea Clinton", lex)`` is ``"f"``; ``gender_of("Minyon Moore", lex)`` is
``None`` (not in the lexicon).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .lexicon import read_mapping

__all__ = ["SpeakerLexicon", "first_name_gender", "gender_of", "load_speaker_lexicon"]

log = logging.getLogger(__name__)

_PACKAGED = "speakers.yaml"
_LISTS = ("first_person", "relative", "organisation_heads", "group_nouns", "not_speakers")
_MAPS = ("honorifics", "pronouns")


@dataclass(frozen=True, slots=True)
class SpeakerLexicon:
    """Word lists used to resolve speakers (all lower case).

    Attributes:
        honorifics: title (no final dot) -> ``m``/``f``.
        pronouns: speaker pronoun -> ``m``/``f``/``x`` (no gender).
        first_person: I, we, ...: inside a quote, the quote's speaker.
        relative: who, which, that, ...: the noun their clause modifies.
        organisation_heads: generic nouns standing for an organisation named before.
        group_nouns: nouns of a group speaker (officials, experts).
        not_speakers: words never taken as a speaker (weekdays, "today").
        version: the data version, recorded in the stage version.
    """

    honorifics: dict[str, str]
    pronouns: dict[str, str]
    first_person: frozenset[str]
    relative: frozenset[str]
    organisation_heads: frozenset[str]
    group_nouns: frozenset[str]
    not_speakers: frozenset[str]
    version: str

    def honorific(self, word: str) -> str | None:
        """The gender an honorific decides (``Mrs.`` -> ``f``), or None for other words."""
        return self.honorifics.get(word.lower().rstrip("."))

    def pronoun_gender(self, word: str) -> str | None:
        """``m``/``f`` for a gendered pronoun, else None."""
        g = self.pronouns.get(word.lower())
        return g if g in ("m", "f") else None


def _read(path: Path | Any) -> dict[str, Any]:
    return read_mapping(path, "speaker lexicon")


@functools.lru_cache(maxsize=8)
def load_speaker_lexicon(extra_files: tuple[str, ...] = ()) -> SpeakerLexicon:
    """Load the packaged speaker lexicon, extended by ``extra_files`` (cached).

    Args:
        extra_files: user YAML files with any of the packaged keys (lists are added to,
            mappings merged, later files winning).

    Raises:
        ConfigError: a file cannot be read or has the wrong shape.
    """
    packaged = resources.files("detente.quotes") / "data" / _PACKAGED
    sources = [_read(packaged)] + [_read(Path(p)) for p in extra_files]
    lists: dict[str, set[str]] = {k: set() for k in _LISTS}
    maps: dict[str, dict[str, str]] = {k: {} for k in _MAPS}
    versions = []
    for i, data in enumerate(sources):
        versions.append(str(data.get("version", i)))
        for key in _LISTS:
            value = data.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"speaker lexicon: {key} must be a list of words", code="E017")
            lists[key].update(v.strip().lower() for v in value if v.strip())
        for key in _MAPS:
            value = data.get(key) or {}
            if not isinstance(value, dict) or not all(
                str(v).lower() in ("m", "f", "x") for v in value.values()
            ):
                raise ConfigError(
                    f"speaker lexicon: {key} must map words to m, f or x", code="E017"
                )
            maps[key].update({str(k).lower().rstrip("."): str(v).lower() for k, v in value.items()})
    return SpeakerLexicon(
        honorifics=maps["honorifics"],
        pronouns=maps["pronouns"],
        first_person=frozenset(lists["first_person"]),
        relative=frozenset(lists["relative"]),
        organisation_heads=frozenset(lists["organisation_heads"]),
        group_nouns=frozenset(lists["group_nouns"]),
        not_speakers=frozenset(lists["not_speakers"]),
        version="+".join(versions),
    )


@functools.lru_cache(maxsize=1)
def _detector() -> Any | None:
    try:
        import gender_guesser.detector as gd
    except ImportError:  # pragma: no cover - a pinned dependency; degrade to "unknown"
        log.warning("gender-guesser is not installed: names outside the KB have no gender")
        return None
    return gd.Detector(case_sensitive=False)


@functools.lru_cache(maxsize=4096)
def first_name_gender(first: str) -> str | None:
    """``m``/``f`` when the first-name lexicon is sure of ``first``; None otherwise.

    ``mostly_male``/``mostly_female`` stay None: a pronoun then may still take the name, which
    costs less than skipping the right antecedent on a guess.
    """
    det = _detector()
    if det is None or not first.isalpha() or len(first) < 2:
        return None
    answer = det.get_gender(first)
    return {"male": "m", "female": "f"}.get(answer)


def gender_of(name: str, lex: SpeakerLexicon, honorific: str | None = None) -> str | None:
    """The gender of a person's name: an honorific decides, else the first name, else None.

    Args:
        name: the name as written ("Ms. Tanden", "Chelsea Clinton").
        lex: the speaker lexicon.
        honorific: an honorific seen before the name elsewhere ("Ms." in "Ms. Tanden").
    """
    words = name.replace("’s", "").replace("'s", "").split()
    if honorific is not None and lex.honorific(honorific):
        return lex.honorific(honorific)
    if words and lex.honorific(words[0]):
        return lex.honorific(words[0])
    if len(words) < 2:
        return None  # a surname alone says nothing
    return first_name_gender(words[0])
