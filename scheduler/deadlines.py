"""Deadlines as teachers type them: "rīt līdz 24.00", "iki gruodžio 15 d.", "end of next
week". The reading itself is `scheduler.date_reader` (its docstring has the rules); this
module keeps the deadline's own rules: whose end of day, and plans written in words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scheduler.date_reader import (
    END_OF_DAY,
    Reading,
    Works,
    is_by_weekday,
    read_moment,
    weekdays_only,
)

__all__ = ["END_OF_DAY", "is_by_weekday", "parse_deadline", "read_deadline", "stored_moment"]


def parse_deadline(
    text: str, now: datetime, tz: ZoneInfo, lang: str | None = None, works: Works = weekdays_only
) -> datetime | None:
    """The moment `text` names, aware in `tz`, or None."""
    return read_moment(text, now, tz, lang, works).moment


def read_deadline(
    text: str,
    now: datetime,
    writer: ZoneInfo,
    owner: ZoneInfo,
    lang: str | None = None,
    *,
    works: Works = weekdays_only,
) -> Reading:
    """`read_moment` for a deadline someone else may own: a time of day is the writer's
    (they said it), but a date alone ends at 23:59 where the owner works, so "31.12."
    written in Riga is not 1 January 00:59 for a teacher in Istanbul."""
    reading = read_moment(text, now, writer, lang, works)
    moment = reading.moment
    if moment is None or moment.time() != END_OF_DAY:
        return reading
    owned = datetime.combine(moment.date(), END_OF_DAY, tzinfo=owner)
    return Reading(owned if owned >= now else None, by_day=reading.by_day)


def stored_moment(
    value: str, now: datetime, tz: ZoneInfo, lang: str | None = None
) -> datetime | None:
    """A date kept in the plan: an ISO moment (read and confirmed when it was written),
    or, in plans written before dates were checked, the teacher's own words."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return parse_deadline(value, now, tz, lang)
    return moment if moment.tzinfo is not None else None
