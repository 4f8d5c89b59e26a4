"""Resolving a plain name or phrase without a parse (``resolve``, ``detente actors lookup``).

The same algorithm as the document resolver, on words instead of parsed tokens:

1. Split the phrase into the longest known names (:func:`~detente.actors.candidates.text_parts`),
   a possessive split off ("Sudan's" -> "Sudan", "'s").
2. Read what the parts say together (:class:`~detente.actors.compose.Composer`): the country, the
   first sector, the office of a singular title.
3. Decide, first match wins: a known person (by the office held that day); a surname of a known
   person (the one of the named country, on duty that day); the holder of the named office; an
   organisation; a country with a sector; a capital as its government; a country; a place (a
   location); a bare agent noun.

Example: "Russian Foreign Minister" on 2017-11-24 -> country RUS and office ``fm`` -> the holder
of that office that day, Sergei Lavrov (RUS GOV, via ``role``).
"""

from __future__ import annotations

import datetime as dt

from ..records import ActorRef
from .candidates import CAPITAL, COUNTRY, ORG, PERSON, PLACE, ROLE, SURNAME, text_parts
from .compose import Composer
from .kb import KnowledgeBase, norm_key, parse_date

__all__ = ["resolve_text"]


def resolve_text(
    kb: KnowledgeBase, text: str, date: dt.date | str | None = None
) -> tuple[ActorRef, str, str] | None:
    """Resolve a name or noun phrase without an article: ``(actor, via, why)`` or ``None``.

    Splits ``text`` into the longest known names ("Russian Foreign Minister Sergei Lavrov" ->
    demonym, title, person) and composes them as the document resolver does.
    """
    day = parse_date(date) if not isinstance(date, dt.date) else date
    parts = text_parts(kb, text)
    if not parts:
        return None
    comp = Composer(kb)
    country, _ = comp.country_of(parts)
    sector, _ = comp.first_sector(parts)
    for part in parts:
        if part.cat == PERSON and part.hit is not None:
            person = kb.people[part.hit.target]
            ref, _ = comp.person_ref(person, day, country, sector)
            _, why = kb.hit_ref(part.hit, day)
            return ref, "exact" if norm_key(part.text) == norm_key(person.name) else "alias", why
        if part.cat == SURNAME:
            people = kb.people_named(part.text)
            if country is not None:
                people = [p for p in people if p.ref(day)[0].code == country.code] or people
            on_duty = [p for p in people if p.office_on(day) is not None]
            pick = on_duty if on_duty else people
            if len(pick) == 1:
                ref, _ = comp.person_ref(pick[0], day, country, sector)
                return ref, "surname", f"{part.text} is the surname of {pick[0].name}"
    office = comp.office_key(parts)
    if country is not None and office and country.code:
        holder = comp.holder(country.code, office, day, comp.role_word(parts))
        if holder is not None:
            ref, _ = comp.person_ref(holder, day, country, sector)
            return ref, "role", f"{holder.name} held that office for {country.code} on {day}"
    orgs = [p for p in parts if p.cat == ORG]
    if orgs and orgs[0].hit is not None:
        entry = kb.entries[orgs[0].hit.target]
        via = "metonym" if orgs[0].hit.via == "seat" else orgs[0].hit.via
        return entry.ref(sector), via, f"{orgs[0].hit.via} of {entry.kind} {entry.name}"
    if country is not None:
        cparts = [p for p in parts if p.cat in (COUNTRY, CAPITAL)]
        if sector is not None:
            kind = (
                "person"
                if office or any(p.cat == ROLE and not p.plural for p in parts)
                else ("agent")
            )
            via = "demonym+agent" if cparts[0].hit and cparts[0].hit.via == "demonym" else "agent"
            return (
                ActorRef(
                    code=country.code, sector=sector, name=country.name, kind=kind, kb_id=country.id
                ),
                via,
                f"{country.name} + sector {sector}",
            )
        hit = cparts[0].hit
        assert hit is not None
        if hit.via == "capital":
            ref, why = kb.hit_ref(hit, day)
            return ref, "metonym", why
        return country.ref(), hit.via, f"{hit.via} of {country.name}"
    places = [p for p in parts if p.cat == PLACE]
    if places and places[0].hit is not None:
        ref, why = kb.hit_ref(places[0].hit, day)
        return ref, "location", why
    if sector is not None:
        return (
            ActorRef(code=None, sector=sector, name=None, kind="agent", kb_id=None),
            "agent",
            f"agent noun gives sector {sector}",
        )
    return None
