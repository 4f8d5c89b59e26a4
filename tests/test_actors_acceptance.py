"""Acceptance of issue 3 on the reference article and the real-world knowledge base."""

from __future__ import annotations

from detente.actors import load_kb, lookup, resolve


def _codes(article, texts: set[str]) -> dict[str, set[str | None]]:
    out: dict[str, set[str | None]] = {}
    for m in article.mentions:
        if m.text in texts:
            out.setdefault(m.text, set()).add(m.actor.code if m.actor else None)
    return out


def test_seed_article_mentions_resolve_to_the_right_countries(seed_coded) -> None:
    expected = {
        "Russia": "RUS",
        "Russian": "RUS",
        "Japan": "JPN",
        "Tokyo": "JPN",
        "Washington": "USA",
        "US": "USA",
        "North Korea": "PRK",
        "North Korean": "PRK",
        "Pyongyang": "PRK",
        "South Korea": "KOR",
    }
    codes = _codes(seed_coded, set(expected))
    for text, code in expected.items():
        if text in codes:
            assert codes[text] == {code}, text
    assert {
        "Russia",
        "Japan",
        "Tokyo",
        "Washington",
        "US",
        "North Korea",
        "Pyongyang",
        "South Korea",
    } <= set(codes)
    allowed = {"RUS", "JPN", "USA", "PRK", "KOR", None}
    assert all((m.actor.code if m.actor else None) in allowed for m in seed_coded.mentions)


def test_seed_article_moscow_as_actor_and_place(seed_coded) -> None:
    moscow = [m for m in seed_coded.mentions if m.text == "Moscow"]
    assert moscow and all(m.actor.code == "RUS" for m in moscow)
    assert any(m.via == "location" for m in moscow)  # "talks ... in Moscow"


def test_seed_article_lavrov_and_kono(seed_coded) -> None:
    lavrov = [m for m in seed_coded.mentions if "Lavrov" in m.text]
    kono = [m for m in seed_coded.mentions if "Kono" in m.text]
    assert len(lavrov) >= 3 and len(kono) >= 3
    for m in lavrov:
        assert (m.actor.code, m.actor.sector, m.actor.name) == ("RUS", "GOV", "Sergei Lavrov")
    for m in kono:
        assert (m.actor.code, m.actor.sector, m.actor.name) == ("JPN", "GOV", "Taro Kono")
    assert any(m.text == "Tara Kono" and m.via == "fuzzy" for m in kono)
    assert any(m.via == "surname" for m in lavrov)


def test_taro_kono_changes_office_with_the_date() -> None:
    kb = load_kb()
    assert "foreign minister" in lookup(kb, "Taro Kono", "2018-01-01")[0]["why"]
    assert "defence minister" in lookup(kb, "Taro Kono", "2020-01-01")[0]["why"]
    assert resolve("Japanese foreign minister", "2018-01-01").name == "Taro Kono"
    assert resolve("Japanese foreign minister", "2020-01-01").name == "Toshimitsu Motegi"
    assert resolve("Japanese defence minister", "2020-01-01").name == "Taro Kono"
