"""Deadlines as teachers type them: "rīt līdz 24.00", "iki gruodžio 15 d.", "next Friday 18:00".

`parse_deadline` reads a phrase in Latvian, Lithuanian or English and returns the moment
it names in the teacher's time zone, or None when it names no single moment. dateparser
knows few inflected Latvian and Lithuanian forms ("piektdienai", "dviejų savaičių") and
reads "15.12." as a quarter past three, so the phrase is folded ("Rīt" = "rit") and read
by small takers first: each finds one kind of part (a time, a numeric date, "in two
weeks", a weekday, a day and month name), notes it and cuts it out. Only words that no
taker knows send the phrase to dateparser.

The rules:

* No time of day means the end of that day, 23:59 local; so do "24.00", "midnight" and
  "end of day" ("rīt līdz 24.00" is tomorrow 23:59, not the next morning).
* "līdz", "iki", "by", "until", "before", "no later than" are ignored: the deadline is the
  moment they introduce.
* A weekday ("Friday", "līdz piektdienai", "this Friday") is the first such day from today
  on, today included. "next Friday" ("nākamajā piektdienā", "kitą penktadienį") is the first
  strictly after today: on a Wednesday two days on, on a Friday a week on. "Friday next
  week" is the Friday of the next Monday-to-Sunday week; "next week" alone is vague.
* "DD.MM." with the final dot and a month 1-12 is always a date. "DD.MM" without it is a
  date when the phrase has no other date and it can be one ("līdz 15.12"), else a time
  ("18.00", "rīt 10.10"). A date without a year is its next occurrence: this year from
  today on, else next year ("15.01." said on 20 December is next January).
* "in two weeks", "pēc divām nedēļām", "po dviejų savaičių": today plus that many days,
  weeks or months (a month after 31 January is the last day of February).
* A time alone ("18:00") is today.
* None for vague phrases ("soon", "drīz", "decembra beigās", "next week"), for a moment
  before `now`, for a date that does not exist ("31. februārī", "2026-13-01") and for
  phrases neither the takers nor dateparser understand.

Teachers mix languages, so the word tables know all three whatever `lang` says; `lang`
is only the language dateparser tries first.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from bot.i18n import LANGUAGES, fold

END_OF_DAY = time(23, 59)

# Each row is one meaning; each entry is a regex for one folded word: English words, then
# Latvian and Lithuanian stems followed by any ending.
_WEEKDAYS = (
    r"mon|monday|pirmdien\w*|pirmadien\w*",
    r"tue|tues|tuesday|otrdien\w*|antradien\w*",
    r"wed|wednesday|tresdien\w*|treciadien\w*",
    r"thu|thur|thurs|thursday|ceturtdien\w*|ketvirtadien\w*",
    r"fri|friday|piektdien\w*|penktadien\w*",
    r"sat|saturday|sestdien\w*|sestadien\w*",
    r"sun|sunday|svetdien\w*|sekmadien\w*",
)
_MONTHS = (
    r"jan|january|janvar\w*|sausi\w*",
    r"feb|februar\w*|vasari\w*",
    r"mar|march|mart\w*|kov(?:as|o|a|ui)",
    r"apr|april\w*|baland\w*",
    r"may|maij\w*|geguz\w*",
    r"jun|june|junij\w*|birzel\w*",
    r"jul|july|julij\w*|liep\w*",
    r"aug|august\w*|rugpj\w*",
    r"sep|sept|september|septembr\w*|rugsej\w*",
    r"oct|october|oktobr\w*|spali\w*",
    r"nov|november|novembr\w*|lapkri\w*",
    r"dec|december|decembr\w*|gruod\w*",
)
# Units of "in two weeks", as (regex, days, months).
_UNITS = (
    (r"days?|dien\w*", 1, 0),
    (r"weeks?|nedel\w*|savai\w*", 7, 0),
    (r"fortnights?", 14, 0),
    (r"months?|menes\w*|menuo", 0, 1),
    (r"years?|gad(?:s|a|u|i|iem)|metu|metus", 0, 12),
)
# Words for a day counted from today.
_DAY_WORDS = (
    (r"(?:the )?day after tomorrow|parit|paritdien|poryt", 2),
    (r"aizparit|uzporyt", 3),
    (r"tomorrow|rit|ritdien|rytoj", 1),
    (r"today|tonight|sodien|sovakar|siandien|sivakar|siavakar", 0),
)
_UNIT_ROWS = tuple(row for row, _, _ in _UNITS)
_DAY_WORD_ROWS = tuple(row for row, _ in _DAY_WORDS)
_NEXT = r"next|nakam\w*|nakos\w*|kit(?:a|as|o|am|ai|os)"
_THIS = r"this|coming|so|saja|sai|si|sis|sio|sia|siam|siuo|ateinant\w*"
_WEEK = r"week|nedel\w*|savai\w*"


def _lv(stem: str) -> str:
    """A Latvian number's forms after its stem: divi, divas, divus, diviem, divām, divu."""
    return " ".join(stem + ending for ending in ("i", "as", "us", "iem", "ām", "u"))


def _lt(stem: str) -> str:
    """A Lithuanian number's forms after its stem: keturi, keturios, keturių, keturis..."""
    endings = ("i", "ios", "ių", "is", "ias", "iems", "ioms", "iais")
    return " ".join(stem + ending for ending in endings)


# Number words in the forms used after "in", "pēc" (dative) and "po" (genitive).
_NUMBER_WORDS = {
    1: "a an one viens vienu vienas vienai viena vienam vieno vienos vieną",
    2: f"two {_lv('div')} du dvi dviejų dvejų dviem",
    3: "three trīs trim trijām trys trijų trims",
    4: f"four {_lv('četr')} {_lt('ketur')}",
    5: f"five {_lv('piec')} {_lt('penk')}",
    6: f"six {_lv('seš')} {_lt('šeš')}",
    7: f"seven {_lv('septiņ')} {_lt('septyn')}",
    8: f"eight {_lv('astoņ')} {_lt('aštuon')}",
    9: f"nine {_lv('deviņ')} {_lt('devyn')}",
    10: "ten desmit dešimt dešimties",
    11: "eleven vienpadsmit vienuolika vienuolikos",
    12: "twelve divpadsmit dvylika dvylikos",
}
_NUMBER_OF = {fold(word): n for n, words in _NUMBER_WORDS.items() for word in words.split()}

# Left over after the takers, these say nothing about the moment.
_FILLER_PHRASES = re.compile(r"\b(?:no|not|ne) (?:later|velak|veliau) (?:than|ka|kaip|nei)\b")
_FILLER_WORDS = frozenset(
    (
        *("by", "until", "till", "til", "before", "due", "on", "the", "of", "at", "and"),
        *("deadline", "latest"),
        *("lidz", "uz", "un", "termins", "velakais", "plkst", "pulksten", "gada", "g"),
        *("iki", "ir", "terminas", "veliausiai", "val", "m", "d"),
    )
)
# Left over, these make the phrase vague: no single moment.
_VAGUE = re.compile(
    r"soon\w*|asap|later|sometime|someday|eventually|whenever|possible|end|beginning|start"
    r"|middle|mid|early|late|around|week|weeks|month|months"
    r"|driz\w*|velak\w*|kadreiz|kaut|iespej\w*|tuvak\w*|beig\w*|sakum\w*|vidu|nedel\w*"
    r"|menes\w*|greit\w*|greic\w*|netrukus|veliau|kada|nors|kazkada|artimiaus\w*|pabaig\w*"
    r"|pradzi\w*|vidur\w*|savai\w*"
)


def _index(rows: tuple[str, ...], word: str) -> int:
    """Which row a word the pattern already matched belongs to."""
    return next(i for i, row in enumerate(rows) if re.fullmatch(row, word))


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _make_time(hour: int, minute: int, half: str | None = None) -> time | None:
    """A time of day; `half` is "a" or "p" for "6 am" and "6 pm"."""
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _next_occurrence(today: date, month: int, day: int) -> date | None:
    """The first day-month from today on; None if it exists in neither this nor next year."""
    for year in (today.year, today.year + 1):
        candidate = _make_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class _Found:
    """The parts a phrase names so far; `bad` once one cannot be real or two disagree."""

    today: date
    days: set[date] = field(default_factory=set)
    weekday: int | None = None
    strictly_after: bool = False
    week: int | None = None
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

    def add_weekday(self, weekday: int, strictly_after: bool) -> None:
        self.bad |= self.weekday not in (None, weekday)
        self.weekday = weekday
        self.strictly_after |= strictly_after

    def has_date(self) -> bool:
        return bool(self.days) or self.weekday is not None or self.week is not None

    def day(self) -> date | None:
        if self.bad or len(self.days) > 1:
            return None
        if self.days:
            (day,) = self.days
            return day if self.weekday in (None, day.weekday()) else None
        if self.weekday is None:
            return self.today if self.clock is not None and self.week is None else None
        if self.week is not None:
            monday = self.today + timedelta(days=7 * self.week - self.today.weekday())
            return monday + timedelta(days=self.weekday)
        first = self.today + timedelta(days=1 if self.strictly_after else 0)
        return first + timedelta(days=(self.weekday - first.weekday()) % 7)


# A taker is a pattern and what to note for a match; it returns False to leave the match.
_Handler = Callable[[re.Match[str], _Found], bool]


def _end_of_day(_match: re.Match[str], found: _Found) -> bool:
    found.add_clock(END_OF_DAY)
    return True


def _clock(match: re.Match[str], found: _Found) -> bool:
    """18:00, plkst. 18.00, 18 val., at 6 pm; a bare 18.00 waits for `_dotted`."""
    if match["sep"] != ":" and not (match["mark"] or match["half"] or match["suffix"]):
        return False
    found.add_clock(_make_time(int(match["h"]), int(match["min"] or 0), match["half"]))
    return True


def _full_date(match: re.Match[str], found: _Found) -> bool:
    year = int(match["y"])
    found.add_day(_make_date(year + 2000 if year < 100 else year, int(match["m"]), int(match["d"])))
    return True


def _day_month(match: re.Match[str], found: _Found) -> bool:
    """15.12. and 15/12; "18.00." is a time with a full stop, left for `_dotted`."""
    month = int(match["m"] or match["m2"])
    if match["m"] and not 1 <= month <= 12:
        return False
    found.add_day(_next_occurrence(found.today, month, int(match["d"])))
    return True


def _relative(match: re.Match[str], found: _Found) -> bool:
    count = match["n"] or match["n2"] or "1"
    n = int(count) if count.isdigit() else _NUMBER_OF[count]
    _, days, months = _UNITS[_index(_UNIT_ROWS, match["unit"] or match["unit2"])]
    found.add_day(_add_months(found.today, n * months) + timedelta(days=n * days))
    return True


def _day_word(match: re.Match[str], found: _Found) -> bool:
    _, offset = _DAY_WORDS[_index(_DAY_WORD_ROWS, match[0])]
    found.add_day(found.today + timedelta(days=offset))
    return True


def _week(match: re.Match[str], found: _Found) -> bool:
    week = 1 if match["next"] or match["glued"] else 0
    found.bad |= found.week not in (None, week)
    found.week = week
    return True


def _weekday(match: re.Match[str], found: _Found) -> bool:
    found.add_weekday(_index(_WEEKDAYS, match["day"]), strictly_after=bool(match["next"]))
    return True


def _month_day(match: re.Match[str], found: _Found) -> bool:
    month = _index(_MONTHS, match["mon"]) + 1
    day = int(match["d"])
    year = match["y1"] or match["y2"]
    if year is None:
        found.add_day(_next_occurrence(found.today, month, day))
    else:
        found.add_day(_make_date(int(year), month, day))
    return True


def _dotted(match: re.Match[str], found: _Found) -> bool:
    """A bare 15.12 is a date if the phrase has none yet and it can be one, else a time."""
    first, second = int(match["a"]), int(match["b"])
    if not found.has_date() and 1 <= second <= 12 and 1 <= first <= 31:
        found.add_day(_next_occurrence(found.today, second, first))
    else:
        found.add_clock(_make_time(first, second) if len(match["b"]) == 2 else None)
    return True


_NUMBER = "|".join(sorted(_NUMBER_OF, key=len, reverse=True))
_UNIT = "|".join(_UNIT_ROWS)
_DAY_OF_MONTH = r"(?P<d>\d{1,2})(?!\d)(?:st|nd|rd|th|\.|-[a-z]+)?(?:\s*(?:d\b\.?|dien\w*))?"
_MONTH = rf"\b(?P<mon>{'|'.join(_MONTHS)})\b\.?"


def _year(group: str) -> str:
    """An optional year before or after a day and month: "2026. gada", "2026 m.", ", 2026"."""
    return rf"(?P<{group}>\d{{4}})\.?(?:\s*(?:gada|g\.|m\.|metu))?"


# In order: a later taker sees only what the earlier ones left.
_TAKERS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
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
    (re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"), _full_date),
    (re.compile(r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})\b"), _full_date),
    (re.compile(r"\b(?P<d>\d{1,2})(?:\.(?P<m>\d{1,2})\.(?!\d)|/(?P<m2>\d{1,2})\b)"), _day_month),
    (
        re.compile(
            rf"\b(?:in|within|after|pec|po|uz|per)\s+(?:(?P<n>\d+|{_NUMBER})\s+)?(?P<unit>{_UNIT})\b"
            rf"|\b(?:(?P<n2>\d+|{_NUMBER})\s+)?(?P<unit2>{_UNIT})\s+from (?:now|today)\b"
        ),
        _relative,
    ),
    (re.compile(rf"\b(?:{'|'.join(_DAY_WORD_ROWS)})\b"), _day_word),
    (
        re.compile(rf"\b(?:(?P<next>{_NEXT})\s+|(?:{_THIS})\s+|(?P<glued>nakam)|so)(?:{_WEEK})\b"),
        _week,
    ),
    (
        re.compile(
            rf"(?:\b(?:(?P<next>{_NEXT})|{_THIS})\s+)?\b(?P<day>{'|'.join(_WEEKDAYS)})\b\.?"
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
    (re.compile(r"\b(?P<a>\d{1,2})\.(?P<b>\d{1,2})\b"), _dotted),
)


def _take(text: str, pattern: re.Pattern[str], handle: _Handler, found: _Found) -> str:
    return pattern.sub(lambda match: " " if handle(match, found) else match[0], text)


def _ask_dateparser(
    text: str, local_now: datetime, tz: ZoneInfo, lang: str | None
) -> datetime | None:
    """dateparser's reading of what the takers do not know ("tomorrow at noon", "in 2 hours").

    It tries the teacher's language first. Its base is the local wall-clock time and its
    zone UTC, so the machine's zone never enters. A month ("December") or a part of the
    day ("Friday evening") names no single moment.
    """
    first = [lang] if lang in LANGUAGES else []
    parser = DateDataParser(
        languages=first + [code for code in LANGUAGES if code != lang],
        use_given_order=True,
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            "TIMEZONE": "UTC",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "RETURN_TIME_AS_PERIOD": True,
            "DATE_ORDER": "DMY",
        },
    )
    data = parser.get_date_data(text)
    if data.date_obj is None or data.period not in ("day", "time"):
        return None
    clock = data.date_obj.time() if data.period == "time" else END_OF_DAY
    return datetime.combine(data.date_obj.date(), clock, tzinfo=tz)


_BY_WEEKDAY = re.compile(rf"\b(?:by|until|before|lidz|iki)\s+(?:{'|'.join(_WEEKDAYS)})\b")


def is_by_weekday(text: str) -> bool:
    """ "by Friday", "līdz piektdienai", "iki penktadienio": phrases a team may read as the
    end of that day or the end of the day before (the work-style quiz's own example)."""
    return bool(_BY_WEEKDAY.search(fold(text)))


def parse_deadline(
    text: str, now: datetime, tz: ZoneInfo, lang: str | None = None
) -> datetime | None:
    """The moment `text` names, aware in `tz`, or None (see the module's rules).

    `now` must be aware; it may be in any zone. Pure: the result depends only on the
    arguments, never on the clock or the machine's zone.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local_now = now.astimezone(tz)
    found = _Found(today=local_now.date())
    rest = fold(text)
    for pattern, handle in _TAKERS:
        rest = _take(rest, pattern, handle, found)
    words = [
        word
        for word in re.findall(r"\w+", _FILLER_PHRASES.sub(" ", rest))
        if word not in _FILLER_WORDS
    ]
    if any(_VAGUE.fullmatch(word) for word in words):
        return None
    if any(word.isalpha() for word in words):
        moment = _ask_dateparser(text, local_now, tz, lang)
    elif words:  # only a number no taker placed ("līdz 15."): dateparser would guess
        return None
    else:
        day = found.day()
        moment = (
            None if day is None else datetime.combine(day, found.clock or END_OF_DAY, tzinfo=tz)
        )
    return moment if moment is not None and moment >= now else None


def read_deadline(
    text: str, now: datetime, writer: ZoneInfo, owner: ZoneInfo, lang: str | None = None
) -> datetime | None:
    """`parse_deadline` for a deadline someone else may own: a time of day is the writer's
    (they said it), but a date alone ends at 23:59 where the owner works, so "31.12."
    written in Riga is not 1 January 00:59 for a teacher in Istanbul."""
    moment = parse_deadline(text, now, writer, lang)
    if moment is None or moment.time() != END_OF_DAY:
        return moment
    owned = datetime.combine(moment.date(), END_OF_DAY, tzinfo=owner)
    return owned if owned >= now else None


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
