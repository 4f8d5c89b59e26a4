"""A small ACLED-style check set in the fictional world: protests, attacks, arrests, shellings
and abductions must code an event of the right type with the right sides; natural-disaster
snippets must code nothing (issue 14)."""

from __future__ import annotations

import pytest

from detente.api import code_text

from .fictional import fictional_pipeline, fictional_settings

DATE = "2018-05-02"

#: snippet -> (event type, actor (code, sector) or None for an unnamed actor, a recipient code)
CODED = {
    "Thousands of protesters marched in Drovnik on Sunday against rising fuel prices.": (
        "PROTEST",
        ("XOS", "OPP"),
        "XOS",
    ),
    "Students demonstrated outside the Amber Palace in Port Azul.": (
        "PROTEST",
        ("XVM", "EDU"),
        "XVM",
    ),
    "Protesters threw stones at police in Harrowgate.": ("PROTEST", ("XOS", "OPP"), "XOS"),
    "Gunmen attacked a police station in Saltmarsh, killing three officers.": (
        "ASSAULT",
        ("XVM", "REB"),
        "XVM",
    ),
    "Militants ambushed a military convoy near Harrowgate.": ("ASSAULT", ("XOS", "REB"), "XOS"),
    "Police arrested twenty activists in Drovnik on Friday.": ("COERCE", ("XOS", "COP"), "XOS"),
    "Security forces detained a journalist in Saltmarsh.": ("COERCE", ("XVM", "MIL"), "XVM"),
    "Velmoran troops shelled villages in Harrowgate.": ("ASSAULT", ("XVM", "MIL"), "XOS"),
    "Four civilians were killed when shells hit a market in Harrowgate.": (
        "ASSAULT",
        None,
        "XOS",
    ),
    "A car bomb killed four civilians in Drovnik.": ("ASSAULT", None, "XOS"),
    "Rebels abducted three aid workers in Saltmarsh.": ("ASSAULT", ("XVM", "REB"), "XVM"),
    "Riot police fired tear gas at demonstrators in Port Azul.": (
        "ASSAULT",
        ("XVM", "COP"),
        "XVM",
    ),
}

DISASTERS = [
    "An earthquake killed thirty people in Saltmarsh.",
    "Floods destroyed hundreds of homes in Harrowgate on Monday.",
    "A landslide buried a village near Drovnik, killing twelve residents.",
    "Heavy rain caused flooding across Saltmarsh.",
    "Five people were killed in a storm in Harrowgate.",
    "A fire killed two residents of Port Azul on Tuesday.",
]


@pytest.fixture(scope="module")
def settings():
    return fictional_settings(default_date=DATE)


@pytest.fixture(scope="module")
def pipeline(settings):
    return fictional_pipeline(settings)


@pytest.mark.parametrize("text", sorted(CODED))
def test_acled_snippet_codes_its_event(text: str, settings, pipeline) -> None:
    event, actor, recipient = CODED[text]
    art = code_text(text, date=DATE, settings=settings, pipeline=pipeline)
    found = [e for e in art.events if e.event == event]
    assert found, f"no {event} in {[(e.event, e.actor) for e in art.events]}"
    ev = found[0]
    if actor is None:
        assert ev.actor == () and ev.evidence.actor_unknown
    else:
        assert [(a.code, a.sector) for a in ev.actor] == [actor]
        assert not ev.evidence.actor_unknown
    assert recipient in [r.code for r in ev.recipient]


@pytest.mark.parametrize("text", DISASTERS)
def test_natural_disaster_codes_nothing(text: str, settings, pipeline) -> None:
    art = code_text(text, date=DATE, settings=settings, pipeline=pipeline)
    assert art.events == ()
