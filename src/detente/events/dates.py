"""Event dates: the article's date, moved by explicit or relative expressions that date the event.

Only expressions attached to the event's own clause count ("attacked the town on Wednesday"),
so a date elsewhere in the sentence does not move the event.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

__all__ = ["resolve_expression"]

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MDY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
_DMY = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", re.I
)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_AGO = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+"
    r"(day|week|month|year)s?\s+ago\b",
    re.I,
)


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_expression(expression: str, published: dt.date, future: bool = False) -> dt.date | None:
    """Resolve a date expression against the publication date.

    Args:
        expression: the words, e.g. "on Wednesday", "yesterday", "last month", "March 3".
        published: the article's date.
        future: the event is in the future ("will meet on Friday" -> the next Friday).

    Returns:
        The date, or None when the expression does not name a day we can resolve.
    """
    text = expression.lower().strip()
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", text):
        return published
    if re.search(r"\b(yesterday|last night)\b", text):
        return published - dt.timedelta(days=1)
    if re.search(r"\btomorrow\b", text):
        return published + dt.timedelta(days=1)
    m = _ISO.search(text)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    for regex, month_group, day_group in ((_MDY, 1, 2), (_DMY, 2, 1)):
        m = regex.search(expression)
        if m:
            month = _MONTHS[m[month_group].lower().rstrip(".")]
            year = int(m[3]) if m[3] else published.year
            found = _safe_date(year, month, int(m[day_group]))
            if found and not m[3]:
                # A date without a year is the nearest one on the right side of publication.
                if not future and found > published + dt.timedelta(days=1):
                    found = _safe_date(year - 1, month, int(m[day_group])) or found
                elif future and found < published:
                    found = _safe_date(year + 1, month, int(m[day_group])) or found
            return found
    m = _AGO.search(text)
    if m:
        n = int(m[1]) if m[1].isdigit() else _NUMBERS[m[1].lower()]
        unit = m[2].lower()
        if unit == "day":
            return published - dt.timedelta(days=n)
        if unit == "week":
            return published - dt.timedelta(weeks=n)
        if unit == "month":
            return _add_months(published, -n)
        return _add_months(published, -12 * n)
    m = re.search(r"\b(last|next|this)?\s*(" + "|".join(_WEEKDAYS) + r")\b", text)
    if m:
        target = _WEEKDAYS[m[2]]
        if future or m[1] == "next":
            delta = (target - published.weekday()) % 7
            return published + dt.timedelta(days=delta or 7 if m[1] == "next" else delta)
        delta = (published.weekday() - target) % 7
        if m[1] == "last" and delta == 0:
            delta = 7
        return published - dt.timedelta(days=delta)
    if re.search(r"\blast week\b", text):
        return published - dt.timedelta(weeks=1)
    if re.search(r"\blast month\b", text):
        return _add_months(published, -1)
    if re.search(r"\blast year\b", text):
        return _add_months(published, -12)
    if re.search(r"\bnext week\b", text):
        return published + dt.timedelta(weeks=1)
    return None
