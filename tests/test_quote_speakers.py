"""Speaker resolution for quotes: gender, relative pronouns, breaks, organisations, groups.

Set in the fictional world of ``tests/fictional`` (Velmora, Ostrana); people outside the knowledge
base (Margaret Holloway, Peter Ashgrove, ...) are invented for these tests.
"""

from __future__ import annotations

from detente.api import code_text
from detente.quotes import _first_person, extract_quotes, load_reporting_lexicon
from detente.quotes.speaker import SpeakerResolver
from detente.quotes.speakerlex import gender_of, load_speaker_lexicon
from detente.records import Article, Quote, Speaker

from .fictional import fictional_settings

DATE = "2018-05-02"
LEX = load_speaker_lexicon()


def _code(text: str) -> Article:
    return code_text(text, date=DATE, settings=fictional_settings(default_date=DATE))


def _quote(article: Article, words: str) -> Quote:
    found = [q for q in article.quotes if words in q.text]
    assert found, [q.text for q in article.quotes]
    return found[0]


def _speaker(article: Article, words: str) -> Speaker:
    sp = _quote(article, words).speaker
    assert sp is not None
    return sp


# --------------------------------------------------------------------------------------------
# gender


def test_gender_from_first_name_lexicon() -> None:
    assert gender_of("Margaret Holloway", LEX) == "f"
    assert gender_of("Peter Ashgrove", LEX) == "m"


def test_unknown_first_name_and_bare_surname_stay_unknown() -> None:
    assert gender_of("Zorvath Quillimane", LEX) is None
    assert gender_of("Holloway", LEX) is None
    # "Stacey" is only mostly female in the lexicon: not forced to f
    assert gender_of("Stacey Brannick", LEX) is None


def test_honorific_decides_over_first_name() -> None:
    assert gender_of("Mr. Holloway", LEX) == "m"
    assert gender_of("Peter Ashgrove", LEX, honorific="Ms.") == "f"
    assert gender_of("Mrs Zorvath Quillimane", LEX) == "f"


def test_she_skips_the_man_named_last() -> None:
    art = _code(
        "Margaret Holloway, an economist, arrived in Velmora on Monday. "
        "Peter Ashgrove met the delegation at the airport. "
        "She said that the talks had failed completely."
    )
    sp = _speaker(art, "talks had failed")
    assert sp.text == "She"
    assert sp.name == "Margaret Holloway"
    assert sp.kind == "person"


def test_honorific_in_the_article_gives_a_surname_its_gender() -> None:
    art = _code(
        "Ms. Quillimane arrived in Velmora on Monday. "
        "Mr. Ashgrove met the delegation at the airport. "
        "She said that the talks had failed completely."
    )
    assert _speaker(art, "talks had failed").name == "Quillimane"


# --------------------------------------------------------------------------------------------
# relative pronouns, breaks, datelines


def test_relative_pronoun_resolves_to_its_antecedent() -> None:
    art = _code("The delegation was led by Peter Ashgrove, who said the talks had failed badly.")
    sp = _speaker(art, "talks had failed")
    assert sp.text == "who"
    assert sp.name == "Peter Ashgrove"


def test_speaker_never_runs_back_across_a_paragraph_break() -> None:
    art = _code("The latest news.\n\n7:45 a.m.\n\nPeter Ashgrove says the talks have failed badly.")
    sp = _speaker(art, "talks have failed")
    assert "a.m." not in sp.text and "\n" not in sp.text
    assert sp.name == "Peter Ashgrove"


def test_dateline_is_not_the_speaker() -> None:
    art = _code("VELMORA CITY (AP) — Peter Ashgrove said the talks had failed badly on Monday.")
    sp = _speaker(art, "talks had failed")
    assert "VELMORA" not in sp.text
    assert sp.name == "Peter Ashgrove"


def test_a_date_after_the_verb_is_not_the_speaker() -> None:
    art = _code("“We will not sign this agreement,” Peter Ashgrove said Monday.")
    sp = _speaker(art, "We will not sign")
    assert sp.text != "Monday"
    assert sp.name == "Peter Ashgrove"


def test_first_person_inside_a_quote_is_the_quotes_speaker() -> None:
    art = _code("Peter Ashgrove said: “I told them that we would never accept the plan.”")
    outer = _quote(art, "I told them")
    assert outer.speaker is not None and outer.speaker.name == "Peter Ashgrove"
    assert art.doc is not None
    i_tok = next(t for t in art.doc if t.text == "I")
    span = art.span(i_tok.idx, i_tok.idx + 1)
    bare = Speaker("I", span.start, span.end, None, None, span.field, "pronoun", "pronoun")
    resolver = SpeakerResolver(art, load_reporting_lexicon())
    got = _first_person(art.doc, i_tok.i, bare, [outer], art, resolver)
    assert (got.name, got.via, got.text) == ("Peter Ashgrove", "quote-speaker", "I")
    # outside any quote, "I" stays as it is
    assert _first_person(art.doc, i_tok.i, bare, [], art, resolver) == bare


# --------------------------------------------------------------------------------------------
# organisations and groups


def test_acronym_resolves_to_the_organisation_with_those_initials() -> None:
    art = _code(
        "The Velmoran Fisheries Agency said on Monday that the quotas would fall sharply. "
        "On Tuesday, VFA said that the boats must stay in port all week."
    )
    sp = _speaker(art, "boats must stay")
    assert sp.name is not None and "Fisheries Agency" in sp.name
    assert sp.kind == "organisation"


def test_generic_head_resolves_to_the_last_organisation_containing_it() -> None:
    art = _code(
        "The Velmoran Fisheries Agency said on Monday that the quotas would fall sharply. "
        "Peter Ashgrove arrived later. The agency said that the boats must stay in port."
    )
    sp = _speaker(art, "boats must stay")
    assert sp.name is not None and "Fisheries Agency" in sp.name
    assert sp.via == "organisation-head"


def test_group_speaker_stays_a_group_with_its_country() -> None:
    art = _code(
        "Peter Ashgrove arrived in Velmora on Monday. "
        "Ostranan officials said that the border would stay closed for a month."
    )
    sp = _speaker(art, "border would stay closed")
    assert sp.kind == "group"
    assert sp.name != "Peter Ashgrove"
    assert sp.actor is not None and sp.actor.code == "XOS"
    assert sp.to_dict()["kind"] == "group"


def test_they_is_not_the_last_person_named() -> None:
    art = _code(
        "Peter Ashgrove arrived in Velmora on Monday. "
        "They said that the border would stay closed for a month."
    )
    sp = _speaker(art, "border would stay closed")
    assert sp.name != "Peter Ashgrove"


def test_extract_quotes_gives_every_speaker_a_kind() -> None:
    art = _code("“We will not sign this agreement,” Varn said. Officials said the plan had failed.")
    kinds = {q.speaker.kind for q in extract_quotes(art) if q.speaker}
    assert kinds <= {"person", "organisation", "group", "pronoun", "unknown"}
    assert "person" in kinds


# --------------------------------------------------------------------------------------------
# speaker pronouns: salience


def test_speaker_pronoun_skips_a_man_named_inside_the_quote() -> None:
    art = _code(
        "Peter Ashgrove said the debate would help the governing party.\n\n"
        "“I thought Arvel Dunmore was very effective at defending the treaty,” he said."
    )
    sp = _speaker(art, "very effective")
    assert sp.text == "he" and sp.name == "Peter Ashgrove"


def test_speaker_pronoun_skips_a_man_in_an_apposition_after_the_speaker() -> None:
    art = _code(
        "“We have shown the world we can float like butterflies,” Peter Ashgrove said, not "
        "needing to name the author of that boast, Arvel Dunmore, who died in March. "
        "Velmorans, he said, “can rock like anyone.”"
    )
    assert _speaker(art, "rock like anyone").name == "Peter Ashgrove"


def test_a_new_subject_takes_the_speaker_pronoun_from_the_previous_speaker() -> None:
    art = _code(
        "“The talks will go on,” Peter Ashgrove said.\n\n"
        "Thomas Brenner, a Velmoran trade envoy, told reporters in Port Azul that the border "
        "would stay closed. “We must not overreact to campaign rhetoric,” he said."
    )
    assert _speaker(art, "overreact").name == "Thomas Brenner"


def test_she_is_never_a_man_of_the_knowledge_base() -> None:
    # Brannoc Oltz is a man in the fictional knowledge base (gender m), whatever his first
    # name suggests; Margaret Holloway spoke before him
    art = _code(
        "“The border is closed,” Margaret Holloway said on Monday.\n\n"
        "President Brannoc Oltz met the envoy on Tuesday. “We will not reopen it,” she said.",
    )
    assert _speaker(art, "not reopen").name == "Margaret Holloway"


def test_two_full_names_with_one_surname_are_two_people() -> None:
    art = _code(
        "Former minister Peter Holloway criticised the plan during a rally for his wife, "
        "Margaret Holloway.\n\n“It does not make any sense,” Holloway said.\n\n"
        "“It is the craziest thing in the world,” he said."
    )
    assert _speaker(art, "craziest thing").name == "Peter Holloway"
