"""Event coding mechanisms, set in the fictional world of tests/fictional (Velmora XVM, Ostrana
XOS, Calderra XCA): argument finding, voice, compound actors, control, reported speech,
auxiliary modes, nominal events, headlines, dates and contexts."""

from __future__ import annotations

import pytest

from detente.api import code_text
from detente.records import Article, Event

from .fictional import fictional_settings

DATE = "2018-05-02"  # a Wednesday


@pytest.fixture(scope="module")
def settings():
    return fictional_settings(default_date=DATE)


def code(text: str, settings, title: str | None = None) -> Article:
    return code_text(text, title=title, date=DATE, settings=settings)


def events(text: str, settings, title: str | None = None) -> list[Event]:
    return list(code(text, settings, title=title).events)


def triples(evs: list[Event]) -> set[tuple[str, tuple[str | None, ...], tuple[str | None, ...]]]:
    return {
        (
            e.event,
            tuple(sorted(a.code or "" for a in e.actor)),
            tuple(sorted(r.code or "" for r in e.recipient)),
        )
        for e in evs
    }


def only(evs: list[Event], event: str) -> Event:
    found = [e for e in evs if e.event == event]
    assert len(found) == 1, f"expected one {event}, got {[(e.event, e.mode) for e in evs]}"
    return found[0]


def test_active_voice_codes_subject_to_object(settings) -> None:
    assert triples(events("Velmora attacked Ostrana.", settings)) == {
        ("ASSAULT", ("XVM",), ("XOS",))
    }


def test_passive_voice_swaps_roles(settings) -> None:
    assert triples(events("Ostrana was attacked by Velmora.", settings)) == {
        ("ASSAULT", ("XVM",), ("XOS",))
    }


def test_compound_actor_is_one_event(settings) -> None:
    evs = events("Velmora and Calderra attacked Ostrana.", settings)
    assert triples(evs) == {("ASSAULT", ("XCA", "XVM"), ("XOS",))}


def test_prepositional_recipient_of_nominal_event(settings) -> None:
    ev = only(events("Velmora imposed sanctions on Ostrana.", settings), "SANCTION")
    assert [a.code for a in ev.actor] == ["XVM"]
    assert [r.code for r in ev.recipient] == ["XOS"]
    assert ev.evidence.actor_via == "light-verb subject"


def test_talks_between_a_and_b_is_a_compound_consult(settings) -> None:
    ev = only(
        events("Talks between Velmora and Ostrana ended without a deal.", settings), "CONSULT"
    )
    assert sorted(a.code for a in ev.actor) == ["XOS", "XVM"]


def test_joint_press_conference_with(settings) -> None:
    text = "Selka Varn held a joint press conference with Dorin Kasprak."
    ev = only(events(text, settings), "CONSULT")
    assert [a.code for a in ev.actor] == ["XVM"] and [r.code for r in ev.recipient] == ["XOS"]
    assert ev.event_text == "press conference"


def test_object_control_gives_the_embedded_subject(settings) -> None:
    ev = only(events("The talks prompted Selka Varn to criticise Ostrana.", settings), "ACCUSE")
    assert [a.code for a in ev.actor] == ["XVM"] and [r.code for r in ev.recipient] == ["XOS"]
    assert ev.evidence.actor_via == "control"


def test_reported_speech_keeps_the_reporter(settings) -> None:
    ev = only(events("Selka Varn said that Ostrana attacked Calderra.", settings), "ASSAULT")
    assert [a.code for a in ev.actor] == ["XOS"] and [r.code for r in ev.recipient] == ["XCA"]
    assert ev.evidence.reported_by is not None and ev.evidence.reported_by.code == "XVM"


def test_a_bare_statement_is_not_an_event(settings) -> None:
    assert events("Selka Varn said the weather was fine.", settings) == []


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Velmora did not attack Ostrana.", "negation"),
        ("Velmora never attacked Ostrana.", "negation"),
        ("Velmora could attack Ostrana.", "hypothetical"),
        ("Velmora will attack Ostrana.", "future"),
    ],
)
def test_auxiliary_modes(settings, text: str, mode: str) -> None:
    ev = only(events(text, settings), "ASSAULT")
    assert mode in ev.evidence.auxiliary_modes
    assert not ev.factual


def test_no_tests_is_negated(settings) -> None:
    ev = only(events("Ostrana conducted no missile tests.", settings), "MOBILIZE")
    assert ev.mode == "weapons" and ev.evidence.auxiliary_modes == ("negation",)


def test_factual_event_has_empty_auxiliary_modes(settings) -> None:
    ev = only(events("Velmora attacked Ostrana.", settings), "ASSAULT")
    assert ev.evidence.auxiliary_modes == () and ev.factual
    assert ev.to_dict()["evidence"]["auxiliary_modes"] == []


def test_future_cooperation_is_also_an_agreement(settings) -> None:
    evs = events("Velmora will meet Ostrana.", settings)
    consult = only(evs, "CONSULT")
    assert consult.evidence.auxiliary_modes == ("future",)
    agree = only(evs, "AGREE")
    assert agree.factual and agree.evidence.lexicon_entry.endswith("+intent")


def test_threat_absorbs_the_threatened_action(settings) -> None:
    evs = events("Velmora threatened to attack Ostrana.", settings)
    assert [e.event for e in evs] == ["THREATEN"]
    assert evs[0].mode == "violence" and [r.code for r in evs[0].recipient] == ["XOS"]
    assert "military" in evs[0].context


def test_refusal_to_meet_is_reject_meet(settings) -> None:
    evs = events("Velmora refused to meet Ostrana.", settings)
    assert [(e.event, e.mode) for e in evs] == [("REJECT", "meet")]


def test_request_to_release_is_request_yield(settings) -> None:
    ev = only(events("Ostrana urged Velmora to release the prisoners.", settings), "REQUEST")
    assert ev.mode == "yield" and [r.code for r in ev.recipient] == ["XVM"]


def test_headline_is_coded(settings) -> None:
    art = code("Protesters gathered in the square.", settings, title="Velmora condemns Ostrana")
    ev = only(list(art.events), "ACCUSE")
    assert ev.evidence.trigger[0].field == "title"
    assert [a.code for a in ev.actor] == ["XVM"] and [r.code for r in ev.recipient] == ["XOS"]


@pytest.mark.parametrize(
    ("text", "date", "expression"),
    [
        ("Velmora attacked Ostrana on Monday.", "2018-04-30", "Monday"),
        ("Velmora attacked Ostrana yesterday.", "2018-05-01", "yesterday"),
        ("Velmora attacked Ostrana.", DATE, None),
    ],
)
def test_event_date_from_relative_expression(
    settings, text: str, date: str, expression: str | None
) -> None:
    ev = only(events(text, settings), "ASSAULT")
    assert ev.date == date
    assert ev.evidence.date_expression == expression


def test_context_from_keywords(settings) -> None:
    ev = only(
        events("Velmora criticised Ostrana over its missile defence system.", settings), "ACCUSE"
    )
    assert "military" in ev.context
    assert ev.evidence.context_keywords


def test_plover_record_fields(settings) -> None:
    ev = only(events("Velmora attacked Ostrana.", settings), "ASSAULT")
    d = ev.to_dict()
    for key in (
        "id",
        "date",
        "event",
        "mode",
        "context",
        "actor",
        "recipient",
        "quad_code",
        "event_scale",
        "event_text",
        "text_info",
        "cameo",
        "evidence",
    ):
        assert key in d
    assert d["quad_code"] == 4 and d["event_scale"] == -9.0
    assert d["actor"][0]["entity_text"] == "Velmora"
    evidence = d["evidence"]
    assert evidence["trigger"][0]["text"] == "attacked"
    assert evidence["actor_spans"][0] == {"text": "Velmora", "start": 0, "end": 7, "field": "text"}
    assert evidence["lexicon_entry"].startswith("assault.attack")
    assert 0 < evidence["confidence"] <= 1


def test_event_ids_are_stable(settings) -> None:
    first = events("Velmora attacked Ostrana.", settings)
    again = events("Velmora attacked Ostrana.", settings)
    assert [e.id for e in first] == [e.id for e in again]


def test_article_contexts_in_meta(settings) -> None:
    art = code("Velmora attacked Ostrana with missiles.", settings)
    assert "military" in art.meta.get("event_contexts", [])


def test_uncoded_arguments_give_no_event(settings) -> None:
    assert events("Some people attacked other people.", settings) == []


def test_a_verbal_attack_between_politicians_is_accuse(settings) -> None:
    ev = only(events("Selka Varn attacked Dorin Kasprak over his remarks.", settings), "ACCUSE")
    assert [r.code for r in ev.recipient] == ["XOS"]


def test_a_question_asserts_nothing(settings) -> None:
    ev = only(events("Has Velmora attacked Ostrana?", settings), "ASSAULT")
    assert "hypothetical" in ev.evidence.auxiliary_modes


def test_idioms_are_not_triggers(settings) -> None:
    assert events("Velmora seized on the crisis to win votes.", settings) == []


def test_a_meeting_needs_a_counterpart(settings) -> None:
    assert [e.event for e in events("The Velmoran cabinet met on Sunday.", settings)] == []


def test_reported_obligation_is_a_request(settings) -> None:
    ev = only(events("Selka Varn said that Ostrana must withdraw its troops.", settings), "REQUEST")
    assert [a.code for a in ev.actor] == ["XVM"] and [r.code for r in ev.recipient] == ["XOS"]
    assert ev.evidence.lexicon_entry.endswith("+intent")


def test_announced_refusal_is_reject(settings) -> None:
    ev = only(events("Velmora says it will not meet Ostrana.", settings), "REJECT")
    assert ev.mode == "meet" and ev.factual
    assert ev.evidence.actor_via == "speaker"


def test_announced_force_is_a_threat(settings) -> None:
    ev = only(events("Velmora said it would attack Calderra.", settings), "THREATEN")
    assert ev.mode == "violence" and [r.code for r in ev.recipient] == ["XCA"]


def test_statement_noun_reports_the_issuer(settings) -> None:
    text = "Velmora issued a stern reminder to Ostrana that it must cooperate with Calderra."
    ev = only(events(text, settings), "REQUEST")
    assert [a.code for a in ev.actor] == ["XVM"] and [r.code for r in ev.recipient] == ["XOS"]


def test_stative_passive_keeps_the_subject_as_actor(settings) -> None:
    ev = only(events("Velmora is opposed to the Ostranan plan.", settings), "REJECT")
    assert [a.code for a in ev.actor] == ["XVM"] and [r.code for r in ev.recipient] == ["XOS"]


def test_phrasal_object_decides_the_entry(settings) -> None:
    # "troops massed on the border": no direct object, so the troop-moving reading fires
    ev = only(events("Velmoran troops massed on the Ostranan border.", settings), "MOBILIZE")
    assert ev.mode == "troops" and [r.code for r in ev.recipient] == ["XOS"]


def test_place_in_the_object_phrase_codes_the_recipient(settings) -> None:
    ev = only(events("Velmoran jets bombed targets in Drovnik.", settings), "ASSAULT")
    assert ev.mode == "aerial" and [r.code for r in ev.recipient] == ["XOS"]


def test_a_place_is_never_the_actor(settings) -> None:
    for ev in events("Drovnik attacked Velmora.", settings):
        assert all(a.kind != "location" for a in ev.actor)


def test_protest_target_from_its_purpose(settings) -> None:
    text = "Velmoran students staged a protest to denounce the Ostranan border policy."
    evs = events(text, settings)
    protest = only(evs, "PROTEST")
    assert protest.mode == "demo" and [a.code for a in protest.actor] == ["XVM"]
    accuse = only(evs, "ACCUSE")  # whoever staged the protest denounces
    assert [a.code for a in accuse.actor] == ["XVM"] and [r.code for r in accuse.recipient] == [
        "XOS"
    ]


def test_lodged_protest_is_a_complaint(settings) -> None:
    ev = only(events("Velmora lodged a formal protest with Ostrana.", settings), "ACCUSE")
    assert [r.code for r in ev.recipient] == ["XOS"]


def test_reported_blame_is_an_accusation_by_the_speaker(settings) -> None:
    text = "Velmora said Ostrana was responsible for the attack on the border post."
    ev = only(events(text, settings), "ACCUSE")
    assert ev.mode == "allege"
    assert [a.code for a in ev.actor] == ["XVM"] and [r.code for r in ev.recipient] == ["XOS"]
    assert events("Ostrana is responsible for the border.", settings) == []
    assert events("Selka Varn said Ostrana was a responsible neighbour.", settings) == []


def test_responsibility_for_a_duty_is_no_accusation(settings) -> None:
    text = "Selka Varn said the Velmoran agency is responsible for regulating trade with Ostrana."
    assert [e.event for e in events(text, settings)] == []


def test_nominal_event_with_possessor_and_of_patient(settings) -> None:
    text = "Velmora's invasion of Ostrana began in May, and the fighting continues."
    ev = only(events(text, settings), "ASSAULT")
    assert [a.code for a in ev.actor] == ["XVM"] and [r.code for r in ev.recipient] == ["XOS"]


def test_future_event_date_and_announcement_date(settings) -> None:
    evs = events("Velmora will meet Ostrana on Friday.", settings)
    assert only(evs, "CONSULT").date == "2018-05-04"  # the next Friday
    assert only(evs, "AGREE").date == DATE  # announced on the story's date


@pytest.mark.parametrize(
    ("title", "event", "actors", "recipients"),
    [
        ("Velmora strikes Ostranan targets near the border", "ASSAULT", ["XVM"], ["XOS"]),
        ("Velmora, Calderra agree to resume border talks", "AGREE", ["XCA", "XVM"], []),
        ("Ostrana expels Velmoran diplomats", "SANCTION", ["XOS"], ["XVM"]),
    ],
)
def test_headlines(settings, title: str, event: str, actors: list, recipients: list) -> None:
    art = code("The statement was published on the ministry website.", settings, title=title)
    ev = only([e for e in art.events if e.evidence.trigger[0].field == "title"], event)
    assert sorted(a.code for a in ev.actor) == actors
    assert sorted(r.code for r in ev.recipient) == recipients
