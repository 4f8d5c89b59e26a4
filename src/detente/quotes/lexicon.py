"""The reporting lexicon: verbs, nouns, titles and pronouns that the quotes stage reads as data.

The packaged file is ``detente/quotes/data/reporting.yaml``; users extend it with their own YAML
files of the same shape (entries are added, categories merged, ``enabled`` replaced when given).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

__all__ = ["ReportingLexicon", "load_reporting_lexicon"]

_PACKAGED = "reporting.yaml"


@dataclass(frozen=True, slots=True)
class ReportingLexicon:
    """Reporting cues, as sets for fast look-up.

    Attributes:
        verbs: verb lemmas of the enabled categories (single words).
        phrasal: verb lemma -> particles that must follow it ("point" -> {"out"}).
        nouns: reporting nouns (lower case).
        titles: words stripped from the front of a proper-noun phrase to build a person's name.
        pronouns: speaker pronouns followed back to an antecedent.
        version: the lexicon version, recorded in the stage version.
        control: verbs whose content is an infinitive (``want``, ``urge``);
            ``control_preps`` holds the two-word ones (``call`` -> {``on``}).
        objects: verbs whose content is a noun phrase object (``cite``); ``object_preps``
            holds those that take it through a preposition (``call`` -> {``for``}).
        labels: words that look like a speaker before a colon but are labels ("Source:").
        not_speaker_pronouns: subject words that are never a speaker ("it", "there", "what").
        it_speaks: verb lemmas whose subject "it" is a text or a body that speaks, not an
            expletive ("“...,” it added").
    """

    verbs: frozenset[str]
    phrasal: dict[str, frozenset[str]]
    nouns: frozenset[str]
    titles: frozenset[str]
    pronouns: frozenset[str]
    version: str
    control: frozenset[str] = frozenset()
    control_preps: dict[str, frozenset[str]] = field(default_factory=dict)
    objects: frozenset[str] = frozenset()
    object_preps: dict[str, frozenset[str]] = field(default_factory=dict)
    labels: frozenset[str] = frozenset()
    not_speaker_pronouns: frozenset[str] = frozenset()
    it_speaks: frozenset[str] = frozenset()

    def is_verb(self, lemma: str, particles: frozenset[str] = frozenset()) -> bool:
        """True when ``lemma`` (with the given particle children) is a reporting verb."""
        lemma = lemma.lower()
        if lemma in self.verbs:
            return True
        need = self.phrasal.get(lemma)
        return bool(need and need & particles)


def read_mapping(path: Path | Any, what: str, shape: str = "") -> dict[str, Any]:
    """Read one YAML knowledge file of the quotes stage that must hold a mapping.

    Args:
        path: the file (a ``Path`` or an ``importlib.resources`` traversable).
        what: what it is, for the error ("reporting lexicon", "speaker lexicon").
        shape: what the mapping needs, for the error (" with verbs/nouns keys").

    Raises:
        ConfigError: the file cannot be read, is not YAML, or is not a mapping.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"cannot read {what} {path}: {exc}; fix the YAML or drop the file",
            code="E015",
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            f"{what} {path} must be a mapping{shape} (see docs/quotes.md)", code="E015"
        )
    return data


def _read(path: Path | Any) -> dict[str, Any]:
    return read_mapping(path, "reporting lexicon", " with verbs/nouns keys")


def _words(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"reporting lexicon: {where} must be a list of strings", code="E017")
    return [v.strip().lower() for v in value if v.strip()]


@functools.lru_cache(maxsize=8)
def load_reporting_lexicon(extra_files: tuple[str, ...] = ()) -> ReportingLexicon:
    """Load the packaged reporting lexicon, extended by ``extra_files`` (cached).

    Args:
        extra_files: user YAML files with any of ``verbs`` (category -> list), ``nouns``,
            ``titles``, ``pronouns``, ``control_verbs``, ``object_verbs``, ``labels``,
            ``not_speaker_pronouns``, ``it_speaks`` and ``enabled``.

    Raises:
        ConfigError: a file cannot be read or has the wrong shape.
    """
    packaged = resources.files("detente.quotes") / "data" / _PACKAGED
    sources = [_read(packaged)] + [_read(Path(p)) for p in extra_files]
    categories: dict[str, set[str]] = {}
    nouns: set[str] = set()
    titles: set[str] = set()
    pronouns: set[str] = set()
    enabled: list[str] = []
    versions: list[str] = []
    control: set[str] = set()
    objects: set[str] = set()
    labels: set[str] = set()
    not_speaker_pronouns: set[str] = set()
    it_speaks: set[str] = set()
    for i, data in enumerate(sources):
        versions.append(str(data.get("version", i)))
        verbs = data.get("verbs") or {}
        if isinstance(verbs, list):  # a plain list is taken as the "speech" category
            verbs = {"speech": verbs}
        if not isinstance(verbs, dict):
            raise ConfigError(
                "reporting lexicon: verbs must map category -> list of lemmas", code="E017"
            )
        for cat, words in verbs.items():
            categories.setdefault(str(cat), set()).update(_words(words, f"verbs.{cat}"))
        nouns.update(_words(data.get("nouns"), "nouns"))
        titles.update(_words(data.get("titles"), "titles"))
        pronouns.update(_words(data.get("pronouns"), "pronouns"))
        control.update(_words(data.get("control_verbs"), "control_verbs"))
        objects.update(_words(data.get("object_verbs"), "object_verbs"))
        labels.update(_words(data.get("labels"), "labels"))
        not_speaker_pronouns.update(
            _words(data.get("not_speaker_pronouns"), "not_speaker_pronouns")
        )
        it_speaks.update(_words(data.get("it_speaks"), "it_speaks"))
        if data.get("enabled") is not None:
            enabled = _words(data.get("enabled"), "enabled")
    single: set[str] = set()
    phrasal: dict[str, set[str]] = {}
    for cat in enabled or list(categories):
        for entry in categories.get(cat, ()):
            head, _, particle = entry.partition(" ")
            if particle:
                phrasal.setdefault(head, set()).add(particle)
            else:
                single.add(head)
    ctl, ctl_preps = _split(control)
    obj, obj_preps = _split(objects)
    return ReportingLexicon(
        verbs=frozenset(single),
        phrasal={k: frozenset(v) for k, v in phrasal.items()},
        nouns=frozenset(nouns),
        titles=frozenset(titles),
        pronouns=frozenset(pronouns),
        version="+".join(versions),
        control=ctl,
        control_preps=ctl_preps,
        objects=obj,
        object_preps=obj_preps,
        labels=frozenset(labels),
        not_speaker_pronouns=frozenset(not_speaker_pronouns),
        it_speaks=frozenset(it_speaks),
    )


def _split(entries: set[str]) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Split ``["cite", "call for"]`` into single lemmas and lemma -> second words."""
    single: set[str] = set()
    two: dict[str, set[str]] = {}
    for entry in entries:
        head, _, rest = entry.partition(" ")
        if rest:
            two.setdefault(head, set()).add(rest)
        else:
            single.add(head)
    return frozenset(single), {k: frozenset(v) for k, v in two.items()}
