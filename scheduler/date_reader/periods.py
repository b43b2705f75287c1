"""A week or a month named without a day: "end of next week", "mēneša beigās", "iki
mėnesio pabaigos", "next week".

Such a period means its last working day for the deadline's owner (their weekends,
public holidays, school breaks and pauses: the caller's `works` predicate), or its
first working day when the phrase says when something starts. A period in which the
owner never works falls back to its last (or first) Monday-to-Friday day, so the echo
can warn about the day off instead of the reader refusing.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

Works = Callable[[date], bool]


def weekdays_only(day: date) -> bool:
    """The working days when the caller knows no calendar: Monday to Friday."""
    return day.weekday() < 5


@dataclass(frozen=True)
class Period:
    """Weeks (Monday to Sunday) or months counted from today's, or a named month."""

    unit: str  # "week" or "month"
    offset: int = 0  # 0 this one, 1 the next
    month: int | None = None  # a named month: its next occurrence

    def days(self, today: date) -> tuple[date, date]:
        """The first and last day of the period."""
        if self.unit == "week":
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=self.offset)
            return monday, monday + timedelta(days=6)
        if self.month is not None:
            year = today.year + (self.month < today.month)
            month = self.month
        else:
            index = today.month - 1 + self.offset
            year, month = today.year + index // 12, index % 12 + 1
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def working_day(period: Period, today: date, works: Works, *, first: bool = False) -> date:
    """The period's last (or first) working day."""
    start, end = period.days(today)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    ordered = days if first else days[::-1]
    return next(
        (day for day in ordered if works(day)),
        next(day for day in ordered if weekdays_only(day)),
    )
