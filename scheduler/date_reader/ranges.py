"""Two days and what follows them: "no 22.12.2026 līdz 03.01.2027 Ziemassvētku
brīvlaiks", "nuo 2026-12-22 iki 2027-01-03", "22/12/2026-03/01/2027", "22.12.–3.01.",
"from 22 December to 3 January Winter break", and for /away an end alone ("iki 01-10
daug darbo", "busy until 10.01.").

Each side is read by the same takers as a moment, strictly: every word must be placed
(no dateparser, no clock), so the words after the last day are the name. A side
without a year is its next occurrence; the first day without a year is the last such
day on or before the second ("22.12.–3.01." said in November is 22 December to 3
January).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.i18n import fold
from scheduler.date_reader.found import Found
from scheduler.date_reader.moment import leftover

# A hyphen between two dates is a dash: "22/12/2026-03/01/2027", "22.12.-3.01.",
# "2026-12-22-2027-01-03"; a hyphen inside "2026-12-22" or "01-10" is not.
_DASH = re.compile(r"\s*[–—]\s*|(?<=[./]\d{4})-|(?<=\d\.)-(?=\d)|(?<=\d{4}-\d{2}-\d{2})-|\s+-\s+")
_SEPARATORS = frozenset(("–", "lidz", "iki", "to", "until", "till", "through", "thru"))
_WORD_SEPARATORS = _SEPARATORS - {"–"}
_FROM = frozenset(("no", "nuo", "from", "between"))


@dataclass(frozen=True)
class Span:
    """The days of a range (`start` None when only the end was said) and the words
    around them: a break's name, or the note after "/away"."""

    start: date | None
    end: date
    rest: str


def _day(tokens: list[str], today: date, after: date) -> date | None:
    """The one day the words name, every word placed; None otherwise."""
    if not tokens:
        return None
    found = Found(today, datetime.min.time(), after)
    if leftover(" ".join(tokens), found) or found.clock is not None:
        return None
    return found.day()


def _end(tokens: list[str], today: date) -> tuple[date, list[str]] | None:
    """The longest run of first words that names one day, and the words after it."""
    for n in range(len(tokens), 0, -1):
        day = _day(tokens[:n], today, today)
        if day is not None:
            return day, tokens[n:]
    return None


def read_range(text: str, today: date, *, start_needed: bool = True) -> Span | None:
    """The first and last day `text` names (see the module's rules), or None.

    Without `start_needed`, an end alone is enough: words before "until"/"līdz"/"iki"
    are then part of the note ("busy until 10.01.")."""
    tokens = _DASH.sub(" – ", text).split()
    for i, token in enumerate(tokens):
        if fold(token) not in _SEPARATORS:
            continue
        end = _end(tokens[i + 1 :], today)
        if end is None:
            continue
        last, after = end
        before = tokens[:i]
        if before and fold(before[0]) in _FROM:
            before = before[1:]
        first = _day(before, today, last - timedelta(days=365))
        if first is not None and first <= last:
            return Span(first, last, " ".join(after))
        if not start_needed and fold(token) in _WORD_SEPARATORS:
            return Span(None, last, " ".join(before + after))
    return None
