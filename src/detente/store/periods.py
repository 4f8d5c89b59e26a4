"""The periods a time series is counted by (day, week, month, quarter, year): one table.

The store groups by them (``date_trunc``), the CLI offers them (``detente relations --by``) and
the dashboard and the API accept them (``period=``); all read :data:`PERIODS`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

__all__ = ["PERIODS", "Period", "next_period", "period_label"]

#: A period length.
Period = Literal["day", "week", "month", "quarter", "year"]

#: Every period length, shortest first.
PERIODS: tuple[Period, ...] = get_args(Period)


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def next_period(d: dt.date, period: Period) -> dt.date:
    """The first day of the period after the one starting on ``d``."""
    if period == "day":
        return d + dt.timedelta(days=1)
    if period == "week":
        return d + dt.timedelta(days=7)
    if period == "month":
        return _add_months(d, 1)
    if period == "quarter":
        return _add_months(d, 3)
    return d.replace(year=d.year + 1, month=1, day=1)


def period_label(d: dt.date, period: Period) -> str:
    """A short label of the period starting on ``d`` (``2024-03``, ``2024-Q1``, ``2024``)."""
    if period == "month":
        return d.strftime("%Y-%m")
    if period == "quarter":
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    if period == "year":
        return str(d.year)
    return d.isoformat()
