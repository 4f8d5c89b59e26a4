"""detente.syntax: the shared dependency-tree helpers, on sentences of the fictional world."""

from __future__ import annotations

import pytest

from detente import syntax
from detente.events.words import (
    ACL_CONTROL_NOUNS,
    APPEAL_VERBS,
    GENERIC_LIGHT,
    OBJECT_CONTROL,
    PHRASE_PREPS,
)

_REL = frozenset({"who", "which", "that"})


def _tok(doc, text: str, nth: int = 0):
    """The ``nth`` token of ``doc`` whose text is ``text``."""
    found = [t for t in doc if t.text == text]
    assert len(found) > nth, f"{text!r} not in {doc.text!r}"
    return found[nth]


def _text(tok) -> str | None:
    return None if tok is None else tok.text


@pytest.fixture(scope="module")
def parse(nlp):
    cache: dict[str, object] = {}

    def run(text: str):
        if text not in cache:
            cache[text] = nlp(text)
        return cache[text]

    return run


def test_span_root_is_the_head_of_the_span(parse) -> None:
    doc = parse("Velmora held talks with Ostrana in Port Azul.")
    assert syntax.span_root([_tok(doc, "held"), _tok(doc, "talks")]).text == "held"
    assert syntax.span_root([_tok(doc, "Port"), _tok(doc, "Azul")]).text == "Azul"


def test_subject_active_passive_and_conjoined(parse) -> None:
    doc = parse("Arvel Dunmore attacked Drovnik and killed three soldiers.")
    subj, passive = syntax.subject(_tok(doc, "killed"))  # shares the first verb's subject
    assert (_text(subj), passive) == ("Dunmore", False)
    doc = parse("Velmora and Ostrana were urged by the League of Azure States to hold talks.")
    subj, passive = syntax.subject(_tok(doc, "urged"))
    assert (_text(subj), passive) == ("Velmora", True)
    assert _text(syntax.agent(_tok(doc, "urged"))) == "League"
    assert syntax.agent(_tok(doc, "hold")) is None


def test_subject_of_a_participle_is_its_passive_theme(parse) -> None:
    doc = parse("Missiles fired by Ostrana hit Saltmarsh.")
    subj, passive = syntax.subject(_tok(doc, "fired"))
    assert (_text(subj), passive) == ("Missiles", True)


def test_subject_of_a_relative_clause_is_the_modified_noun(parse) -> None:
    doc = parse("Selka Varn, who said the border was closed, met Dorin Kasprak.")
    # the relative pronoun is the verb's own subject: subject() returns it as it is
    assert _text(syntax.subject(_tok(doc, "said"))[0]) == "who"
    assert _text(syntax.subject(_tok(doc, "met"))[0]) == "Varn"
    assert syntax.subject(_tok(doc, "Kasprak")) == (None, False)


def test_controller_object_subject_and_prepositional_control(parse) -> None:
    def ctrl(tok):
        return _text(syntax.controller(tok, OBJECT_CONTROL, ACL_CONTROL_NOUNS, APPEAL_VERBS))

    doc = parse("Ostrana urged Velmora to withdraw its troops.")
    assert ctrl(_tok(doc, "withdraw")) == "Velmora"
    doc = parse("Quillon Haste wants to visit Mirrenhold.")
    assert ctrl(_tok(doc, "visit")) == "Haste"
    doc = parse("Ilsa Trevane called on Calderra to release the prisoners.")
    assert ctrl(_tok(doc, "release")) == "Calderra"
    assert ctrl(_tok(doc, "called")) is None  # a main verb is controlled by nobody


def test_conjuncts_and_phrase(parse) -> None:
    doc = parse("Officials in Drovnik and the Velmoran envoy met on Friday.")
    assert [t.text for t in syntax.conjuncts(_tok(doc, "Drovnik"))] == ["Drovnik", "envoy"]
    words = {t.text for t in syntax.phrase(_tok(doc, "Officials"), PHRASE_PREPS)}
    assert {"Officials", "in", "Drovnik"} <= words
    assert "met" not in words
    # without "in" among the kept prepositions the phrase stops at the head
    assert [t.text for t in syntax.phrase(_tok(doc, "Officials"), frozenset())] == ["Officials"]
    # the head's conjuncts are phrases of their own
    assert "envoy" not in {t.text for t in syntax.phrase(_tok(doc, "Drovnik"), PHRASE_PREPS)}


def test_clause_of_nouns_with_light_verbs(parse) -> None:
    doc = parse("Velmora held talks with Ostrana in Port Azul.")
    clause, light = syntax.clause_of(_tok(doc, "talks"), "noun", GENERIC_LIGHT)
    assert (_text(clause), _text(light)) == ("held", "held")
    assert syntax.clause_of(_tok(doc, "held"), "verb", GENERIC_LIGHT) == (_tok(doc, "held"), None)
    doc = parse("Velmora engaged in talks with Ostrana.")
    clause, light = syntax.clause_of(_tok(doc, "talks"), "noun", GENERIC_LIGHT)
    assert (_text(clause), _text(light)) == ("engaged", "engaged")
    # "engage" is not a light verb here: the governing verb heads the clause, without a light verb
    clause, light = syntax.clause_of(_tok(doc, "talks"), "noun", frozenset())
    assert (_text(clause), light) == ("engaged", None)


def test_clause_of_an_adjective_is_its_copula(parse) -> None:
    doc = parse("When Velmora attacked, Ostrana said that Calderra was responsible.")
    clause, light = syntax.clause_of(_tok(doc, "responsible"), "adj", GENERIC_LIGHT)
    assert (_text(clause), light) == ("was", None)
    assert _text(syntax.governing_verb(_tok(doc, "Calderra"))) == "was"


def test_conditional_marks_and_adverbial_clauses(parse) -> None:
    doc = parse("Ostrana will withdraw unless Velmora pays.")
    assert syntax.conditional(_tok(doc, "withdraw"))
    assert not syntax.conditional(_tok(doc, "withdraw"), ("if",))
    assert syntax.has_mark(_tok(doc, "pays"), ("unless",))
    doc = parse("When Velmora attacked, Ostrana said that Calderra was responsible.")
    subordinators = frozenset({"when", "while"})
    assert syntax.is_adverbial(_tok(doc, "attacked"), subordinators)
    assert not syntax.is_adverbial(_tok(doc, "was"), subordinators)


def test_base_forms_undo_lemmatizer_errors(parse) -> None:
    doc = parse("Velmora staged a protest and planned talks.")
    assert {"stage", "staged"} <= syntax.base_forms(_tok(doc, "staged"))
    assert "plan" in syntax.base_forms(_tok(doc, "planned"))


def test_speaker_subject_follows_the_quotes_contract(parse) -> None:
    doc = parse("Selka Varn, who said the border was closed, met Dorin Kasprak.")
    # a relative pronoun stands for the modified noun
    assert _text(syntax.speaker_subject(_tok(doc, "said"), relative_pronouns=_REL)) == "Varn"
    doc = parse("Kasprak was told by Varn that the talks would resume.")
    # no active subject: the by-agent speaks
    assert _text(syntax.speaker_subject(_tok(doc, "told"), relative_pronouns=_REL)) == "Varn"
    doc = parse("Ostrana urged Velmora to withdraw its troops.")
    # object control
    assert _text(syntax.speaker_subject(_tok(doc, "withdraw"), relative_pronouns=_REL)) == (
        "Velmora"
    )
    doc = parse("Arvel Dunmore attacked Drovnik and killed three soldiers.")
    killed = _tok(doc, "killed")
    assert _text(syntax.speaker_subject(killed, relative_pronouns=_REL)) == "Dunmore"
    # recursion is bounded: at depth 2 the governing verb is not climbed any more
    assert syntax.speaker_subject(killed, 2, relative_pronouns=_REL) is None
    # a skipped token cannot be the speaker
    skip = frozenset({_tok(doc, "Dunmore").i})
    assert syntax.speaker_subject(_tok(doc, "attacked"), skip=skip, relative_pronouns=_REL) is None
