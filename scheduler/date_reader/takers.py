"""The takers: each finds one kind of part in a folded phrase (a time, a numeric date,
"in two weeks", a weekday, a holiday, the end of a month...), notes it in `Found` and
cuts it out. A later taker sees only what the earlier ones left."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time, timedelta

from scheduler.date_reader import holidays, words
from scheduler.date_reader.found import (
    Found,
    add_months,
    make_date,
    make_time,
    next_day_of_month,
    next_occurrence,
)
from scheduler.date_reader.periods import Period

END_OF_DAY = time(23, 59)

# A taker is a pattern and what to note for a match; it returns False to leave the match.
Handler = Callable[[re.Match[str], Found], bool]


def _end_of_day(_match: re.Match[str], found: Found) -> bool:
    found.add_clock(END_OF_DAY)
    return True


def _clock(match: re.Match[str], found: Found) -> bool:
    """18:00, plkst. 18.00, 18 val., at 6 pm; a bare 18.00 waits for `_dotted`."""
    if match["sep"] != ":" and not (match["mark"] or match["half"] or match["suffix"]):
        return False
    found.add_clock(make_time(int(match["h"]), int(match["min"] or 0), match["half"]))
    return True


def _part_of_day(match: re.Match[str], found: Found) -> bool:
    _, clock = words.PARTS_OF_DAY[words.index(words.PART_ROWS, match[0])]
    found.add_clock(clock)
    return True


def _holiday(match: re.Match[str], found: Found) -> bool:
    _, first_day = holidays.HOLIDAYS[words.index(holidays.ROWS, match[0])]
    found.add_day(holidays.last_day_before(first_day, found.today))
    return True


def _day_first_or_only(first: int, second: int) -> tuple[int, int]:
    """(day, month) of two numbers: day first, unless only month first can be a date
    (US "12/15")."""
    return (second, first) if second > 12 >= first else (first, second)


def _iso_date(match: re.Match[str], found: Found) -> bool:
    """2026-12-15, 2026.12.15, 2026/12/15: year first is always year, month, day."""
    found.add_day(make_date(int(match["y"]), int(match["m"]), int(match["d"])))
    return True


def _full_date(match: re.Match[str], found: Found) -> bool:
    """15.12.2026, 15/12/26 (12/15/2026 in US order)."""
    year = int(match["y"])
    day, month = _day_first_or_only(int(match["d"]), int(match["m"]))
    found.add_day(make_date(year + 2000 if year < 100 else year, month, day))
    return True


def _day_month(match: re.Match[str], found: Found) -> bool:
    """15.12. and 15/12 (12/15 in US order); "18.00." is a time, left for `_dotted`."""
    if match["m"]:
        day, month = int(match["d"]), int(match["m"])
        if not 1 <= month <= 12:
            return False
    else:
        day, month = _day_first_or_only(int(match["d"]), int(match["m2"]))
    found.add_day(next_occurrence(found.after, month, day))
    return True


def _month_day_dashed(match: re.Match[str], found: Found) -> bool:
    """ "12-15", "01-10": month first, as Lithuanian and ISO dates write it; "15-12" has
    only one reading."""
    first, second = int(match["a"]), int(match["b"])
    month, day = (second, first) if first > 12 >= second else (first, second)
    found.add_day(next_occurrence(found.after, month, day))
    return True


def _relative(match: re.Match[str], found: Found) -> bool:
    count = match["n"] or match["n2"] or "1"
    n = int(count) if count.isdigit() else words.NUMBER_OF[count]
    _, days, months = words.UNITS[words.index(words.UNIT_ROWS, match["unit"] or match["unit2"])]
    found.add_day(add_months(found.today, n * months) + timedelta(days=n * days))
    return True


def _day_word(match: re.Match[str], found: Found) -> bool:
    _, offset = words.DAY_WORDS[words.index(words.DAY_WORD_ROWS, match[0])]
    found.add_day(found.today + timedelta(days=offset))
    return True


def _period_end(match: re.Match[str], found: Found) -> bool:
    """The end of this or next week or month, or of a named month."""
    offset = 1 if match["next"] else 0
    if match["mon"]:
        found.add_period(Period("month", month=words.index(words.MONTHS, match["mon"]) + 1))
    elif re.fullmatch(words.WEEK, match["unit"]):
        found.add_period(Period("week", offset))
    else:
        found.add_period(Period("month", offset))
    found.first = False  # "the end of" is the end, even when something starts then
    return True


def _week(match: re.Match[str], found: Found) -> bool:
    """ "next week", "šonedēļ"; "by next week" is left: before it starts, or by its end?"""
    if match["by"] and not match["then"]:
        return False
    week = 1 if match["next"] or match["glued"] else 0
    found.bad |= found.week not in (None, week)
    found.week = week
    return True


def _weekday(match: re.Match[str], found: Found) -> bool:
    found.add_weekday(
        words.index(words.WEEKDAYS, match["day"]),
        strictly_after=bool(match["next"]),
        this=bool(match["this"]),
    )
    return True


def _month_day(match: re.Match[str], found: Found) -> bool:
    month = words.index(words.MONTHS, match["mon"]) + 1
    day = int(match["d"])
    year = match["y1"] or match["y2"]
    if year is None:
        found.add_day(next_occurrence(found.after, month, day))
    else:
        found.add_day(make_date(int(year), month, day))
    return True


def _day_of_month(match: re.Match[str], found: Found) -> bool:
    """ "the 15th", "15. datumam", "15-ajam", "iki 15 d.": the next such day of a month."""
    found.add_day(next_day_of_month(found.after, int(match["d"])))
    return True


def _dotted(match: re.Match[str], found: Found) -> bool:
    """A bare 15.12 is a date if the phrase has none yet and it can be one, else a time."""
    first, second = int(match["a"]), int(match["b"])
    if not found.has_date() and 1 <= second <= 12 and 1 <= first <= 31:
        found.add_day(next_occurrence(found.after, second, first))
    else:
        found.add_clock(make_time(first, second) if len(match["b"]) == 2 else None)
    return True


_NUMBER = "|".join(sorted(words.NUMBER_OF, key=len, reverse=True))
_UNIT = "|".join(words.UNIT_ROWS)
_DAY_OF_MONTH = r"(?P<d>\d{1,2})(?!\d)(?:st|nd|rd|th|\.|-[a-z]+)?(?:\s*(?:d\b\.?|dien\w*))?"
_MONTH_NAMES = "|".join(words.MONTHS)
_MONTH = rf"\b(?P<mon>{_MONTH_NAMES})\b\.?"
_NEXT_OR_THIS = rf"(?:(?P<next>{words.NEXT})|(?:{words.THIS}))"
# "end of next week", "the end of the month", "end of December", "December end"
_END_EN = (
    rf"\b(?:the\s+)?end\s+of\s+(?:the\s+)?(?:{_NEXT_OR_THIS}\s+)?"
    rf"(?:(?P<unit>{words.WEEK}|{words.MONTH})|(?:month\s+of\s+)?(?P<mon>{_MONTH_NAMES}))\b"
)
# "nākamās nedēļas beigās", "mēneša beigām", "decembra beigās", "kitos savaitės
# pabaigoje", "iki mėnesio pabaigos", "gruodžio pabaigoje"
_END_LV_LT = (
    rf"\b(?:{_NEXT_OR_THIS}\s+)?(?:(?P<unit>{words.WEEK}|{words.MONTH})|(?P<mon>{_MONTH_NAMES}))"
    r"\s+(?:beig\w*|pabaig\w*)"
)


def _year(group: str) -> str:
    """An optional year before or after a day and month: "2026. gada", "2026 m.", ", 2026"."""
    return rf"(?P<{group}>\d{{4}})\.?(?:\s*(?:gada|g\.|m\.|metu))?"


TAKERS: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (
        re.compile(
            r"\b24[:.]00\b|\bmidnight\b|\bpusnakt\w*|\bvidurnak\w*"
            r"|\bend of (?:the )?day\b|\beod\b|\bdienas beig\w*|\bdienos pabaig\w*"
        ),
        _end_of_day,
    ),
    (
        re.compile(
            r"(?P<mark>\b(?:plkst|pulksten|at)\b\.?\s*|@\s*)?"
            r"\b(?P<h>\d{1,2})(?:(?P<sep>[:.])(?P<min>\d{2}))?(?!\d)"
            r"(?:\s*(?P<half>[ap])\.?m\b\.?)?"
            r"(?P<suffix>\s*(?:val\w*|h)\b\.?)?"
        ),
        _clock,
    ),
    (re.compile(rf"\b(?:{'|'.join(holidays.ROWS)})(?!\w)"), _holiday),
    (re.compile(rf"\b(?:{'|'.join(words.PART_ROWS)})\b"), _part_of_day),
    (
        re.compile(r"\b(?P<y>\d{4})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})\b\.?"),
        _iso_date,
    ),
    (
        re.compile(r"\b(?P<d>\d{1,2})(?P<sep>[./])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})\b\.?"),
        _full_date,
    ),
    (re.compile(r"\b(?P<d>\d{1,2})(?:\.(?P<m>\d{1,2})\.(?!\d)|/(?P<m2>\d{1,2})\b)"), _day_month),
    (re.compile(r"\b(?P<a>\d{1,2})-(?P<b>\d{1,2})\b(?!-)"), _month_day_dashed),
    (
        re.compile(
            rf"\b(?:in|within|after|pec|po|uz|per)\s+(?:(?P<n>\d+|{_NUMBER})\s+)?(?P<unit>{_UNIT})\b"
            rf"|\b(?:(?P<n2>\d+|{_NUMBER})\s+)?(?P<unit2>{_UNIT})\s+from (?:now|today)\b"
        ),
        _relative,
    ),
    (re.compile(rf"\b(?:{'|'.join(words.DAY_WORD_ROWS)})\b"), _day_word),
    (re.compile(_END_EN), _period_end),
    (re.compile(_END_LV_LT), _period_end),
    (
        re.compile(
            r"(?P<by>\b(?:by|until|till|before|lidz|iki)\s+)?"
            rf"\b(?:(?P<next>{words.NEXT})\s+|(?:{words.THIS})\s+|(?P<glued>nakam)|so)"
            rf"(?:{words.WEEK})\b(?=(?P<then>\s+(?:{'|'.join(words.WEEKDAYS)})\b)?)"
        ),
        _week,
    ),
    (
        re.compile(
            rf"(?:\b(?:(?P<next>{words.NEXT})|(?P<this>{words.THIS}))\s+)?"
            rf"\b(?P<day>{'|'.join(words.WEEKDAYS)})\b\.?"
        ),
        _weekday,
    ),
    (
        re.compile(
            rf"(?:{_year('y1')}\s*)?\b{_DAY_OF_MONTH}\s*(?:of\s+)?{_MONTH}"
            rf"(?:,?\s*{_year('y2')})?"
        ),
        _month_day,
    ),
    (
        re.compile(rf"(?:{_year('y1')}\s*)?{_MONTH}\s*\b{_DAY_OF_MONTH}(?:,?\s*{_year('y2')})?"),
        _month_day,
    ),
    (
        re.compile(
            r"(?<![.:/\d-])\b(?P<d>\d{1,2})(?:(?:st|nd|rd|th)\b|-[a-z]{1,7}\b|\.(?!\d)(?:\s*datum\w*)?"
            r"|\s*d\b\.?|\s+datum\w*|\s+dienos\b)"
        ),
        _day_of_month,
    ),
    (re.compile(r"\b(?P<a>\d{1,2})\.(?P<b>\d{1,2})\b"), _dotted),
)


def _take(text: str, pattern: re.Pattern[str], handle: Handler, found: Found) -> str:
    return pattern.sub(lambda match: " " if handle(match, found) else match[0], text)


def take(text: str, found: Found) -> str:
    """Every taker in turn; what is left over."""
    for pattern, handle in TAKERS:
        text = _take(text, pattern, handle, found)
    return text
