"""Acceptance on the reference article (coded with --date 2017-11-24), and the gold set."""

from __future__ import annotations

ALLOWED = {"RUS", "JPN", "USA", "PRK", "KOR"}


def _factual(article):
    return [e for e in article.events if e.factual]


def _has(events, event, actor, recipient=None, mode=None) -> bool:
    for e in events:
        actors = {a.code for a in e.actor}
        recipients = {r.code for r in e.recipient}
        if e.event != event or actor not in actors:
            continue
        if recipient is not None and recipient not in recipients:
            continue
        if mode is not None and e.mode != mode:
            continue
        return True
    return False


def test_russia_accuses_japan(seed_coded) -> None:
    assert _has(_factual(seed_coded), "ACCUSE", "RUS", "JPN")


def test_russia_and_japan_consult(seed_coded) -> None:
    evs = _factual(seed_coded)
    assert (
        _has(evs, "CONSULT", "RUS", "JPN")
        or _has(evs, "CONSULT", "JPN", "RUS")
        or any(e.event == "CONSULT" and {a.code for a in e.actor} >= {"RUS", "JPN"} for e in evs)
    )


def test_russia_accuses_the_united_states(seed_coded) -> None:
    assert _has(_factual(seed_coded), "ACCUSE", "RUS", "USA")


def test_north_korea_tests_weapons(seed_coded) -> None:
    assert _has(_factual(seed_coded), "MOBILIZE", "PRK", mode="weapons")


def test_only_the_article_actors(seed_coded) -> None:
    for e in seed_coded.events:
        for entity in (*e.actor, *e.recipient):
            assert entity.code in ALLOWED, (e.event, entity)


def test_negated_sentences_give_no_factual_event(seed_coded) -> None:
    for e in seed_coded.events:
        sentence = e.evidence.sentence
        if "conducted no tests" in sentence and e.evidence.trigger[0].text in ("tests", "launches"):
            assert "negation" in e.evidence.auxiliary_modes
        if "not seeking regime change" in sentence and e.event_text.startswith("seek"):
            assert "negation" in e.evidence.auxiliary_modes
    negated = [e for e in seed_coded.events if "negation" in e.evidence.auxiliary_modes]
    assert negated, "the negated test launches and regime change must be kept as negated events"


def test_no_event_from_removed_boilerplate(seed_coded) -> None:
    for e in seed_coded.events:
        assert "reader" not in e.evidence.sentence.lower()
        assert "contribution" not in e.evidence.sentence.lower()


def test_every_event_has_evidence(seed_coded) -> None:
    text = {"title": seed_coded.title, "text": seed_coded.text}
    for e in seed_coded.events:
        for span in (*e.evidence.trigger, *e.evidence.actor_spans, *e.evidence.recipient_spans):
            assert text[span.field][span.start : span.end] == span.text
        assert e.date is not None and e.date <= "2017-11-24"


def test_evidence_sentences_are_trimmed_and_slice_back(seed_coded) -> None:
    for ev in seed_coded.events:
        span = ev.evidence.sentence_span
        source = seed_coded.title if span.field == "title" else seed_coded.text
        assert ev.evidence.sentence == ev.evidence.sentence.strip()
        assert source[span.start : span.end] == ev.evidence.sentence
