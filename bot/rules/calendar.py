"""Working days of a project team: public holidays, weekends, school breaks and pauses.

Pure calendar maths (no I/O): callers pass dates and a `Place` per school or person and
get answers back. Public holidays, weekend days and moved working days (Latvia works some
Saturdays to bridge a holiday) come from the `holidays` package, computed once per
(country, subdivision, year) and cached, so asking for thousands of teams stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays
from holidays import HolidayBase

from bot.rules.countries import country_name

_DAY = timedelta(days=1)
_ENGLISH = "en"  # the language of the package's names where a country has no default


@dataclass(frozen=True)
class Break:
    """A school break, both ends inclusive: no project work with the pupils."""

    start: date
    end: date
    name: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"break {self.name!r} ends before it starts")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Pause:
    """A person's own "away until" period, both ends inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("pause ends before it starts")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Place:
    """One school's or person's calendar.

    `country` is an ISO 3166-1 alpha-2 code. `subdivision` is the region as the `holidays`
    package knows it ("30" or "PT-30" or "Região Autónoma da Madeira"); a region the package
    does not model falls back to the national calendar, because regions come from what
    teachers type and a missing regional holiday is better than a crash.
    """

    country: str
    subdivision: str | None = None
    breaks: tuple[Break, ...] = ()
    pauses: tuple[Pause, ...] = ()


class ReasonKind(StrEnum):
    WEEKEND = "weekend"
    PUBLIC_HOLIDAY = "public_holiday"
    SCHOOL_BREAK = "school_break"
    PERSONAL_PAUSE = "personal_pause"


@dataclass(frozen=True)
class Reason:
    """Why a day is not a working day: the holiday or break name, the last day away."""

    kind: ReasonKind
    name: str | None = None
    until: date | None = None


@dataclass(frozen=True)
class _Year:
    """The days off of one country/subdivision in one year, split by reason."""

    weekend: frozenset[date]
    holidays: frozenset[date]


@lru_cache(maxsize=256)
def _entity(country: str) -> type[HolidayBase]:
    """The `holidays` class of a country; NotImplementedError for an unknown one."""
    return type(holidays.country_holidays(country.upper()))


@lru_cache(maxsize=1024)
def _subdivision(country: str, subdivision: str | None) -> str | None:
    """The package's code for a region ("PT-30", "30", its name → "30"), None if unmodelled."""
    if subdivision is None:
        return None
    entity = _entity(country)
    known = {code.casefold(): code for code in entity.subdivisions}
    known |= {alias.casefold(): code for alias, code in entity.subdivisions_aliases.items()}
    text = subdivision.strip()
    prefix = f"{country.upper()}-"
    if text.upper().startswith(prefix):
        text = text[len(prefix) :]
    return known.get(text.casefold())


@lru_cache(maxsize=1024)
def _language(country: str, lang: str) -> str:
    """The package's language for `lang`: exact, then the same base language, else the
    country's own; never English for a reader of another language (a Latvian reads
    Italy's holidays in Italian, with the country named: see shown_name). Always
    explicit: with None the package reads the process locale."""
    entity = _entity(country)
    supported = {code.casefold(): code for code in entity.supported_languages}
    wanted = lang.replace("-", "_").casefold()
    if wanted in supported:
        return supported[wanted]
    if same_base := sorted(c for c in supported if _base(c) == _base(wanted)):
        return supported[same_base[0]]
    return own_language(country)


def _base(language: str) -> str:
    return language.replace("-", "_").split("_")[0].casefold()


def own_language(country: str) -> str:
    """The country's own language as the `holidays` package names it ("lv", "it_IT");
    English for the countries whose names the package writes only in English."""
    return _entity(country).default_language or _ENGLISH


def shown_name(name: str, country: str, reader: str, language: str | None = None) -> str:
    """A holiday's or school break's name of `country`, written in `language` (the
    country's own when None), as a reader of `reader` sees it: as it is when it is in
    their language, else followed by the country named in their language, so a Latvian
    reads "Immacolata Concezione (Itālija)" and never an English name in Latvian text."""
    if _base(language or own_language(country)) == _base(reader):
        return name
    return f"{name} ({country_name(country.upper(), reader.replace('-', '_'))})"


@lru_cache(maxsize=4096)
def _holidays(
    country: str, subdivision: str | None, year: int, language: str | None
) -> HolidayBase:
    """One year's holidays; expand=False so a shared cached object is never mutated."""
    return holidays.country_holidays(
        country.upper(), subdiv=subdivision, years=year, expand=False, language=language
    )


def _native(country: str, subdivision: str | None, year: int) -> HolidayBase:
    return _holidays(country, subdivision, year, _entity(country).default_language)


@lru_cache(maxsize=4096)
def _year(country: str, subdivision: str | None, year: int) -> _Year:
    """Days off in `year`, computed once. Moved working days are gathered from the
    neighbouring years too: the package records a swap in the year of the day off, which
    may be across New Year from the working weekend day (Azerbaijan, Myanmar)."""
    code = _subdivision(country, subdivision)
    calendar = _native(country, code, year)
    workdays: set[date] = set()
    for other in range(max(year - 1, MINYEAR), min(year + 1, MAXYEAR) + 1):
        workdays |= _native(country, code, other).weekend_workdays
    weekend: set[date] = set()
    days_off: set[date] = set()
    day = date(year, 1, 1)
    while day.year == year:
        if calendar.is_weekend(day):
            if day not in workdays:
                weekend.add(day)
        elif day in calendar:
            days_off.add(day)
        if day == date.max:
            break
        day += _DAY
    return _Year(frozenset(weekend), frozenset(days_off))


def is_working_day(day: date, country: str, subdivision: str | None = None) -> bool:
    """Not a weekend day (unless it is a moved working day) and not a public holiday.

    Raises NotImplementedError for a country the `holidays` package does not know.
    """
    year = _year(country, subdivision, day.year)
    return day not in year.weekend and day not in year.holidays


def holiday_name(
    day: date, country: str, subdivision: str | None = None, lang: str = "en"
) -> str | None:
    """The public holiday's name in `lang` ("lv", "en", "pt-PT"…) where the package has
    it, else in the country's own language (shown_name adds the country); several
    holidays on one day are joined with "; "."""
    code = _subdivision(country, subdivision)
    name = _holidays(country, code, day.year, _language(country, lang)).get(day)
    return str(name) if name is not None else None


def why_not_working(day: date, place: Place, lang: str = "en") -> Reason | None:
    """None for a working day, else the first reason in the order weekend, public holiday,
    school break, personal pause: the broadest reason is the one that holds for everybody
    (a holiday on a Sunday is reported as the weekend). Names are as a reader of `lang`
    sees them (shown_name); a break's name is taken to be in its country's language."""
    year = _year(place.country, place.subdivision, day.year)
    if day in year.weekend:
        return Reason(ReasonKind.WEEKEND)
    if day in year.holidays:
        name = holiday_name(day, place.country, place.subdivision, lang)
        language = _language(place.country, lang)
        shown = shown_name(name, place.country, lang, language) if name else None
        return Reason(ReasonKind.PUBLIC_HOLIDAY, name=shown)
    for school_break in place.breaks:
        if school_break.covers(day):
            name = shown_name(school_break.name, place.country, lang)
            return Reason(ReasonKind.SCHOOL_BREAK, name=name, until=school_break.end)
    for pause in place.pauses:
        if pause.covers(day):
            return Reason(ReasonKind.PERSONAL_PAUSE, until=pause.end)
    return None


def works_on(day: date, place: Place) -> bool:
    """Whether the place works on `day` (why_not_working() is None) without building a
    reason: the hot path of the searches, and a `Callable[[date], bool]` for planners."""
    return (
        is_working_day(day, place.country, place.subdivision)
        and not any(b.covers(day) for b in place.breaks)
        and not any(p.covers(day) for p in place.pauses)
    )


def previous_working_day(day: date, place: Place, *, not_before: date | None = None) -> date | None:
    """The latest working day on or before `day`, to move a reminder earlier without
    passing a deadline; None when there is none on or after `not_before`."""
    floor = not_before or date.min
    while day >= floor:
        if works_on(day, place):
            return day
        if day == date.min:
            return None
        day -= _DAY
    return None


def nearest_common_working_day(
    day: date, places: list[Place], *, search_days: int = 30, not_before: date | None = None
) -> date | None:
    """The day nearest to `day`, at most `search_days` away and not before `not_before`
    (today, for advice), on which every place works.

    On a tie the earlier day wins: like `previous_working_day`, it keeps a moved date
    ahead of the deadline it serves. With no places every day qualifies.
    """
    for distance in range(search_days + 1):
        for sign in (-1, 1) if distance else (1,):
            try:
                candidate = day + sign * distance * _DAY
            except OverflowError:
                continue
            if not_before is not None and candidate < not_before:
                continue
            if all(works_on(candidate, place) for place in places):
                return candidate
    return None


def common_weeks(start: date, end: date, places: list[Place]) -> list[date]:
    """Mondays of the ISO weeks with a Monday–Friday day in [start, end] in which no
    Monday–Friday day (of the whole week) lies in any place's school break.

    Public holidays and personal pauses do not remove a week: schools are in session
    around a holiday and a pause is too short-lived to plan joint activities around.
    """
    weeks: list[date] = []
    monday = start - timedelta(days=start.weekday())
    if start.weekday() > 4:
        monday += timedelta(weeks=1)
    while monday <= end:
        weekdays = [monday + timedelta(days=offset) for offset in range(5)]
        if not any(b.covers(d) for place in places for b in place.breaks for d in weekdays):
            weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def affected(day: date, places: dict[str, Place], lang: str = "en") -> dict[str, Reason]:
    """Who (by key) cannot work on `day`, and why; everybody else is left out."""
    reasons = {key: why_not_working(day, place, lang) for key, place in places.items()}
    return {key: reason for key, reason in reasons.items() if reason is not None}
