"""Code PLOVER events from the spaCy parse already in ``article.doc`` and the actor mentions.

For each sentence (the headline is its own sentence) the extractor:

1. finds triggers: lexicon patterns matched by lemma (verbs, adjectival participles, nouns,
   multi-word expressions), choosing the most specific entry whose object constraint holds;
2. finds arguments from the dependency parse: subject / object, passive voice (``nsubjpass`` is
   the recipient, the ``by`` agent the actor), prepositional recipients, "between A and B",
   conjoined (compound) actors, control ("prompted Kono to defend"), conjoined verbs, relative
   clauses and nominal events with light verbs ("held talks with"); arguments become entities
   only through coded actor mentions (no actor dictionary here);
3. absorbs infinitive complements of embedding triggers ("threatened to attack" is one THREATEN
   with mode violence, "refused to meet" one REJECT with mode meet);
4. marks auxiliary modes (negation, future, hypothetical) and reported speech
   ("X said that Y attacked Z" -> Y attacked Z, reported_by X);
5. resolves contexts from keywords and the date from expressions attached to the clause.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import ActorRef, Article, Entity, Event, Evidence, Mention, Span
from .context import ContextMatcher
from .dates import resolve_expression
from .lexicon import DEFAULT_PREPS, Entry, Lexicon, Pattern
from .ontology import Ontology

__all__ = ["EventExtractor", "Trigger"]

log = logging.getLogger(__name__)

#: Verbs of saying: an event in their complement clause is reported by their subject.
SPEECH_VERBS = frozenset(
    {
        "say",
        "tell",
        "add",
        "state",
        "announce",
        "claim",
        "report",
        "confirm",
        "insist",
        "declare",
        "note",
        "stress",
        "assert",
        "argue",
        "explain",
        "write",
        "reply",
        "respond",
        "comment",
        "acknowledge",
        "reiterate",
        "allege",
        "indicate",
        "suggest",
        "believe",
        "think",
        "maintain",
        "affirm",
        "emphasize",
        "emphasise",
        "mention",
        "remark",
        "tweet",
        "reveal",
        "disclose",
        "admit",
        "recall",
        "observe",
        "predict",
        "hint",
        "signal",
        "contend",
        "testify",
        "answer",
    }
)
#: Nouns of saying: "issued a statement that ...", "a warning that ...".
SPEECH_NOUNS = frozenset(
    {
        "statement",
        "declaration",
        "reminder",
        "warning",
        "message",
        "letter",
        "communique",
        "announcement",
        "remark",
        "comment",
        "claim",
        "assurance",
        "note",
        "resolution",
    }
)
#: Nouns whose infinitive is done by whoever made them ("staged a protest to denounce X",
#: "launched a bid to win Y"); not "the right of Russian troops to fire".
ACL_CONTROL_NOUNS = frozenset(
    {
        "protest",
        "demonstration",
        "rally",
        "march",
        "strike",
        "campaign",
        "effort",
        "bid",
        "attempt",
        "move",
        "decision",
        "plan",
        "drive",
        "initiative",
        "offer",
        "threat",
        "promise",
        "pledge",
        "vow",
        "call",
        "consensus",
        "agreement",
        "deal",
        "operation",
        "offensive",
    }
)
#: Verbs whose subject carries out a nominal event in their object ("held talks").
GENERIC_LIGHT = frozenset(
    {
        "announce",
        "declare",
        "unveil",
        "approve",
        "order",
        "hold",
        "conduct",
        "carry",
        "launch",
        "begin",
        "start",
        "continue",
        "resume",
        "make",
        "take",
        "stage",
        "attend",
        "join",
        "host",
        "open",
        "wage",
        "mount",
        "undertake",
        "pursue",
        "complete",
        "finish",
        "end",
        "plan",
        "schedule",
        "organize",
        "organise",
        "perform",
        "give",
        "engage",
        "remain",
        "put",
        "place",
        "go",
        "stay",
    }
)
#: Heads of an infinitive that make it a plan, a wish or an obligation, not a fact.
FUTURE_HEADS = frozenset(
    {"plan", "intend", "expect", "schedule", "set", "prepare", "aim", "go", "due", "poise"}
)
HYPOTHETICAL_HEADS = frozenset(
    {
        "want",
        "hope",
        "wish",
        "consider",
        "seek",
        "propose",
        "mean",
        "need",
        "have",
        "would",
        "like",
        "mull",
        "weigh",
        "contemplate",
        "able",
        "ready",
        "willing",
        "likely",
    }
)
NEGATING_HEADS = frozenset({"fail", "avoid", "refrain", "cease", "stop", "deny", "abstain"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
HYPOTHETICAL_AUX = frozenset(
    {"could", "might", "may", "would", "should", "must", "can", "ca", "'d", "ought"}
)
OBJECT_CONTROL = frozenset(
    {
        "prompt",
        "urge",
        "ask",
        "force",
        "persuade",
        "order",
        "invite",
        "allow",
        "help",
        "call",
        "encourage",
        "compel",
        "press",
        "push",
        "tell",
        "lead",
        "cause",
        "permit",
        "enable",
        "require",
        "instruct",
        "pressure",
        "pressurize",
        "convince",
        "warn",
        "oblige",
        "get",
    }
)
FIRST_PERSON = frozenset({"we", "i", "us", "me", "our", "my"})
PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "him", "her", "them", "us", "me"})
#: Prepositions of circumstance: "spoke at talks with X" -> the clause subject took part.
CIRCUMSTANCE_PREPS = frozenset({"at", "during", "after", "following", "in", "before", "amid", "on"})
#: Prepositions kept inside an argument phrase whose head is not itself an actor
#: ("officials in Kabul", "calls by Kofi Annan", "an offer from Kabul").
PHRASE_PREPS = frozenset({"of", "in", "by", "from", "throughout", "across"})
#: Cooperative events that, when announced by their own actor for the future, are AGREE
#: ("said they would meet"); conflictual ones are THREATEN (PLOVER's intent rules).
INTENT_AGREE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE"})
INTENT_THREATEN = {
    "ASSAULT": "violence",
    "MOBILIZE": "violence",
    "COERCE": "restrict",
    "SANCTION": "relations",
}
#: A refused cooperative event is REJECT with this mode ("will not meet" -> REJECT meet).
REJECT_MODES = {
    "CONSULT": "meet",
    "AGREE": "",
    "SUPPORT": "assist",
    "COOPERATE": "assist",
    "AID": "assist",
    "CONCEDE": "yield",
    "RETREAT": "yield",
}
OBLIGATION_AUX = frozenset({"must", "should", "ought"})
#: Keyword contexts that keep an "attack" physical.
VIOLENT_CONTEXTS = frozenset({"military", "terrorism", "cbrn", "crime", "repression"})
#: Participles whose passive form states the subject's own stance ("X is opposed to Y").
STATIVE_PASSIVES = frozenset({"oppose", "commit", "engage", "involve", "dedicate", "devote"})
#: Events whose target may be the place they happen in when no recipient is named.
PLACE_TARGETED = frozenset(
    {
        "CONCEDE",
        "COERCE",
        "ASSAULT",
        "MOBILIZE",
        "RETREAT",
        "SANCTION",
        "THREATEN",
        "AID",
        "PROTEST",
    }
)
_PRUNE = frozenset(
    {
        "relcl",
        "acl",
        "advcl",
        "ccomp",
        "xcomp",
        "parataxis",
        "punct",
        "cc",
        "mark",
        "prep",
        "appos",
        "dep",
    }
)
_SUBJ = ("nsubj", "csubj", "expl")
_QUOTE_OPEN = '“"'
_QUOTE_CLOSE = '”"'


@dataclass
class Trigger:
    """A lexicon match in a sentence and what the extractor learned about it."""

    entry: Entry
    tokens: list[Any]
    anchor: Any
    pos: str
    clause: Any  # the verb (or adjective) that heads the trigger's clause
    light: Any = None  # light verb of a nominal trigger
    actor: list[int] = field(default_factory=list)  # mention indices
    recipient: list[int] = field(default_factory=list)
    actor_via: str = ""
    mode: str = ""
    event: str = ""
    absorbed: bool = False
    reported_by: int | None = None
    aux: set[str] = field(default_factory=set)
    confidence: float = 0.9
    derived: str = ""  # "intent" for an event derived by PLOVER's intent rules
    extra_context: tuple[str, ...] = ()  # contexts of absorbed embedded events
    modals: set[str] = field(default_factory=set)  # modal auxiliaries of the clause chain


@dataclass
class _Doc:
    """Per-article lookups: token -> coded mention, quote state, current quoted speaker."""

    article: Article
    doc: Any
    mentions: list[Mention]
    tok2mention: dict[int, int]
    in_quote: list[bool]
    title_end: int  # first token index of the body
    speaker: int | None = None
    loc2mention: dict[int, int] = field(default_factory=dict)


class EventExtractor:
    """Turn a parsed article with actor mentions into PLOVER events."""

    def __init__(self, ontology: Ontology, lexicon: Lexicon, contexts: ContextMatcher) -> None:
        self.ontology = ontology
        self.lexicon = lexicon
        self.contexts = contexts

    # ------------------------------------------------------------------ driver
    def extract(self, article: Article) -> tuple[Event, ...]:
        """Return the PLOVER events of ``article`` (which must carry ``doc`` and ``mentions``)."""
        doc = article.doc
        if doc is None or len(doc) == 0:
            return ()
        state = self._prepare(article, doc)
        events: list[Event] = []
        seen: set[tuple[Any, ...]] = set()
        for s_index, (start, end) in enumerate(self._sentences(state)):
            sent = doc[start:end]
            self._update_speaker(state, sent)
            for trig in self._sentence_triggers(state, sent):
                event = self._make_event(state, sent, s_index, trig, len(events))
                if event is None:
                    continue
                key = (
                    s_index,
                    event.event,
                    event.mode,
                    event.evidence.auxiliary_modes,
                    tuple(e.code for e in event.actor),
                    tuple(e.code for e in event.recipient),
                )
                if key in seen:
                    continue
                seen.add(key)
                events.append(event)
        return tuple(events)

    def _update_speaker(self, state: _Doc, sent: Any) -> None:
        # Who is quoted: the subject of the last verb of saying (used for "we" inside quotes).
        for tok in sent:
            if tok.pos_ == "VERB" and tok.lemma_.lower() in SPEECH_VERBS:
                subj, passive = _subject(tok)
                if subj is not None and not passive:
                    found = self._entities(state, subj)
                    if found:
                        state.speaker = found[0]
                        return

    def _prepare(self, article: Article, doc: Any) -> _Doc:
        off = article.body_offset
        mentions = list(article.mentions)
        starts = {t.idx: t.i for t in doc}
        tok2mention: dict[int, int] = {}
        loc2mention: dict[int, int] = {}
        for m_index, mention in enumerate(mentions):
            if mention.actor is None or not mention.actor.code:
                continue
            # "context" readings guess the sentence's only country for an unknown person: too
            # weak to code an event with (for groups, "ethnic Turks", the guess is kept).
            if mention.via == "context" and mention.actor.kind == "person":
                continue
            index = tok2mention
            if mention.actor.kind == "location":
                index = loc2mention  # places are never actors; visits use them as hosts
            s = mention.start + (off if mention.field == "text" else 0)
            e = mention.end + (off if mention.field == "text" else 0)
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is None:
                first = starts.get(s)
                if first is None:
                    continue
                span = doc[first : first + 1]
            for tok in span:
                # the longer (more specific) mention wins a token
                prev = index.get(tok.i)
                if prev is None or (
                    mentions[prev].end - mentions[prev].start < mention.end - mention.start
                ):
                    index[tok.i] = m_index
        # Direct-quote state per token: “ opens, ” closes, a new paragraph that opens with a
        # quote mark continues the previous speaker's quote.
        in_quote = [False] * len(doc)
        inside = False
        for tok in doc:
            if "\n" in tok.text and not inside:
                inside = False
            if tok.text in _QUOTE_OPEN and not (tok.text == '"' and inside):
                inside = True
                in_quote[tok.i] = True
                continue
            if tok.text in _QUOTE_CLOSE and inside:
                inside = False
            in_quote[tok.i] = inside
        title_end = 0
        if article.title:
            for tok in doc:
                if tok.idx >= off:
                    title_end = tok.i
                    break
            else:
                title_end = len(doc)
        return _Doc(
            article, doc, mentions, tok2mention, in_quote, title_end, loc2mention=loc2mention
        )

    def _sentences(self, state: _Doc) -> Iterable[tuple[int, int]]:
        for sent in state.doc.sents:
            start, end = sent.start, sent.end
            # The headline is always its own sentence, whatever the parser thought.
            if start < state.title_end < end:
                yield start, state.title_end
                start = state.title_end
            while start < end and state.doc[start].is_space:
                start += 1
            if start < end:
                yield start, end

    # ------------------------------------------------------------------ triggers
    def _match(self, sent: Any, in_title: bool) -> list[tuple[Pattern, list[Any]]]:
        doc = sent.doc
        found: list[tuple[Pattern, list[Any]]] = []
        used: set[int] = set()
        for tok in sent:
            for seq in self.lexicon.stop.get(tok.lemma_.lower(), ()):
                window = doc[tok.i : tok.i + len(seq)]
                if len(window) == len(seq) and all(
                    s in (t.lemma_.lower(), t.lower_) for s, t in zip(seq, window, strict=True)
                ):
                    used.update(t.i for t in window)
        for tok in sent:
            if tok.i in used or tok.is_punct or tok.is_space:
                continue
            keys = dict.fromkeys((tok.lemma_.lower(), tok.lower_))
            best: list[tuple[Pattern, list[Any]]] = []
            best_len = 0
            for key in keys:
                for pat in self.lexicon.patterns_at(key):
                    n = len(pat.lemmas)
                    if n < best_len or tok.i + n > sent.end:
                        continue
                    toks = [doc[tok.i + k] for k in range(n)]
                    if not all(
                        lem in (t.lemma_.lower(), t.lower_)
                        for lem, t in zip(pat.lemmas, toks, strict=True)
                    ):
                        continue
                    anchor = _span_root(toks)
                    if not _pos_ok(pat.pos, anchor, in_title):
                        continue
                    if n > best_len:
                        best, best_len = [], n
                    best.append((pat, toks))
            if best:
                found.extend(best)
                used.update(t.i for t in best[0][1])
        return found

    def _sentence_triggers(self, state: _Doc, sent: Any) -> list[Trigger]:
        in_title = sent.start < state.title_end
        by_anchor: dict[int, list[tuple[Pattern, list[Any]]]] = {}
        for pat, toks in self._match(sent, in_title):
            by_anchor.setdefault(_span_root(toks).i, []).append((pat, toks))
        triggers: list[Trigger] = []
        for cands in by_anchor.values():
            trig = self._choose(cands, in_title, state)
            if trig is not None:
                triggers.append(trig)
        anchors = {t.anchor.i: t for t in triggers}
        for trig in triggers:
            self._arguments(state, trig, in_title)
        self._absorb(triggers, anchors)
        out: list[Trigger] = []
        for trig in triggers:
            if trig.absorbed:
                continue
            self._modes(state, trig)
            out.append(trig)
            derived = self._derive(state, trig)
            if derived is not None:
                out.append(derived)
        return out

    def _choose(
        self, cands: list[tuple[Pattern, list[Any]]], in_title: bool, state: _Doc
    ) -> Trigger | None:
        anchor = _span_root(cands[0][1])
        # Prefer the pattern whose part of speech agrees with the tagger.
        tagged = (
            "noun"
            if anchor.pos_ in ("NOUN", "PROPN")
            else (
                "adj"
                if anchor.pos_ == "ADJ"
                else (
                    "participle"
                    if anchor.tag_ == "VBN" and any(c[0].pos == "participle" for c in cands)
                    else "verb"
                )
            )
        )
        if (
            in_title
            and anchor.tag_ in ("NNS", "VBZ")
            and anchor.i - 1 in state.tok2mention
            and any(c[0].pos == "verb" for c in cands)
        ):
            tagged = "verb"  # "Israel strikes Hamas targets": a headline verb after its subject
        cands = sorted(cands, key=lambda c: (c[0].pos != tagged,))
        pos = cands[0][0].pos
        cands = [c for c in cands if c[0].pos == pos]
        clause, light = _clause_of(anchor, pos)
        objects = _object_lemmas(anchor if pos != "noun" else (light or anchor), pos)
        # Direct objects decide; prepositional ones ("fired on protesters", "withdrew from the
        # race") only when there is no direct object.
        direct_objs = _object_lemmas(anchor, "direct") if pos != "noun" else objects
        prep_objs = objects - direct_objs
        # "" in an entry's objects means "used without a direct object" ("troops massed on ...")
        direct = anchor.dep_ in ("acl", "relcl") or any(
            c.dep_ in ("dobj", "nsubjpass", "attr", "ccomp")
            or (pos == "adj" and c.dep_ == "prep")  # "responsible for regulating trade"
            for c in anchor.children
        )
        general: list[tuple[Pattern, list[Any]]] = []
        specific: list[tuple[Pattern, list[Any]]] = []
        for pat, toks in cands:
            entry = pat.entry
            if direct_objs & entry.objects_not or (
                not direct_objs and prep_objs & entry.objects_not
            ):
                continue
            if entry.objects is not None and pos != "noun":
                if (
                    direct_objs & entry.objects
                    or (not direct_objs and prep_objs & entry.objects)
                    or ("" in entry.objects and not direct)
                ):
                    specific.append((pat, toks))
                continue
            general.append((pat, toks))
        if len(specific) > 1:
            # "fired rockets at X" (an attack) vs "fired missiles over X" (a test)
            preps_here = {c.lower_ for c in anchor.children if c.dep_ == "prep"}
            specific.sort(key=lambda c: -len(preps_here & set(c[0].entry.preps)))
        if len(general) > 1:
            # several readings of one word ("call on X to", "call X"): prefer the entry whose
            # frame the sentence shows (its prepositions, an infinitive for embedding verbs)
            preps = {c.lower_ for c in anchor.children if c.dep_ in ("prep", "prt")}
            has_xcomp = any(c.dep_ in ("xcomp", "ccomp") for c in anchor.children)
            general.sort(
                key=lambda c: (
                    -(
                        len(preps & set(c[0].entry.preps))
                        + 2 * (has_xcomp and bool(c[0].entry.embed))
                        # "staged a protest" (a demonstration) vs "lodged a protest" (a complaint)
                        + 3 * bool(light is not None and _forms(light) & c[0].entry.light)
                    )
                )
            )
        pick = specific[0] if specific else (general[0] if general else None)
        if pick is None:
            return None
        pat, toks = pick
        return Trigger(
            entry=pat.entry,
            tokens=toks,
            anchor=anchor,
            pos=pat.pos,
            clause=clause,
            light=light,
            mode=pat.entry.mode,
            event=pat.entry.event,
        )

    # ------------------------------------------------------------------ arguments
    def _arguments(self, state: _Doc, trig: Trigger, in_title: bool) -> None:
        entry, anchor, clause = trig.entry, trig.anchor, trig.clause
        actor: list[int] = []
        recipient: list[int] = []
        via = "subject"
        if trig.pos == "noun":
            actor = self._noun_actor(state, anchor)
            via = "modifier"
            light = trig.light
            if light is not None and not _forms(light) & (entry.light | GENERIC_LIGHT):
                light = None  # "pushing an offensive on fracking": not a light verb
            if not actor and light is not None:
                subj_tok, passive = _subject(light)
                if subj_tok is not None:
                    actor = self._entities(state, subj_tok)
                    via = "light-verb subject"
            if (
                not actor
                and light is None
                and anchor.dep_ == "pobj"
                and anchor.head.lower_ in CIRCUMSTANCE_PREPS
                and anchor.head.head.pos_ in ("VERB", "AUX")
            ):
                # "remarks came at a joint press conference with X": the clause's subject
                verb = _governing_verb(anchor)
                if verb is not None:
                    subj_tok, subj_passive = _subject(verb)
                    # a passive subject suffered the event ("Americans killed in the attack")
                    if subj_tok is not None and not subj_passive:
                        actor = self._entities(state, subj_tok)
                        via = "clause subject"
                        trig.confidence -= 0.15
            recipient = self._prep_entities(state, anchor, entry.preps)
            if not recipient:
                # "a suspension of air links with Serbia"
                for prep in anchor.children:
                    if prep.dep_ == "prep" and prep.lower_ == "of":
                        for pobj in prep.children:
                            if pobj.dep_ == "pobj":
                                recipient += self._prep_entities(state, pobj, entry.preps)
            if not recipient and entry.frame == "complement":
                recipient = self._complement_subject(state, anchor)
                if not recipient and light is not None:
                    recipient = self._complement_subject(state, light)
            if not recipient and light is not None:
                recipient = self._prep_entities(state, light, entry.preps)
                if not recipient and _forms(light) & (entry.light | GENERIC_LIGHT):
                    dative = [c for c in light.children if c.dep_ in ("dative", "iobj")]
                    for c in dative:
                        recipient += self._entities(state, c)
        else:
            head = clause
            subj_tok, passive = _subject(head)
            if subj_tok is not None:
                actor = self._entities(state, subj_tok) if not passive else []
                if passive:
                    agent = _agent(head)
                    by_agent = self._entities(state, agent) if agent is not None else []
                    patient = self._entities(state, subj_tok)
                    if entry.adjectival or (
                        agent is None
                        and (anchor.lemma_.lower() in STATIVE_PASSIVES or trig.event == "RETREAT")
                    ):
                        # "X was alarmed by Y" (X accuses Y), "X is opposed to Y",
                        # "guerrillas have been demobilized" (they disarmed)
                        actor, recipient = patient, by_agent
                    else:
                        actor, recipient = by_agent, patient
                        via = "passive agent"
            elif not (head.tag_ == "VBN" and head.dep_ == "advcl"):
                # ("Asked about X, Clinton said ...": the main subject was asked, it did not ask)
                ctrl = _controller(head)
                if ctrl is not None:
                    actor = self._entities(state, ctrl)
                    via = "control"
            if not passive or subj_tok is None:
                obj_head = anchor if trig.pos == "verb" else head
                for child in obj_head.children:
                    if (
                        child.dep_ in ("dobj", "dative", "attr", "oprd")
                        and entry.frame != "intransitive"
                    ):
                        recipient += self._entities(state, child)
            recipient += self._prep_entities(state, anchor, entry.preps)
            if not recipient:
                # "break off relations with Congo", "impose restrictions against X",
                # "granted 20 million euros in aid to Sudan"
                objs = [o for c in anchor.children if c.dep_ == "dobj" for o in _conjuncts(c)]
                for obj in objs:
                    if obj.dep_ in ("dobj", "conj"):
                        recipient += self._prep_entities(state, obj, entry.preps)
                        for prep in obj.children:
                            if not recipient and prep.dep_ == "prep":
                                for pobj in prep.children:
                                    if pobj.dep_ == "pobj":
                                        recipient += self._prep_entities(state, pobj, entry.preps)
            if not recipient and (entry.frame == "complement" or entry.embed):
                recipient = self._complement_subject(state, anchor)
                if not recipient and head.i != anchor.i:
                    recipient = self._complement_subject(state, head)
            if not recipient and entry.embed:
                # "refused to respond to a demand from the US": the infinitive's objects
                for xc in anchor.children:
                    if xc.dep_ == "xcomp" and xc.pos_ == "VERB":
                        for c in xc.children:
                            if c.dep_ in ("dobj", "dative"):
                                recipient += self._entities(state, c)
                                recipient += self._prep_entities(state, c, DEFAULT_PREPS)
                        recipient += self._prep_entities(state, xc, DEFAULT_PREPS)
            if not recipient and trig.event in ("THREATEN", "REQUEST"):
                # "threatened to strike unless Israel rescinded ...": the condition's subject
                for xc in [anchor, *[c for c in anchor.children if c.dep_ == "xcomp"]]:
                    for adv in xc.children:
                        if adv.dep_ == "advcl" and _conditional(xc):
                            subj, _ = _subject(adv)
                            if subj is not None:
                                recipient += self._entities(state, subj)
        # "talks between A and B", "A and B met": a compound actor
        between = [c for c in anchor.children if c.dep_ == "prep" and c.lower_ == "between"]
        if between:
            pair = self._pobj_entities(state, between[0])
            recipient = [m for m in recipient if m not in pair]
            if entry.frame == "symmetric" and (not actor or set(actor) <= set(pair)):
                actor = _dedupe(actor + pair)
            else:
                recipient = _dedupe(recipient + pair)
        # First-person pronouns inside a direct quote are the quoted speaker.
        if not actor and trig.pos != "noun":
            subj_tok, passive = _subject(clause)
            if (
                subj_tok is not None
                and not passive
                and subj_tok.lower_ in FIRST_PERSON
                and state.in_quote[subj_tok.i]
                and state.speaker is not None
            ):
                actor = [state.speaker]
                via = "quoted speaker"
                trig.confidence -= 0.1
        if entry.frame == "attribution":
            # "X said Y was responsible": Y is the recipient; the speaker (found with the
            # reported speech) is the actor
            subj_tok, _ = _subject(clause)
            if subj_tok is None and clause.dep_ in ("xcomp", "acomp", "attr"):
                subj_tok, _ = _subject(clause.head)  # "Y was to blame"
            recipient = self._entities(state, subj_tok) if subj_tok is not None else []
            if anchor.dep_ not in ("acomp", "attr", "xcomp", "oprd", "ROOT"):
                recipient = []  # "the group responsible for the attack" states no accusation
            actor = []
            via = "speaker"
        if (
            not actor
            and not in_title
            and trig.pos == "verb"
            and anchor.dep_ == "ROOT"
            and not any(c.dep_ in (*_SUBJ, "nsubjpass") for c in anchor.children)
            and entry.frame != "attribution"
        ):
            # a main verb the parser left without a subject: the actor just before it
            actor = self._nearest(state, anchor, -1, limit=6, commas=False)
            if actor:
                actor = self._left_list(state, actor)
                via = "word order"
                trig.confidence -= 0.2
        if in_title and entry.frame != "attribution":
            # Headlines are terse and often mis-parsed: fall back on word order.
            if not actor and (trig.pos != "noun" or anchor.dep_ == "ROOT"):
                actor = self._nearest(state, anchor, -1)
                via = "headline order"
                trig.confidence -= 0.15
            if not recipient and entry.frame != "intransitive":
                recipient = self._nearest(state, anchor, +1)
            if actor:
                actor = self._left_list(state, actor)  # "Pakistan, India agree to ..."
        if not recipient and trig.event == "PROTEST":
            recipient = self._protest_target(state, trig, actor)
        if not recipient and trig.mode == "visit":
            recipient = self._visit_host(state, anchor, trig)
        if not recipient and trig.event in PLACE_TARGETED:
            # "lifted a curfew in Montenegro", "suspended aid deliveries in Baghdad": the place
            # where a measure or force is applied stands for its government
            recipient = self._place(state, trig)
            if recipient:
                trig.confidence -= 0.1
        if entry.needs_complement and not _has_complement(anchor, entry):
            actor = []  # "he vowed" alone, "calling it a mistake": not the entry's frame
        actor = _dedupe(actor)
        recipient = [
            m
            for m in _dedupe(recipient)
            if m not in actor
            and not any(_same_entity(state.mentions[m], state.mentions[a]) for a in actor)
        ]
        if (
            trig.pos == "noun"
            and (trig.light is None or not _forms(trig.light) & (entry.light | GENERIC_LIGHT))
            and not in_title
            and not recipient
            and len(actor) < 2
        ):
            # A bare noun ("the North Korean threat") names a topic more often than an event.
            actor = []
        trig.actor, trig.recipient, trig.actor_via = actor, recipient, via

    def _place(self, state: _Doc, trig: Trigger) -> list[int]:
        heads = [trig.anchor] + ([trig.light] if trig.light is not None else [])
        heads += [c for h in list(heads) for c in h.children if c.dep_ == "dobj"]
        for head in heads:
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ in ("in", "at", "near", "outside", "inside"):
                    for p in c.children:
                        if p.dep_ != "pobj":
                            continue
                        for tok in _phrase(p):
                            m = state.tok2mention.get(tok.i, state.loc2mention.get(tok.i))
                            if m is not None and m not in trig.actor:
                                return [m]
        return []

    def _protest_target(self, state: _Doc, trig: Trigger, actor: list[int]) -> list[int]:
        """Whom a protest is against: "... to protest X's decision", "to demand reforms by X",
        "in protest of X"."""
        heads = [trig.anchor] + ([trig.light] if trig.light is not None else [])
        for head in heads:
            for c in head.children:
                purpose = c.dep_ in ("advcl", "xcomp") and any(
                    a.dep_ == "aux" and a.lower_ == "to" for a in c.children
                )
                protest = (
                    c.dep_ == "prep"
                    and c.lower_ == "in"
                    and any(p.lemma_.lower() in ("protest", "defiance") for p in c.children)
                )
                if not (purpose or protest):
                    continue
                for tok in c.subtree:
                    m = state.tok2mention.get(tok.i)
                    if m is not None and m not in actor:
                        return [m]
        return []

    def _left_list(self, state: _Doc, actor: list[int]) -> list[int]:
        """Extend a headline actor with the mentions listed before it ("A, B and C agree")."""
        doc = state.doc
        first = min(i for i, m in state.tok2mention.items() if m in actor)
        i = first - 1
        out = list(actor)
        while i >= 0 and (
            doc[i].text in (",", "&") or doc[i].lower_ == "and" or i in state.tok2mention
        ):
            m = state.tok2mention.get(i)
            if m is not None and m not in out:
                out.insert(0, m)
            i -= 1
        return out

    def _addressee(self, state: _Doc, verb: Any) -> list[int]:
        """Who a statement is addressed to: "told Japan", "a reminder to Iraq"."""
        out: list[int] = []
        for c in verb.children:
            if c.dep_ in ("dobj", "dative", "iobj") and c.lemma_.lower() not in SPEECH_NOUNS:
                out += (
                    self._entities(state, c)
                    if c.dep_ != "dative" or not list(c.children)
                    else self._pobj_entities(state, c)
                )
            elif c.dep_ == "prep" and c.lower_ == "to":
                out += self._pobj_entities(state, c)
        return out

    def _visit_host(self, state: _Doc, anchor: Any, trig: Trigger) -> list[int]:
        heads = (
            [anchor]
            + ([trig.light] if trig.light is not None else [])
            + ([anchor.head.head] if anchor.dep_ == "pobj" else [])
        )
        for head in heads:
            for c in head.children:
                targets = (
                    [c]
                    if c.dep_ == "dobj"
                    else (
                        [p for p in c.children if p.dep_ == "pobj"]
                        if c.dep_ == "prep" and c.lower_ in ("to", "in", "at")
                        else []
                    )
                )
                for t in targets:
                    for tok in _phrase(t):
                        m = state.loc2mention.get(tok.i, state.tok2mention.get(tok.i))
                        if m is not None:
                            return [m]
        return []

    def _noun_actor(self, state: _Doc, noun: Any) -> list[int]:
        found: list[int] = []
        for child in noun.children:
            if child.dep_ in ("poss", "amod", "compound", "nmod") and child.i not in {
                t.i for t in noun.subtree if t.dep_ == "prep"
            }:
                found += self._entities(state, child)
            elif child.dep_ == "prep" and child.lower_ == "by":
                found += self._pobj_entities(state, child)
        return found

    def _entities(self, state: _Doc, tok: Any) -> list[int]:
        """Coded mentions for an argument token: its own mention, else mentions in its phrase."""
        out: list[int] = []
        for head in _conjuncts(tok):
            m = state.tok2mention.get(head.i)
            if m is not None:
                out.append(m)
                continue
            found = []
            places = []
            for t in _phrase(head):
                m = state.tok2mention.get(t.i)
                if m is not None:
                    found.append(m)
                elif t.i in state.loc2mention:
                    places.append(state.loc2mention[t.i])
            # the head's own modifiers win over its prepositional phrases: "the Turkish and
            # Greek sides of Cyprus" are TUR and GRC
            own = [m for m in found if _near(state, m, head)]
            found = own or found
            # "demonstrators in Baghdad": an unnamed group is coded by where it is (subjects and
            # prepositional objects only: "discussed the race in Ohio" does not target Ohio)
            out += found or (places[:1] if tok.dep_ in ("nsubj", "nsubjpass", "pobj") else [])
        return _dedupe(out)

    def _pobj_entities(self, state: _Doc, prep: Any) -> list[int]:
        out: list[int] = []
        for child in prep.children:
            if child.dep_ == "pobj":
                out += self._entities(state, child)
            elif child.dep_ == "pcomp" and child.i in state.tok2mention:
                # "warned Georgia against joining NATO": a gerund clause is no recipient
                out.append(state.tok2mention[child.i])
        return out

    def _prep_entities(self, state: _Doc, head: Any, preps: Sequence[str]) -> list[int]:
        out: list[int] = []
        for child in head.children:
            if child.dep_ in ("prep", "agent", "dative") and child.lower_ in preps:
                found = self._pobj_entities(state, child)
                if not found and not any(c.dep_ in ("pobj", "pcomp") for c in child.children):
                    found = self._nearest(state, child, +1, limit=5)  # mis-parsed object
                out += found
        # multi-word prepositions ("in front of") are rare: first word is enough
        return out

    def _complement_subject(self, state: _Doc, head: Any) -> list[int]:
        """The subject of a that-clause under ``head`` (breadth first, skipping when-clauses)."""
        queue = [
            c
            for c in head.children
            if c.dep_ in ("ccomp", "acl", "advcl", "prep")
            and not (c.dep_ == "advcl" and _is_adverbial(c))
        ]
        seen = 0
        while queue and seen < 40:
            node = queue.pop(0)
            seen += 1
            if node.dep_ == "prep":
                queue.extend(c for c in node.children if c.dep_ in ("pobj", "pcomp"))
                continue
            for c in node.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("it", "this", "that"):
                    found = self._entities(state, c)
                    if found:
                        return found
            queue.extend(
                c
                for c in node.children
                if c.dep_ in ("ccomp", "xcomp", "conj", "pobj")
                or (c.dep_ == "advcl" and not _is_adverbial(c))
            )
        return []

    def _nearest(
        self, state: _Doc, anchor: Any, direction: int, limit: int = 8, commas: bool = True
    ) -> list[int]:
        i = anchor.i + direction
        steps = 0
        while 0 <= i < len(state.doc) and steps < limit:
            if state.doc[i].is_space and "\n" in state.doc[i].text:
                break
            if not commas and state.doc[i].text in (",", ";", ":", "—", "–"):
                break
            m = state.tok2mention.get(i)
            if m is not None:
                return [m]
            if state.doc[i].pos_ == "VERB":
                break
            i += direction
            steps += 1
        return []

    # ------------------------------------------------------------------ embedding
    def _absorb(self, triggers: list[Trigger], anchors: dict[int, Trigger]) -> None:
        for trig in triggers:
            if (
                trig.pos == "noun"
                and trig.light is not None
                and trig.light.i in anchors
                and _forms(trig.light) & (trig.entry.light | GENERIC_LIGHT)
                and (
                    trig.anchor.dep_ in ("dobj", "nsubjpass")
                    or not any(c.dep_ == "dobj" for c in trig.light.children)
                )
            ):
                # "engaged in ethnic cleansing", "held talks": the noun names the event and the
                # light verb only carries it (but "hosted X for a meeting" is the hosting)
                verb = anchors[trig.light.i]
                if verb is not trig and verb.entry.objects is None:
                    verb.absorbed = True
        for trig in triggers:
            if trig.absorbed:
                continue
            if (
                trig.pos == "noun"
                and trig.light is not None
                and trig.light.i in anchors
                and anchors[trig.light.i] is not trig
                and not anchors[trig.light.i].absorbed
                and trig.event not in anchors[trig.light.i].entry.embed
            ):
                # "lifted the state of emergency", "criticised the talks": the noun is the
                # governing event's topic, not an event of its own
                trig.absorbed = True
                continue
            host = _embedding_host(trig, anchors)
            if host is None or host is trig or trig.event not in host.entry.embed:
                continue
            trig.absorbed = True
            host.extra_context = tuple(dict.fromkeys(host.extra_context + trig.entry.context))
            if host.event == "AGREE" and trig.event in INTENT_THREATEN:
                host.event, host.mode = "THREATEN", INTENT_THREATEN[trig.event]  # "vowed to fight"
            elif not host.mode:
                host.mode = host.entry.embed[trig.event]
            if not host.recipient:
                if trig.recipient:
                    host.recipient = [m for m in trig.recipient if m not in host.actor]
                elif trig.actor and set(trig.actor) != set(host.actor):
                    host.recipient = [m for m in trig.actor if m not in host.actor]

    # ------------------------------------------------------------------ modes
    def _modes(self, state: _Doc, trig: Trigger) -> None:
        anchor, clause = trig.anchor, trig.clause
        aux = trig.aux
        chain = [clause]
        node = clause
        # climb infinitive chains: "did not try to attack", "plans to meet"
        for _ in range(6):
            if node.dep_ in ("xcomp", "acomp", "auxpass") or (
                node.dep_ == "conj" and node.head.pos_ in ("VERB", "AUX")
            ):
                node = node.head
            elif (
                node.dep_ == "pcomp"
                and node.head.dep_ == "prep"
                and node.head.head.pos_ == "VERB"
                and node.head.lower_ not in ("without",)
            ):
                node = node.head.head  # "aimed to focus upon resolving"
            else:
                break
            chain.append(node)
        sent = anchor.sent
        if sent[-1].text == "?" or (len(sent) > 1 and sent[-2].text == "?"):
            aux.add("hypothetical")  # a question asserts nothing
        for verb in chain:
            for c in verb.children:
                if c.dep_ == "neg":
                    aux.add("negation")
                elif c.dep_ in ("aux", "auxpass"):
                    low = c.lower_
                    trig.modals.add(low)
                    if low in FUTURE_AUX:
                        aux.add("future")
                    elif low in HYPOTHETICAL_AUX:
                        aux.add("hypothetical")
                elif c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether"):
                    aux.add("hypothetical")
            if verb.i != clause.i:
                lem = verb.lemma_.lower()
                if lem in FUTURE_HEADS:
                    aux.add("future")
                elif lem in HYPOTHETICAL_HEADS:
                    aux.add("hypothetical")
                elif lem in NEGATING_HEADS:
                    aux.add("negation")
        if clause.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in clause.children
        ):
            aux.add("hypothetical")
        if clause.dep_ == "pcomp" and clause.head.lower_ == "without":
            aux.add("negation")
        if trig.pos == "noun":
            for c in anchor.children:
                if c.lower_ in ("no", "never") or c.dep_ == "neg":
                    aux.add("negation")
            if anchor.dep_ == "conj":
                for c in anchor.head.children:
                    if c.lower_ == "no" and c.dep_ == "det":
                        aux.add("negation")
            if trig.light is not None and trig.light.i != clause.i:
                for c in trig.light.children:
                    if c.dep_ == "neg":
                        aux.add("negation")
        # Reported speech: climb complement clauses up to a verb of saying.
        node = clause
        hops = 0
        addressee: list[int] = []
        while node.dep_ in ("ccomp", "parataxis", "conj", "xcomp", "advcl", "acomp", "acl") and (
            hops < 5
        ):
            parent = node.head
            hops += 1
            if node.dep_ == "acl" and parent.lemma_.lower() in SPEECH_NOUNS:
                # "issued a reminder to Iraq that it must ...": the issuer speaks
                verb = parent.head if parent.dep_ in ("dobj", "nsubjpass") else None
                subj_tok = _subject(verb)[0] if verb is not None else None
                if subj_tok is not None:
                    found = self._entities(state, subj_tok)
                    if found:
                        trig.reported_by = found[0]
                    addressee = self._addressee(state, verb)
                break
            if node.dep_ == "acl":
                break
            if parent.lemma_.lower() in SPEECH_VERBS:
                subj_tok, _ = _subject(parent)
                if subj_tok is not None:
                    found = self._entities(state, subj_tok)
                    if found:
                        trig.reported_by = found[0]
                addressee = self._addressee(state, parent)
                if parent.lemma_.lower() == "deny":
                    aux.add("negation")
                break
            node = parent
        if trig.reported_by is None and state.in_quote[anchor.i] and state.speaker is not None:
            trig.reported_by = state.speaker
        if trig.entry.frame == "attribution":
            if (
                trig.reported_by is not None
                and trig.recipient
                and trig.reported_by not in trig.recipient
            ):
                trig.actor = [trig.reported_by]
            return
        if not trig.actor and trig.reported_by is not None:
            subj_tok, passive = _subject(clause)
            if subj_tok is not None and not passive and subj_tok.lower_ in PRONOUNS:
                # "Syria says it will not ..." is the speaker; "reminded Iraq that it must ..."
                # the addressee
                third = subj_tok.lower_ not in FIRST_PERSON and bool(
                    {c.lower_ for c in clause.children if c.dep_ == "aux"} & OBLIGATION_AUX
                )
                trig.actor = addressee[:1] if third and addressee else [trig.reported_by]
                trig.actor_via = "addressee" if third and addressee else "speaker"
                trig.confidence -= 0.1

    def _derive(self, state: _Doc, trig: Trigger) -> Trigger | None:
        """PLOVER's intent rules: the statement about a future or wished-for event is an event.

        "X will give Y aid" is also X AGREE (an announced intent); "X will attack Y" and "X will
        withdraw unless ..." are THREATEN; "X will not meet Y" is REJECT; "X said Y must leave"
        is X REQUEST Y.
        """
        aux = trig.aux
        if not trig.actor or any(
            c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in trig.clause.children
        ):
            return None  # nothing is announced inside a condition ("if he attacked ...")
        speaker = trig.reported_by
        own = speaker is not None and any(
            _same_code(state.mentions[a], state.mentions[speaker]) for a in trig.actor
        )
        modals = trig.modals
        future = "future" in aux or (own and bool(modals & {"would", "'d"}))
        event, mode = trig.event, ""
        actor, recipient = trig.actor, trig.recipient
        if "negation" in aux:
            if not (future or (own and "hypothetical" in aux)) or event not in REJECT_MODES:
                return None
            event, mode = "REJECT", REJECT_MODES[event]
        elif future and (
            _conditional(trig.clause, ("unless",))
            or (event in INTENT_THREATEN and _conditional(trig.clause))
        ):
            # "will withdraw unless ...": a conditional threat
            event, mode = "THREATEN", INTENT_THREATEN.get(event, "relations")
        elif future and event == "RETREAT":
            event = "CONCEDE"  # an announced retreat is a verbal concession (PLOVER v2)
        elif future and event in INTENT_AGREE:
            event = "AGREE"
        elif future and event in INTENT_THREATEN:
            event, mode = "THREATEN", INTENT_THREATEN[event]
        elif (
            speaker is not None
            and not own
            and (
                modals & OBLIGATION_AUX
                or (
                    trig.clause.dep_ == "xcomp"
                    and trig.clause.head.lemma_.lower() in ("need", "have")
                )
            )
        ):
            request = self.lexicon.entries.get("request.demand")
            event = "REQUEST"
            mode = request.embed.get(trig.event, "") if request else ""
            actor, recipient = [speaker], list(trig.actor)
        else:
            return None
        return Trigger(
            entry=trig.entry,
            tokens=trig.tokens,
            anchor=trig.anchor,
            pos=trig.pos,
            clause=trig.clause,
            light=trig.light,
            actor=list(actor),
            recipient=[m for m in recipient if m not in actor],
            actor_via=trig.actor_via,
            mode=mode,
            event=event,
            reported_by=trig.reported_by,
            confidence=trig.confidence - 0.1,
            derived="intent",
        )

    # ------------------------------------------------------------------ records
    def _make_event(
        self, state: _Doc, sent: Any, s_index: int, trig: Trigger, n: int
    ) -> Event | None:
        if not trig.actor or not self._valid(trig):
            return None
        art = state.article
        mentions = state.mentions
        kinds = trig.entry.actor_kinds
        if kinds and not any((mentions[m].actor or _NO_ACTOR).kind in kinds for m in trig.actor):
            return None
        trig.actor = _distinct(trig.actor, mentions)
        trig.recipient = _distinct(trig.recipient, mentions)
        actors = tuple(self._entity(art, mentions[m]) for m in trig.actor)
        recipients = tuple(self._entity(art, mentions[m]) for m in trig.recipient)
        trigger_spans = tuple(art.span(t.idx, t.idx + len(t.text)) for t in trig.tokens)
        # spaCy's sentence keeps the whitespace after it (paragraph breaks): the evidence does not
        sent_span = art.span(sent.start_char, sent.start_char + len(sent.text.rstrip()))
        hits = self.contexts.find(sent)
        contexts, keywords = ContextMatcher.rank(
            hits, first=tuple(dict.fromkeys(trig.entry.context + trig.extra_context))
        )
        if (
            trig.entry.verbal
            and not {c for c, _ in hits} & VIOLENT_CONTEXTS
            and all(
                (mentions[m].actor or _NO_ACTOR).kind in ("person", "party") for m in trig.actor
            )
        ):
            # "Trump attacked Clinton" with no weapon in sight: a verbal attack
            trig.event, trig.mode = trig.entry.verbal, "disapprove"
            contexts = tuple(c for c in contexts if c != "military")
        if not contexts and self.ontology.quad(trig.event) in (1, 3):
            codes_a = {(mentions[m].actor or _NO_ACTOR).code for m in trig.actor}
            codes_r = {(mentions[m].actor or _NO_ACTOR).code for m in trig.recipient}
            if codes_r and not codes_a & codes_r:
                contexts = ("diplomatic",)  # words between two states, nothing more specific
        date, expression = self._date(art, sent, trig)
        confidence = trig.confidence
        confidence *= min([mentions[m].confidence for m in trig.actor + trig.recipient] or [1.0])
        if not trig.recipient:
            confidence -= 0.05
        aux = tuple(sorted(trig.aux))
        reported = (
            self._entity(art, mentions[trig.reported_by]) if trig.reported_by is not None else None
        )
        evidence = Evidence(
            sentence=sent_span.text,
            sentence_span=sent_span,
            trigger=trigger_spans,
            actor_spans=tuple(a.span for a in actors if a.span is not None),
            recipient_spans=tuple(r.span for r in recipients if r.span is not None),
            lexicon_entry=trig.entry.id + (f"+{trig.derived}" if trig.derived else ""),
            reported_by=reported,
            auxiliary_modes=aux,
            confidence=max(0.05, min(1.0, confidence)),
            context_keywords=keywords,
            date_expression=expression,
            actor_via=trig.actor_via,
        )
        cameo = (
            trig.entry.cameo
            if (
                not trig.derived
                and trig.event == trig.entry.event
                and (trig.mode == trig.entry.mode)
            )
            else None
        )
        cameo = cameo or self.ontology.nearest_cameo(trig.event, trig.mode, contexts)
        key = (
            f"{art.id}|{trigger_spans[0].field}|{trigger_spans[0].start}|{trig.event}|"
            f"{'+'.join(a.code or '' for a in actors)}|{n}"
        )
        return Event(
            id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16],
            date=date,
            event=trig.event,
            mode=trig.mode,
            context=contexts,
            actor=actors,
            recipient=recipients,
            quad_code=self.ontology.quad(trig.event),
            event_scale=self.ontology.intensity(trig.event, trig.mode),
            event_text=state.doc[trig.tokens[0].i : trig.tokens[-1].i + 1].text,
            text_info={
                "sequence": s_index,
                "field": sent_span.field,
                "start": sent_span.start,
                "end": sent_span.end,
            },
            evidence=evidence,
            cameo=cameo,
        )

    @staticmethod
    def _valid(trig: Trigger) -> bool:
        """Frame checks that need the final actor and recipient lists."""
        entry = trig.entry
        if trig.event == "CONSULT" and not trig.recipient and len(trig.actor) < 2:
            return False  # a meeting needs a counterpart ("the Cabinet met" is not CONSULT)
        # "fight for jobs", "helping him stretch his lead": these entries need a counterpart
        return not (entry.needs_recipient and not trig.recipient and len(trig.actor) < 2)

    @staticmethod
    def _entity(art: Article, mention: Mention) -> Entity:
        ref = mention.actor
        assert ref is not None  # only coded mentions are indexed
        return Entity(
            code=ref.code,
            sector=ref.sector,
            entity_text=mention.text,
            name=ref.name,
            kind=ref.kind,
            kb_id=ref.kb_id,
            span=Span(mention.text, mention.start, mention.end, mention.field),
        )

    def _date(self, art: Article, sent: Any, trig: Trigger) -> tuple[str | None, str | None]:
        published = _parse_date(art.published)
        if published is None:
            return None, None
        if trig.derived:
            # the announcement ("will meet on Friday") is dated by the story, not by the plan
            return published.isoformat(), None
        verbs = {trig.clause.i, trig.anchor.i}
        if trig.light is not None:
            verbs.add(trig.light.i)
        future = "future" in trig.aux
        for ent in sent.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            node = ent.root
            attached = False
            for _ in range(4):
                node = node.head
                if node.i in verbs:
                    attached = True
                    break
                if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
                    break
            if not attached:
                continue
            found = resolve_expression(ent.text, published, future=future)
            if found is not None:
                return found.isoformat(), ent.text
        return published.isoformat(), None


# ---------------------------------------------------------------------- parse helpers
def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _span_root(toks: Sequence[Any]) -> Any:
    idx = {t.i for t in toks}
    for t in toks:
        if t.head.i not in idx or t.head.i == t.i:
            return t
    return toks[-1]


def _pos_ok(kind: str, tok: Any, in_title: bool) -> bool:
    pos = tok.pos_
    if kind == "verb":
        if pos == "VERB" or (pos == "ADJ" and tok.tag_ == "VBN"):
            return True
        # headlines: present-tense verbs are often tagged as plural nouns ("Russia confronts")
        return (
            in_title
            and pos in ("NOUN", "PROPN")
            and tok.tag_ in ("NNS", "VBZ", "NNPS")
            and tok.dep_ in ("ROOT", "compound", "nmod")
        )
    if kind == "adj":
        return pos in ("ADJ", "VERB")
    if kind == "participle":
        return pos == "VERB" and tok.tag_ == "VBN"
    return pos in ("NOUN", "PROPN") or (
        pos == "VERB" and tok.tag_ == "VBG" and tok.dep_ in ("pobj", "dobj", "nsubj")
    )


def _clause_of(anchor: Any, pos: str) -> tuple[Any, Any]:
    """The clause head of a trigger and, for nouns, the light verb that governs it."""
    if pos == "adj":
        # "Russia is concerned that ...": the copula heads the clause
        if anchor.dep_ in ("acomp", "attr") and anchor.head.pos_ in ("AUX", "VERB"):
            return anchor.head, None
        return anchor, None
    if pos == "verb":
        if anchor.pos_ == "ADJ" and anchor.dep_ == "acomp" and anchor.head.pos_ in ("AUX", "VERB"):
            return anchor.head, None  # "Israel is opposed to ..."
        return anchor, None
    node = anchor
    while node.dep_ == "conj" and node.head.pos_ in ("NOUN", "PROPN"):
        node = node.head
    if node.dep_ in ("dobj", "nsubjpass", "attr") and node.head.pos_ in ("VERB", "AUX"):
        return node.head, node.head
    if (
        node.dep_ == "pobj"
        and node.head.dep_ == "prep"
        and node.head.head.pos_ == "VERB"
        and node.head.lower_ in ("on", "in", "into", "for")
    ):
        verb = node.head.head
        if _forms(verb) & GENERIC_LIGHT:
            return verb, verb
    return _governing_verb(anchor) or anchor, None


def _governing_verb(tok: Any) -> Any:
    node = tok
    for _ in range(6):
        if node.head.i == node.i:
            return node if node.pos_ in ("VERB", "AUX") else None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None


def _subject(verb: Any) -> tuple[Any, bool]:
    """The subject of ``verb`` and whether it is passive; follows conjoined verbs and copulas."""
    node = verb
    own_passive = any(c.dep_ == "auxpass" for c in verb.children)
    for _ in range(3):
        for c in node.children:
            if c.dep_ in _SUBJ and c.lower_ not in ("there",):
                return c, False
            if c.dep_ in ("nsubjpass", "csubjpass"):
                # a conjoined active verb shares the subject, not the voice
                return c, (node.i == verb.i or own_passive)
        if node.dep_ == "conj" and node.head.pos_ in ("VERB", "AUX"):
            node = node.head  # "X attacked A and killed B": B's verb shares X
            continue
        if node.dep_ == "relcl" and node.head.pos_ in ("NOUN", "PROPN"):
            return node.head, False
        if node.dep_ == "acl" and node.head.pos_ in ("NOUN", "PROPN") and node.tag_ == "VBN":
            return node.head, True  # "missiles fired by X": head noun is the theme
        if node.dep_ == "acl" and node.tag_ == "VBG" and node.head.dep_ == "dobj":
            node = node.head.head  # "issued a declaration demanding ...": the issuer
            continue
        if node.dep_ == "amod" and node.head.pos_ in ("NOUN", "PROPN"):
            # "Pyongyang test-fired missiles" mis-parsed as a noun phrase
            for c in node.head.children:
                if c.dep_ in ("compound", "nmod", "poss") and c.i < node.i:
                    return c, False
            if node.head.dep_ == "dobj" and node.head.head.pos_ in ("NOUN", "PROPN"):
                return node.head.head, False  # "X troops test-fired missiles" parsed as nouns
        break
    return None, False


def _agent(verb: Any) -> Any:
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _controller(verb: Any) -> Any:
    """Who does an infinitive with no subject: "prompted Kono to defend" -> Kono."""
    node = verb
    if (
        node.dep_ == "acl"
        and node.head.dep_ == "dobj"
        and node.head.lemma_.lower() in ACL_CONTROL_NOUNS
        and any(a.dep_ == "aux" and a.lower_ == "to" for a in node.children)
    ):
        # "staged a protest to denounce X": whoever staged it denounces
        return _subject(node.head.head)[0]
    for _ in range(3):
        if node.dep_ not in ("xcomp", "ccomp", "advcl", "pcomp", "acomp") or node.head.i == node.i:
            return None
        head = node.head
        if node.dep_ == "pcomp":
            head = head.head
        if head.lemma_.lower() in OBJECT_CONTROL or node.dep_ == "xcomp":
            for c in head.children:
                if c.dep_ in ("dobj",) and head.lemma_.lower() in OBJECT_CONTROL:
                    return c
            for c in head.children:
                # "called on Iran to release ...", "appealed to X to ..."
                if (
                    c.dep_ == "prep"
                    and c.lower_ in ("on", "upon", "to")
                    and (head.lemma_.lower() in OBJECT_CONTROL | {"appeal", "plead"})
                ):
                    for p in c.children:
                        if p.dep_ == "pobj":
                            return p
        subj, _ = _subject(head)
        if subj is not None:
            return subj
        node = head
    return None


def _conjuncts(tok: Any) -> list[Any]:
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj":
            out.extend(_conjuncts(c))
    return out


def _near(state: _Doc, mention: int, head: Any) -> bool:
    """True when a mention modifies ``head`` directly (not through a preposition)."""
    for tok in head.subtree:
        if state.tok2mention.get(tok.i) == mention:
            node = tok
            while node.i != head.i:
                if node.dep_ in ("prep", "pobj", "relcl", "acl"):
                    return False
                node = node.head
            return True
    return False


def _phrase(tok: Any) -> Iterable[Any]:
    """Tokens of the noun phrase headed by ``tok``, without clauses and most prepositions."""
    stack = [tok]
    while stack:
        node = stack.pop()
        yield node
        for c in node.children:
            if (
                c.dep_ in _PRUNE
                and not (c.dep_ == "prep" and c.lower_ in PHRASE_PREPS)
                and not (c.dep_ == "appos" and node.i == tok.i)
            ):
                continue
            if c.dep_ == "conj" and node.i == tok.i:
                continue  # the head's conjuncts are arguments of their own (_conjuncts)
            stack.append(c)


def _object_lemmas(head: Any, pos: str) -> frozenset[str]:
    out: set[str] = set()
    # "the poll released Sunday", "the plan he released": the modified noun is the object
    if (
        pos != "noun"
        and head.dep_ in ("acl", "relcl")
        and head.head.pos_ in ("NOUN", "PROPN")
        and (head.dep_ == "acl" or not any(c.dep_ in ("dobj", "nsubjpass") for c in head.children))
    ):
        out.add(head.head.lemma_.lower())
    for c in head.children:
        if c.dep_ in ("ccomp", "xcomp") and pos != "noun":
            # "allowed inspectors to return": the infinitive's subject is the object
            for s in c.children:
                if s.dep_ == "nsubj":
                    out.add(s.lemma_.lower())
        if c.dep_ in ("dobj", "nsubjpass", "attr") or (
            c.dep_ == "prep"
            and pos in ("verb", "adj", "participle")
            and c.lower_ in ("on", "at", "of", "for", "from")
        ):
            targets = [c] if c.dep_ != "prep" else [p for p in c.children if p.dep_ == "pobj"]
            for t in targets:
                for node in _conjuncts(t):
                    lem = node.lemma_.lower()
                    out.add(lem)
                    mods = [
                        m.lemma_.lower()
                        for m in node.children
                        if m.dep_ in ("compound", "amod") and m.i < node.i
                    ]
                    for of in node.children:  # "700 kg of medicine", "state of emergency"
                        if of.dep_ == "prep" and of.lower_ == "of":
                            for p in of.children:
                                if p.dep_ == "pobj":
                                    out.add(p.lemma_.lower())
                                    out.add(f"{lem} of {p.lemma_.lower()}")
                    if mods:
                        out.add(" ".join([*mods[-1:], lem]))
                        out.add(" ".join([*mods, lem]))
    return frozenset(out)


def _embedding_host(trig: Trigger, anchors: dict[int, Trigger]) -> Trigger | None:
    """The trigger whose infinitive / object / that-clause contains ``trig``, if any."""
    node = trig.anchor if trig.pos != "adj" else trig.clause
    if trig.pos == "noun" and trig.light is not None:
        node = trig.light if trig.light.i not in anchors else trig.anchor
    for _ in range(3):
        if node.head.i == node.i:
            return None
        if node.dep_ in ("xcomp", "ccomp", "dobj", "conj") or (
            node.dep_ == "acl" and node.head.lemma_.lower() in ACL_CONTROL_NOUNS
        ):
            parent = node.head
            host = anchors.get(parent.i)
            if host is not None and host is not trig:
                return host
            node = parent
            continue
        return None
    return None


def _has_complement(anchor: Any, entry: Entry) -> bool:
    """True when the trigger has what its frame needs: an infinitive, a that-clause, an object
    or one of its prepositions."""
    for c in anchor.children:
        if c.dep_ in ("prep", "prt") and c.lower_ in entry.preps:
            return True
        if entry.needs_complement == "prep":
            continue
        if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            return True
        if c.dep_ in ("ccomp", "dobj", "dative"):
            return True
    return False


def _forms(tok: Any) -> set[str]:
    """The lemma and plausible base forms of a token (the lemmatizer errs: "staged" -> "stag")."""
    low = tok.lower_
    forms = {tok.lemma_.lower(), low}
    for suffix in ("ed", "d", "es", "s", "ing"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            stem = low[: -len(suffix)]
            forms.update((stem, stem + "e"))
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])  # "planned" -> "plan"
    return forms


def _conditional(clause: Any, marks: tuple[str, ...] = ("if", "unless")) -> bool:
    """True when the clause carries an if/unless condition ("will withdraw unless ...")."""
    for c in clause.children:
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in c.children):
            return True
    return False


def _is_adverbial(clause: Any) -> bool:
    return any(
        c.dep_ in ("mark", "advmod")
        and c.lower_ in ("when", "while", "after", "before", "because", "since", "as", "if")
        for c in clause.children
    )


_NO_ACTOR = ActorRef(code=None)


def _distinct(items: list[int], mentions: list[Mention]) -> list[int]:
    """One entity per actor: "Palestinian homes and buildings" -> one PSE recipient."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for m in items:
        ref = mentions[m].actor or _NO_ACTOR
        key = (ref.code, ref.sector, ref.kb_id or mentions[m].text)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _dedupe(items: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(items))


def _same_entity(a: Mention, b: Mention) -> bool:
    if a.actor is None or b.actor is None:
        return False
    if a.actor.kb_id and a.actor.kb_id == b.actor.kb_id:
        # agents of one state differ by sector: "Palestinian police" vs "Palestinian armed groups"
        return a.actor.kind != "agent" or a.actor.sector == b.actor.sector

    return a.start == b.start and a.field == b.field


def _same_code(a: Mention, b: Mention) -> bool:
    return bool(a.actor and b.actor and a.actor.code == b.actor.code)
