"""Exact, faster matching for a spaCy ``AttributeRuler`` (issue 18: time outside the model).

``en_core_web_sm``'s attribute ruler maps tags to parts of speech and morphology with 179
one- and two-token ``Matcher`` patterns. Running spaCy's general ``Matcher`` over every token
for every pattern is about 15% of the whole pipeline's time, as much as the tagger and the
dependency parser together. The patterns themselves are simple: equality, ``IN``, ``NOT_IN`` and
``REGEX`` tests of ``TAG``, ``LOWER``, ``DEP`` and ``IS_SPACE``, with no quantifiers. This module
compiles such patterns into look-up tables keyed by the first token's attribute hashes and
produces the very list of matches the ruler's own ``match`` gives, in the same order; the
attributes are then set by the ruler's own ``set_annotations``. So the result is the stock
component's by construction, and a ruler whose patterns use anything else (quantifiers, other
attributes, extension attributes) is left to spaCy (:meth:`FastRuler.compile` gives ``None``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, cast

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, NORM, ORTH, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc

__all__ = ["REGEX_CACHE_SIZE", "FastRuler"]

#: How many (pattern, string) answers of regular-expression tests a ruler keeps; the cache is
#: emptied when it is full.
REGEX_CACHE_SIZE = 1 << 16

#: Token attributes a compiled pattern may test, with the column ``Doc.to_array`` gives.
_COLUMNS: dict[str, int] = {
    "ORTH": ORTH,
    "LOWER": LOWER,
    "NORM": NORM,
    "LEMMA": LEMMA,
    "TAG": TAG,
    "DEP": DEP,
    "IS_SPACE": IS_SPACE,
}
#: The boolean ones: their pattern values are ``True``/``False``, their array values 1/0.
_FLAGS = frozenset({"IS_SPACE"})
#: Which attribute of a pattern's first token indexes it, most selective first.
_INDEX_ORDER = ("LOWER", "ORTH", "NORM", "LEMMA", "TAG", "DEP", "IS_SPACE")

#: A compiled test of one token: (column, kind, value) with kind "eq", "in", "not_in" or "re".
_Test = tuple[int, str, Any]


#: A compiled pattern: (pattern index, match id, the tests of each of its tokens).
_Pattern = tuple[int, int, list[list[_Test]]]
#: A pattern filed under a test of its first token: (pattern index, match id, the first
#: token's other tests, the tests of the tokens after it), with tests on array positions.
_Entry = tuple[int, int, tuple[_Test, ...], tuple[tuple[_Test, ...], ...]]


class FastRuler:
    """The matches of an ``AttributeRuler``, computed by hashing (see the module docstring).

    Build it with :meth:`compile`; :meth:`pipe` sets the ruler's attributes on documents that
    went through the components before the ruler. When patterns are added to the ruler later,
    ``pipe`` compiles them again (or hands over to the ruler itself if they cannot be).
    """

    def __init__(self, ruler: Any, patterns: list[_Pattern]) -> None:
        self.ruler = ruler
        self._strings = ruler.vocab.strings
        self._load(patterns)

    def _load(self, patterns: list[_Pattern] | None) -> None:
        #: False: the ruler's patterns could not be compiled, and the ruler itself runs.
        self._compiled = patterns is not None
        self._n_attrs = len(self.ruler.attrs)
        patterns = patterns or []
        self._columns = sorted({t[0] for _, _, tokens in patterns for spec in tokens for t in spec})
        position = {column: k for k, column in enumerate(self._columns)}

        def local(spec: Iterable[_Test]) -> tuple[_Test, ...]:
            return tuple((position[column], kind, value) for column, kind, value in spec)

        # Each pattern is filed under one equality or set test of its first token, so the
        # candidates at a token are a few dictionary look-ups; the others are tried everywhere.
        self._index: dict[int, dict[int, list[_Entry]]] = {}
        # Patterns whose first token has only a regular expression to go by (as "^y'?$"):
        # the expression is tried once per distinct value of the column in a document.
        self._by_regex: dict[int, list[tuple[_Entry, re.Pattern[str]]]] = {}
        self._anywhere: list[_Entry] = []
        for number, match_id, tokens in patterns:
            first, tail = tokens[0], tuple(local(spec) for spec in tokens[1:])
            key = _index_test(first)
            if key is not None:
                test, values = key
                rest = local(t for t in first if t is not test)
                table = self._index.setdefault(position[test[0]], {})
                for value in values:
                    table.setdefault(value, []).append((number, match_id, rest, tail))
                continue
            regex = next((t for t in first if t[1] == "re"), None)
            if regex is not None:
                rest = local(t for t in first if t is not regex)
                self._by_regex.setdefault(position[regex[0]], []).append(
                    ((number, match_id, rest, tail), regex[2])
                )
            else:
                self._anywhere.append((number, match_id, local(first), tail))
        self._regex_cache: dict[tuple[re.Pattern[str], str], bool] = {}

    @classmethod
    def compile(cls, ruler: Any) -> FastRuler | None:
        """Compile ``ruler``'s patterns, or ``None`` when one uses what this module does not."""
        patterns = _compile_ruler(ruler)
        return None if patterns is None else cls(ruler, patterns)

    def matches(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The ruler's ``match(doc)``: (pattern index, match id, start, end), sorted."""
        n = len(doc)
        if not n or not self._columns:
            return []
        array = doc.to_array(list[int | str](self._columns)).reshape(n, len(self._columns))
        rows = cast(list[list[int]], array.tolist())
        # A set: the Matcher gives one match per key and span, however many of the key's
        # patterns match it.
        found: set[tuple[int, int, int, int]] = set()
        check = self._check
        # The distinct values of each column, found once (the index and the regular
        # expressions both read LOWER).
        distinct: dict[int, tuple[Any, Any]] = {}

        def unique(k: int) -> tuple[Any, Any]:
            if k not in distinct:
                distinct[k] = numpy.unique(array[:, k], return_inverse=True)
            return distinct[k]

        for k, table in self._index.items():
            # The positions of each distinct value of the column, grouped by one sort.
            values, inverse = unique(k)
            order = numpy.argsort(inverse, kind="stable")
            bounds = numpy.searchsorted(inverse[order], numpy.arange(len(values) + 1)).tolist()
            for u, value in enumerate(values.tolist()):
                entries = table.get(value)
                if entries is None:
                    continue
                positions = order[bounds[u] : bounds[u + 1]].tolist()
                for entry in entries:
                    number, match_id, rest, tail = entry
                    if rest or tail:
                        for i in positions:
                            check(entry, i, rows, found)
                    else:  # a one-token pattern with no other test: most of them
                        found.update([(number, match_id, i, i + 1) for i in positions])
        for i in range(n) if self._anywhere else ():
            for entry in self._anywhere:
                check(entry, i, rows, found)
        for k, tests in self._by_regex.items():
            values, inverse = unique(k)
            strings = [self._strings[v] for v in values.tolist()]
            for entry, regex in tests:
                hits = numpy.array([self._search(regex, text) for text in strings], dtype=bool)
                for i in numpy.flatnonzero(hits[inverse]).tolist():
                    check(entry, i, rows, found)
        return sorted(found)

    def _check(
        self, entry: _Entry, i: int, rows: list[list[int]], found: set[tuple[int, int, int, int]]
    ) -> None:
        number, match_id, rest, tail = entry
        end = i + 1 + len(tail)
        if end > len(rows) or (rest and not self._passes(rest, rows[i])):
            return
        if tail and not all(self._passes(spec, rows[j]) for j, spec in enumerate(tail, i + 1)):
            return
        found.add((number, match_id, i, end))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Set the ruler's attributes on each document, as the ruler's own ``pipe`` does.

        ``batch_size`` is accepted for the components' common interface; documents go one
        at a time.
        """
        if len(self.ruler.attrs) != self._n_attrs:  # patterns were added since compiling
            self._load(_compile_ruler(self.ruler))
        if not self._compiled:
            yield from self.ruler.pipe(docs, batch_size=batch_size)
            return
        for doc in docs:
            self.ruler.set_annotations(doc, self.matches(doc))
            yield doc

    def _passes(self, spec: tuple[_Test, ...], row: list[int]) -> bool:
        for k, kind, value in spec:
            got = row[k]
            if kind == "eq":
                if got != value:
                    return False
            elif kind == "in":
                if got not in value:
                    return False
            elif kind == "not_in":
                if got in value:
                    return False
            elif not self._search(value, self._strings[got]):
                return False
        return True

    def _search(self, pattern: re.Pattern[str], text: str) -> bool:
        # The Matcher searches the attribute's string; the answer is kept per string.
        key = (pattern, text)
        hit = self._regex_cache.get(key)
        if hit is None:
            # Emptied when full: a long ingest meets ever new strings, and a bounded cache
            # keeps memory flat at the cost of asking again.
            if len(self._regex_cache) >= REGEX_CACHE_SIZE:
                self._regex_cache.clear()
            hit = self._regex_cache[key] = bool(pattern.search(text))
        return hit


def _compile_ruler(ruler: Any) -> list[_Pattern] | None:
    strings = ruler.vocab.strings
    compiled: list[_Pattern] = []
    for i, entry in enumerate(ruler.patterns):
        # AttributeRuler.add files pattern i under the string key str(i).
        match_id = strings[str(i)]
        for pattern in entry["patterns"]:
            if not isinstance(pattern, list) or not pattern:
                return None
            tokens = [_compile_token(spec) for spec in pattern]
            if any(spec is None for spec in tokens):
                return None
            compiled.append((i, match_id, [spec for spec in tokens if spec is not None]))
    return compiled


def _compile_token(spec: object) -> list[_Test] | None:
    """One token's tests, or ``None`` when the spec uses anything not compiled here."""
    if not isinstance(spec, dict) or not spec:
        return None
    tests: list[_Test] = []
    for name, condition in spec.items():
        if name not in _COLUMNS:
            return None  # quantifiers ("OP"), extension attributes, other attributes
        column = _COLUMNS[name]
        if name in _FLAGS:
            if not isinstance(condition, bool):
                return None
            tests.append((column, "eq", int(condition)))
        elif isinstance(condition, str):
            tests.append((column, "eq", get_string_id(condition)))
        elif isinstance(condition, dict) and len(condition) == 1:
            ((predicate, value),) = condition.items()
            test = _predicate(column, predicate, value)
            if test is None:
                return None
            tests.append(test)
        else:
            return None
    return tests


def _predicate(column: int, predicate: str, value: object) -> _Test | None:
    if predicate in ("IN", "NOT_IN") and isinstance(value, list | tuple):
        if not all(isinstance(v, str) for v in value):
            return None
        kind = "in" if predicate == "IN" else "not_in"
        return (column, kind, frozenset(get_string_id(v) for v in value))
    if predicate == "REGEX" and isinstance(value, str):
        return (column, "re", re.compile(value))
    return None


def _index_test(spec: list[_Test]) -> tuple[_Test, Iterable[int]] | None:
    """The first equality or ``IN`` test of a token in index order, with the values it takes."""
    keys: dict[int, tuple[_Test, Iterable[int]]] = {}
    for test in spec:
        column, kind, value = test
        if kind == "eq":
            keys.setdefault(column, (test, (value,)))
        elif kind == "in":
            keys.setdefault(column, (test, value))
    for name in _INDEX_ORDER:
        if _COLUMNS[name] in keys:
            return keys[_COLUMNS[name]]
    return None
