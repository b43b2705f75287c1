"""One moment from a phrase: the takers first, dateparser only for words they do not know."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.i18n import LANGUAGES, fold
from bot.rules.precision import Vague, find_vague
from scheduler.date_reader import words
from scheduler.date_reader.found import Found
from scheduler.date_reader.periods import Works, weekdays_only
from scheduler.date_reader.takers import END_OF_DAY, take

_BY_WEEKDAY = re.compile(rf"\b(?:by|until|before|lidz|iki)\s+(?:{'|'.join(words.WEEKDAYS)})\b")


@dataclass(frozen=True)
class Reading:
    """What a phrase names: a moment, or None with the vague word that is why (if one is).

    `by_day` marks "by Friday" and a week's or month's end, which a team may read as the
    end of the day before (its "by Friday" convention)."""

    moment: datetime | None
    vague: str = ""
    kind: Vague = Vague.WHEN
    by_day: bool = False


def is_by_weekday(text: str) -> bool:
    """ "by Friday", "līdz piektdienai", "iki penktadienio": phrases a team may read as the
    end of that day or the end of the day before (the work-style quiz's own example)."""
    return bool(_BY_WEEKDAY.search(fold(text)))


def leftover(text: str, found: Found) -> list[str]:
    """The words of the folded `text` no taker placed and no filler explains."""
    rest = take(fold(text), found)
    return [
        word
        for word in re.findall(r"\w+", words.FILLER_PHRASES.sub(" ", rest))
        if word not in words.FILLER_WORDS
    ]


def _ask_dateparser(
    text: str, local_now: datetime, tz: ZoneInfo, lang: str | None
) -> datetime | None:
    """dateparser's reading of what the takers do not know ("in 2 hours").

    It tries the teacher's language first. Its base is the local wall-clock time and its
    zone UTC, so the machine's zone never enters. A month ("December") names no single
    moment.
    """
    from dateparser.date import DateDataParser  # noqa: PLC0415 - a fallback: load when needed

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


def _original(text: str, folded_word: str) -> str:
    """The teacher's own spelling of a folded word, for the advice."""
    return next((w for w in re.findall(r"\w+", text) if fold(w) == folded_word), folded_word)


def read_moment(
    text: str,
    now: datetime,
    tz: ZoneInfo,
    lang: str | None = None,
    works: Works = weekdays_only,
    *,
    start: bool = False,
) -> Reading:
    """The moment `text` names, aware in `tz` (see the package's rules).

    `now` must be aware; it may be in any zone. `works` says which days the owner works
    (a week or month without a day is its last working day; with `start`, its first).
    Pure: the result depends only on the arguments, never on the clock or the machine's
    zone.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    hits = find_vague(text)
    if hits:
        return Reading(None, vague=hits[0].word, kind=hits[0].kind)
    local_now = now.astimezone(tz)
    today = local_now.date()
    found = Found(today, local_now.time(), today, works, first=start)
    left = leftover(text, found)
    vague = [word for word in left if words.VAGUE.fullmatch(word)]
    if vague:  # "next month": the month says more than "next"
        said = next((w for w in vague if not re.fullmatch(words.NEXT, w)), vague[0])
        return Reading(None, vague=_original(text, said))
    if any(word.isalpha() for word in left):
        moment = _ask_dateparser(text, local_now, tz, lang)
    elif left:  # only a number no taker placed ("līdz 15"): dateparser would guess
        return Reading(None)
    else:
        moment = _combine(found.day(), found, tz)
    by_day = found.names_period() or is_by_weekday(text)
    return Reading(moment if moment is not None and moment >= now else None, by_day=by_day)


def _combine(day: date | None, found: Found, tz: ZoneInfo) -> datetime | None:
    return None if day is None else datetime.combine(day, found.clock or END_OF_DAY, tzinfo=tz)
