"""Loading the knowledge base: the curated files, user files and the lower Phoenix layer.

The knowledge base is built in layers; a higher layer wins every conflict:

1. *Curated*: the packaged YAML files (``data/states.yaml``, ``organisations.yaml``,
   ``agents.yaml``, ``people.yaml``), then the user's actor files (``--actors FILE``) merged
   into them.
2. *Phoenix* (``--kb full``, the default): the PETRARCH/Phoenix dictionaries converted by
   ``detente actors import phoenix`` and packaged as ``data/phoenix/phoenix.json``. It adds only
   names the curated layer does not know, as a name or as a surname; a name that points to an id
   the curated layer has (a state, a person) points to the curated entry. Phoenix terms end at
   its horizon (2015-12-31), so after 2015 only the curated offices decide.
3. *Compile once*: the compiled Phoenix layer is cached per process, and on disk in the user
   cache directory (``platformdirs``), keyed by the hash of the data and of this code's format
   version, so that a later process loads it without parsing and compiling the data again.

Example: "Kabul" stays the curated capital of Afghanistan (a location after "in"); "Helmand",
unknown to the curated layer, is a Phoenix place in AFG; "Afganistan" is a Phoenix alias of the
curated state AFG; ``--kb curated`` turns the Phoenix layer off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import pickle
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..cache import cache_dir
from ..errors import ActorError
from . import kb as kb_module
from .kb import Builder, KnowledgeBase

__all__ = [
    "KB_CHOICES",
    "LAYERS",
    "PACKAGED_FILES",
    "layer_kb",
    "layer_tokens_of",
    "load_kb",
    "overlay",
]

log = logging.getLogger(__name__)

#: Packaged data files, loaded in this order before any user file.
PACKAGED_FILES: tuple[str, ...] = (
    "states.yaml",
    "organisations.yaml",
    "agents.yaml",
    "people.yaml",
)
#: Lower knowledge layers, highest first, and their packaged data.
LAYERS: dict[str, str] = {"phoenix": "phoenix/phoenix.json"}
#: Values of the ``kb`` setting (``--kb``): every layer, or the curated one only.
KB_CHOICES = ("full", "curated")
#: Bump when the compiled form (the pickled KnowledgeBase) changes shape.
_CACHE_FORMAT = "1"


def _read_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date (2019-13-45)
        raise ActorError(f"{source} is not valid YAML: {exc}", code="E056") from exc


def _curated(extra_files: tuple[str, ...]) -> KnowledgeBase:
    builder = Builder()
    data = resources.files("detente.actors") / "data"
    for name in PACKAGED_FILES:
        res = data / name
        if not res.is_file():
            continue
        builder.add_doc(_read_yaml(res.read_text("utf-8"), name), name)
    for file in extra_files:
        path = Path(file)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise ActorError(
                f"cannot read actor file {file}: {exc}; check the path given to "
                "--actors or actors_files",
                code="E057",
            ) from exc
        builder.add_doc(_read_yaml(text, file), file)
    return builder.build(PACKAGED_FILES + extra_files)


def _cache_dir() -> Path | None:
    """``kb`` in the detente cache folder (:func:`detente.cache.cache_dir`), or None when off."""
    return cache_dir("kb")


def _cached(name: str, raw: bytes, build: Callable[[], KnowledgeBase]) -> KnowledgeBase:
    """``build()``, or its compiled form from the user cache keyed by the hash of ``raw``."""
    import spacy  # the tokenizer's version decides the compiled token sequences

    from .._version import __version__

    # The code that compiles the knowledge base is part of the key, so that a changed build
    # or overlay rule never reads a stale cache (releases and development trees alike).
    code = b"".join(Path(m).read_bytes() for m in (__file__, kb_module.__file__))
    stamp = f"{_CACHE_FORMAT}:{__version__}:{spacy.__version__}:".encode() + code
    digest = hashlib.sha256(raw + stamp).hexdigest()[:16]
    folder = _cache_dir()
    cached = folder / f"{name}-{digest}.pickle" if folder else None
    if cached is not None and cached.is_file():
        try:
            kb = pickle.loads(cached.read_bytes())
            if isinstance(kb, KnowledgeBase):
                return kb
        except Exception as exc:  # a stale or truncated cache is rebuilt, never fatal
            log.warning("ignoring unreadable knowledge cache %s: %s", cached, exc)
    kb = build()
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(cached)
        except OSError as exc:  # a read-only cache directory only costs speed
            log.info("cannot write knowledge cache %s: %s", cached, exc)
    return kb


def _packaged_bytes(names: Iterable[str]) -> bytes:
    data = resources.files("detente.actors") / "data"
    return b"\0".join(
        name.encode() + b"=" + (data / name).read_bytes()
        for name in names
        if (data / name).is_file()
    )


@functools.lru_cache(maxsize=4)
def layer_kb(name: str) -> KnowledgeBase:
    """The compiled lower layer ``name`` (cached per process and on disk by the data's hash).

    Raises:
        ActorError: the layer is unknown or its packaged data is missing.
    """
    if name not in LAYERS:
        raise ActorError(f"unknown knowledge layer {name!r}; use {', '.join(LAYERS)}", code="E058")
    res = resources.files("detente.actors") / "data" / LAYERS[name]
    if not res.is_file():
        raise ActorError(f"knowledge layer {name}: {LAYERS[name]} is not installed", code="E058")
    raw = res.read_bytes()

    def build() -> KnowledgeBase:
        builder = Builder(layer=name)
        builder.add_doc(json.loads(raw.decode("utf-8")), LAYERS[name])
        kb = builder.build((LAYERS[name],))
        kb.layer_tokens = layer_tokens_of(kb)
        return kb

    return _cached(name, raw, build)


def layer_tokens_of(kb: KnowledgeBase) -> dict[tuple[str, ...], str]:
    """Every surface form as lower-cased tokens (the blank English tokenizer, as the phrase
    matcher of the curated layer tokenizes its patterns)."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    out: dict[tuple[str, ...], str] = {}
    for key, forms in kb.patterns.items():
        for form in sorted(forms):
            out.setdefault(tuple(t.lower_ for t in tokenizer(form)), key)
    return out


def overlay(kb: KnowledgeBase, lower: KnowledgeBase) -> int:
    """Add the names of ``lower`` that ``kb`` does not know (as a name or a surname) to ``kb``.

    A hit whose target id exists in ``kb`` keeps pointing to ``kb``'s entry or person (the
    higher layer wins); other targets are copied from ``lower``. Returns the names added.
    """
    taken = set(kb.names) | set(kb.surnames)
    added = 0
    skipped: set[str] = set()
    for key, hits in lower.names.items():
        if key in taken:
            continue
        if any(_composed(kb, key, h.target, lower) for h in hits):
            skipped.add(key)
            continue
        for hit in hits:
            target = hit.target
            if target in kb.entries or target in kb.people:
                continue
            if target in lower.people:
                kb.people[target] = lower.people[target]
            elif target in lower.entries:
                kb.entries[target] = lower.entries[target]
                if target in lower.roles:
                    kb.roles[target] = lower.roles[target]
        kb.names[key] = list(hits)
        kb.patterns[key] = set(lower.patterns.get(key, ()))
        added += 1
    for tokens, key in lower.layer_tokens.items():
        if key not in taken and key not in skipped:
            kb.layer_tokens.setdefault(tokens, key)
    kb.files = kb.files + lower.files
    kb._terms = None  # the office index is rebuilt with the added people
    return added


def _full(extra_files: tuple[str, ...]) -> KnowledgeBase:
    kb = _curated(extra_files)
    for name in LAYERS:
        added = overlay(kb, layer_kb(name))
        log.info("actor knowledge layer %s: %d names added", name, added)
    return kb


def _composed(kb: KnowledgeBase, key: str, target: str, lower: KnowledgeBase) -> bool:
    """True when the lower-layer name ``key`` is better composed by the resolver from curated
    parts than frozen into one name (the curated parts carry the office of the day):

    - any name that contains a curated title ("President Bill Clinton", "US President");
    - a person's name that starts with a curated non-person name or contains a curated agent
      noun ("Egyptian President Hosni Mubarak", "Obama administration");
    - an agent noun that contains a curated name ("members of Congress");
    - an organisation that is a curated country plus a curated agent noun ("US military").
    """
    words = key.split()
    starts_with_state = has_agent = False
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + 4) + 1):
            if (i, j) == (0, len(words)):
                continue
            for hit in kb.names.get(" ".join(words[i:j]), ()):
                if hit.via == "role":
                    return True
                agent = hit.via == "agent"
                if target in lower.people and (agent or (i == 0 and hit.target not in kb.people)):
                    return True
                if target in lower.roles and not agent:
                    return True
                has_agent = has_agent or agent
                starts_with_state = starts_with_state or (
                    i == 0 and hit.target.startswith("state:")
                )
    return starts_with_state and has_agent


@functools.lru_cache(maxsize=8)
def _load(extra_files: tuple[str, ...], layers: str) -> KnowledgeBase:
    if layers == "curated":
        kb = _curated(extra_files)
    elif extra_files:
        kb = _full(extra_files)
    else:
        # The default knowledge base is compiled once per version of all its data.
        raw = _packaged_bytes(PACKAGED_FILES + tuple(LAYERS.values()))
        kb = _cached("full", raw, lambda: _full(()))
    log.info(
        "actor knowledge base (%s): %d entries, %d people, %d names",
        layers,
        len(kb.entries),
        len(kb.people),
        len(kb.names),
    )
    return kb


def load_kb(extra_files: Sequence[str] | Iterable[str] = (), layers: str = "full") -> KnowledgeBase:
    """Load the knowledge base: packaged curated files, user actor files and lower layers.

    Cached per process and set of files.

    Args:
        extra_files: user YAML files in the actor-file format (see docs/actors.md).
        layers: ``"full"`` (curated, then the Phoenix layer below it) or ``"curated"``.

    Raises:
        ActorError: a file is missing, is not valid YAML, or has a malformed entry; an unknown
            ``layers`` value.
    """
    if layers not in KB_CHOICES:
        raise ActorError(
            f"unknown knowledge base {layers!r}; use {' or '.join(KB_CHOICES)}", code="E058"
        )
    files = tuple(str(Path(f).resolve()) if Path(f).exists() else str(f) for f in extra_files)
    return _load(files, layers)
