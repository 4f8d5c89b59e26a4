"""Relevance gating for the NLP stage: which sentences can hold an event, a quote or a place.

A fast pre-scan over a tagged, unparsed sentence (see :mod:`detente.nlp`). A sentence is relevant
when it has any of:

- a proper noun (tags ``NNP``/``NNPS``): people, organisations and places, known or not (unknown
  ``PERSON`` entities become actors);
- a name of the actor knowledge base (its names, agents and roles, and the lower layers' names)
  or of the gazetteer (place names, capitalised, and nationality adjectives and demonyms),
  matched as a sequence of word parts, so tokenisation ("al-Qaeda", "U.S.") does not matter;
- a quotation mark or a colon, a reporting verb (any inflection of the reporting lexicon's verbs)
  or noun, or a speaker pronoun of the lexicon ("he", "she": pronoun links to actors).

All of it is read from the existing data (no word lists here). Over-accepting only costs time;
what it must never do is reject a sentence the later stages would use.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from spacy.attrs import LOWER, ORTH, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from .actors import load_kb
from .actors.kb import norm_key
from .config import Settings
from .geo import load_gazetteer
from .nlp import NLPStage, load_nlp
from .quotes.lexicon import load_reporting_lexicon

__all__ = ["GatedNLPStage", "RelevanceScan", "build_scan"]

_WORD = re.compile(r"\w+")
#: Marks that open or close a quotation, and the colon of "Speaker: text" lines.
_MARKS = frozenset({'"', "“", "”", "«", "»", "„", "‘", ":", "``", "''"})
_PROPER = frozenset({"NNP", "NNPS"})


@functools.lru_cache(maxsize=65536)
def _parts(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(norm_key(text)))


class RelevanceScan:
    """The pre-scan: name automaton (first word part -> the names starting with it) and cues.

    Args:
        names: lower-case names matched in any case (knowledge-base names, demonyms).
        proper_names: names matched only when their first token is capitalised (place names:
            the gazetteer holds towns called "Police" or "Of").
        words: single lower-case words that make a sentence relevant (reporting verb forms).
    """

    def __init__(
        self, names: Iterable[str], proper_names: Iterable[str], words: Iterable[str]
    ) -> None:
        self.words = frozenset(words)
        self.any_case: dict[str, set[tuple[str, ...]]] = {}
        self.capital: dict[str, set[tuple[str, ...]]] = {}
        for table, source in ((self.any_case, names), (self.capital, proper_names)):
            for name in source:
                parts = _parts(name)
                if parts:
                    table.setdefault(parts[0], set()).add(parts[1:])
        # The single-token cues as string hashes, for :meth:`cue_tokens`.
        self._cue_tags = frozenset(get_string_id(t) for t in _PROPER)
        self._cue_orths = frozenset(get_string_id(t) for t in _MARKS)
        self._cue_lowers = frozenset(get_string_id(w) for w in self.words)

    def cue_tokens(self, doc: Doc) -> list[bool]:
        """One flag per token of ``doc``: True when the token alone makes its sentence relevant.

        The cues :meth:`__call__` tests token by token (a proper-noun tag, a quotation mark or
        colon, a reporting word), read for the whole document from one array of string hashes,
        so the sentences that have one (nearly all of a news article) need no Token objects.
        """
        if not len(doc):
            return []
        tags, orths, lowers = self._cue_tags, self._cue_orths, self._cue_lowers
        return [
            tag in tags or orth in orths or lower in lowers
            for tag, orth, lower in doc.to_array([TAG, ORTH, LOWER]).tolist()
        ]

    def __call__(self, sent: Span) -> bool:
        """True when ``sent`` (tagged, not parsed) may hold an event, a quote or a place."""
        stream: list[str] = []
        capital: list[bool] = []
        for tok in sent:
            text = tok.text
            if tok.tag_ in _PROPER or text in _MARKS:
                return True
            lower = tok.lower_
            if lower in self.words:
                return True
            parts = _parts(text)
            stream.extend(parts)
            capital.extend([text[:1].isupper()] * len(parts))
        for i, part in enumerate(stream):
            for table in (self.any_case, self.capital) if capital[i] else (self.any_case,):
                rests = table.get(part)
                if rests is None:
                    continue
                for rest in rests:
                    if tuple(stream[i + 1 : i + 1 + len(rest)]) == rest:
                        return True
        return False


def _inflections(lemma: str) -> set[str]:
    """Regular English verb and noun forms of ``lemma`` (over-generating is harmless)."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in "aeiouwxy":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


@functools.lru_cache(maxsize=8)
def _cached_scan(model: str, actors_files: tuple[str, ...], kb_layers: str,
                 quotes_files: tuple[str, ...]) -> RelevanceScan:  # fmt: skip
    kb = load_kb(actors_files, layers=kb_layers)
    gazetteer = load_gazetteer()
    lexicon = load_reporting_lexicon(quotes_files)
    lemmas = set(lexicon.verbs) | set(lexicon.phrasal) | set(lexicon.control)
    lemmas |= set(lexicon.control_preps) | set(lexicon.objects) | set(lexicon.object_preps)
    words: set[str] = set()
    for lemma in lemmas:
        words |= _inflections(lemma.lower())
    # Irregular forms ("said", "told", "wrote") from the installed pipeline's lemmatizer tables.
    nlp = load_nlp(model)
    if "lemmatizer" in nlp.pipe_names:
        exc = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc", {})
        for form, lemma_list in dict(exc.get("verb", {})).items():
            if lemmas & {str(x).lower() for x in lemma_list}:
                words.add(form.lower())
    for noun in lexicon.nouns:
        words |= _inflections(noun.lower())
    words |= {p.lower() for p in lexicon.pronouns}
    names: list[str] = [*kb.names, *(" ".join(t) for t in kb.layer_tokens)]
    demonyms = {n for n in gazetteer.names() if gazetteer.demonym(n) is not None}
    names.extend(demonyms)
    return RelevanceScan(names, (n for n in gazetteer.names() if n not in demonyms), words)


def build_scan(settings: Settings) -> RelevanceScan:
    """The pre-scan for ``settings`` (knowledge base, gazetteer and reporting lexicon; cached)."""
    return _cached_scan(settings.model, settings.actors_files, settings.kb, settings.quotes_files)


class GatedNLPStage(NLPStage):
    """The NLP stage, gated by :func:`build_scan` unless ``settings.gating`` is off."""

    @classmethod
    def from_settings(cls, settings: Settings) -> NLPStage:
        scan = build_scan(settings) if settings.gating else None
        return cls(settings.model, settings.batch_size, relevance=scan)
