"""The trigger lexicon: words and phrases that signal PLOVER events, kept as data.

``data/triggers.yaml`` holds entries (verbs, nouns and multi-word expressions -> event type, mode,
syntactic frame); users add their own files through ``Settings.lexicon_files``. The lexicon is
compiled once per process into an index by first lemma, so matching a token is a dict lookup.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import EventError
from .ontology import Ontology, load_ontology

__all__ = [
    "DEFAULT_PREPS",
    "FRAMES",
    "Lexicon",
    "LexiconEntry",
    "Pattern",
    "load_data",
    "load_trigger_lexicon",
    "parse_entries",
    "split_phrase",
]

log = logging.getLogger(__name__)

#: Prepositions that introduce a recipient when an entry names none.
DEFAULT_PREPS: tuple[str, ...] = ("with", "against", "on", "to", "toward", "towards", "at")
FRAMES = ("svo", "symmetric", "complement", "intransitive", "attribution")
_KNOWN_KEYS = {
    "id",
    "event",
    "mode",
    "cameo",
    "verbs",
    "nouns",
    "adjectives",
    "objects",
    "objects_not",
    "frame",
    "preps",
    "context",
    "embed",
    "light",
    "adjectival",
    "actor_kinds",
    "needs_complement",
    "needs_recipient",
    "verbal",
}


def split_phrase(phrase: str) -> tuple[str, ...]:
    """Split a lexicon phrase into spaCy's lemma sequence ("test-fire" -> test, -, fire)."""
    out: list[str] = []
    for word in phrase.lower().split():
        parts = re.split(r"(-)", word)
        out.extend(p for p in parts if p)
    return tuple(out)


def _participle(lemma: str) -> str:
    # "concern" -> "concerned", "worry" -> "worried": adjectival uses ("is concerned that ...")
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    if lemma in {"upset"}:
        return lemma
    return lemma + "ed"


@dataclass(frozen=True)
class LexiconEntry:
    """One lexicon entry: what fires it, which event it codes and where its arguments are."""

    id: str
    event: str
    mode: str = ""
    cameo: str | None = None
    frame: str = "svo"
    preps: tuple[str, ...] = DEFAULT_PREPS
    context: tuple[str, ...] = ()
    objects: frozenset[str] | None = None
    objects_not: frozenset[str] = frozenset()
    light: frozenset[str] = frozenset()
    embed: dict[str, str] = field(default_factory=dict)
    adjectival: bool = False
    actor_kinds: frozenset[str] = frozenset()
    needs_complement: bool | str = False
    needs_recipient: bool = False
    verbal: str = ""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A lemma sequence that fires an entry; ``pos`` is "verb", "noun" or "adj"."""

    lemmas: tuple[str, ...]
    pos: str
    entry: LexiconEntry


class Lexicon:
    """Compiled trigger lexicon: ``patterns_at(lemma)`` lists patterns starting with a lemma."""

    def __init__(
        self,
        entries: Iterable[LexiconEntry],
        patterns: Iterable[Pattern],
        version: str = "",
        stop_phrases: Iterable[str] = (),
    ) -> None:
        self.entries = {e.id: e for e in entries}
        self.version = version
        self._index: dict[str, list[Pattern]] = {}
        for pat in patterns:
            self._index.setdefault(pat.lemmas[0], []).append(pat)
        for pats in self._index.values():
            pats.sort(key=lambda p: -len(p.lemmas))  # longest match first
        self.embedders = {e.id for e in self.entries.values() if e.embed}
        #: first lemma -> lemma sequences that are never triggers ("in order to", "shoot back")
        self.stop: dict[str, list[tuple[str, ...]]] = {}
        for phrase in stop_phrases:
            seq = split_phrase(phrase)
            if seq:
                self.stop.setdefault(seq[0], []).append(seq)

    def __len__(self) -> int:
        return len(self.entries)

    def patterns_at(self, lemma: str) -> list[Pattern]:
        """Patterns whose first lemma is ``lemma`` (longest first)."""
        return self._index.get(lemma, [])


def _as_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise EventError(f"{where}: expected a list, got {type(value).__name__}", code="E064")
    return [str(v) for v in value]


def parse_entries(
    data: Any, source: str, ontology: Ontology
) -> tuple[list[LexiconEntry], list[Pattern]]:
    """Validate lexicon data (the YAML shape) and return its entries and patterns.

    Raises:
        EventError: an entry is malformed or names an unknown event type, mode, frame or context.
    """
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise EventError(
            f"{source}: a trigger lexicon needs a top-level `entries` list", code="E064"
        )
    entries: list[LexiconEntry] = []
    patterns: list[Pattern] = []
    for i, raw in enumerate(data["entries"]):
        where = f"{source} entry {i + 1}"
        if not isinstance(raw, dict) or "id" not in raw or "event" not in raw:
            raise EventError(f"{where}: every entry needs `id` and `event`", code="E064")
        unknown = set(raw) - _KNOWN_KEYS
        if unknown:
            raise EventError(
                f"{where} ({raw['id']}): unknown key(s) {', '.join(sorted(unknown))}", code="E064"
            )
        event, mode = str(raw["event"]).upper(), str(raw.get("mode") or "")
        ontology.check(event, mode)
        frame = str(raw.get("frame", "svo"))
        if frame not in FRAMES:
            raise EventError(
                f"{where}: unknown frame {frame!r}; use one of {', '.join(FRAMES)}", code="E065"
            )
        context = tuple(_as_list(raw.get("context"), where))
        for ctx in context:
            if ctx not in ontology.contexts:
                raise EventError(f"{where}: unknown context {ctx!r}", code="E066")
        embed = {str(k).upper(): str(v or "") for k, v in (raw.get("embed") or {}).items()}
        if raw.get("verbal"):
            ontology.check(str(raw["verbal"]), "disapprove")
        for sub, sub_mode in embed.items():
            ontology.check(sub, "")
            ontology.check(event, sub_mode)
        objects = raw.get("objects")
        entry = LexiconEntry(
            id=str(raw["id"]),
            event=event,
            mode=mode,
            cameo=str(raw["cameo"]) if raw.get("cameo") else None,
            frame=frame,
            preps=tuple(_as_list(raw.get("preps"), where)) or DEFAULT_PREPS,
            context=context,
            objects=(
                frozenset(" ".join(split_phrase(o)) if o else "" for o in _as_list(objects, where))
                if objects is not None
                else None
            ),
            objects_not=frozenset(_as_list(raw.get("objects_not"), where)),
            light=frozenset(_as_list(raw.get("light"), where)),
            embed=embed,
            adjectival=raw.get("adjectival") in (True, "true"),
            actor_kinds=frozenset(_as_list(raw.get("actor_kinds"), where)),
            needs_complement=(
                "prep"
                if raw.get("needs_complement") == "prep"
                else raw.get("needs_complement") in (True, "true")
            ),
            needs_recipient=raw.get("needs_recipient") in (True, "true"),
            verbal=str(raw.get("verbal") or ""),
        )
        entries.append(entry)
        for verb in _as_list(raw.get("verbs"), where):
            lemmas = split_phrase(verb)
            if not entry.adjectival:
                patterns.append(Pattern(lemmas, "verb", entry))
            else:
                # psych verbs fire as participles only: "is concerned", "was alarmed by"
                patterns.append(Pattern(lemmas, "participle", entry))
            if entry.adjectival and len(lemmas) == 1:
                patterns.append(Pattern((_participle(lemmas[0]),), "adj", entry))
        for noun in _as_list(raw.get("nouns"), where):
            patterns.append(Pattern(split_phrase(noun), "noun", entry))
        for adjective in _as_list(raw.get("adjectives"), where):
            patterns.append(Pattern(split_phrase(adjective), "adj", entry))
    return entries, patterns


class DataLoader(yaml.SafeLoader):
    """YAML 1.2-style loader: only true/false are booleans; ``on``, ``off``, ``no`` stay words."""


DataLoader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_data(text: str) -> Any:
    """Parse a lexicon data file (prepositions such as ``on`` and ``off`` stay strings)."""
    return yaml.load(text, Loader=DataLoader)  # DataLoader is a SafeLoader


def _load_yaml(text: str, source: str) -> Any:
    try:
        return load_data(text)
    except yaml.YAMLError as exc:
        raise EventError(f"{source} is not valid YAML: {exc}", code="E064") from exc


@functools.lru_cache(maxsize=8)
def load_trigger_lexicon(extra_files: tuple[str, ...] = ()) -> Lexicon:
    """Load the packaged trigger lexicon plus user files (cached per process and file list).

    User entries with an ``id`` already in the lexicon replace the packaged entry.

    Raises:
        EventError: a file is missing, not YAML, or has an invalid entry.
    """
    ontology = load_ontology()
    text = resources.files("detente.events").joinpath("data", "triggers.yaml").read_text("utf-8")
    data = _load_yaml(text, "triggers.yaml")
    entries, patterns = parse_entries(data, "triggers.yaml", ontology)
    stop = [str(s) for s in data.get("stop_phrases") or ()]
    for name in extra_files:
        path = Path(name)
        if not path.is_file():
            raise EventError(f"lexicon file {path} does not exist; fix lexicon_files", code="E067")
        user = _load_yaml(path.read_text("utf-8"), str(path))
        if isinstance(user, dict) and "entries" not in user:
            continue  # e.g. a contexts-only file
        more, more_patterns = parse_entries(user, str(path), ontology)
        stop += [str(s) for s in user.get("stop_phrases") or ()]
        replaced = {e.id for e in more}
        entries = [e for e in entries if e.id not in replaced] + more
        patterns = [p for p in patterns if p.entry.id not in replaced] + more_patterns
        log.info("loaded %d trigger entries from %s", len(more), path)
    return Lexicon(entries, patterns, version=str(data.get("version", "")), stop_phrases=stop)
