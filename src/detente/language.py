"""The language stage: detect the article's language; a non-English article is rejected.

Detection is by script (a text mostly in a non-Latin script is not English) and then by the share
of very frequent function words of each language (``data/stopwords.yaml``). It is fast, needs no
model, and is reliable on news text of a paragraph or more; on very short texts it defers to
English rather than reject.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

import yaml

from .config import Settings
from .errors import ConfigError
from .records import Article, Rejected, RejectReason

__all__ = ["LanguageStage", "detect_language"]

#: Fewer function-word hits than this and the language is undetermined (``und``).
MIN_EVIDENCE = 3

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@functools.lru_cache(maxsize=1)
def _stopwords() -> tuple[str, dict[str, frozenset[str]]]:
    data = yaml.safe_load(
        resources.files("detente").joinpath("data/stopwords.yaml").read_text("utf-8")
    )
    langs: dict[str, frozenset[str]] = {}
    for lang, words in data["languages"].items():
        odd = [w for w in words if not isinstance(w, str)]
        if odd:
            raise ConfigError(
                f"stopwords for {lang!r} hold non-words {odd!r}; quote them in the "
                "YAML (on, no, yes and off are read as booleans)",
                code="E017",
            )
        langs[lang] = frozenset(words)
    return str(data.get("version", "0")), langs


def _script(text: str) -> str | None:
    """Return the dominant non-Latin script name of a text, or ``None`` when mostly Latin."""
    counts: dict[str, int] = {}
    letters = 0
    for ch in text[:5000]:
        if ch.isalpha():
            letters += 1
            if ord(ch) < 0x250:
                continue
            name = unicodedata.name(ch, "")
            script = name.split(" ")[0] if name else "UNKNOWN"
            counts[script] = counts.get(script, 0) + 1
    if not letters:
        return None
    script, n = max(counts.items(), key=lambda kv: kv[1], default=("", 0))
    return script.lower() if n > 0.3 * letters else None


def detect_language(text: str) -> tuple[str, float]:
    """Return ``(language code, confidence)`` of a text (``und`` when it cannot be told).

    The confidence is the winning language's share of function words over all languages'. A
    text with fewer than :data:`MIN_EVIDENCE` function words of any language is ``und``.
    """
    script = _script(text)
    if script:
        return {
            "cyrillic": "ru",
            "arabic": "ar",
            "cjk": "zh",
            "hiragana": "ja",
            "katakana": "ja",
            "hangul": "ko",
            "greek": "el",
            "hebrew": "he",
            "devanagari": "hi",
            "thai": "th",
        }.get(script, script), 1.0
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if not words:
        return "und", 0.0
    _, langs = _stopwords()
    hits = {lang: sum(1 for w in words if w in vocab) for lang, vocab in langs.items()}
    total = sum(hits.values())
    if total < MIN_EVIDENCE:
        # one or two function words ("no", "a") say nothing about the language
        return "und", 0.0
    lang, best = max(hits.items(), key=lambda kv: kv[1])
    return lang, best / total


class LanguageStage:
    """Set ``article.language``; reject articles that are not English."""

    name = "language"
    requires: tuple[str, ...] = ("text",)
    assigns: tuple[str, ...] = ("language",)

    def __init__(self, threshold: float = 0.5, min_words: int = 8) -> None:
        self.threshold = threshold
        self.min_words = min_words
        self.version = f"1+stopwords-{_stopwords()[0]}"

    @classmethod
    def from_settings(cls, settings: Settings) -> LanguageStage:
        return cls(settings.language_threshold)

    def __call__(self, article: Article) -> Article:
        sample = f"{article.title or ''}\n{article.text}"
        lang, conf = detect_language(sample)
        words = len(_WORD.findall(sample[:2000]))
        if lang in ("en", "und") and (words < self.min_words or (lang == "und" and words < 30)):
            # too little text to tell: a short item with no foreign function words is let through
            return article.with_(language="en")
        if lang == "en" and conf >= self.threshold:
            return article.with_(language="en")
        detail = (
            f"language is {lang!r} (confidence {conf:.2f}), not English"
            if lang != "en"
            else f"English confidence {conf:.2f} is below {self.threshold}"
        )
        return article.with_(
            language=lang,
            rejected=Rejected(reason=RejectReason.LANGUAGE, detail=detail, input=article.input),
        )
