"""Named holidays a deadline can be set against: "līdz Ziemassvētkiem", "iki Kalėdų",
"before Christmas", Easter, Jāņi/Joninės, New Year, St Valentine's.

One rule for all of them, with or without "by", "līdz", "iki", "before": the deadline is
the end of the last day before the holiday begins. A holiday begins on its first day as
teachers in Latvia and Lithuania keep it: Christmas on Christmas Eve (24 December),
Easter on Good Friday (the Easter weekend), Jāņi on Līgo Day (23 June), Joninės and
Midsummer on 24 June, New Year on 1 January, New Year's Eve on 31 December.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from dateutil.easter import easter


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


def _good_friday(year: int) -> date:
    return easter(year) - timedelta(days=2)


# (regex of folded words, the holiday's first day in a given year). Longer names first:
# "Christmas Eve" before "Christmas", "New Year's Eve" before "New Year".
HOLIDAYS: tuple[tuple[str, Callable[[int], date]], ...] = (
    (
        r"christmas eve|xmas eve|ziemassvetku vakar\w*|ziemassvetku vakars|kuci\w*",
        _fixed(12, 24),
    ),
    (r"christmas|xmas|ziemassvetk\w*|kaled\w*", _fixed(12, 24)),
    (
        r"new year['’]?s eve|nye|vecgad\w*(?: vakar\w*)?|naujuju metu isvakar\w*"
        r"|silvestr\w*",
        _fixed(12, 31),
    ),
    (
        r"(?:the )?new year['’]?s?(?: day)?|jaun\w* gad\w*|nauj(?:uj|uos)\w*(?: met\w*)?",
        _fixed(1, 1),
    ),
    (r"easter|lieldien\w*|velyk\w*", _good_friday),
    (r"jan(?:i|iem|u|os)|ligo\w*|ligo dien\w*", _fixed(6, 23)),
    (r"midsummer\w*|jonin\w*|rasos?", _fixed(6, 24)),
    (
        r"(?:st\.? )?valentine['’]?s?(?: day)?|valentin\w*(?: dien\w*)?"
        r"|(?:sv\. )?valentino dien\w*",
        _fixed(2, 14),
    ),
)
ROWS = tuple(row for row, _ in HOLIDAYS)


def last_day_before(first_day: Callable[[int], date], today: date) -> date:
    """The day before the holiday's next start that is still to come (today included)."""
    day = first_day(today.year) - timedelta(days=1)
    return day if day >= today else first_day(today.year + 1) - timedelta(days=1)
