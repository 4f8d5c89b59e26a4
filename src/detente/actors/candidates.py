"""Finding candidate parts: every knowledge-base name, surname or unknown person in a text.

A *part* is one matched piece of a mention with a category (country, capital, place, org, agent,
role, person, surname, name, orgname) and the knowledge-base hits it may mean. Parts are found in
four steps, over a spaCy ``Doc`` (:class:`CandidateFinder`) or over plain text
(:func:`text_parts`, no parse):

1. *Names*: one :class:`spacy.matcher.PhraseMatcher` over every name of the knowledge base,
   case-insensitive, then filtered: acronyms must match their case ("US", not "us") and proper
   names must start with a capital ("Turkey", not "turkey").
2. *Surnames*: one case-sensitive matcher over the surnames of known people ("Lavrov").
3. *Overlaps*: the longest match wins, and a match inside a longer entity is dropped when the
   entity says otherwise ("Jordan" in "Michael Jordan", "Moscow" in "Moscow State University").
4. *Unknowns*: spaCy ``PERSON`` entities that no name covers become ``name`` parts, misspelt
   places become fuzzy parts ("Khatmandu"), unknown ``ORG`` entities ``orgname`` parts, and
   ``GPE``/``LOC`` entities that no name covers but the world gazetteer knows as a city or region
   (a :data:`PlaceSource`, given by the pipeline) ``place`` parts in the country of their best
   reading, with the article's countries so far as context. Only words no name, surname or
   person covers are asked, so a place never outranks a person or organisation.

Example: "Russian Foreign Minister Sergei Lavrov met Nepalese rebels in Khatmandu." gives
``country`` "Russian", ``role`` "Foreign Minister", ``person`` "Sergei Lavrov", ``country``
"Nepalese", ``agent`` "rebels" and a fuzzy ``capital`` "Khatmandu".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .kb import Entry, Hit, KnowledgeBase, norm_key, strip_accents

__all__ = [
    "AGENT",
    "CAPITAL",
    "COUNTRY",
    "NAME",
    "ORG",
    "ORGNAME",
    "PERSON",
    "PLACE",
    "ROLE",
    "SURNAME",
    "CandidateFinder",
    "Part",
    "PlaceSource",
    "categorise",
    "possessive",
    "text_parts",
]

FUZZY_PLACE = 88.0  # rapidfuzz ratio for a misspelt state, capital or place name

#: A gazetteer look-up: (place name, country code -> mentions so far) -> (country code, the
#: place's canonical name), or None when no city or region has that name.
PlaceSource = Callable[[str, Mapping[str, int]], "tuple[str, str] | None"]

# Part categories
COUNTRY, CAPITAL, PLACE, ORG, AGENT, ROLE, PERSON, SURNAME, NAME = (
    "country",
    "capital",
    "place",
    "org",
    "agent",
    "role",
    "person",
    "surname",
    "name",
)
ORGNAME = "orgname"  # an unknown organisation whose name says it is non-governmental


@dataclass
class Part:
    """A matched piece of a mention: token range, category and the knowledge-base hits."""

    start: int  # token index (or word index for plain text)
    end: int
    cat: str
    hits: list[Hit] = field(default_factory=list)
    text: str = ""
    plural: bool = False
    fuzzy: bool = False  # found by a near-miss of a place or state name ("Khatmandu")

    @property
    def hit(self) -> Hit | None:
        return self.hits[0] if self.hits else None


# ---------------------------------------------------------------------- token helpers
# Generic token-level helpers (candidates for the shared syntax layer, detente/syntax.py).
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def possessive(tok: Any) -> bool:
    """True for a possessive marker token ("'s", "'", "\u2019s")."""
    return bool(tok.lower_.translate(_QUOTES) in ("'s", "'"))


def name_tokens(ent: Any) -> list[int]:
    """Token indices of a PERSON entity without line breaks, punctuation or possessives."""
    toks = list(ent)
    breaks = [k for k, t in enumerate(toks) if t.is_space or "\n" in t.text]
    if breaks:
        toks = toks[breaks[-1] + 1 :]
    while toks and (toks[-1].is_punct or toks[-1].tag_ == "POS" or possessive(toks[-1])):
        toks.pop()
    while toks and toks[0].is_punct:
        toks.pop(0)
    return [t.i for t in toks]


# ---------------------------------------------------------------------- categories
def categorise(kb: KnowledgeBase, hit: Hit) -> str:
    """The part category of a knowledge-base hit (person, capital, place, agent, role, ...)."""
    if hit.target in kb.people:
        return PERSON
    if hit.via == "capital":
        return CAPITAL
    if hit.via == "place":
        return PLACE
    if hit.via == "agent":
        return AGENT
    if hit.via == "role":
        return ROLE
    entry = kb.entries.get(hit.target)
    if entry is not None and entry.kind in ("state", "territory"):
        return COUNTRY
    return ORG


def text_parts(kb: KnowledgeBase, text: str) -> list[Part]:
    """Split plain ``text`` into the longest known names (no parse; word indices).

    "Russian Foreign Minister Sergei Lavrov" -> demonym, title, person; a capitalised word that
    is the surname of a known person becomes a ``surname`` part.
    """
    words = strip_accents(text).replace("\u2019", "'").split()
    # Split a possessive off ("Sudan's" -> "Sudan", "'s").
    toks: list[str] = []
    for w in words:
        low = w.lower()
        if low.endswith("'s") and len(w) > 2:
            toks.extend([w[:-2], "'s"])
        else:
            toks.append(w)
    parts: list[Part] = []
    i = 0
    while i < len(toks):
        found = None
        for j in range(min(len(toks), i + 8), i, -1):
            surface = " ".join(toks[i:j])
            key = norm_key(surface)
            hits = [
                h
                for h in kb.names.get(key, ())
                if not h.case_sensitive or surface.strip(",.;:") in kb.patterns.get(key, ())
            ]
            if hits:
                found = (j, hits)
                break
        if found:
            j, hits = found
            cat = categorise(kb, hits[0])
            surface = " ".join(toks[i:j])
            plural = cat in (AGENT, ROLE) and norm_key(surface) != norm_key(
                kb.entries[hits[0].target].name
            )
            parts.append(Part(i, j, cat, list(hits), surface, plural))
            i = j
        else:
            low = norm_key(toks[i])
            if low in kb.surnames and toks[i][:1].isupper():
                parts.append(Part(i, i + 1, SURNAME, [], toks[i]))
            i += 1
    return parts


#: Prepositions after which an unknown ``ORG`` or ``FAC`` entity may be a mislabelled place.
_IN = frozenset({"in", "near"})


def _proper_run(ent: Any) -> Any:
    """The leading proper name of an entity ("Khanty-Mansiysk" of "Khanty-Mansiysk (Siberia"),
    or None when it does not start with one."""
    end = ent.start
    doc = ent.doc
    while end < ent.end and (
        doc[end].pos_ == "PROPN"
        or (doc[end].text == "-" and end + 1 < ent.end and doc[end + 1].pos_ == "PROPN")
    ):
        end += 1
    return doc[ent.start : end] if end > ent.start else None


class CandidateFinder:
    """Finds the candidate parts of a parsed document (matchers compiled once per KB + vocab)."""

    def __init__(self, kb: KnowledgeBase, vocab: Any, places: PlaceSource | None = None) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self.kb = kb
        self.places = places
        make = spacy.blank("en", vocab=vocab).make_doc
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        lower = set(kb.layer_tokens.values())
        for key, forms in kb.patterns.items():
            if key not in lower:
                self.matcher.add(key, [make(f) for f in sorted(forms)])
        # Lower-layer names (tens of thousands) are matched as token sequences: compiling them
        # into the PhraseMatcher would cost seconds per process.
        # Indexed by the first token (one-token names) and the first two tokens (longer ones),
        # so that a common first word ("the", "new") costs one look-up.
        self._singles: dict[str, str] = {}
        self._lengths: dict[tuple[str, str], list[int]] = {}
        for tokens, key in kb.layer_tokens.items():
            if len(tokens) == 1:
                self._singles[tokens[0]] = key
                continue
            lengths = self._lengths.setdefault((tokens[0], tokens[1]), [])
            if len(tokens) not in lengths:
                lengths.append(len(tokens))
        self.surname_matcher = PhraseMatcher(vocab, attr="ORTH")
        for key, ids in kb.surnames.items():
            forms = {s for pid in ids for s in kb.people[pid].surnames if norm_key(s) == key}
            self.surname_matcher.add("surname:" + key, [make(f) for f in sorted(forms)])
        self.vocab = vocab
        self._places: list[tuple[str, Hit]] | None = None
        self._place_keys: list[str] = []  # the keys of ``_places``, rapidfuzz's choices

    def _accept(self, span: Any, hit: Hit, key: str) -> bool:
        text = span.text
        if hit.case_sensitive:
            forms = self.kb.patterns.get(key, set())
            return text in forms or strip_accents(text) in forms
        if hit.via in ("agent", "role"):
            return True
        # Proper names start with a capital ("Turkey", not "turkey"), unless the name itself is
        # written in lower case ("al-Qaeda").
        return text[:1].isupper() or not text[:1].isalpha() or text in self.kb.patterns.get(key, ())

    def find_parts(self, doc: Any) -> list[Part]:
        """Every knowledge-base name, surname and unknown person in ``doc``, without overlaps."""
        from spacy.util import filter_spans

        strings = self.vocab.strings
        cands: list[Any] = []
        info: dict[tuple[int, int], Part] = {}
        matches = [(strings[m], start, end) for m, start, end in self.matcher(doc)]
        for key, start, end in matches + self._layer_matches(doc):
            span = doc[start:end]
            hits = [h for h in self.kb.names.get(key, ()) if self._accept(span, h, key)]
            if not hits:
                continue
            cat = categorise(self.kb, hits[0])
            plural = cat in (AGENT, ROLE) and norm_key(span.text) != norm_key(
                self.kb.entries[hits[0].target].name
            )
            if cat == PERSON or len(hits) > 1:
                hits.sort(key=lambda h: h.target not in self.kb.people)
            info[(start, end)] = Part(start, end, cat, hits, span.text, plural)
            cands.append(span)
        for _match_id, start, end in self.surname_matcher(doc):
            if (start, end) not in info:
                span = doc[start:end]
                info[(start, end)] = Part(start, end, SURNAME, [], span.text)
                cands.append(span)
        person_ents = [e for e in doc.ents if e.label_ == "PERSON"]
        org_ents = [e for e in doc.ents if e.label_ in ("ORG", "FAC", "WORK_OF_ART")]
        # Entities do not overlap: the only PERSON entity that can contain a span is the one
        # over its first token.
        person_at = {i: e for e in person_ents for i in range(e.start, e.end)}
        kept = []
        for span in filter_spans(cands):
            part = info[(span.start, span.end)]
            e = person_at.get(span.start)
            if (
                part.cat not in (PERSON, ROLE, SURNAME)
                and e is not None
                and span.end <= e.end
                and len(e) > len(span)
                and not self._title_like(doc, e, span)
            ):
                continue  # "Jordan" in "Michael Jordan"
            if part.cat in (CAPITAL, PLACE) and any(
                e.start <= span.start and span.end <= e.end and len(e) > len(span) for e in org_ents
            ):
                continue  # "Moscow" in "Moscow State University"
            if part.cat == SURNAME and (doc[span.start].pos_ not in ("PROPN", "NOUN", "X")):
                continue
            if part.cat == AGENT and doc[span.end - 1].pos_ == "ADJ":
                continue  # "national security", "military action": adjectives, not agents
            if part.cat in (AGENT, ROLE) and any(
                e.start <= span.start and span.end < e.end for e in org_ents
            ):
                continue  # "Government Development Bank": part of an organisation's name
            kept.append(part)
        starts = {p.start: p for p in kept}
        kept = [
            p
            for p in kept
            if not (
                p.cat == ORG
                and p.hit is not None
                and self.kb.entries[p.hit.target].needs_agent
                and not (p.end in starts and starts[p.end].cat == AGENT)
            )
        ]
        # Unknown people: spaCy PERSON entities whose last word no known name covers. A surname
        # inside a longer name ("Tara Kono", "Richard Nixon") is part of that name.
        for ent in person_ents:
            toks = name_tokens(ent)
            if not toks:
                continue
            first, last_i = toks[0], toks[-1]
            blockers = [p for p in kept if p.cat != SURNAME and p.start <= last_i and p.end > first]
            if any(p.start <= last_i < p.end for p in blockers):
                continue
            begin = last_i
            while begin - 1 >= first and not any(p.start <= begin - 1 < p.end for p in blockers):
                begin -= 1
            inner = [
                p for p in kept if p.cat == SURNAME and begin <= p.start and p.end <= last_i + 1
            ]
            if begin == last_i and inner:
                continue  # a lone surname stays a surname
            kept = [p for p in kept if p not in inner]
            kept.append(Part(begin, last_i + 1, NAME, [], doc[begin : last_i + 1].text))
        covered = {i for p in kept for i in range(p.start, p.end)}
        context: Counter[str] | None = None  # computed at the first gazetteer look-up
        names: set[str] = set()
        for ent in doc.ents:
            if any(i in covered for i in range(ent.start, ent.end)):
                continue
            if ent.label_ in ("GPE", "NORP", "LOC") or (ent.label_ == "ORG" and len(ent) == 1):
                hit = self._fuzzy_place(ent.text)
                if hit is None and ent.label_ in ("GPE", "LOC") and self.places is not None:
                    if context is None:
                        context, names = self._countries(kept), self._name_words(doc, kept)
                    if {t.lower_ for t in ent if t.is_alpha} <= names:
                        continue  # a person's name, not a place

                    hit = self._gazetteer_place(ent, context)
                    if hit is not None:
                        kept.append(Part(ent.start, ent.end, PLACE, [hit], ent.text))
                        continue
                if hit is not None:
                    cat = categorise(self.kb, hit)
                    kept.append(Part(ent.start, ent.end, cat, [hit], ent.text, fuzzy=True))
            elif ent.label_ in ("ORG", "FAC"):
                if self.places is not None and ent.start > 0 and doc[ent.start - 1].lower_ in _IN:
                    # "thwarted in Khanty-Mansiysk (Siberia)" tagged ORG or FAC: its leading
                    # proper name is a place when the gazetteer knows it.
                    if context is None:
                        context, names = self._countries(kept), self._name_words(doc, kept)
                    run = _proper_run(ent)
                    hit = self._gazetteer_place(run, context) if run is not None else None
                    if run is not None and hit is not None:
                        kept.append(Part(run.start, run.end, PLACE, [hit], run.text))
                        continue
                if ent.label_ == "FAC":
                    continue
                # An organisation the knowledge base does not know: kept as a mention.
                words = [t for t in ent if t.pos_ != "DET" and not t.is_space]
                if words and any(t.pos_ == "PROPN" for t in words):
                    begin, end = words[0].i, words[-1].i + 1
                    kept.append(Part(begin, end, ORGNAME, [], doc[begin:end].text))
        kept.sort(key=lambda p: p.start)
        return kept

    @staticmethod
    def _name_words(doc: Any, kept: list[Part]) -> set[str]:
        """Words of the document's person names ("Carly" after "Carly Fiorina" is no French
        town), and words that start a longer proper name elsewhere in it."""
        words = {t.lower_ for e in doc.ents if e.label_ == "PERSON" for t in e if t.is_alpha}
        words |= {t.lower_ for p in kept if p.cat in (PERSON, NAME) for t in doc[p.start : p.end]}
        words |= {
            t.lower_
            for t in doc[:-1]
            if t.pos_ == "PROPN"
            and doc[t.i + 1].pos_ == "PROPN"
            and doc[t.i + 1].ent_type_ in ("", "PERSON")
            and doc[t.i + 1].text[:1].isupper()
        }
        return words

    def _countries(self, parts: list[Part]) -> Counter[str]:
        """Country codes of the document's known states and places: the gazetteer's context."""
        out: Counter[str] = Counter()
        for p in parts:
            if p.cat in (COUNTRY, CAPITAL, PLACE) and p.hit is not None:
                code = self.kb.entries[p.hit.target].code
                if code and len(code) == 3:
                    out[code] += 1
        return out

    def _gazetteer_place(self, ent: Any, context: Counter[str]) -> Hit | None:
        """A place the knowledge base does not know, from the gazetteer (a ``geo:`` entry)."""
        words = [t for t in ent if t.pos_ != "DET" and not t.is_space]
        text = ent.doc[words[0].i : words[-1].i + 1].text if words else ""
        if not text[:1].isupper() or not self.places:
            return None
        if text.isupper() and len(text) <= 5:
            return None  # an acronym ("NRA"), not a place's alternate name
        found = self.places(text, context)
        if found is None:
            return None
        code, name = found
        pid = f"geo:{code}:{norm_key(name).replace(' ', '-')}"
        if pid not in self.kb.entries:
            # Registered in the knowledge base so that every later step (sentence context,
            # "rebels in PLACE", location mentions) reads it like a known place.
            self.kb.entries[pid] = Entry(pid, "place", code, None, name, layer="gazetteer")
        context[code] += 1
        return Hit(pid, "place", layer="gazetteer")

    def _layer_matches(self, doc: Any) -> list[tuple[str, int, int]]:
        """(key, start, end) of every lower-layer name in ``doc`` (as a LOWER phrase match)."""
        if not self._singles and not self._lengths:
            return []
        from spacy.attrs import LOWER

        strings = doc.vocab.strings
        lowers = [strings[h] for h in doc.to_array(LOWER).tolist()] if len(doc) else []
        table, singles, lengths = self.kb.layer_tokens, self._singles, self._lengths
        out = []
        last = len(lowers) - 1
        for i, word in enumerate(lowers):
            key = singles.get(word)
            if key is not None:
                out.append((key, i, i + 1))
            if i < last:
                for n in lengths.get((word, lowers[i + 1]), ()):
                    key = table.get(tuple(lowers[i : i + n]))
                    if key is not None and i + n <= len(lowers):
                        out.append((key, i, i + n))
        return out

    def _fuzzy_place(self, text: str) -> Hit | None:
        """A near-miss of a state, demonym, capital or place name ("Khatmandu", "Afganistan")."""
        from rapidfuzz import fuzz, process

        if self._places is None:
            self._places = [
                (key, hits[0])
                for key, hits in self.kb.names.items()
                if len(key) >= 6
                and hits[0].via in ("exact", "alias", "capital", "place")
                and hits[0].target.startswith(("state:", "place:"))
                and not hits[0].case_sensitive
                and hits[0].layer == "curated"  # lower layers list their misspellings
            ]
            self._place_keys = [k for k, _ in self._places]
        query = norm_key(text)
        if len(query) < 6:
            return None
        best = process.extractOne(
            query, self._place_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_PLACE
        )
        return self._places[best[2]][1] if best else None

    @staticmethod
    def _title_like(doc: Any, ent: Any, span: Any) -> bool:
        # "Russian Foreign Minister Sergei Lavrov" is sometimes one PERSON entity: a demonym at
        # the start of such an entity is still a country.
        return span.start == ent.start and doc[span.start].pos_ == "ADJ"
