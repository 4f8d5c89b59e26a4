"""Resolve a speaker span to a person's name and an actor.

The actor stage has already resolved mentions (names, surnames, pronouns and role nouns, with
``ref`` pointing at the antecedent). A speaker span takes the mention it overlaps; its name comes
from the person the mention resolves to. When no mention helps (a name the dictionaries do not
know, a pronoun the actor stage left alone), a light fallback works on the parse: proper-noun
phrases without their titles, a surname completed from an earlier full name, and a pronoun
followed back to the previous speaker or person.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import ORTH

from ..records import ActorRef, Article, Mention
from .lexicon import ReportingLexicon
from .parse import np_span
from .speakerlex import SpeakerLexicon, gender_of, load_speaker_lexicon

__all__ = ["Resolved", "SpeakerResolver"]

#: Below this confidence a mention's country guessed from context is not given to a speaker.
GUESS_CONFIDENCE = 0.5

_PRONOUN_VIA = frozenset({"pronoun", "role", "surname"})
#: Actor kinds that are organisations (a state speaks through its government).
_ORG_KINDS = frozenset({"state", "igo", "ngo", "organisation", "group"})
#: How far back (characters) a pronoun looks for a person of its gender.
PRONOUN_WINDOW = 2500
#: Small words left out of an acronym ("Department of Justice" -> DJ, or DOJ with them).
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "on", "in", "de", "&"})


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved speaker: name, actor and how it was found."""

    name: str | None
    actor: ActorRef | None
    via: str
    kind: str = "unknown"


class SpeakerResolver:
    """Resolve speaker spans of one article, remembering earlier speakers for pronouns."""

    def __init__(
        self,
        article: Article,
        lex: ReportingLexicon,
        slex: SpeakerLexicon | None = None,
        person_gender: Callable[[str], str | None] | None = None,
    ) -> None:
        self.article = article
        self.person_gender = person_gender
        self.doc = article.doc
        self.lex = lex
        self.slex = slex or load_speaker_lexicon()
        off = article.body_offset
        # mentions in doc character offsets, with their index (``ref`` points by index)
        self.mentions: list[tuple[int, int, int, Mention]] = []
        for i, m in enumerate(article.mentions):
            base = off if m.field == "text" else 0
            self.mentions.append((m.start + base, m.end + base, i, m))
        self.history: list[tuple[int, Resolved]] = []  # (doc char offset, speaker)
        self.honorifics = self._honorifics()
        self.quoted: list[tuple[int, int]] = []  # what the article's quotes say (doc chars)
        self._people_cache: list[tuple[int, str, ActorRef | None, bool]] | None = None
        self._orths: Any = None  # the document's token text hashes, read when first needed

    def set_quoted(self, spans: list[tuple[int, int]]) -> None:
        """Tell the resolver what the quotes of the article say (doc character ranges): a person
        named inside a quote is not who a speaker pronoun after it stands for."""
        self.quoted = sorted(spans)
        self._people_cache = None

    # ----------------------------------------------------------------------------------------
    def _follow(self, m: Mention) -> Mention:
        """Follow ``ref`` links to the antecedent (guarding against cycles)."""
        seen = set()
        while m.ref is not None and m.ref not in seen and 0 <= m.ref < len(self.article.mentions):
            seen.add(m.ref)
            m = self.article.mentions[m.ref]
        return m

    def _mention_for(self, lo: int, hi: int, head_lo: int, head_hi: int) -> Mention | None:
        best: tuple[int, int, Mention] | None = None
        for s, e, _i, m in self.mentions:
            if e <= lo or s >= hi:
                continue
            covers_head = s < head_hi and e > head_lo
            rank = (2 if covers_head else 0) + (1 if m.actor is not None else 0)
            length = e - s
            if best is None or (rank, length) > (best[0], best[1]):
                best = (rank, length, m)
        return best[2] if best else None

    def _actor_for_name(self, name: str) -> ActorRef | None:
        """An actor of some mention elsewhere whose text ends with the name's last word (with
        the whole name for a full name: "Hillary Clinton" is not Bill Clinton's actor)."""
        last = name.split()[-1].lower()
        for _s, _e, _i, m in self.mentions:
            if (
                m.actor is not None
                and m.actor.kind == "person"
                and m.text.split()
                and m.text.split()[-1].lower().strip("’'s") == last
                and (len(name.split()) < 2 or _same_person(name, m.actor.name or m.text))
            ):
                return m.actor
        return None

    # ----------------------------------------------------------------------------------------
    def _name_tokens(self, tokens: list[Any]) -> list[Any]:
        """Drop determiners, titles and roles from the front of a proper-noun phrase."""
        toks = [t for t in tokens if t.pos_ == "PROPN" or t.ent_type_ == "PERSON"]
        if not toks:
            return []
        # keep the last contiguous run of proper nouns
        run = [toks[-1]]
        for t in reversed(toks[:-1]):
            if t.i == run[0].i - 1:
                run.insert(0, t)
            else:
                break
        while run and run[0].lower_.rstrip(".") in {x.rstrip(".") for x in self.lex.titles}:
            run = run[1:]
        while run and run[-1].text in ("’s", "'s"):
            run = run[:-1]
        return run

    def _full_name(self, surname: str, before: int) -> str | None:
        """An earlier (or, failing that, any) multi-word person name ending with ``surname``."""
        found: str | None = None
        for ent in self.doc.ents:
            if ent.label_ != "PERSON" or len(ent) < 2 or ent[-1].text != surname:
                continue
            run = self._name_tokens(list(ent))
            if len(run) >= 2:
                name = " ".join(t.text for t in run)
                if ent.start_char < before:
                    found = name
                elif found is None:
                    return name
        if found:
            return found
        # proper-noun runs the NER missed ("Foreign Minister Sergei Lavrov" tagged ORG); the
        # tokens spelt like the surname are found in the array of token text hashes, since
        # walking the whole document's Token objects for every speaker is slow
        if self._orths is None:
            self._orths = self.doc.to_array(ORTH)
        for i in numpy.flatnonzero(self._orths == self.doc.vocab.strings[surname]).tolist():
            tok = self.doc[i]
            if i > 0 and tok.idx < before:
                run = self._name_tokens(list(self.doc[max(0, i - 5) : i + 1]))
                if len(run) >= 2:
                    found = " ".join(t.text for t in run)
        return found

    def _previous(self, before: int) -> Resolved | None:
        for pos, res in reversed(self.history):
            if pos < before and (res.name or res.actor):
                return res
        return None

    def _previous_person(self, before: int) -> str | None:
        best = None
        for ent in self.doc.ents:
            if ent.label_ == "PERSON" and ent.end_char <= before:
                run = self._name_tokens(list(ent))
                if run:
                    best = " ".join(t.text for t in run)
        return best

    # ----------------------------------------------------------------------------------------
    def resolve(self, span: tuple[int, int], head: int) -> Resolved:
        """Resolve the speaker tokens ``span`` (token range) whose head is token ``head``."""
        doc = self.doc
        lo_tok, hi_tok = span
        lo, hi = doc[lo_tok].idx, doc[hi_tok - 1].idx + len(doc[hi_tok - 1])
        htok = doc[head]
        if htok.lower_ in self.slex.relative and htok.head.dep_ == "relcl":
            # "Dunmore, who said ...": the relative pronoun stands for the noun it modifies
            ante = htok.head.head
            a_lo, a_hi = np_span(ante)
            res = self._resolve(
                doc[a_lo].idx, doc[a_hi - 1].idx + len(doc[a_hi - 1]), ante, list(doc[a_lo:a_hi])
            )
            res = dataclasses.replace(res, via="relative")
            htok = ante
        else:
            res = self._resolve(lo, hi, htok, list(doc[lo_tok:hi_tok]))
        group = self._is_group(htok)
        if res.actor is None and not group:
            # "Varn, Velmora's foreign minister, said": the apposition names the office
            for child in htok.children:
                if child.dep_ not in ("appos", "npadvmod") or child.i < htok.i:
                    continue
                a_lo, a_hi = child.left_edge, child.right_edge
                alt = self._resolve(
                    a_lo.idx, a_hi.idx + len(a_hi), child, list(doc[a_lo.i : a_hi.i + 1])
                )
                if alt.actor is not None:
                    name = alt.name if alt.actor.kind == "person" and alt.name else res.name
                    res = Resolved(name or alt.name, alt.actor, "appos")
                    break
        want = self.slex.pronoun_gender(htok.lower_)
        if want in ("m", "f") and htok.pos_ == "PRON" and htok.dep_ in ("nsubj", "nsubjpass"):
            salient = self._salient_person(lo, want)
            if salient is not None and not _same_person(salient.name, res.name):
                res = salient
        # the actor stage's own pronoun links already agree with the KB's gender
        trusted = res.actor if res.via == "pronoun" else None
        if want is not None and res.name and self._gender(res.name, trusted) not in (None, want):
            # "she said" is not the man named last: the nearest person of her gender
            alt_person = self._person_of_gender(lo, want)
            if alt_person is not None:
                res = Resolved(alt_person[0], alt_person[1], "pronoun-gender")
        res = dataclasses.replace(res, kind=self._kind(res, htok, group))
        self.history.append((lo, res))
        return res

    # ----------------------------------------------------------------------------------------
    def _is_group(self, htok: Any) -> bool:
        """ "officials", "veteran lawmakers", "a chorus of prominent Republicans": a group."""
        low = htok.lower_
        if low in self.slex.group_nouns:
            return True
        return htok.tag_ == "NNS" and htok.ent_type_ not in ("PERSON", "ORG", "GPE")

    def _kind(self, res: Resolved, htok: Any, group: bool) -> str:
        if group:
            return "group"
        if res.actor is not None and res.actor.kind in _ORG_KINDS:
            return "organisation"
        if res.via in ("acronym", "organisation-head"):
            return "organisation"
        if res.actor is not None and res.actor.kind in ("person", "agent"):
            return "person"
        if res.name:
            return "person"
        if htok.lower_ in self.slex.pronouns or htok.lower_ in self.slex.first_person:
            return "pronoun"
        return "unknown"

    def _honorifics(self) -> dict[str, str]:
        """Surname (lower case) -> gender from honorifics in the article ("Ms. Tanden")."""
        out: dict[str, str] = {}
        doc = self.doc
        for tok in doc:
            g = self.slex.honorific(tok.text)
            if g is None or not tok.text[:1].isupper():
                continue
            k = tok.i + 1
            if k < len(doc) and doc[k].text == ".":
                k += 1
            last = None
            while k < len(doc) and (doc[k].pos_ == "PROPN" or doc[k].ent_type_ == "PERSON"):
                last = doc[k]
                k += 1
            if last is not None:
                key = last.lower_
                out[key] = g if out.get(key, g) == g else "?"
        return {k: v for k, v in out.items() if v != "?"}

    def _gender(self, name: str, actor: ActorRef | None) -> str | None:
        """A person's gender: an honorific in the article, else the first-name lexicon."""
        words = name.split()
        if words and words[-1].lower() in self.honorifics:
            return self.honorifics[words[-1].lower()]
        if actor is not None and actor.kb_id:
            # a knowledge-base person: the KB's gender when given, never a first-name guess
            # ("Rand" reads female)
            return self.person_gender(actor.kb_id) if self.person_gender else None
        for candidate in (name, actor.name if actor and actor.kind == "person" else None):
            if candidate:
                g = gender_of(candidate, self.slex)
                if g is not None:
                    return g
        return None

    def _person_of_gender(self, before: int, want: str) -> tuple[str, ActorRef | None] | None:
        """The nearest person before ``before`` whose gender is not known to differ."""
        found: list[tuple[int, str, ActorRef | None]] = []
        for s, _e, _i, m in self.mentions:
            if s < before and m.actor is not None and m.actor.kind == "person" and m.actor.name:
                found.append((s, m.actor.name, m.actor))
        for ent in self.doc.ents:
            if ent.label_ == "PERSON" and ent.end_char <= before:
                run = self._name_tokens(list(ent))
                if run:
                    name = " ".join(t.text for t in run)
                    if len(run) == 1:
                        name = self._full_name(run[0].text, before) or name
                    found.append((ent.start_char, name, self._actor_for_name(name)))
        for pos, start_name, actor in sorted(found, key=lambda f: -f[0]):
            if before - pos > PRONOUN_WINDOW:
                break
            if self._gender(start_name, actor) in (None, want):
                return start_name, actor
        return None

    def _in_quote(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.quoted)

    def _is_main_subject(self, start: int, end: int) -> bool:
        """True when the name at doc chars ``[start, end)`` is the subject of a main clause."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        head = span.root
        while head.dep_ in ("compound", "flat") and head.head.i != head.i:
            head = head.head
        return head.dep_ in ("nsubj", "nsubjpass") and head.head.dep_ in (
            "ROOT",
            "conj",
            "parataxis",
        )

    def _people(self) -> list[tuple[int, str, ActorRef | None, bool]]:
        """The named people of the article outside quotes, once per article: (doc char offset,
        name, actor, subject of a main clause), persons of the actor stage and PERSON entities."""
        if self._people_cache is not None:
            return self._people_cache
        people: list[tuple[int, str, ActorRef | None, bool]] = []
        seen: set[int] = set()
        for s, e, _i, m in self.mentions:
            if m.actor is not None and m.actor.kind == "person" and m.actor.name:
                people.append((s, m.actor.name, m.actor, self._is_main_subject(s, e)))
                seen.add(s)
        text = ""  # the document's text, made once: ``Doc.text`` joins every token anew
        for ent in self.doc.ents:
            if ent.label_ != "PERSON" or ent.start_char in seen:
                continue
            run = self._name_tokens(list(ent))
            if run:
                text = text or self.doc.text
                name = text[run[0].idx : run[-1].idx + len(run[-1])]
                if len(run) == 1:
                    name = self._full_name(run[0].text, ent.end_char) or name
                subj = self._is_main_subject(ent.start_char, ent.end_char)
                people.append((ent.start_char, name, self._actor_for_name(name), subj))
        self._people_cache = [
            p
            for p in sorted(people, key=lambda p: p[0])
            if _is_name(p[1]) and not self._in_quote(p[0])
        ]
        return self._people_cache

    def _salient_person(self, before: int, want: str) -> Resolved | None:
        """The person a speaker pronoun (``he said``) stands for: the previous speaker, unless
        another person of a compatible gender has since been the subject of a main clause; else
        the nearest such subject. Names inside quotes never count ("Matthews said ... “he was
        effective at securing Trump's flank,” he said" is Matthews). None when nothing fits."""
        people = [
            p
            for p in self._people()
            if p[0] < before
            and before - p[0] <= PRONOUN_WINDOW
            and self._gender(p[1], p[2]) in (None, want)
        ]
        prev = next(
            (
                (pos, r)
                for pos, r in reversed(self.history)
                if pos < before
                and before - pos <= PRONOUN_WINDOW
                and r.kind == "person"
                and (r.actor is None or r.actor.kind == "person")
                and _is_name(r.name)
                and self._gender(r.name or "", r.actor) in (None, want)
            ),
            None,
        )
        subjects = sorted((p for p in people if p[3]), key=lambda p: p[0])
        if prev is not None:
            pos, r = prev
            if not any(p[0] > pos and not _same_person(p[1], r.name) for p in subjects):
                return Resolved(r.name, r.actor, "previous-speaker")
        if subjects:
            pos, name, actor, _subj = subjects[-1]
            return Resolved(name, actor, "salient-subject")
        return None

    def _organisations(self, before: int) -> list[tuple[int, str, ActorRef | None]]:
        """Organisations named before ``before`` (entities and organisation mentions)."""
        out: list[tuple[int, str, ActorRef | None]] = []
        for s, _e, _i, m in self.mentions:
            if s < before and m.actor is not None and m.actor.kind in _ORG_KINDS - {"state"}:
                out.append((s, m.actor.name or m.text, m.actor))
        for ent in self.doc.ents:
            if ent.label_ == "ORG" and ent.end_char <= before:
                words = [t.text for t in ent if t.lower_ != "the" or t.i != ent.start]
                actor = next(
                    (m.actor for s, e, _i, m in self.mentions if s <= ent.start_char < e), None
                )
                out.append((ent.start_char, " ".join(words), actor))
        out.sort(key=lambda o: o[0])
        return out

    def _organisation(self, htok: Any, tokens: list[Any], lo: int) -> Resolved | None:
        """An acronym ("DOJ") or a generic head ("the department") for an organisation named
        before: the last one whose initials make the acronym or whose name contains the head."""
        text = htok.text
        acronym = text.isupper() and text.isalpha() and 2 <= len(text) <= 6
        head = (
            htok.lower_ in self.slex.organisation_heads
            and any(t.lower_ in ("the", "this", "that") for t in tokens)
            and not any(t.pos_ == "PROPN" for t in tokens)
        )
        if not (acronym or head):
            return None
        for _pos, name, actor in reversed(self._organisations(lo)):
            words = name.replace("’s", "").replace("'s", "").split()
            if acronym:
                caps = [w for w in words if w[:1].isupper()]
                short = "".join(w[0] for w in caps if w.lower() not in _ACRONYM_SKIP)
                long = "".join(w[0] for w in words if w[:1].isalpha()).upper()
                if text in (short, long) and len(caps) >= 2:
                    return Resolved(name, actor, "acronym")
            elif htok.lower_ in {w.lower().strip(".,") for w in words} and len(words) >= 2:
                return Resolved(name, actor, "organisation-head")
        return None

    def _resolve(self, lo: int, hi: int, htok: Any, tokens: list[Any]) -> Resolved:
        mention = self._mention_for(lo, hi, htok.idx, htok.idx + len(htok))
        is_pronoun = htok.lower_ in self.lex.pronouns or htok.pos_ == "PRON"
        if mention is not None and mention.actor is not None:
            actor = mention.actor
            if mention.via == "context" and mention.confidence < GUESS_CONFIDENCE:
                # A country guessed from the sentence alone is too weak to file a quote under:
                # keep the person, drop the code.
                actor = dataclasses.replace(actor, code=None)
            if actor.kind == "person" and actor.name:
                return Resolved(actor.name, actor, mention.via or "mention")
            ante = self._follow(mention)
            name = None
            if ante.label == "PERSON" or (ante.actor and ante.actor.kind == "person"):
                name = ante.text
            elif not is_pronoun:
                # a name only when the head is one ("A New York judge" has none)
                run = self._name_tokens(tokens)
                if not any(t.i == htok.i for t in run):
                    run = []
                name = " ".join(t.text for t in run) or None
                if name and len(run) == 1:
                    name = self._full_name(run[0].text, lo) or name
            return Resolved(name, actor, mention.via or "mention")
        if is_pronoun:
            if mention is not None and mention.ref is not None:
                ante = self._follow(mention)
                return Resolved(ante.text, ante.actor, "pronoun")
            if htok.lower_ in ("i", "we", "you"):
                return Resolved(None, None, "pronoun")
            if htok.lower_ in ("they", "them", "their"):
                # a plural pronoun is a group or an organisation, never the last person named
                grp = next(
                    (
                        r
                        for p, r in reversed(self.history)
                        if p < lo and r.kind in ("group", "organisation") and (r.name or r.actor)
                    ),
                    None,
                )
                if grp is not None:
                    return Resolved(grp.name, grp.actor, "previous-speaker")
                return Resolved(None, None, "pronoun")
            prev = self._previous(lo)
            if prev is not None:
                return Resolved(prev.name, prev.actor, "previous-speaker")
            person = self._previous_person(lo)
            return Resolved(
                person, self._actor_for_name(person) if person else None, "previous-person"
            )
        org = self._organisation(htok, tokens, lo) if mention is None or not mention.actor else None
        if org is not None:
            return org
        run = self._name_tokens(tokens)
        if not run:
            # a role noun or a group ("officials", "the source"): no person name
            return Resolved(None, None, "unresolved")
        name = " ".join(t.text for t in run)
        if len(run) == 1:
            name = self._full_name(run[0].text, lo) or name
        return Resolved(name, self._actor_for_name(name), "name")

    def inherit(self, before: int) -> Resolved | None:
        """The previous speaker, for a quote that continues without an attribution."""
        return self._previous(before)


_POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")


def _same_person(a: str | None, b: str | None) -> bool:
    """Two names of one person: the same last word (``Barack Obama``, ``Obama``); two full
    names must also agree on the first (``Bill Clinton`` is not ``Hillary Clinton``)."""
    if not a or not b:
        return False
    wa = [_POSSESSIVE.sub("", w.lower()).strip(".,") for w in a.split()]
    wb = [_POSSESSIVE.sub("", w.lower()).strip(".,") for w in b.split()]
    if wa[-1] != wb[-1]:
        return False
    return len(wa) < 2 or len(wb) < 2 or wa[0] == wb[0] or wa[-2:] == wb[-2:]


def _is_name(name: str | None) -> bool:
    """A person's name has a capitalised word ("Don Fowler"; not "president")."""
    return bool(name) and any(w[:1].isupper() for w in (name or "").split())
