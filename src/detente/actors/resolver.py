"""Resolving mentions: from a spaCy ``Doc`` (or a plain name) to coded actors on a date.

The resolver drives the other two modules and decides what each group means:

1. *Find* the candidate parts (:mod:`detente.actors.candidates`): every knowledge-base name,
   surname of a known person and unknown ``PERSON`` entity.
2. *Compose* adjacent parts of one noun phrase into groups (:mod:`detente.actors.compose`).
3. *Resolve* each group on the article's date; the first step that decides wins:

   a. a known person: by the office held that day;
   b. a surname: the person introduced earlier, else the unique office holder of the day;
   c. an unknown or misspelt person: a first-and-last-name or fuzzy match the sentence's country
      agrees with, else a new person coded by the country or role next to them, else by the
      sentence's only country (low confidence), else uncoded;
   d. a title without a name: the person met earlier, else that country's office holder that day;
   e. an organisation, seat or group (an unknown NGO by its name);
   f. a country or capital with agent nouns; a capital alone is its government unless it is the
      object of a place preposition ("in Moscow" is a location);
   g. a place (a location, never an actor) or a bare agent noun ("police").
4. *Pronouns*: "he"/"she" resolve to the most recent person within the last sentences.

Example: in "Russian Foreign Minister Sergei Lavrov arrived in Tokyo. He met Japanese officials."
on 2017-11-24, "Russian Foreign Minister Sergei Lavrov" is one group resolved by step 3a to
RUS GOV (foreign minister that day), "Tokyo" is a location (3f, after "in"), "He" links to Lavrov
(step 4) and "Japanese officials" is JPN GOV (3f, demonym + agent noun).

:func:`~detente.actors.phrase.resolve_text` (re-exported here) does the same for a plain name or
phrase without a parse.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from ..records import ActorRef, Article, Mention
from .candidates import (
    CAPITAL,
    COUNTRY,
    NAME,
    ORG,
    ORGNAME,
    PERSON,
    PLACE,
    ROLE,
    SURNAME,
    CandidateFinder,
    Part,
    PlaceSource,
)
from .compose import Composer, group_parts, shared_sectors
from .kb import Entry, Hit, KnowledgeBase, Person, norm_key
from .phrase import resolve_text

__all__ = ["DocResolver", "Part", "get_resolver", "resolve_text"]

log = logging.getLogger(__name__)


def _word_sets() -> dict[str, frozenset[str]]:
    """The closed word lists of ``data/resolver_words.yaml`` (loaded once, at import)."""
    text = resources.files("detente.actors").joinpath("data/resolver_words.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {k: frozenset(str(w) for w in v) for k, v in data.items() if isinstance(v, list)}


_WORDS = _word_sets()
#: Prepositions after which a capital or city is the place of an event, not an actor.
LOCATIVE_PREPS = _WORDS["locative_prepositions"]
#: Words before a title that mean "not the current holder": skip office look-up.
NOT_CURRENT = _WORDS["not_current"]
#: Words before a title that say the person no longer holds it ("former President Clinton").
FORMER = _WORDS["former"]
#: Nouns that make a capital before them a place ("the Moscow talks", "a Tokyo suburb").
PLACE_HEADS = _WORDS["place_heads"]
#: Last words of organisation names that are most likely non-governmental ("... Forum").
NGO_HEADS = _WORDS["ngo_heads"]
PRONOUNS = frozenset({"he", "she"})
FUZZY_MIN = 84.0  # rapidfuzz ratio for a near-miss when the context names the person's country
FUZZY_ALONE = 94.0  # ... when the context says nothing


@dataclass
class Resolved:
    """What a group resolved to."""

    actor: ActorRef | None
    via: str
    confidence: float
    ref: int | None = None
    person_key: str | None = None  # registry key of the person this mention is


@dataclass
class _PersonSeen:
    """A person met earlier in the article (registry for surname / role / pronoun links)."""

    key: str
    actor: ActorRef
    mention_index: int
    surnames: tuple[str, ...]
    office: str | None  # office key (hos, hog, fm, dm) held on the date, if known
    sentence: int
    gender: str | None = None  # "f" / "m" when the knowledge base says


#: A step's verdict that the group is no actor at all (the later steps are not tried).
_NOT_ACTOR = Resolved(None, "none", 0.0)


@dataclass
class _Group:
    """One group being resolved: its parts, what they say and the article context."""

    doc: Any
    parts: list[Part]
    date: dt.date | None
    seen: list[_PersonSeen]
    sent_codes: dict[int, list[str]]
    country: Entry | None
    cpart: Part | None  # the part that gave the country
    sector: str | None
    title_sector: str | None  # the sector a title gives now (None for "former President")
    office: str | None

    @property
    def last(self) -> Part:
        return self.parts[-1]

    @property
    def roles(self) -> list[Part]:
        """The singular titles of the group ("minister", not "ministers")."""
        return [p for p in self.parts if p.cat == ROLE and not p.plural]


class DocResolver:
    """Finds and resolves the actor mentions of a parsed article (compiled once per KB + vocab)."""

    def __init__(self, kb: KnowledgeBase, vocab: Any, places: PlaceSource | None = None) -> None:
        self.kb = kb
        self.comp = Composer(kb)
        self.finder = CandidateFinder(kb, vocab, places)
        self.vocab = vocab
        self._names: list[tuple[str, str]] | None = None
        self._name_keys: list[str] = []
        self._sent_start: list[int] = []
        self._lowers: list[str] = []  # the lower-case form of every token of the current doc
        self._lock = threading.Lock()

    def find_parts(self, doc: Any) -> list[Part]:
        """Every knowledge-base name, surname and unknown person in ``doc`` (see ``candidates``)."""
        return self.finder.find_parts(doc)

    def group(self, doc: Any, parts: list[Part]) -> list[list[Part]]:
        """Group adjacent parts of one noun phrase (see ``compose``)."""
        return group_parts(self.kb, doc, parts)

    # ------------------------------------------------------------------ context
    def _not_current(self, doc: Any, group: list[Part]) -> bool:
        start = group[0].start
        lowers = self._lowers
        return any(w.strip("-") in NOT_CURRENT for w in lowers[max(0, start - 2) : start]) or any(
            w in NOT_CURRENT or w.startswith("ex-") for p in group for w in lowers[p.start : p.end]
        )

    def _context_codes(self, doc: Any, sent_codes: dict[int, list[str]], tok: int) -> list[str]:
        return sent_codes.get(self._sent_start[tok], [])

    def _first_last(self, text: str, date: dt.date | None) -> Person | None:
        """A known person with the same first and last name ("Vladimir V. Putin")."""
        words = norm_key(text).split()
        if len(words) < 2:
            return None
        found = []
        for person in self.kb.people_named(words[-1]):
            if any(norm_key(n).split()[0] == words[0] for n in person.names):
                found.append(person)
        if len(found) > 1:
            found = [p for p in found if p.office_on(date) is not None]
        return found[0] if len(found) == 1 else None

    def _fuzzy(self, text: str, codes: list[str], date: dt.date | None) -> Person | None:
        from rapidfuzz import fuzz, process

        if self._names is None:
            # Curated people only: lower layers list their own spellings, and tens of thousands
            # of names would make every unknown person slow to check.
            self._names = [
                (norm_key(n), pid)
                for pid, p in self.kb.people.items()
                if p.layer == "curated"
                for n in p.names
            ]
            self._name_keys = [n for n, _ in self._names]  # rapidfuzz's choices, made once
        query = norm_key(text)
        if " " not in query:
            return None
        best = process.extract(
            query, self._name_keys, scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_MIN
        )
        for _name, score, idx in best:
            person = self.kb.people[self._names[idx][1]]
            code = person.ref(date)[0].code
            agrees = code in codes and person.office_on(date) is not None
            if agrees or (not codes and score >= FUZZY_ALONE):
                return person
        return None

    def resolve_doc(
        self, doc: Any, date: dt.date | None, article: Article | None = None
    ) -> list[Mention]:
        """All actor mentions of ``doc`` in document order (offsets into ``doc.text``).

        Thread-safe: the resolver is shared per process (web server threads included), and one
        document is resolved at a time (the stage costs a few percent of parsing).
        """
        with self._lock:
            return self._resolve_doc(doc, date, article)

    def _resolve_doc(
        self, doc: Any, date: dt.date | None, article: Article | None = None
    ) -> list[Mention]:
        from spacy.attrs import LOWER

        # Every token's lower-case form, read once from the array (the steps below look at
        # the words around each group).
        strings = doc.vocab.strings
        self._lowers = [strings[h] for h in doc.to_array(LOWER).tolist()] if len(doc) else []
        # Sentence start of every token (one sentence when the pipeline has no parser).
        self._sent_start = [0] * len(doc)
        if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
            for sent in doc.sents:
                for i in range(sent.start, sent.end):
                    self._sent_start[i] = sent.start
        parts = self.find_parts(doc)
        groups = self.group(doc, parts)
        shared = shared_sectors(self.comp, doc, groups)
        # Country codes named in each sentence: context for fuzzy names and unknown people.
        sent_codes: dict[int, list[str]] = {}
        for part in parts:
            if part.cat in (COUNTRY, CAPITAL, PLACE) and part.hit is not None:
                code = self.kb.entries[part.hit.target].code
                if code:
                    sent_codes.setdefault(self._sent_start[part.start], []).append(code)
        pron = [i for i, w in enumerate(self._lowers) if w in PRONOUNS and doc[i].pos_ == "PRON"]
        items: list[tuple[int, list[Part] | None]] = [(g[0].start, g) for g in groups]
        items += [(i, None) for i in pron]
        items.sort(key=lambda x: x[0])
        mentions: list[Mention] = []
        seen: list[_PersonSeen] = []
        ents = {(e.start, e.end): e.label_ for e in doc.ents}
        sent_index = {start: n for n, start in enumerate(sorted(set(self._sent_start)))}
        for start, group in items:
            sent_no = sent_index.get(self._sent_start[start], 0)
            if group is None:
                res = self._pronoun(seen, sent_no, doc[start].lower_)
                if res is None:
                    continue
                s, e = start, start + 1
            else:
                res = self._resolve_group(
                    doc, group, date, seen, sent_codes, shared.get(group[0].start)
                )
                if res is None:
                    continue
                if any(p.fuzzy for p in group):
                    res.via, res.confidence = "fuzzy", min(res.confidence, 0.7)
                s, e = group[0].start, group[-1].end
            span = doc[s:e]
            label = ents.get((s, e), "") or (span.root.ent_type_ if group else "")
            if article is not None:
                fld, cs, ce = article.locate(span.start_char, span.end_char)
            else:
                fld, cs, ce = "text", span.start_char, span.end_char
            mention = Mention(
                text=span.text,
                start=cs,
                end=ce,
                actor=res.actor,
                via=res.via,
                field=fld,
                confidence=res.confidence,
                label=label,
                ref=res.ref,
            )
            if res.person_key and res.actor is not None:
                surnames = self._surnames_of(res.actor, group)
                office = None
                if res.actor.kb_id in self.kb.people:
                    held = self.kb.people[res.actor.kb_id].office_on(date)
                    office = held.role if held else None
                elif group is not None:
                    office = self.comp.office_key(group)
                seen.append(
                    _PersonSeen(
                        res.person_key,
                        res.actor,
                        len(mentions),
                        surnames,
                        office,
                        sent_no,
                        self._gender(res, group),
                    )
                )
            mentions.append(mention)
        return mentions

    def _gender(self, res: Resolved, group: list[Part] | None) -> str | None:
        if res.actor is not None and res.actor.kb_id in self.kb.people:
            return self.kb.people[res.actor.kb_id].gender
        if res.via == "pronoun" and group is None:
            return None
        return None

    def _surnames_of(self, actor: ActorRef, group: list[Part] | None) -> tuple[str, ...]:
        names: list[str] = []
        if actor.kb_id in self.kb.people:
            person = self.kb.people[actor.kb_id]
            names.extend(norm_key(s) for s in person.surnames)
            # A known person is also called by first name later on ("Hillary").
            names.extend(norm_key(n.split()[0]) for n in person.names if len(n.split()) > 1)
        if actor.name:
            names.append(norm_key(actor.name.split()[-1]))
        if group is not None:
            names.extend(norm_key(p.text.split()[-1]) for p in group if p.cat in (NAME, SURNAME))
        return tuple(dict.fromkeys(names))

    @staticmethod
    def _pronoun(seen: list[_PersonSeen], sent_no: int, word: str) -> Resolved | None:
        want = "f" if word == "she" else "m"
        for person in reversed(seen):
            if sent_no - person.sentence > 2:
                break
            if person.gender and person.gender != want:
                continue  # "she" is not the man named last
            return Resolved(person.actor, "pronoun", 0.6, person.mention_index)
        return None

    # ------------------------------------------------------------------ resolving one group
    def _resolve_group(
        self,
        doc: Any,
        group: list[Part],
        date: dt.date | None,
        seen: list[_PersonSeen],
        sent_codes: dict[int, list[str]],
        shared_sector: str | None = None,
    ) -> Resolved | None:
        """Resolve one group: the first of the steps (module docstring, step 3) that decides."""
        g = self._describe(doc, group, date, seen, sent_codes, shared_sector)
        steps = (
            self._known_person,
            self._surname,
            self._unknown_person,
            self._title_holder,
            self._organisation,
            self._country,
            self._place_or_agent,
        )
        for step in steps:
            res = step(g)
            if res is not None:
                return None if res is _NOT_ACTOR else res
        return None

    def _describe(
        self,
        doc: Any,
        group: list[Part],
        date: dt.date | None,
        seen: list[_PersonSeen],
        sent_codes: dict[int, list[str]],
        shared_sector: str | None,
    ) -> _Group:
        """What the group says: its country, sector, office and whether it names a former one."""
        country, cpart = self.comp.country_of(group)
        sector, _ = self.comp.first_sector(group)
        sector = sector or shared_sector
        start = group[0].start
        lowers = self._lowers
        former = any(w.strip("-") in FORMER for w in lowers[max(0, start - 2) : start]) or any(
            w in FORMER for p in group for w in lowers[p.start : p.end]
        )
        return _Group(
            doc=doc,
            parts=group,
            date=date,
            seen=seen,
            sent_codes=sent_codes,
            country=country,
            cpart=cpart,
            sector=sector,
            title_sector=None if former else sector,  # a former president has no current sector
            office=self.comp.office_key(group),
        )

    def _known_person(self, g: _Group) -> Resolved | None:
        """Step 3a. A known person (exact name or alias): the office held on the date."""
        last = g.last
        if last.cat != PERSON or last.hit is None:
            return None
        person = self.kb.people[last.hit.target]
        ref, _ = self.comp.person_ref(person, g.date, g.country, g.title_sector)
        if person.layer != "curated" and self._named_with(g):
            # A lower layer's person named with a country or organisation ("U.N. mediator Diego
            # Cordovez", "CIA Director David Petraeus"): the phrase decides, as for an unknown
            # name (the next steps), so the curated parts give the code and sector.
            g.parts = [*g.parts[:-1], Part(last.start, last.end, NAME, [], last.text)]
            return None
        via = "exact" if norm_key(last.text) == norm_key(person.name) else "alias"
        return Resolved(ref, via, 1.0 if ref.sector else 0.8, person_key=person.id)

    @staticmethod
    def _named_with(g: _Group) -> bool:
        """True when the group names a country or an organisation besides the person."""
        return g.country is not None or any(p.cat == ORG and p.hit for p in g.parts)

    def _surname(self, g: _Group) -> Resolved | None:
        """Step 3b. A surname: the person introduced earlier, else a unique office holder of the
        day; otherwise the surname is treated as an unknown name (the next step)."""
        last, country, date = g.last, g.country, g.date
        if last.cat != SURNAME:
            return None
        key = norm_key(last.text)
        for p in reversed(g.seen):
            if key in p.surnames and (country is None or p.actor.code == country.code):
                return Resolved(p.actor, "surname", 0.9, p.mention_index, p.key)
        tok = g.doc[last.start]
        # A bare surname needs to look like a name: a person (or untagged proper noun),
        # not a place or a date ("in May").
        ent_ok = (
            len(g.parts) > 1
            or tok.ent_type_ == "PERSON"
            or (tok.pos_ == "PROPN" and tok.ent_type_ in ("", "ORG"))
        )
        if not ent_ok:
            return _NOT_ACTOR
        people = self.kb.people_named(last.text)
        on_duty = [p for p in people if p.office_on(date) is not None]
        if country is not None:
            on_duty = [p for p in on_duty if p.ref(date)[0].code == country.code]
        if g.office:
            on_duty = [
                p for p in on_duty if (o := p.office_on(date)) and o.role == g.office
            ] or on_duty
        if len(on_duty) == 1:
            ref, _ = self.comp.person_ref(on_duty[0], date, country, g.title_sector)
            return Resolved(ref, "surname", 0.75, person_key=on_duty[0].id)
        if (
            not on_duty
            and len(people) == 1
            and (country is None or people[0].country == country.code)
        ):
            # A well-known person out of office that day ("President Reagan" in 2000).
            ref, _ = self.comp.person_ref(people[0], date, country, g.title_sector)
            return Resolved(ref, "surname", 0.6, person_key=people[0].id)
        g.parts = [*g.parts[:-1], Part(last.start, last.end, NAME, [], last.text)]
        return None

    def _unknown_person(self, g: _Group) -> Resolved | None:
        """Step 3c. An unknown (or misspelt) person name: a known person by first and last name
        or by a fuzzy match the context agrees with, an earlier surname, else a new person coded
        by the country or organisation named with them, an apposition or the sentence."""
        last, country, date, doc = g.last, g.country, g.date, g.doc
        if last.cat != NAME:
            return None
        name = last.text
        codes = [country.code] if country is not None and country.code else []
        codes += self._appos_codes(doc, last, g.seen, g.sent_codes) or self._context_codes(
            doc, g.sent_codes, last.start
        )
        same = self._first_last(name, date)
        if same is not None:
            ref, _ = self.comp.person_ref(same, date, country, g.title_sector)
            return Resolved(ref, "alias", 0.9, person_key=same.id)
        near = self._fuzzy(name, codes, date)
        if near is not None:
            ref, _ = self.comp.person_ref(near, date, country, g.title_sector)
            return Resolved(ref, "fuzzy", 0.7, person_key=near.id)
        key = norm_key(name.split()[-1])
        for p in reversed(g.seen):
            if key in p.surnames and len(name.split()) == 1:
                return Resolved(p.actor, "surname", 0.85, p.mention_index, p.key)
        person_key = "name:" + norm_key(name)
        sector = g.sector
        if country is not None:
            cpart = g.cpart
            via = "demonym+agent" if cpart and cpart.hit and cpart.hit.via == "demonym" else "role"
            ref = ActorRef(code=country.code, sector=sector, name=name, kind="person")
            return Resolved(ref, via, 0.8, person_key=person_key)
        org_parts = [p for p in g.parts if p.cat == ORG and p.hit is not None]
        if org_parts and org_parts[-1].hit is not None:
            org = self.kb.entries[org_parts[-1].hit.target]
            ref = ActorRef(code=org.code, sector=sector or org.sector, name=name, kind="person")
            return Resolved(ref, "role", 0.8, person_key=person_key)
        appos = self._appos_codes(doc, last, g.seen, g.sent_codes)
        # Only a title or an apposition makes the sentence's country a person's country.
        context = self._context_codes(doc, g.sent_codes, last.start) if sector is not None else []
        distinct = list(dict.fromkeys(appos or context))
        if len(distinct) == 1:
            ref = ActorRef(code=distinct[0], sector=sector, name=name, kind="person")
            return Resolved(ref, "context", 0.4 if not appos else 0.7, person_key=person_key)
        ref = ActorRef(code=None, sector=sector, name=name, kind="person")
        return Resolved(ref, "entity", 0.3, person_key=person_key)

    def _title_holder(self, g: _Group) -> Resolved | None:
        """Step 3d. A title without a name: the person met earlier in that office, else the
        office holder of that country on the date ("the Russian foreign minister")."""
        roles = g.roles
        if not roles or roles[-1] is not g.last or self._not_current(g.doc, g.parts):
            return None
        country, office = g.country, g.office
        for p in reversed(g.seen):
            same_office = office is not None and p.office == office
            if same_office and (country is None or p.actor.code == country.code):
                return Resolved(p.actor, "role", 0.8, p.mention_index, p.key)
        if country is not None and office and country.code:
            holder = self.comp.holder(country.code, office, g.date, self.comp.role_word(g.parts))
            if holder is not None:
                ref, _ = self.comp.person_ref(holder, g.date, country, g.title_sector)
                return Resolved(ref, "role", 0.75, person_key=holder.id)
        return None

    def _organisation(self, g: _Group) -> Resolved | None:
        """Step 3e. Organisations, seats and groups (an agent noun after them gives the sector);
        an unknown organisation is kept with the country named with it (an NGO by its name)."""
        country, sector, last = g.country, g.sector, g.last
        orgs = [p for p in g.parts if p.cat == ORG]
        if orgs and orgs[-1].hit is not None:
            entry = self.kb.entries[orgs[-1].hit.target]
            if entry.kind == "ethnic":
                # "Kurdish rebels", "Tamil refugees": coded by the country they are in.
                here = [c for c in self._context_codes(g.doc, g.sent_codes, g.parts[0].start) if c]
                code = country.code if country is not None else (here[0] if here else entry.code)
                ref = ActorRef(
                    code=code,
                    sector=sector or entry.sector,
                    name=entry.name,
                    kind="group",
                    kb_id=entry.id,
                )
                return Resolved(ref, "context" if code != entry.code else "demonym", 0.6)
            via = "metonym" if orgs[-1].hit.via == "seat" else orgs[-1].hit.via
            return Resolved(entry.ref(sector), via, 0.95)
        if last.cat != ORGNAME:
            return None
        words = last.text.lower().split()
        ngo = len(words) > 1 and (
            words[-1] in NGO_HEADS or (words[0] in NGO_HEADS and words[1] == "of")
        )
        if ngo:
            code = country.code if country is not None else "NGO"
            ref = ActorRef(code=code, sector=sector, name=last.text, kind="ngo")
            return Resolved(ref, "entity", 0.4)
        code = country.code if country is not None else None
        ref = ActorRef(code=code, sector=sector, name=last.text, kind="organisation")
        return Resolved(ref, "entity", 0.3)

    def _country(self, g: _Group) -> Resolved | None:
        """Step 3f. A country (or capital) with agent nouns ("Japanese officials", "Khartoum
        government"); a bare capital is its government unless it is a location ("in Moscow")."""
        country, cpart, sector, doc, group = g.country, g.cpart, g.sector, g.doc, g.parts
        if country is None or cpart is None or cpart.hit is None:
            return None
        if group[0].start > 0 and doc[group[0].start - 1].lower_ == "ethnic":
            # "ethnic Albanians" in Macedonia: a minority, coded by where they live.
            others = [
                c
                for c in self._context_codes(doc, g.sent_codes, group[0].start)
                if c != country.code
            ]
            if others:
                ref = ActorRef(code=others[0], sector=sector, name=country.name, kind="agent")
                return Resolved(ref, "context", 0.5)
        if sector is not None:
            kind = "person" if g.roles else "agent"
            via = "demonym+agent" if cpart.hit.via == "demonym" else "agent"
            if cpart.cat == CAPITAL:
                via = "metonym"
            ref = ActorRef(
                code=country.code, sector=sector, name=country.name, kind=kind, kb_id=country.id
            )
            return Resolved(ref, via, 0.9)
        if cpart.cat == CAPITAL:
            if self._is_location(doc, cpart, group):
                ref, _ = self.kb.hit_ref(Hit(cpart.hit.target, "place"), g.date)
                return Resolved(ref, "location", 0.9)
            ref, _ = self.kb.hit_ref(cpart.hit, g.date)
            return Resolved(ref, "metonym", 0.85)
        return Resolved(country.ref(), cpart.hit.via, 1.0)

    def _place_or_agent(self, g: _Group) -> Resolved | None:
        """Step 3g. Places (never actors) and bare agent nouns ("police", "rebels"), unless the
        agent noun only modifies another noun ("press conference")."""
        places = [p for p in g.parts if p.cat == PLACE]
        if places and places[0].hit is not None:
            ref, _ = self.kb.hit_ref(places[0].hit, g.date)
            return Resolved(ref, "location", 0.9)
        if g.sector is None:
            return None
        root = g.doc[g.parts[0].start : g.parts[-1].end].root
        if root.dep_ == "compound" and root.head.pos_ in ("NOUN", "PROPN"):
            return _NOT_ACTOR  # "press conference", "regime change": not an actor
        kind = "person" if g.roles else "agent"
        return Resolved(ActorRef(code=None, sector=g.sector, name=None, kind=kind), "agent", 0.5)

    # ------------------------------------------------------------------ dependency-tree helpers
    # Generic parse-tree reads (governing preposition of a phrase, apposition head): candidates
    # for the shared syntax layer (detente/syntax.py), kept together here until it exists.
    def _is_location(self, doc: Any, part: Part, group: list[Part]) -> bool:
        if len(group) > 1:
            return False
        span = doc[part.start : part.end]
        root = span.root
        head = root.head
        if (
            span.text.isupper()
            and len(span.text) > 3
            and span.start == self._sent_start[span.start]
        ):
            return True  # a dateline: "WASHINGTON - The president said ..."
        if root.dep_ == "pobj" and head.lower_ in LOCATIVE_PREPS:
            return True
        # "in Tokyo and Seoul": the second conjunct inherits the preposition.
        if root.dep_ == "conj" and head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS:
            return True
        if root.dep_ in ("compound", "nmod", "amod") and head.lemma_.lower() in PLACE_HEADS:
            return True  # "the Moscow talks": a place, not an actor
        return bool(root.dep_ == "appos" and head.ent_type_ in ("GPE", "LOC", "FAC"))

    def _appos_codes(
        self, doc: Any, part: Part, seen: list[_PersonSeen], sent_codes: dict[int, list[str]]
    ) -> list[str]:
        # "Japanese counterpart, Tara Kono": the name is in apposition to a coded phrase.
        root = doc[part.start : part.end].root
        if root.dep_ == "appos" or (part.start >= 2 and doc[part.start - 1].text == ","):
            head = root.head if root.dep_ == "appos" else doc[part.start - 2]
            for tok in head.subtree:
                if tok.i >= part.start:
                    break
                if tok.ent_type_ in ("NORP", "GPE"):
                    hits = self.kb.names.get(norm_key(tok.text))
                    if hits:
                        code = self.kb.entries.get(hits[0].target)
                        if code is not None and code.code:
                            return [code.code]
        return []


_lock = threading.Lock()
_resolvers: dict[tuple[int, int, int], DocResolver] = {}


def get_resolver(kb: KnowledgeBase, vocab: Any, places: PlaceSource | None = None) -> DocResolver:
    """The compiled resolver for ``kb``, a spaCy vocab and a gazetteer look-up (built once per
    process)."""
    key = (id(kb), id(vocab), id(places))
    with _lock:
        if key not in _resolvers:
            _resolvers[key] = DocResolver(kb, vocab, places)
        return _resolvers[key]
