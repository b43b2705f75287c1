"""Reminder planning as pure functions: deadlines × the recipient's calendar → moments.

A reminder goes out at the team's delivery time (default 09:00) in the recipient's own
time zone, on a day the recipient works; a non-working day moves it to the previous
working day, never past the deadline and never into the past. Notes that come after a
moment (overdue, the coordinator's, check-ins, a snooze) wait for the recipient's next
working day at that time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_OFFSETS = (7, 2, 0)  # days before the deadline
DEFAULT_TIME = time(9, 0)
SEARCH_BACK = 14  # days to look back for a working day
SEARCH_AHEAD = 400  # days to look ahead: longer than any break or pause (/away: a year)


@dataclass(frozen=True)
class Planned:
    kind: str  # "due" when it goes out on the deadline's own day, else "before"
    days_before: int
    at: datetime  # aware, UTC


def reminder_moments(
    due_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    working: Callable[[date], bool],
    *,
    offsets: tuple[int, ...] = DEFAULT_OFFSETS,
    local_time: time = DEFAULT_TIME,
) -> list[Planned]:
    """When to remind someone in `tz` of a deadline at `due_at`, one per offset at most."""
    planned: dict[datetime, Planned] = {}
    due_day = due_at.astimezone(tz).date()
    for days in sorted(offsets, reverse=True):
        day = _working_on_or_before(due_day - timedelta(days=days), working)
        if day is None:
            continue
        moment = datetime.combine(day, local_time, tzinfo=tz)
        if moment > due_at:  # due before 09:00 that day: remind on the working day before
            day = _working_on_or_before(day - timedelta(days=1), working)
            if day is None:
                continue
            moment = datetime.combine(day, local_time, tzinfo=tz)
        if moment <= now:
            continue
        utc = moment.astimezone(UTC)
        kind = "due" if day == due_day else "before"  # a moved "day itself" is a day early
        planned.setdefault(utc, Planned(kind, days, utc))
    return sorted(planned.values(), key=lambda p: p.at)


def _working_on_or_before(day: date, working: Callable[[date], bool]) -> date | None:
    for back in range(SEARCH_BACK):
        candidate = day - timedelta(days=back)
        if working(candidate):
            return candidate
    return None


def next_working_moment(
    after: datetime,
    tz: ZoneInfo,
    working: Callable[[date], bool],
    *,
    local_time: time = DEFAULT_TIME,
) -> datetime | None:
    """The first `local_time` in `tz`, on a day the recipient works, strictly after
    `after`, in UTC; None when they do not work for over a year."""
    first = after.astimezone(tz).date()
    for ahead in range(SEARCH_AHEAD):
        day = first + timedelta(days=ahead)
        moment = datetime.combine(day, local_time, tzinfo=tz).astimezone(UTC)
        if moment > after and working(day):
            return moment
    return None
