"""Recurring series (the team meeting, the weekly digest) anchored in their owner's local
time: a meeting at 16:00 in Riga stays at 16:00 in Riga through both clock changes.

Pure functions: dates are counted in the owner's calendar, never as multiples of 168 UTC
hours, which drift by an hour at each change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`at` on `day` in `zone`, as UTC (a time skipped by a clock change moves forward)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_occurrence(
    first: date, at: time, zone: ZoneInfo, every_weeks: int, after: datetime
) -> datetime:
    """The first moment of the series (every `every_weeks` weeks from `first` at `at` in
    `zone`) strictly after `after`, in UTC."""
    period = 7 * every_weeks
    day = after.astimezone(zone).date()
    if day < first:
        day = first
    else:
        day += timedelta(days=(-(day - first).days) % period)
    moment = local_moment(day, at, zone)
    while moment <= after:
        day += timedelta(days=period)
        moment = local_moment(day, at, zone)
    return moment


def next_weekly(weekday: int, at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The next `weekday` (0 = Monday) at `at` in `zone` strictly after `after`, in UTC."""
    today = after.astimezone(zone).date()
    return next_occurrence(
        today + timedelta(days=(weekday - today.weekday()) % 7), at, zone, 1, after
    )
