"""What the takers found in a phrase so far, and the one day it names."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from scheduler.date_reader.periods import Period, Works, weekdays_only, working_day


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def make_time(hour: int, minute: int, half: str | None = None) -> time | None:
    """A time of day; `half` is "a" or "p" for "6 am" and "6 pm"."""
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def next_occurrence(after: date, month: int, day: int) -> date | None:
    """The first day-month from `after` on; None if it exists in neither this nor next year."""
    for year in (after.year, after.year + 1):
        candidate = make_date(year, month, day)
        if candidate is not None and candidate >= after:
            return candidate
    return None


def next_day_of_month(after: date, day: int) -> date | None:
    """ "by the 15th": the first such day from `after` on, skipping months too short."""
    if not 1 <= day <= 31:
        return None
    year, month = after.year, after.month
    for _ in range(3):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= after:
            return date(year, month, day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Found:
    """The parts a phrase names so far; `bad` once one cannot be real or two disagree.

    `after` is where a date without a year starts counting (today, or for the first day
    of a range a year before its last); `clock_now` is the time it is now, so that a
    weekday named on that same weekday with a time still to come is today.
    """

    today: date
    clock_now: time
    after: date
    works: Works = weekdays_only
    first: bool = False  # a period means its first working day (a start), not its last
    days: set[date] = field(default_factory=set)
    weekday: int | None = None
    strictly_after: bool = False
    this: bool = False
    week: int | None = None
    period: Period | None = None
    clock: time | None = None
    bad: bool = False

    def add_day(self, day: date | None) -> None:
        if day is None:
            self.bad = True
        else:
            self.days.add(day)

    def add_clock(self, clock: time | None) -> None:
        if clock is None or self.clock not in (None, clock):
            self.bad = True
        else:
            self.clock = clock

    def add_weekday(self, weekday: int, strictly_after: bool, this: bool) -> None:
        self.bad |= self.weekday not in (None, weekday)
        self.weekday = weekday
        self.strictly_after |= strictly_after
        self.this |= this

    def add_period(self, period: Period) -> None:
        self.bad |= self.period not in (None, period)
        self.period = period

    def has_date(self) -> bool:
        return bool(self.days) or self.weekday is not None or self.week is not None

    def names_period(self) -> bool:
        """A week or month without a day: the team's "by Friday" convention applies."""
        return self.period is not None or (self.week is not None and self.weekday is None)

    def day(self) -> date | None:
        if self.bad or len(self.days) > 1:
            return None
        if self.period is not None:
            if self.days or self.weekday is not None or self.week is not None:
                return None
            return working_day(self.period, self.today, self.works, first=self.first)
        if self.days:
            (day,) = self.days
            return day if self.weekday in (None, day.weekday()) else None
        if self.weekday is None:
            if self.week is not None:
                week = Period("week", self.week)
                return working_day(week, self.today, self.works, first=self.first)
            return self.today if self.clock is not None else None
        if self.week is not None:
            monday = self.today + timedelta(days=7 * self.week - self.today.weekday())
            return monday + timedelta(days=self.weekday)
        return self._weekday()

    def _weekday(self) -> date:
        """The coming such weekday. Named on that same weekday it is a week on, unless
        "this" or a time still to come today says today."""
        assert self.weekday is not None
        ahead = (self.weekday - self.today.weekday()) % 7
        if ahead == 0 and (self.strictly_after or not self._today_meant()):
            ahead = 7
        return self.today + timedelta(days=ahead)

    def _today_meant(self) -> bool:
        return self.this or (self.clock is not None and self.clock > self.clock_now)
