"""The structure around the actors: pairs named as a group and dyad adjectives.

The words come from ``detente/events/data/actors.yaml`` (read once). For an article such as
"Velmora and Ostrana held talks. The two sides agreed to reopen the border":

1. :func:`group_references` maps "the two sides" (and "both leaders", "the rivals", a subject
   "both") to the dyad named before it in the article: the first two distinct countries of the
   last sentence that named two;
2. :func:`dyad_adjectives` maps both halves of "Velmoran-Ostranan" (and "Sino-Japanese", whose
   combining form "Sino" becomes a mention of its own for the event coder) to the pair, so that
   "the Velmoran-Ostranan talks" are a CONSULT between them;
and :func:`actor_words` loads the word lists of every actor rule (also those of
:mod:`detente.events.roles`, :mod:`detente.events.country` and the prepositional recipients of
:mod:`detente.events.arguments`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import EventError
from ..records import ActorRef, Article, Mention
from .lexicon import load_data

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["ActorWords", "actor_words", "dyad_adjectives", "group_references"]

_HYPHENS = ("-", "–", "‑")


@dataclass(frozen=True)
class ActorWords:
    """The word lists of ``actors.yaml`` (see the file for each one)."""

    sector_agents: frozenset[str]
    event_place_preps: frozenset[str]
    unknown_actor_events: frozenset[str]
    attack_nouns: frozenset[str]
    disaster_words: frozenset[str]
    group_nouns: frozenset[str]
    pair_nouns: frozenset[str]
    pair_pronouns: frozenset[str]
    dyad_prefixes: dict[str, str]
    prep_recipients: dict[str, frozenset[str]]
    state_sectors: frozenset[str]
    own_place_events: frozenset[str]
    meeting_preps: frozenset[str]
    version: str


@functools.cache
def actor_words() -> ActorWords:
    """Read ``detente/events/data/actors.yaml`` (once per process).

    Raises:
        EventError: a key is missing or has the wrong shape.
    """
    text = resources.files("detente.events").joinpath("data", "actors.yaml").read_text("utf-8")
    data: Any = load_data(text)
    if not isinstance(data, dict):
        raise EventError("actors.yaml: expected a mapping of word lists", code="E064")

    def words(key: str) -> frozenset[str]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise EventError(f"actors.yaml: `{key}` must be a list of words", code="E064")
        return frozenset(v.lower() for v in value)

    def table(key: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            raise EventError(f"actors.yaml: `{key}` must be a mapping", code="E064")
        return value

    preps = {
        str(k): frozenset(str(p) for p in v or ()) for k, v in table("prep_recipients").items()
    }
    return ActorWords(
        sector_agents=words("sector_agents"),
        event_place_preps=words("event_place_preps"),
        unknown_actor_events=frozenset(str(v) for v in data.get("unknown_actor_events") or ()),
        attack_nouns=words("attack_nouns"),
        disaster_words=words("disaster_words"),
        group_nouns=words("group_nouns"),
        pair_nouns=words("pair_nouns"),
        pair_pronouns=words("pair_pronouns"),
        dyad_prefixes={str(k).lower(): str(v) for k, v in table("dyad_prefixes").items()},
        prep_recipients=preps,
        state_sectors=frozenset(str(v).upper() for v in data.get("state_sectors") or ()),
        own_place_events=frozenset(str(v) for v in data.get("own_place_events") or ()),
        meeting_preps=words("meeting_preps"),
        version=str(data.get("version", 0)),
    )


# ---------------------------------------------------------------------- group references
def _is_group_reference(tok: Token, w: ActorWords) -> bool:
    """True for "the two sides", "both leaders", "the rivals", a subject "both"."""
    lower = tok.lower_
    # the children are read only by the branches that need them (this runs on every token)
    if (
        tok.pos_ in ("NOUN", "PROPN")
        and tok.tag_ in ("NNS", "NNPS")
        and tok.lemma_.lower() in w.group_nouns
    ):
        kids = {c.lower_ for c in tok.children}
        return "two" in kids or "both" in kids
    if lower in w.pair_nouns:
        return "the" in {c.lower_ for c in tok.children}
    return lower in w.pair_pronouns or (
        lower == "two" and "the" in {c.lower_ for c in tok.children}
    )


def _group_role(tok: Token) -> bool:
    """A group reference names the pair as a participant (a subject, an object, "with the two
    sides"), not as a topic ("offered talks between the two neighbours")."""
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "dative"):
        return True
    return tok.dep_ == "pobj" and tok.head.lower_ in ("with", "to", "by")


def group_references(
    doc: Doc,
    sentences: list[tuple[int, int]],
    tok2mention: dict[int, int],
    mentions: list[Mention],
) -> dict[int, list[int]]:
    """Token index of each group reference -> the two mentions of the dyad named before it."""
    w = actor_words()
    groups: dict[int, list[int]] = {}
    last: list[int] | None = None
    for start, end in sentences:
        seen: dict[str, int] = {}
        for i in range(start, end):
            m = tok2mention.get(i)
            ref = mentions[m].actor if m is not None else None
            if m is not None and ref is not None and ref.code and ref.kind != "location":
                seen.setdefault(ref.code, m)
            if _is_group_reference(doc[i], w) and _group_role(doc[i]):
                pair = list(seen.values())[:2] if len(seen) >= 2 else last
                if pair:
                    groups[i] = list(pair)
        if len(seen) >= 2:
            last = list(seen.values())[:2]
    return groups


# ---------------------------------------------------------------------- dyad adjectives
def dyad_adjectives(
    article: Article, doc: Doc, tok2mention: dict[int, int], mentions: list[Mention]
) -> dict[int, list[int]]:
    """Both halves of "Velmoran-Ostranan" / "Sino-Japanese" -> the pair's two mentions.

    A combining form ("Sino") becomes a new mention appended to ``mentions`` (the index's own
    list; the article's mentions are not changed) and mapped in ``tok2mention``.
    """
    w = actor_words()
    out: dict[int, list[int]] = {}
    for tok in doc[1:-1]:
        if tok.text not in _HYPHENS or tok.whitespace_ or not doc[tok.i - 1].text.strip():
            continue
        left, right = doc[tok.i - 1], doc[tok.i + 1]
        if doc[left.i].whitespace_:
            continue
        m_right = tok2mention.get(right.i)
        m_left = tok2mention.get(left.i)
        if m_left is None and left.lower_ in w.dyad_prefixes:
            span = article.span(left.idx, left.idx + len(left.text))
            mentions.append(
                Mention(
                    span.text,
                    span.start,
                    span.end,
                    ActorRef(code=w.dyad_prefixes[left.lower_], kind="state"),
                    "dyad",
                    field=span.field,
                    confidence=0.8,
                )
            )
            m_left = len(mentions) - 1
            tok2mention[left.i] = m_left
        if m_left is None or m_right is None:
            continue
        a, b = mentions[m_left].actor, mentions[m_right].actor
        if a is None or b is None or not a.code or not b.code or a.code == b.code:
            continue
        out[left.i] = out[right.i] = [m_left, m_right]
    return out
