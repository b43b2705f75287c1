"""School breaks from a school's calendar export (.ics), read with limits.

A school's export holds everything: staff meetings, weekly lessons, exam days. Only
events that take whole days are candidates for a break (an all-day event, or a timed one
that runs over at least two calendar days); recurring events are lessons or meetings,
never a break. Pure: bytes in, candidates out, so it can run off the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

MAX_BYTES = 1_000_000
MAX_EVENTS = 2_000
MAX_BREAKS = 100  # more whole-day events than this is a full calendar, not its holidays
MAX_BREAK_DAYS = 100  # the longest real school break, summer, is about three months
NAME_MAX = 200


@dataclass(frozen=True)
class Candidate:
    start: date
    end: date  # inclusive
    name: str


class Unreadable(Exception):
    """Why a file cannot be imported: `reason` is "size", "format", "events", "breaks" or
    "value";
    `line` (1-based) and `text` point at the culprit."""

    def __init__(self, reason: str, line: int | None = None, text: str = "") -> None:
        super().__init__(reason)
        self.reason, self.line, self.text = reason, line, text


def break_problem(start: date, end: date, today: date) -> str | None:
    """Why a range is no school break to keep: "long" (longer than any real one), "past"
    (over already), or None."""
    if (end - start).days + 1 > MAX_BREAK_DAYS:
        return "long"
    if end < today:
        return "past"
    return None


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _line_of(lines: list[str], name: str, value: str) -> tuple[int | None, str]:
    """The first line of the file that sets property `name` to `value`."""
    for number, line in enumerate(lines, 1):
        if line.upper().startswith(name) and line.rstrip().endswith(value):
            return number, line.strip()[:80]
    return None, f"{name}:{value}"[:80]


def _whole_days(start: object, end: object) -> tuple[date, date] | None:
    """(first, last day) of an event that takes whole days, else None."""
    first = _day(start)
    if first is None:
        return None
    if not isinstance(start, datetime):  # an all-day event; DTEND is exclusive
        last = _day(end)
        return first, (last - timedelta(days=1) if last and last > first else first)
    last = _day(end)
    if last is None or last <= first:
        return None  # a meeting or a lesson within one day
    return first, last


def read_breaks(content: bytes, today: date) -> tuple[list[Candidate], int]:
    """The break candidates of a file, deduplicated and in date order, and how many
    whole-day events were left out as too long or over already. Raises Unreadable."""
    if len(content) > MAX_BYTES:
        raise Unreadable("size")
    from icalendar import Calendar  # noqa: PLC0415 - ~2 MB, only when a file is sent

    text = content.decode("utf-8", errors="replace")
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as failed:
        raise Unreadable("format", text=str(failed)[:80]) from None
    events = list(calendar.walk("VEVENT"))
    if len(events) > MAX_EVENTS:
        raise Unreadable("events", text=str(len(events)))
    lines = text.splitlines()
    found: set[Candidate] = set()
    left_out = 0
    for event in events:
        for name, message in event.errors:
            if name in ("DTSTART", "DTEND"):
                line, shown = _line_of(lines, name, message.rsplit(" ", 1)[-1])
                raise Unreadable("value", line, shown)
        if "RRULE" in event:
            continue
        days = _whole_days(event.decoded("dtstart", None), event.decoded("dtend", None))
        if days is None:
            continue
        if break_problem(*days, today):
            left_out += 1
            continue
        title = " ".join(str(event.get("summary", "")).split())[:NAME_MAX]
        found.add(Candidate(days[0], days[1], title))
    if len(found) > MAX_BREAKS:
        raise Unreadable("breaks", text=str(len(found)))
    return sorted(found, key=lambda c: (c.start, c.end, c.name)), left_out
