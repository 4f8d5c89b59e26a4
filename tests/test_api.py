"""The public API surface and the exception tree."""

from __future__ import annotations

import inspect

import detente
from detente import errors


def test_all_names_exist_and_are_documented() -> None:
    for name in detente.__all__:
        obj = getattr(detente, name)
        if name != "__version__" and (inspect.isclass(obj) or inspect.isfunction(obj)):
            assert inspect.getdoc(obj), f"{name} has no docstring"


def test_every_error_is_a_detente_error_with_a_code() -> None:
    codes = set()
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.DetenteError)
        codes.add(cls.code)
    assert len(codes) == len(errors.__all__)
    err = errors.ReadError("x missing")
    assert str(err).startswith("[E030]")


def test_code_text_returns_an_article() -> None:
    art = detente.code_text(
        "The ministers of Velmora and Ostrana met in Port Azul on Monday.",
        title="Ministers meet",
        date="2021-02-03",
    )
    assert isinstance(art, detente.Article)
    assert art.published == "2021-02-03" and art.title == "Ministers meet"
    assert art.doc is not None
    d = art.to_dict()
    assert d["article"]["text"].startswith("The ministers")


def test_every_error_code_is_documented() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "errors.md").read_text("utf-8")
    documented = set(re.findall(r"^\| (E\d{3}) \|", doc, re.MULTILINE))
    used = set()
    for path in (root / "src" / "detente").rglob("*.py"):
        used |= set(re.findall(r'code\s*=\s*"(E\d{3})"', path.read_text("utf-8")))
    assert used, "no error codes found"
    assert used <= documented, f"undocumented error codes: {sorted(used - documented)}"
