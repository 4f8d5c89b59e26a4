"""Actor knowledge base and resolution, tested in the fictional world of tests/fictional."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.actors import ActorStage, load_kb, lookup, mentions_in, normalise_code, resolve
from detente.config import Settings
from detente.errors import ActorError
from detente.pipeline import Pipeline
from detente.read import make_article
from detente.records import Article, Mention

from .fictional import WORLD, fictional_settings


@pytest.fixture(scope="module")
def kb():
    return load_kb((WORLD,))


@pytest.fixture(scope="module")
def pipe(nlp):
    return Pipeline.from_settings(fictional_settings(), stages=("nlp", "actors"))


def code(pipe: Pipeline, text: str, date: str) -> Article:
    return pipe(make_article("<test>", text, published=date))


def find(art: Article, text: str, nth: int = 0) -> Mention:
    found = [m for m in art.mentions if m.text == text]
    assert len(found) > nth, f"no mention {text!r} in {[m.text for m in art.mentions]}"
    return found[nth]


# ---------------------------------------------------------------- knowledge base


def test_packaged_kb_has_states_demonyms_capitals_and_igos(kb) -> None:
    assert resolve("Japan", kb=kb).code == "JPN"
    assert resolve("Russians", kb=kb).code == "RUS"  # automatic demonym plural
    assert resolve("DPRK", kb=kb).code == "PRK"
    assert resolve("the US", kb=kb).code == "USA"
    assert resolve("Pyongyang", kb=kb).sector == "GOV"
    nato = resolve("NATO", kb=kb)
    assert (nato.code, nato.kind, nato.kb_id) == ("IGO", "igo", "igo:nato")
    pentagon = resolve("the Pentagon", kb=kb)
    assert (pentagon.code, pentagon.sector) == ("USA", "MIL")


def test_user_file_adds_states_organisations_and_people(kb) -> None:
    velmora = resolve("Velmoran", kb=kb)
    assert (velmora.code, velmora.kind) == ("XVM", "state")
    assert resolve("League of Azure States", kb=kb).code == "IGO"
    assert resolve("Amber Palace", kb=kb).sector == "GOV"
    assert resolve("Velmora", kb=load_kb()) is None  # not in the packaged data


def test_user_file_merges_into_an_existing_entry(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("states:\n  - {code: XVM, aliases: [Velmoria]}\n", "utf-8")
    kb = load_kb((WORLD, str(extra)))
    assert resolve("Velmoria", kb=kb).code == "XVM"
    assert resolve("Port Azul", kb=kb).code == "XVM"  # the rest of the entry is kept


@pytest.mark.parametrize(
    "content",
    ["states: {code: XVM}\n", "countries: []\n", "people:\n  - {aliases: [x]}\n", "states: [\n"],
)
def test_malformed_actor_file_raises_actor_error(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, "utf-8")
    with pytest.raises(ActorError):
        load_kb((str(bad),))


def test_missing_actor_file_raises_actor_error() -> None:
    with pytest.raises(ActorError, match="E057"):
        load_kb(("/nonexistent/actors.yaml",))


def test_old_cameo_codes_are_normalised() -> None:
    assert normalise_code("JAP") == "JPN" and normalise_code("ITL") == "ITA"
    assert normalise_code("RUS") == "RUS"


# ---------------------------------------------------------------- dates


def test_same_person_resolves_by_date(kb) -> None:
    early = lookup(kb, "Arvel Dunmore", "2013-06-01")[0]
    late = lookup(kb, "Arvel Dunmore", "2018-06-01")[0]
    assert early["actor"]["code"] == late["actor"]["code"] == "XVM"
    assert "foreign minister" in early["why"] and "head of government" in late["why"]


def test_title_resolves_to_the_holder_on_that_date(kb) -> None:
    assert resolve("Velmoran foreign minister", "2013-06-01", kb=kb).name == "Arvel Dunmore"
    assert resolve("Velmoran foreign minister", "2016-06-01", kb=kb).name == "Selka Varn"
    assert resolve("Ostranan president", "2015-01-01", kb=kb).name == "Brannoc Oltz"
    assert resolve("Ostranan president", "2020-01-01", kb=kb).name == "Ilsa Trevane"


def test_person_out_of_office_keeps_the_country_without_sector(kb) -> None:
    ref = resolve("Maro Ventisk", "2023-01-01", kb=kb)
    assert (ref.code, ref.sector, ref.kind) == ("XOS", None, "person")


def test_igo_official(kb) -> None:
    ref = resolve("Lerro Mantz", "2020-01-01", kb=kb)
    assert (ref.code, ref.sector) == ("IGO", "GOV")


# ---------------------------------------------------------------- resolution in text


def test_compositional_title_and_person(pipe) -> None:
    art = code(
        pipe, "Velmoran Foreign Minister Selka Varn met Ostranan officials on Monday.", "2016-03-01"
    )
    varn = find(art, "Velmoran Foreign Minister Selka Varn")
    assert (varn.actor.code, varn.actor.sector, varn.actor.name) == ("XVM", "GOV", "Selka Varn")
    assert varn.actor.kb_id == "person:selka-varn" and varn.via == "exact"
    officials = find(art, "Ostranan officials")
    assert (officials.actor.code, officials.actor.sector) == ("XOS", "GOV")
    assert officials.via == "demonym+agent"


def test_sector_agents(pipe) -> None:
    art = code(
        pipe,
        "Ostranan troops crossed the river. Velmora's government protested and "
        "police arrested rebels.",
        "2016-03-01",
    )
    troops = find(art, "Ostranan troops")
    assert (troops.actor.code, troops.actor.sector) == ("XOS", "MIL")
    gov = find(art, "Velmora's government")
    assert (gov.actor.code, gov.actor.sector) == ("XVM", "GOV")
    assert find(art, "police").actor.sector == "COP"
    assert find(art, "rebels").actor.sector == "REB"


def test_bandits_and_gangsters_are_criminals(pipe) -> None:
    art = code(pipe, "Ostranan bandits raided a farm and gangsters fled.", "2016-03-01")
    bandits = find(art, "Ostranan bandits")
    assert (bandits.actor.code, bandits.actor.sector) == ("XOS", "CRM")
    assert find(art, "gangsters").actor.sector == "CRM"


def test_capital_is_an_actor_or_a_place(pipe) -> None:
    art = code(
        pipe, "Drovnik rejected the offer. The ministers met in Port Azul on Friday.", "2016-03-01"
    )
    actor = find(art, "Drovnik")
    assert (actor.actor.code, actor.actor.sector, actor.via) == ("XOS", "GOV", "metonym")
    place = find(art, "Port Azul")
    assert (place.actor.code, place.actor.kind, place.via) == ("XVM", "location", "location")


def test_seat_of_power_metonym(pipe) -> None:
    art = code(pipe, "Greywall said the Amber Palace had broken the truce.", "2016-03-01")
    assert find(art, "Greywall").actor.sector == "MIL"
    palace = find(art, "Amber Palace")
    assert (palace.actor.code, palace.via) == ("XVM", "metonym")


def test_surname_role_and_pronoun_link_to_the_person(pipe) -> None:
    text = (
        "Ostranan Foreign Minister Dorin Kasprak arrived in Port Azul on Monday. "
        "Kasprak met Velmoran officials. The Ostranan foreign minister later left. "
        "He said the talks were useful."
    )
    art = code(pipe, text, "2017-05-01")
    first = find(art, "Ostranan Foreign Minister Dorin Kasprak")
    index = art.mentions.index(first)
    surname = find(art, "Kasprak")
    role = find(art, "Ostranan foreign minister")
    pronoun = find(art, "He")
    for mention, via in ((surname, "surname"), (role, "role"), (pronoun, "pronoun")):
        assert mention.via == via
        assert mention.actor.name == "Dorin Kasprak" and mention.actor.code == "XOS"
    assert surname.ref == index


def test_surname_alone_resolves_to_the_unique_office_holder(pipe) -> None:
    art = code(pipe, "Ostrana's president Trevane warned Velmora.", "2020-02-01")
    assert any(m.actor and m.actor.name == "Ilsa Trevane" for m in art.mentions)


def test_fuzzy_near_miss_needs_agreeing_context(pipe) -> None:
    art = code(
        pipe, "Velmoran Prime Minister Arvell Dunmore said Velmora would talk.", "2018-01-01"
    )
    hit = [m for m in art.mentions if m.actor and m.actor.name == "Arvel Dunmore"]
    assert hit and hit[0].via == "fuzzy"
    # The same near miss next to another country does not become the Velmoran prime minister.
    art = code(pipe, "Calderran envoy Arvell Dunmore said Calderra would talk.", "2018-01-01")
    assert not any(m.actor and m.actor.name == "Arvel Dunmore" for m in art.mentions)


def test_unknown_person_takes_the_country_next_to_them_or_nothing(pipe) -> None:
    art = code(
        pipe,
        "Calderran Foreign Minister Jorvin Pell met Velmoran and Ostranan envoys.",
        "2018-01-01",
    )
    pell = next(m for m in art.mentions if m.actor and m.actor.name == "Jorvin Pell")
    assert (pell.actor.code, pell.actor.sector, pell.actor.kb_id) == ("XCA", "GOV", None)


def test_stage_contract_and_offsets(pipe) -> None:
    art = pipe(
        make_article(
            "<t>", "Ostrana accused Velmora.", title="Drovnik angry", published="2018-01-01"
        )
    )
    stage = ActorStage.from_settings(fictional_settings())
    assert (stage.name, stage.requires, stage.assigns) == ("actors", ("doc",), ("mentions",))
    title = [m for m in art.mentions if m.field == "title"]
    assert title and art.title[title[0].start : title[0].end] == "Drovnik"
    for m in art.mentions:
        source = art.title if m.field == "title" else art.text
        assert source[m.start : m.end] == m.text
    inside = mentions_in(art, art.body_offset, len(art.doc_text))
    assert [m.text for m in inside] == ["Ostrana", "Velmora"]
    assert json.dumps(art.to_dict()["mentions"])


# ---------------------------------------------------------------- CLI


def test_cli_lookup_explains_the_reading() -> None:
    from detente.cli import main

    runner = CliRunner()
    result = runner.invoke(
        main,
        ["actors", "lookup", "Selka Varn", "--date", "2022-01-01", "--actors", WORLD, "--json"],
    )
    assert result.exit_code == 0, result.output
    (reading,) = json.loads(result.output)
    assert reading["actor"]["code"] == "XVM" and "defence minister" in reading["why"]
    result = runner.invoke(main, ["actors", "lookup", "Nowhere Land"])
    assert result.exit_code == 1 and "not in the actor knowledge base" in result.output


def test_settings_actors_files_reach_the_stage() -> None:
    stage = ActorStage.from_settings(Settings(actors_files=(WORLD,)))
    assert "state:XVM" in stage.kb.entries


def test_pronoun_agrees_in_gender_when_known(pipe) -> None:
    text = (
        "Velmoran Defence Minister Selka Varn met Ostranan President Brannoc Oltz. "
        "She said the border was calm."
    )
    art = code(pipe, text, "2017-05-01")
    she = find(art, "She")
    assert she.via == "pronoun" and she.actor.name == "Selka Varn"


def test_first_and_last_name_agreement_and_first_name_link(pipe) -> None:
    art = code(
        pipe, "Dorin T. Kasprak spoke to reporters. Later Dorin left for Drovnik.", "2017-05-01"
    )
    full = find(art, "Dorin T. Kasprak")
    assert (full.actor.name, full.via) == ("Dorin Kasprak", "alias")
    assert any(
        m.text == "Dorin" and m.actor and m.actor.name == "Dorin Kasprak" for m in art.mentions
    )


def test_dateline_and_title_of_country(pipe) -> None:
    art = code(pipe, "DROVNIK - The president of Calderra arrived on Monday.", "2017-05-01")
    dateline = find(art, "DROVNIK")
    assert dateline.via == "location" and dateline.actor.kind == "location"
    president = next(m for m in art.mentions if "Calderra" in m.text)
    assert president.actor.code == "XCA" and president.actor.sector == "GOV"


def test_ethnic_minority_is_coded_by_where_it_lives(pipe) -> None:
    art = code(pipe, "Ethnic Ostranans in Velmora protested on Sunday.", "2017-05-01")
    group = find(art, "Ostranans")
    assert (group.actor.code, group.via) == ("XVM", "context")


def test_short_names_match_their_exact_case() -> None:
    kb = load_kb()
    assert resolve("US", kb=kb).code == "USA"
    assert resolve("us", kb=kb) is None
    assert resolve("let", kb=kb) is None


def test_coordinated_demonyms_share_the_agent_sector(pipe) -> None:
    art = code(pipe, "Senior Velmoran and Ostranan officials met on Monday.", "2017-05-01")
    first = find(art, "Velmoran")
    assert (first.actor.code, first.actor.sector) == ("XVM", "GOV")


def test_title_gives_the_sector_of_a_person_out_of_office(pipe) -> None:
    art = code(pipe, "Ostranan President Brannoc Oltz visited Velmora.", "2021-01-01")
    oltz = find(art, "Ostranan President Brannoc Oltz")
    assert (oltz.actor.code, oltz.actor.sector, oltz.actor.kind) == ("XOS", "GOV", "person")


def test_ethnic_group_takes_the_country_it_is_in(pipe) -> None:
    art = code(pipe, "Tavari rebels attacked a convoy in Ostrana on Monday.", "2018-01-01")
    rebels = find(art, "Tavari rebels")
    assert (rebels.actor.code, rebels.actor.sector, rebels.via) == ("XOS", "REB", "context")


def test_domestic_agents_in_a_place_take_its_country(pipe) -> None:
    art = code(
        pipe, "Rebels in Saltmarsh attacked a convoy. Troops in Ostrana fired.", "2018-01-01"
    )
    rebels = find(art, "Rebels in Saltmarsh")
    assert (rebels.actor.code, rebels.actor.sector) == ("XVM", "REB")
    assert find(art, "Troops").actor.code is None  # troops "in" a country may be foreign


def test_misspelt_state_name_is_a_fuzzy_match(pipe) -> None:
    art = code(pipe, "The government of Velmorra protested on Monday.", "2018-01-01")
    gov = find(art, "government of Velmorra")
    assert (gov.actor.code, gov.actor.sector, gov.via) == ("XVM", "GOV", "fuzzy")


def test_unknown_association_is_a_low_confidence_ngo(pipe) -> None:
    art = code(pipe, "The Azure Rights Association criticised Ostrana.", "2018-01-01")
    ngo = find(art, "Azure Rights Association")
    assert ngo.actor.code == "NGO" and ngo.confidence < 0.5


def test_cli_lookup_text_output_marks_the_best_reading() -> None:
    from detente.cli import main

    result = CliRunner().invoke(
        main, ["actors", "lookup", "Drovnik", "--date", "2018-01-01", "--actors", WORLD]
    )
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("* XOS GOV") and "metonym" in first


@pytest.mark.parametrize(("start", "code"), [("next year", "E051"), ("2019-13-45", "E056")])
def test_bad_office_date_names_the_problem(tmp_path: Path, start: str, code: str) -> None:
    bad = tmp_path / "bad-date.yaml"
    bad.write_text(f"offices:\n  - {{name: Ann Example, code: XVM, role: fm, start: {start}}}\n")
    with pytest.raises(ActorError, match=code):
        load_kb((str(bad),))


def test_article_without_date_resolves_as_of_today(pipe) -> None:
    art = pipe(make_article("<t>", "Velmoran Prime Minister Tobin Achterberg spoke."))
    person = find(art, "Velmoran Prime Minister Tobin Achterberg")
    assert (person.actor.code, person.actor.sector) == ("XVM", "GOV")  # in office since 2022


def test_former_title_gives_no_current_sector(pipe) -> None:
    art = code(pipe, "Former Ostranan President Brannoc Oltz criticised Velmora.", "2021-01-01")
    oltz = next(m for m in art.mentions if m.actor and m.actor.name == "Brannoc Oltz")
    assert (oltz.actor.code, oltz.actor.sector) == ("XOS", None)


def test_cameo_codes_that_are_iso_codes_map_only_for_cameo_input() -> None:
    from detente.actors import normalise_code

    assert normalise_code("JAP") == "JPN"
    assert normalise_code("swz") == "SWZ"  # Eswatini in ISO ...
    assert normalise_code("SWZ", cameo=True) == "CHE"  # ... Switzerland in CAMEO
    assert normalise_code("EUR") == "EUR"
    assert normalise_code("EUR", cameo=True) == "IGO"
    assert normalise_code(None) is None
