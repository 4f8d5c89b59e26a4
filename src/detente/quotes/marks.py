"""Find direct quotations by their marks, in straight or curly quotes, tolerating bad typing.

The scanner works on plain characters (no parse needed) and returns *chains*: a quotation that
continues over paragraphs (the opening mark repeated at each paragraph, closed only at the end)
is one chain of several segments. A quote whose closing mark is missing is closed at the end of
its paragraph; a stray closing mark is ignored; nested quotes stay inside their outer quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Chain", "Segment", "find_chains", "normalise_marks"]

#: Opening marks -> the closing marks that may end them (mismatches are tolerated).
OPENERS = {"“": '”"', '"': '"”', "«": "»", "„": '“”"'}
CLOSERS = frozenset('”"»')
_SENTENCE_END = frozenset(".?!…:")
_OPEN_BEFORE = frozenset(" \t\n([{—–-/")


@dataclass(slots=True)
class Segment:
    """One stretch of quoted text in one paragraph.

    ``start``/``end`` include the marks; ``inner_start``/``inner_end`` exclude them.
    ``closed`` is False when the closing mark was missing (recovered at the paragraph end).
    """

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool = True


@dataclass(slots=True)
class Chain:
    """A direct quotation: one or more segments (paragraph continuations, interruptions)."""

    segments: list[Segment] = field(default_factory=list)
    gap_cue: int | None = None  # token index of an interrupting attribution's verb

    @property
    def start(self) -> int:
        return self.segments[0].start

    @property
    def end(self) -> int:
        return self.segments[-1].end

    @property
    def inner_start(self) -> int:
        return self.segments[0].inner_start

    @property
    def inner_end(self) -> int:
        return self.segments[-1].inner_end


_TWO_MARKS = re.compile(r"''|``")


def normalise_marks(text: str) -> str:
    r"""Rewrite typewriter double quotes (``\`\`word''``) as one mark and a space (same length)."""

    def repl(m: re.Match[str]) -> str:
        if m.group() == "``":
            return " “"
        i = m.start()
        before = text[i - 1] if i > 0 else " "
        after = text[i + 2] if i + 2 < len(text) else " "
        if (before.isspace() or before in "([{—–") and not after.isspace():
            return ' "'
        return '" '

    return _TWO_MARKS.sub(repl, text) if "''" in text or "``" in text else text


def _same_style(mark: str, opener: str) -> bool:
    """A continuation paragraph repeats the opening mark of its quote (curly vs straight)."""
    return (mark == '"') == (opener == '"')


def _is_opening(text: str, i: int) -> bool:
    """Whether a straight ``"`` at ``i`` opens (by its neighbours) rather than closes."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before in _OPEN_BEFORE:
        return not after.isspace()
    return False


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def find_chains(text: str) -> list[Chain]:
    """Return the top-level direct quotations of ``text`` as chains of segments, in order.

    Args:
        text: the article text (the string the parse was built over).

    Returns:
        Chains sorted by start; segments of a chain never overlap and are in order.
    """
    text = normalise_marks(text)
    chains: list[Chain] = []
    stack: list[str] = []  # open marks, outermost first
    opener = "“"
    seg_start = inner_start = -1
    current: Chain | None = None
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\n":
            if stack:
                # A newline inside an open quote: a continuation paragraph, a missing closing
                # mark, or a hard line wrap inside a sentence.
                j = i
                while j < n and text[j].isspace():
                    j += 1
                inner_end = _trim_end(text, inner_start, i)
                blank_line = text.count("\n", i, j) > 1
                ends_sentence = inner_end > inner_start and (
                    text[inner_end - 1] in _SENTENCE_END or text[inner_end - 1] in CLOSERS
                )
                if (
                    j < n
                    and text[j] in OPENERS
                    and (blank_line or ends_sentence)
                    and _same_style(text[j], opener)
                ):
                    assert current is not None
                    current.segments.append(
                        Segment(seg_start, inner_end, inner_start, inner_end, closed=False)
                    )
                    stack = [text[j]]
                    seg_start, inner_start = j, j + 1
                    opener = text[j]
                    i = j + 1
                    continue
                if blank_line or ends_sentence or j >= n:
                    assert current is not None
                    current.segments.append(
                        Segment(seg_start, inner_end, inner_start, inner_end, closed=False)
                    )
                    chains.append(current)
                    current, stack = None, []
            i += 1
            continue
        if (
            c in OPENERS
            and (c != '"' or not stack or stack[-1] != '"')
            and (c != '"' or _is_opening(text, i) or not stack)
        ):
            if c == '"' and not stack and not _is_opening(text, i):
                # A straight mark that looks like a closing one with nothing open: a stray mark
                # (e.g. inches); ignore it unless text follows directly.
                nxt = text[i + 1] if i + 1 < n else " "
                if nxt.isspace() or nxt in ".,;:":
                    i += 1
                    continue
            if not stack:
                current = Chain()
                seg_start, inner_start = i, i + 1
                opener = c
            stack.append(c)
            i += 1
            continue
        if c in CLOSERS and stack:
            stack.pop()
            if not stack:
                assert current is not None
                current.segments.append(Segment(seg_start, i + 1, inner_start, i))
                chains.append(current)
                current = None
            i += 1
            continue
        if c == "”" and not stack and _is_opening(text, i) and text[i + 1 : i + 2].isalpha():
            # a closing mark typed as the opening one (”Fear. I am afraid...”)
            current = Chain()
            seg_start, inner_start, opener = i, i + 1, "“"
            stack.append("“")
        i += 1
    if stack and current is not None:
        inner_end = _trim_end(text, inner_start, n)
        current.segments.append(Segment(seg_start, inner_end, inner_start, inner_end, False))
        chains.append(current)
    return [ch for ch in chains if any(s.inner_end > s.inner_start for s in ch.segments)]
