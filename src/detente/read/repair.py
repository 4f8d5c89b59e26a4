"""Text repair before cleaning: mojibake, C1 controls, stray HTML entities and control characters.

The readers repair every text and title with ftfy before anything else sees it, and report what
they changed (``article.meta["text_repaired"]``), so offsets (``removed``, evidence, quotes) all
point into the repaired text and nothing changes silently.

ftfy runs on each *suspect token* (a whitespace-free run holding a character outside printable
ASCII, or an HTML entity), not on whole lines: a line that mixes mojibake with legitimate
non-Latin-1 characters (curly quotes, dashes) cannot be re-encoded as a whole, so line-level
fixing leaves its mojibake in place. Settings that would change clean text are off: quotes are
not uncurled, ligatures and full-width characters are kept, line breaks are not touched and no
Unicode normalisation is applied.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any

__all__ = ["merge_reports", "offset_mapper", "repair_text"]

#: What makes a token worth a look: a character outside printable ASCII, or an HTML entity.
_SUSPECT = re.compile(r"[^\x20-\x7e\t\r\n]|&#?[0-9A-Za-z]{1,24};")
_SPACE = re.compile(r"[ \t\r\n]")
_WORD = re.compile(r"\S+")
#: Mojibake that went through NFKC: "Ã¯" (ï) became "Ã" + space + combining macron, and the space
#: splits the token. Put the spacing diacritic back so the mojibake can be decoded.
_NFKC_DAMAGE = re.compile("([\u00c2\u00c3]|A[\u0302\u0303]) ([\u0301\u0304\u0308\u0327])")
#: NFKC also turned the second byte "º"/"ª" of double-encoded "ú"/"ê" into "o"/"a": after
#: "Ã\x83Â" (which only double encoding produces) an "o" or "a" was "º" or "ª".
_NFKC_ORDINAL = re.compile("((?:\u00c3|A\u0303)\x83(?:\u00c2|A\u0302))([oa])")
_ORDINAL = {"o": "\u00ba", "a": "\u00aa"}
#: Single-level mojibake whose second byte was lost the same way, inside a word ("RaÃol" for
#: "RaÃºl", "d'Ãatre" for "d'Ãªtre"): an upper-case "Ã" between lower-case letters is not text.
_NFKC_ORDINAL_WORD = re.compile("(?<=[a-z'])(\u00c3|A\u0303)([oa])(?=[a-z])")
#: ... and its "¼", "½", "¾" into "1⁄4", "1⁄2", "3⁄4" ("GÃ1⁄4len" for "GÃ¼len", Gülen).
_NFKC_FRACTION = re.compile("(\u00c3|A\u0303)(1\u20444|1\u20442|3\u20444)")
_FRACTION = {"1\u20444": "\u00bc", "1\u20442": "\u00bd", "3\u20444": "\u00be"}
#: "â€" between two ASCII letters is a three-byte character whose last byte cp1252 cannot hold
#: (0x90: U+2010 HYPHEN, as in "realâ€world", or "realÃ¢€world" encoded twice); no other such
#: character sits inside a word.
_LOST_HYPHEN = re.compile("(?<=[A-Za-z])(?:\u00e2|\u00c3\u00a2)\u20ac(?=[A-Za-z])")
_SPACING = {"\u0301": "\u00b4", "\u0304": "\u00af", "\u0308": "\u00a8", "\u0327": "\u00b8"}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML_TAG = re.compile(r"<[A-Za-z/!]")
#: Examples kept in the report (before, after), each cut to this many characters.
MAX_EXAMPLES = 5
EXAMPLE_CHARS = 80


@functools.lru_cache(maxsize=2)
def _config(unescape_html: bool) -> Any:
    from ftfy import TextFixerConfig

    return TextFixerConfig(
        unescape_html=unescape_html,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        fix_line_breaks=False,
        normalization=None,
        explain=True,
    )


def _step_names(explanation: Any) -> list[str]:
    """ftfy's steps as fix names: an encode/decode pair is one ``mojibake:ENC->ENC`` fix."""
    names: list[str] = []
    pending: str | None = None
    for action, param in explanation or ():
        if action == "encode":
            pending = param
        elif action == "decode":
            names.append(f"mojibake:{pending or '?'}->{param}")
            pending = None
        else:
            names.append(str(param))
    return names


def _fix(token: str, unescape: bool) -> tuple[str, tuple[str, ...]]:
    """ftfy's repair of one token and the names of its steps."""
    import ftfy

    config = _config(unescape_html=unescape)
    result = ftfy.fix_and_explain(token, config)
    steps = _step_names(result.explanation)
    if any(unicodedata.combining(c) for c in token):
        # Decomposed mojibake ("A" + U+0303 for "Ã") is only found once composed; clean
        # decomposed text is left as it is.
        composed = unicodedata.normalize("NFC", token)
        again = ftfy.fix_and_explain(composed, config)
        if again.text != composed:
            result, steps = again, ["compose_nfc", *_step_names(again.explanation)]
    return result.text, tuple(steps)


#: Tokens up to this length are cached: damaged names repeat through an article and a corpus.
_CACHED = 64
_fix_token = functools.lru_cache(maxsize=16384)(_fix)


def repair_text(text: str) -> tuple[str, dict[str, Any] | None]:
    """Repair ``text`` and say what was fixed.

    Returns:
        ``(repaired, report)``; ``report`` is ``None`` when nothing changed, else
        ``{"fixes": {fix name: count}, "examples": [[before, after], ...]}``.
    """
    if not _SUSPECT.search(text):
        return text, None
    import ftfy

    fixes: Counter[str] = Counter()
    examples: list[list[str]] = []
    if _LONE_SURROGATE.search(text):
        # Surrogates (from a JSON "\ud83d\ude00") cannot be written as UTF-8: pairs become the
        # character they encode, a lone one becomes U+FFFD.
        fixes["fix_surrogates"] += len(_LONE_SURROGATE.findall(text))
        text = _LONE_SURROGATE.sub("\ufffd", ftfy.fixes.fix_surrogates(text))
    if _NFKC_DAMAGE.search(text):
        text, n = _NFKC_DAMAGE.subn(lambda m: m[1] + _SPACING[m[2]], text)
        fixes["restore_spacing_diacritics"] += n
    if _NFKC_ORDINAL.search(text):
        text, n = _NFKC_ORDINAL.subn(lambda m: m[1] + _ORDINAL[m[2]], text)
        fixes["restore_ordinal_indicators"] += n
    if _NFKC_ORDINAL_WORD.search(text):
        text, n = _NFKC_ORDINAL_WORD.subn(lambda m: m[1] + _ORDINAL[m[2]], text)
        fixes["restore_ordinal_indicators"] += n
    if _NFKC_FRACTION.search(text):
        text, n = _NFKC_FRACTION.subn(lambda m: m[1] + _FRACTION[m[2]], text)
        fixes["restore_fractions"] += n
    if _LOST_HYPHEN.search(text):
        text, n = _LOST_HYPHEN.subn("\u2010", text)
        fixes["restore_lost_hyphen"] += n
    # Entities in a text with tags are probably meant (the text is about HTML): leave them.
    unescape = not _HTML_TAG.search(text)

    parts: list[str] = []
    done = 0  # text[:done] is in parts
    for m in _SUSPECT.finditer(text):
        if m.start() < done:
            continue  # inside the token just fixed
        # the token around the suspect character (found linearly: never scanning back past done)
        start = max(text.rfind(c, done, m.start()) for c in " \t\r\n") + 1
        start = max(start, done)
        after = _SPACE.search(text, m.end())
        end = after.start() if after else len(text)
        token = text[start:end]
        fixed, steps = (
            _fix_token(token, unescape) if len(token) <= _CACHED else _fix(token, unescape)
        )
        if fixed != token:
            fixes.update(steps or ["ftfy"])
            if len(examples) < MAX_EXAMPLES:
                examples.append([token[:EXAMPLE_CHARS], fixed[:EXAMPLE_CHARS]])
        parts.append(text[done:start])
        parts.append(fixed)
        done = end
    parts.append(text[done:])
    repaired = "".join(parts)
    if not fixes:
        return repaired, None
    return repaired, {"fixes": dict(sorted(fixes.items())), "examples": examples}


def merge_reports(*reports: dict[str, Any] | None) -> dict[str, Any] | None:
    """Merge the reports of several repaired fields (title and text) into one."""
    fixes: Counter[str] = Counter()
    examples: list[list[str]] = []
    for report in reports:
        if report:
            fixes.update(report["fixes"])
            examples.extend(report["examples"])
    if not fixes:
        return None
    return {"fixes": dict(sorted(fixes.items())), "examples": examples[:MAX_EXAMPLES]}


def offset_mapper(original: str, repaired: str) -> Callable[[int], int]:
    """Map character offsets in ``original`` to offsets in its repair ``repaired``.

    For annotations made on the text as written (gold sets): offsets in unchanged words and the
    spaces between them map exactly; an offset inside a repaired word maps into its repair.
    """
    if original == repaired:
        return lambda pos: pos
    import bisect
    from difflib import SequenceMatcher

    words_o = [(m.start(), m.end()) for m in _WORD.finditer(original)]
    words_r = [(m.start(), m.end()) for m in _WORD.finditer(repaired)]
    matcher = SequenceMatcher(
        None,
        [original[a:b] for a, b in words_o],
        [repaired[a:b] for a, b in words_r],
        autojunk=False,
    )
    anchors: list[tuple[int, int]] = [(0, 0)]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for (oa, ob), (ra, rb) in zip(words_o[i1:i2], words_r[j1:j2], strict=True):
                anchors += [(oa, ra), (ob, rb)]
            continue
        o_start = words_o[i1][0] if i1 < i2 else (words_o[i1 - 1][1] if i1 else 0)
        o_end = words_o[i2 - 1][1] if i1 < i2 else o_start
        r_start = words_r[j1][0] if j1 < j2 else (words_r[j1 - 1][1] if j1 else 0)
        r_end = words_r[j2 - 1][1] if j1 < j2 else r_start
        anchors += [(o_start, r_start), (o_end, r_end)]
    anchors.append((len(original), len(repaired)))
    anchors.sort()
    keys = [a for a, _ in anchors]

    def mapped(pos: int) -> int:
        k = max(0, bisect.bisect_right(keys, pos) - 1)
        o, r = anchors[k]
        limit = anchors[k + 1][1] if k + 1 < len(anchors) else len(repaired)
        return min(r + (pos - o), max(r, limit))

    return mapped
