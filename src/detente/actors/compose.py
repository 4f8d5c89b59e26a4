"""Composing candidate parts: adjacent parts of one noun phrase become one group.

A group is what one mention is made of; :class:`Composer` reads what a group says (its country,
sector, office and title) for the resolver. Groups are formed in four steps:

1. *Order*: a part joins the previous group when it comes later in the order country / capital /
   place, organisation, agent noun or title, person ("Russian" + "Foreign Minister" + "Sergei
   Lavrov"); several agent nouns or titles may follow each other ("opposition party leaders").
   Nothing joins a group that ends in a person.
2. *Glue*: only up to three adjectives, nouns, proper nouns, numbers, possessives or hyphens may
   stand between two parts ("Sudan's government", "UN peacekeepers").
3. *Of / in*: a title or agent noun takes the country after "of" ("president of Armenia", "the
   government of the Republic of Velmora"); a domestic agent noun (not troops or government)
   takes the country or place after "in" ("rebels in Darfur").
4. *Shared sectors*: in a coordination of bare countries with a later agent noun, the earlier
   country gets the same sector ("Hungarian and Romanian officials" -> both GOV).

Example: "Hungarian and Romanian officials met President of Armenia Serzh Sargsyan" gives the
groups ["Hungarian"] (sector GOV shared), ["Romanian", "officials"] and ["President", "Armenia",
"Serzh Sargsyan"].
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from ..records import ActorRef
from .candidates import (
    AGENT,
    CAPITAL,
    COUNTRY,
    NAME,
    ORG,
    ORGNAME,
    PERSON,
    PLACE,
    ROLE,
    SURNAME,
    Part,
    possessive,
)
from .kb import Entry, KnowledgeBase, Person, norm_key

__all__ = ["Composer", "glue_ok", "group_parts", "shared_sectors"]

OF_GLUE = (["of"], ["of", "the"])
IN_GLUE = (["in"], ["in", "the"], ["throughout"])
#: Tokens allowed inside a compositional group between two parts.
GLUE_POS = frozenset({"ADJ", "PROPN", "NOUN", "NUM"})
#: Order of part categories inside one group (a later part joins an earlier one).
_ORDER = {
    ORGNAME: 1,
    COUNTRY: 0,
    CAPITAL: 0,
    PLACE: 0,
    ORG: 1,
    AGENT: 2,
    ROLE: 2,
    PERSON: 3,
    SURNAME: 3,
    NAME: 3,
}


def glue_ok(doc: Any, a: int, b: int) -> bool:
    """True when the tokens ``doc[a:b]`` between two parts may sit inside one noun phrase."""
    gap = doc[a:b]
    if len(gap) > 3:
        return False
    for tok in gap:
        if possessive(tok) or tok.text == "-":
            continue
        if tok.pos_ not in GLUE_POS or tok.is_punct or tok.like_num:
            return False
    return True


def group_parts(kb: KnowledgeBase, doc: Any, parts: list[Part]) -> list[list[Part]]:
    """Group adjacent parts of one noun phrase ("Russian" + "Foreign Minister" + person)."""
    groups: list[list[Part]] = []
    for part in parts:
        if groups:
            last = groups[-1][-1]
            order_ok = _ORDER[part.cat] > _ORDER[last.cat] or (
                part.cat in (AGENT, ROLE) and last.cat in (AGENT, ROLE)
            )
            if last.cat in (PERSON, SURNAME, NAME):
                order_ok = False
            # "president of Armenia", "the government of the Republic of Velmora"
            of_country = (
                last.cat in (AGENT, ROLE)
                and part.cat in (COUNTRY, ORG, CAPITAL)
                and [t.lower_ for t in doc[last.end : part.start]] in OF_GLUE
            )
            # "rebels in Darfur", "opposition parties in Nepal": domestic agents take the
            # country they are in (not troops: foreign troops are often "in" a country).
            in_country = (
                last.cat == AGENT
                and all(p.cat in (AGENT, ROLE) for p in groups[-1])
                and part.cat in (COUNTRY, PLACE, CAPITAL)
                and [t.lower_ for t in doc[last.end : part.start]] in IN_GLUE
                and kb.roles[last.hits[0].target].sector not in ("MIL", "GOV")
            )
            if of_country or in_country or (order_ok and glue_ok(doc, last.end, part.start)):
                groups[-1].append(part)
                continue
        groups.append([part])
    return groups


def shared_sectors(comp: Composer, doc: Any, groups: list[list[Part]]) -> dict[int, str]:
    """Sectors shared by coordination: "Hungarian and Romanian officials" -> both GOV."""
    out: dict[int, str] = {}
    for a, b in itertools.pairwise(groups):
        if len(a) != 1 or a[0].cat != COUNTRY or b[0].cat != COUNTRY:
            continue
        if any(p.cat in (PERSON, SURNAME, NAME) for p in b):
            continue
        gap = [t.lower_ for t in doc[a[-1].end : b[0].start]]
        if gap not in (["and"], ["or"], [","], [",", "and"]):
            continue
        sector, _ = comp.first_sector(b)
        if sector is not None:
            out[a[0].start] = sector
    return out


class Composer:
    """Reads what a group of parts says: country, sector, office, title holder, person's actor.

    Shared by the document resolver and the plain-text path (``phrase``).
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def country_of(self, parts: Sequence[Part]) -> tuple[Entry | None, Part | None]:
        """The state a group names (a capital's state; a place's inside a longer phrase)."""
        for part in parts:
            if part.cat in (COUNTRY, CAPITAL) and part.hit is not None:
                entry = self.kb.entries[part.hit.target]
                state = self.kb.state(entry.code or "") if part.cat == CAPITAL else entry
                return state or entry, part
        if len(parts) > 1:
            # A place inside a phrase gives its country: "rebels in Darfur", "Arkansas governor".
            for part in parts:
                if part.cat == PLACE and part.hit is not None:
                    if part.hit.layer == "gazetteer" and part is not parts[-1]:
                        # A gazetteer town only after the agent ("rebels in Kasese"): as a
                        # modifier it is more often a scene ("the San Bernardino Christmas party").
                        continue
                    entry = self.kb.entries[part.hit.target]
                    state = self.kb.state(entry.code or "")
                    if state is not None:
                        return state, part
        return None, None

    def first_sector(self, parts: Sequence[Part]) -> tuple[str | None, Part | None]:
        """The sector of the first agent noun or title of a group, and that part."""
        for part in parts:
            if part.cat in (AGENT, ROLE) and part.hit is not None:
                return self.kb.roles[part.hit.target].sector, part
        return None, None

    def office_key(self, parts: Sequence[Part]) -> str | None:
        """The office (hos, hog, fm, ...) a singular title of the group names."""
        for part in parts:
            if part.cat == ROLE and part.hit is not None and not part.plural:
                return self.kb.roles[part.hit.target].office
        return None

    def role_word(self, parts: Sequence[Part]) -> str | None:
        """The title word of the group's first singular title ("foreign minister")."""
        for part in parts:
            if part.cat == ROLE and part.hit is not None and not part.plural:
                return self.kb.entries[part.hit.target].name
        return None

    def holder(
        self, code: str, office: str, date: dt.date | None, word: str | None = None
    ) -> Person | None:
        """The person who held ``office`` for ``code`` on ``date`` (unique), else None.

        An office with its own title ("supreme leader", "president" of Iran) is matched only by
        a title word it contains, so "Iranian President" is not Iran's supreme leader.
        """
        day = date or dt.date.today()
        word = norm_key(word) if word else None
        held = [(p, o) for p, o in self.kb.terms_of(code) if o.holds(day)]
        by_role = {
            p.id: p
            for p, o in held
            if o.role == office and (not o.title or word is None or word in norm_key(o.title))
        }
        if len(by_role) == 1:
            return next(iter(by_role.values()))
        if word and not by_role:
            by_title = {p.id: p for p, o in held if o.title and word in norm_key(o.title)}
            if len(by_title) == 1:
                return next(iter(by_title.values()))
        return None

    def person_ref(
        self,
        person: Person,
        date: dt.date | None,
        country: Entry | None,
        sector: str | None = None,
    ) -> tuple[ActorRef, str | None]:
        """The person's actor on ``date``; out of office, the title next to the name ("President
        Obama" in 2000) still gives the sector and a country named with it the code."""
        ref, office = person.ref(date)
        if office is None and (
            (country is not None and country.code != ref.code) or (sector and not ref.sector)
        ):
            ref = ActorRef(
                code=country.code if country is not None else ref.code,
                sector=ref.sector or sector,
                name=ref.name,
                kind="person",
                kb_id=ref.kb_id,
            )
        return ref, office.role if office else None
