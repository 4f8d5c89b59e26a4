"""The clean stage: remove boilerplate paragraphs from plain text and keep credit lines as data.

Paragraphs are scored against the patterns in ``data/boilerplate.yaml`` (plus any user files).
Removed spans are reported with their reason (offsets into ``article.raw_text``), so nothing
disappears silently; credit lines ("Source: X", "Photo by Y", "(Reuters)", "Reporting by ...")
become ``article.credits``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .config import Settings
from .errors import ConfigError
from .records import Article, Credit, RejectReason, Removed

__all__ = ["Boilerplate", "CleanStage", "clean_text", "load_boilerplate", "paragraphs"]

_PARA_SPLIT = re.compile(r"\n[ \t]*\n+")
_LINE_SPLIT = re.compile(r"\n+")
#: Boilerplate blocks are short; a longer paragraph is story text whatever phrase it contains.
MAX_BOILERPLATE_CHARS = 1200
_SEGMENT_SPLIT = re.compile(r"\s*[,;|•·]\s*")


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    reason: str
    weight: float
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _CreditRule:
    id: str
    kind: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Compiled boilerplate and credit patterns."""

    version: str
    threshold: float
    rules: tuple[_Rule, ...]
    credits: tuple[_CreditRule, ...]
    datelines: tuple[_CreditRule, ...]

    def score(self, para: str) -> tuple[float, str, str]:
        """Return ``(score, reason, rule id)`` of a paragraph (reason of the heaviest match)."""
        total, best, best_w, best_id = 0.0, "", 0.0, ""
        for rule in self.rules:
            if rule.regex.search(para):
                total += rule.weight
                if rule.weight > best_w:
                    best, best_w, best_id = rule.reason, rule.weight, rule.id
        return total, best, best_id

    def credit_of(self, segment: str) -> Credit | None:
        """Return the credit a line segment states, or ``None``."""
        seg = segment.strip().strip(".")
        for rule in self.credits:
            m = rule.regex.match(seg)
            if m:
                name = m.group("name").strip().strip(".")
                if name:
                    return Credit(kind=rule.kind, name=_canonical_agency(name, rule.kind))
        return None


_AGENCIES = {
    "ap": "AP",
    "afp": "AFP",
    "upi": "UPI",
    "dpa": "dpa",
    "efe": "EFE",
    "reuters": "Reuters",
}


def _canonical_agency(name: str, kind: str) -> str:
    return _AGENCIES.get(name.lower(), name) if kind == "agency" else name


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        raise ConfigError(
            f"boilerplate pattern {pattern!r} in {where}: {exc}", code="E014"
        ) from exc


def _read_yaml(text: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"cannot parse boilerplate file {where}: {exc}", code="E015") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"boilerplate file {where} must be a mapping", code="E015")
    return data


@functools.lru_cache(maxsize=8)
def load_boilerplate(extra_files: tuple[str, ...] = ()) -> Boilerplate:
    """Load the packaged patterns and merge user files (same ``id`` replaces, new ones append)."""
    packaged = resources.files("detente").joinpath("data/boilerplate.yaml").read_text("utf-8")
    base = _read_yaml(packaged, "detente/data/boilerplate.yaml")
    sections: dict[str, dict[str, dict[str, Any]]] = {
        key: {e["id"]: e for e in base.get(key, [])}
        for key in ("boilerplate", "credits", "datelines")
    }
    version = str(base.get("version", "0"))
    threshold = float(base.get("threshold", 1.0))
    for path in extra_files:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read boilerplate file {path}: {exc}", code="E016") from exc
        data = _read_yaml(text, path)
        for key, table in sections.items():
            for entry in data.get(key, []) or []:
                if "id" not in entry:
                    raise ConfigError(f"{path}: every {key} entry needs an id", code="E017")
                table[entry["id"]] = entry
        version += f"+{Path(path).name}"
    rules = tuple(
        _Rule(e["id"], e.get("reason", e["id"]), float(e.get("weight", 1.0)), _compile(p, e["id"]))
        for e in sections["boilerplate"].values()
        for p in e.get("patterns", [])
    )
    credits = tuple(
        _CreditRule(e["id"], e.get("kind", e["id"]), _compile(e["pattern"], e["id"]))
        for e in sections["credits"].values()
    )
    datelines = tuple(
        _CreditRule(e["id"], e.get("kind", "agency"), _compile(e["pattern"], e["id"]))
        for e in sections["datelines"].values()
    )
    return Boilerplate(version, threshold, rules, credits, datelines)


def paragraphs(text: str, *, by_line: bool = False) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each non-blank paragraph (trimmed).

    Paragraphs are separated by blank lines, or with ``by_line`` by every line break (HTML
    extraction gives one paragraph a line).
    """
    pos = 0
    splitter = _LINE_SPLIT if by_line else _PARA_SPLIT
    for m in [*splitter.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if chunk.strip():
            yield pos + lead, pos + trail
        if m is None:
            break
        pos = m.end()


def _credit_paragraph(bp: Boilerplate, para: str) -> list[Credit] | None:
    if len(para) > 300 or "\n" in para.strip():
        return None
    found: list[Credit] = []
    for seg in _SEGMENT_SPLIT.split(para.strip()):
        if not seg:
            continue
        credit = bp.credit_of(seg)
        if credit is not None:
            found.append(credit)
        elif found:
            # "Reporting by A, B and C": a bare name continues the previous credit
            if len(seg.split()) > 5:
                return None
            last = found[-1]
            found[-1] = Credit(kind=last.kind, name=f"{last.name}, {seg.strip('.')}")
        else:
            return None
    return found or None


def clean_text(
    text: str, bp: Boilerplate, *, by_line: bool | None = None
) -> tuple[str, tuple[Removed, ...], tuple[Credit, ...], dict[str, str]]:
    """Split ``text`` into the story, the removed spans, the credits and extra metadata.

    After the first credit or boilerplate paragraph past the opening, paragraphs with any
    boilerplate evidence are removed too ("trailing" appeals often have only weak cues).

    Args:
        text: the text as read.
        bp: the compiled patterns.
        by_line: every line is a paragraph (default: when the text has no blank line, as in
            HTML extractions); kept paragraphs are joined the way they were separated.
    """
    if by_line is None:
        by_line = not _PARA_SPLIT.search(text.strip())
    kept: list[str] = []
    removed: list[Removed] = []
    credits: list[Credit] = []
    meta: dict[str, str] = {}
    spans = list(paragraphs(text, by_line=by_line))
    in_tail = False
    for idx, (start, end) in enumerate(spans):
        para = text[start:end]
        if idx == 0:
            for rule in bp.datelines:
                m = rule.regex.match(para)
                if m:
                    credits.append(
                        Credit(kind=rule.kind, name=_canonical_agency(m["name"], "agency"))
                    )
                    if m.groupdict().get("place"):
                        meta["dateline"] = m["place"].strip(" ,")
                    removed.append(
                        Removed(start, start + m.end(), "dateline", para[: m.end()], rule.id)
                    )
                    para = para[m.end() :]
                    break
        found = _credit_paragraph(bp, para)
        if found:
            credits.extend(found)
            removed.append(Removed(start, end, "credit line", para, "credits"))
            in_tail = in_tail or idx > 0
            continue
        score, reason, rule_id = (
            bp.score(para) if len(para) <= MAX_BOILERPLATE_CHARS else (0, "", "")
        )
        if score >= bp.threshold or (in_tail and score > 0):
            removed.append(
                Removed(
                    start,
                    end,
                    reason if score >= bp.threshold else f"{reason} (trailing)",
                    para,
                    rule_id,
                )
            )
            in_tail = in_tail or idx > 0
            continue
        kept.append(para)
    return ("\n" if by_line else "\n\n").join(kept), tuple(removed), tuple(credits), meta


class CleanStage:
    """Remove boilerplate from ``article.text``; assigns ``text``, ``removed`` and ``credits``."""

    name = "clean"
    requires: tuple[str, ...] = ("raw_text",)
    assigns: tuple[str, ...] = ("text", "removed", "credits")

    def __init__(self, boilerplate: Boilerplate, min_chars: int = 20) -> None:
        self.bp = boilerplate
        self.min_chars = min_chars
        self.version = f"1+patterns-{boilerplate.version}"

    @classmethod
    def from_settings(cls, settings: Settings) -> CleanStage:
        return cls(load_boilerplate(tuple(settings.boilerplate_files)), settings.min_chars)

    def __call__(self, article: Article) -> Article:
        from .read.base import reject

        text, removed, credits, meta = clean_text(article.text, self.bp)
        if len(text.strip()) < self.min_chars:
            why = "nothing is left after boilerplate removal" if article.text.strip() else "empty"
            return reject(
                article.input,
                RejectReason.EMPTY,
                f"{why} (fewer than {self.min_chars} characters)",
                id=article.id,
                title=article.title,
                raw_text=article.raw_text,
                removed=removed,
                credits=credits,
            )
        # A "Source: X" credit names where the story comes from: the article's source when the
        # input named none (an explicit --source or a page's site name wins).
        credited = next((c.name for c in credits if c.kind == "source"), None)
        return article.with_(
            text=text,
            removed=article.removed + removed,
            credits=article.credits + credits,
            meta={**article.meta, **meta} if meta else article.meta,
            source=article.source or credited,
        )
