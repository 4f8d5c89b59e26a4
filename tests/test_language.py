"""Language detection and the language rejection."""

from __future__ import annotations

import pytest

from detente.language import LanguageStage, detect_language
from detente.read.base import make_article

EN = "The ministers of the two countries said that they would meet again in the spring."
FR = "Les ministres des deux pays ont dit qu'ils se retrouveraient au printemps pour la paix."
DE = "Die Minister der beiden Länder sagten, dass sie sich im Frühjahr wieder treffen werden."
RU = "Министры двух стран заявили, что снова встретятся весной для переговоров о мире."


@pytest.mark.parametrize(("text", "lang"), [(EN, "en"), (FR, "fr"), (DE, "de"), (RU, "ru")])
def test_detects_language(text: str, lang: str) -> None:
    assert detect_language(text)[0] == lang


def test_non_english_article_is_rejected_not_raised() -> None:
    out = LanguageStage()(make_article("fr.txt", FR + " " + FR))
    assert out.rejected is not None
    assert out.rejected.reason == "language"
    assert "'fr'" in out.rejected.detail and out.rejected.input == "fr.txt"


def test_english_article_passes() -> None:
    out = LanguageStage()(make_article("en.txt", EN))
    assert out.rejected is None and out.language == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Velmora vetoed a League resolution on Ostrana.",
        "Ostrana test-fired two ballistic missiles on Sunday.",
    ],
)
def test_short_english_items_pass(text: str) -> None:
    out = LanguageStage()(make_article("short.txt", text))
    assert out.rejected is None and out.language == "en"


def test_short_foreign_item_is_still_rejected() -> None:
    out = LanguageStage()(make_article("fr.txt", FR))
    assert out.rejected is not None and out.rejected.reason == "language"


def test_one_foreign_looking_word_is_not_evidence() -> None:
    # "no" is also Spanish and Portuguese; one word cannot outvote the rest
    assert detect_language("Ostrana conducted no missile tests.")[0] == "und"
    out = LanguageStage()(make_article("no.txt", "Ostrana conducted no missile tests."))
    assert out.rejected is None and out.language == "en"
