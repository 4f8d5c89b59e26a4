"""Every actor counts (issue 14), in the fictional world of tests/fictional: sector agents get a
country from the context (country_via), unnamed actors code events with ``actor_unknown``, new
names are ``kind: unknown``, group references and dyad adjectives name both sides, recipients
come from prepositional objects and meetings, and no event is directed at its own actor."""

from __future__ import annotations

import pytest

from detente.api import code_text
from detente.records import Entity, Event

from .fictional import fictional_pipeline, fictional_settings

DATE = "2018-05-02"


@pytest.fixture(scope="module")
def settings():
    return fictional_settings(default_date=DATE)


@pytest.fixture(scope="module")
def pipeline(settings):
    return fictional_pipeline(settings)


def events(text: str, settings, pipeline) -> list[Event]:
    return list(code_text(text, date=DATE, settings=settings, pipeline=pipeline).events)


def one(evs: list[Event], event: str) -> Event:
    found = [e for e in evs if e.event == event]
    assert len(found) == 1, f"expected one {event}, got {[(e.event, e.actor) for e in evs]}"
    return found[0]


def cs(entities: tuple[Entity, ...]) -> list[tuple[str | None, str | None]]:
    return [(e.code, e.sector) for e in entities]


# ---------------------------------------------------------------- actors without a country
def test_agent_country_from_its_own_phrase(settings, pipeline) -> None:
    ev = one(
        events("Protesters from Drovnik marched against Velmora.", settings, pipeline), "PROTEST"
    )
    assert cs(ev.actor) == [("XOS", "OPP")]
    assert ev.actor[0].country_via == "phrase"
    assert cs(ev.recipient) == [("XVM", None)]


def test_agent_country_from_the_coordinated_actor(settings, pipeline) -> None:
    ev = one(
        events("Velmoran soldiers and police attacked Ostrana on Monday.", settings, pipeline),
        "ASSAULT",
    )
    assert ("XVM", "COP") in cs(ev.actor)
    police = next(a for a in ev.actor if a.sector == "COP")
    assert police.country_via == "phrase"


def test_agent_country_from_the_place_of_the_event(settings, pipeline) -> None:
    ev = one(events("Gunmen killed five villagers in Harrowgate.", settings, pipeline), "ASSAULT")
    assert cs(ev.actor) == [("XOS", "REB")]
    assert ev.actor[0].country_via == "place"
    assert cs(ev.recipient) == [("XOS", "CVL")]


def test_agent_country_from_the_dateline(settings, pipeline) -> None:
    ev = one(
        events("DROVNIK (Reuters) - Police arrested ten students on Monday.", settings, pipeline),
        "COERCE",
    )
    assert cs(ev.actor) == [("XOS", "COP")]
    assert ev.actor[0].country_via == "dateline"
    assert ev.recipient[0].country_via == "dateline"


def test_agent_country_from_the_article(settings, pipeline) -> None:
    text = (
        "Militants attacked an army post on Monday. Velmora has faced an insurgency for years, "
        "and Velmora says the group is funded abroad."
    )
    ev = one(events(text, settings, pipeline), "ASSAULT")
    assert cs(ev.actor) == [("XVM", "REB")]
    assert ev.actor[0].country_via == "article"


def test_agent_without_any_country_keeps_its_sector(settings, pipeline) -> None:
    ev = one(events("Militants attacked a checkpoint on Monday.", settings, pipeline), "ASSAULT")
    assert cs(ev.actor) == [(None, "REB")]
    assert ev.actor[0].country_via is None
    assert ev.actor[0].to_dict()["country_via"] is None


def test_coded_actor_has_no_country_via(settings, pipeline) -> None:
    ev = one(events("Velmora attacked Ostrana.", settings, pipeline), "ASSAULT")
    assert [a.country_via for a in ev.actor + ev.recipient] == [None, None]


def test_domestic_dyad_of_two_sectors_remains(settings, pipeline) -> None:
    text = "Police clashed with protesters in Harrowgate on Monday."
    ev = one(events(text, settings, pipeline), "ASSAULT")
    assert cs(ev.actor) == [("XOS", "COP")]
    assert cs(ev.recipient) == [("XOS", "OPP")]


# ---------------------------------------------------------------- unnamed actors
def test_agentless_passive_codes_an_unknown_actor(settings, pipeline) -> None:
    evs = events("Five civilians were killed in a shelling in Saltmarsh.", settings, pipeline)
    ev = one(evs, "ASSAULT")
    assert ev.actor == ()
    assert ev.evidence.actor_unknown is True
    assert ev.to_dict()["evidence"]["actor_unknown"] is True
    assert ("XVM", "CVL") in cs(ev.recipient)


def test_attack_noun_subject_codes_an_unknown_actor(settings, pipeline) -> None:
    ev = one(events("An air strike hit a hospital in Drovnik.", settings, pipeline), "ASSAULT")
    assert ev.actor == () and ev.evidence.actor_unknown
    assert cs(ev.recipient) == [("XOS", "MED")]


def test_unknown_actor_needs_a_recipient_or_a_place(settings, pipeline) -> None:
    assert events("Five soldiers were wounded in an ambush.", settings, pipeline) == []


def test_named_actor_event_is_not_an_unknown_actor_event(settings, pipeline) -> None:
    evs = events("Ostranan air strikes killed four civilians in Saltmarsh.", settings, pipeline)
    assert all(not e.evidence.actor_unknown for e in evs)
    assert [cs(e.actor) for e in evs if e.event == "ASSAULT"] == [[("XOS", None)]]


def test_known_actor_events_say_actor_unknown_false(settings, pipeline) -> None:
    ev = one(events("Velmora attacked Ostrana.", settings, pipeline), "ASSAULT")
    assert ev.evidence.actor_unknown is False


# ---------------------------------------------------------------- new actors
def test_unresolved_name_in_a_role_is_kind_unknown(settings, pipeline) -> None:
    ev = one(
        events("Jorrin Bexley met Ostrana's president on Monday.", settings, pipeline), "CONSULT"
    )
    (actor,) = ev.actor
    assert actor.to_dict() | {"entity_text": None, "country_via": None} == {
        "code": None,
        "sector": None,
        "kind": "unknown",
        "name": "Jorrin Bexley",
        "entity_text": None,
        "kb_id": None,
        "country_via": None,
    }
    assert cs(ev.recipient) == [("XOS", "GOV")]


# ---------------------------------------------------------------- structure
def test_the_two_sides_are_the_dyad_named_before(settings, pipeline) -> None:
    text = "Velmora and Ostrana held talks on Monday. The two sides agreed to reopen the border."
    ev = one(events(text, settings, pipeline), "AGREE")
    assert sorted(cs(ev.actor)) == [("XOS", None), ("XVM", None)]


def test_both_leaders_are_the_dyad_named_before(settings, pipeline) -> None:
    text = "Velmora accused Ostrana of spying. Both leaders later met in Mirrenhold."
    ev = one(events(text, settings, pipeline), "CONSULT")
    assert sorted(cs(ev.actor)) == [("XOS", None), ("XVM", None)]


def test_dyad_adjective_gives_both_sides(settings, pipeline) -> None:
    ev = one(events("The Velmoran-Ostranan talks ended on Friday.", settings, pipeline), "CONSULT")
    assert sorted(cs(ev.actor)) == [("XOS", None), ("XVM", None)]


def test_dyad_combining_form_is_a_state(settings, pipeline) -> None:
    ev = one(events("Sino-Velmoran talks began in Drovnik.", settings, pipeline), "CONSULT")
    assert sorted(cs(ev.actor)) == [("CHN", None), ("XVM", None)]


def test_recipient_from_a_chain_of_prepositions(settings, pipeline) -> None:
    ev = one(
        events("Ostrana withdrew troops from near Velmora's border.", settings, pipeline), "RETREAT"
    )
    assert ("XVM", None) in cs(ev.recipient)


def test_recipient_outside_an_embassy(settings, pipeline) -> None:
    text = "Hundreds of protesters rallied outside Ostrana's embassy in Mirrenhold."
    ev = one(events(text, settings, pipeline), "PROTEST")
    assert cs(ev.actor) == [("XCA", "OPP")]  # where they are, not whose embassy it is
    assert [r.code for r in ev.recipient] == ["XOS"]


def test_told_in_a_phone_call_is_consult(settings, pipeline) -> None:
    text = "In a telephone conversation, Selka Varn told Dorin Kasprak that Velmora wanted peace."
    ev = one(events(text, settings, pipeline), "CONSULT")
    assert cs(ev.actor) == [("XVM", "GOV")]
    assert cs(ev.recipient) == [("XOS", "GOV")]
    assert ev.mode == "phone"


# ---------------------------------------------------------------- no self-directed events
def test_recipient_is_never_the_actors_own_state(settings, pipeline) -> None:
    evs = events("Prime Minister Arvel Dunmore defended Velmora's position.", settings, pipeline)
    for e in evs:
        assert ("XVM", None) not in cs(e.recipient)


def test_rebels_still_act_on_their_own_state(settings, pipeline) -> None:
    ev = one(events("The Saltmarsh Front attacked Velmora.", settings, pipeline), "ASSAULT")
    assert cs(ev.actor) == [("XVM", "REB")]
    assert cs(ev.recipient) == [("XVM", None)]


def test_a_place_still_stands_for_its_government(settings, pipeline) -> None:
    ev = one(
        events("Velmora lifted a curfew in Saltmarsh on Monday.", settings, pipeline), "CONCEDE"
    )
    assert [r.code for r in ev.recipient] == ["XVM"]
