"""Reading quantities out of a free-text answer in Latvian, Lithuanian or English:
"divu darba dienu laikā", "per dvi darbo dienas" and "within two working days" all read
as at most 2 working days; "reizi nedēļā", "kartą per savaitę", "every Monday" as once a
week; "3–5 uzdevumi" as three to five tasks. Digits work in any language."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from bot.i18n import fold
from bot.meaning import lexicon as lx
from bot.meaning.units import COUNTED, MINUTES, WEEK_MINUTES, Family, Unit, is_duration
from bot.meaning.words import Phrases, Token, phrase_set


@dataclass(frozen=True)
class Reading:
    """One quantity as written: `low`–`high` (equal for one number) of `unit`, or, with
    `per`, `low`–`high` times every `every` × `per`."""

    low: float
    high: float
    unit: Unit | None  # None: a number with nothing counted
    bound: lx.Bound = lx.Bound.NONE
    direction: lx.Direction = lx.Direction.NONE
    about: bool = False
    vague: bool = False  # the number is a word such as "a few", "dažas", "keli"
    per: Unit | None = None
    every: float = 1
    at: int = 0  # where in the answer (token index), to keep the written order

    @property
    def family(self) -> Family:
        if self.per is not None:
            return Family.FREQUENCY
        if is_duration(self.unit):
            return Family.DURATION
        return COUNTED.get(self.unit, Family.COUNT) if self.unit else Family.COUNT

    def span(self) -> tuple[float, float]:
        """The value in the family's measure: minutes (negative: early), times a week, or
        the count."""
        if self.per is not None:
            shortest, longest = MINUTES[self.per]
            return (
                self.low * WEEK_MINUTES / (longest * self.every),
                self.high * WEEK_MINUTES / (shortest * self.every),
            )
        if self.unit is not None and is_duration(self.unit):
            shortest, longest = MINUTES[self.unit]
            low, high = self.low * shortest, self.high * longest
            return (-high, -low) if self.direction == lx.Direction.BEFORE else (low, high)
        return self.low, self.high


NUMBERS = Phrases(lx.NUMBERS)
VAGUE = Phrases(lx.VAGUE)
TIMES = Phrases(lx.TIMES)
UNITS = Phrases(lx.UNITS)
BEFORE_NUMBER = Phrases(lx.BEFORE_NUMBER)
AFTER_QUANTITY = Phrases(lx.AFTER_QUANTITY)
FIXED = Phrases(lx.FIXED)
ONCE_PER = Phrases(lx.ONCE_PER)
WEEKDAYS = Phrases({lang: {d: n for n, d in enumerate(days)} for lang, days in lx.WEEKDAYS.items()})
RANGE = phrase_set(lx.RANGE)
AND_A_HALF = phrase_set(lx.AND_A_HALF)
PER = phrase_set(lx.PER)
EVERY = phrase_set(lx.EVERY)
SECOND = phrase_set(lx.SECOND)
ARTICLE = phrase_set({lx.EN: ("a", "an")})
OF = phrase_set({lx.EN: ("of",)})

MAX_NUMBER = 100_000
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+|[–—~≤≥<>+/-]")
_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_ORDINAL = re.compile(r"\.\s+\w")  # "2. nedēļā" is the second week, not two weeks
_CLOCK = r"([01]?\d|2[0-4])[:.]([0-5]\d)"
_CLOCK_RANGE = re.compile(rf"\b{_CLOCK}\s*(?:-|–|—|to|līdz|iki)\s*{_CLOCK}\b", re.IGNORECASE)
# dates and single clock times are moments, not quantities
_MOMENT = re.compile(
    r"\b\d{1,2}\.\d{1,2}\.(?:\d{2,4})?|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b"
    r"|\b\d{1,2}\.(?:00|15|30|45)\b(?![.,]?\d)"
)


def _clock_hours(match: re.Match[str]) -> str:
    """ "8:00–16:00" → " 8 h ": a working day written as clock times is its length."""
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    minutes = (h2 * 60 + m2 - h1 * 60 - m1) % (24 * 60)
    return f" {minutes / 60:g} h "


def tokens(text: str) -> list[Token]:
    """The answer's words and numbers, folded; clock ranges become their length, dates and
    single clock times go (they are moments, not amounts)."""
    text = _MOMENT.sub(" ", _CLOCK_RANGE.sub(_clock_hours, text))
    text = _HYPHEN.sub(" ", text)  # "twenty-four"
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0).casefold()
        if raw[0].isdigit() and _ORDINAL.match(text, m.end()):
            raw = "#"  # an ordinal: no amount, but still a word of the answer
        out.append(Token(fold(raw), raw))
    return out


class Amount(NamedTuple):
    low: float
    high: float
    end: int
    vague: bool = False
    times: bool = False  # "twice": the number counts occurrences


def _digits(token: str) -> float | None:
    """ "2", "1,5", "٣" (any script's digits); not "½", nor numbers no answer means."""
    try:
        value = float(token.replace(",", "."))
    except ValueError:
        return None
    return value if value <= MAX_NUMBER else None


def _one_number(ts: list[Token], at: int) -> Amount | None:
    if at >= len(ts):
        return None
    token = ts[at].folded
    if token[0].isdigit():
        value = _digits(token)
        return Amount(value, value, at + 1) if value is not None else None
    if (article := ARTICLE.match(ts, at)) and VAGUE.match(ts, article[1]):
        at = article[1]  # "a few", "a couple"
    if vague := VAGUE.match(ts, at):
        (low, high), end = vague
        return Amount(low, high, end, vague=True)
    if times := TIMES.match(ts, at):
        return Amount(times[0], times[0], times[1], times=True)
    if number := NUMBERS.match(ts, at):
        value, end = number
        ones = NUMBERS.match(ts, end)
        if value >= 20 and value % 10 == 0 and ones and 0 < ones[0] < 10:
            return Amount(value + ones[0], value + ones[0], ones[1])  # "twenty four"
        return Amount(value, value, end)
    if (article := ARTICLE.match(ts, at)) and UNITS.match(ts, article[1]):
        return Amount(1, 1, article[1])  # "a week", "an hour"
    return None


def _amount(ts: list[Token], at: int) -> Amount | None:
    """A number, a number word or a range of them ("2–3", "three to five", "3 līdz 5")."""
    first = _one_number(ts, at)
    if first is None:
        return None
    if half := AND_A_HALF.match(ts, first.end):
        first = first._replace(low=first.low + 0.5, high=first.high + 0.5, end=half[1])
    sep = RANGE.match(ts, first.end)
    second = _one_number(ts, sep[1]) if sep else None
    if second and not (first.vague or second.vague or second.times):
        return first._replace(high=max(second.high, first.high), end=second.end)
    return first


def _unit(ts: list[Token], at: int) -> tuple[Unit, float, int] | None:
    """The unit at `at` (after "of", "a", "an": "a couple of days", "half an hour")."""
    for skip in (OF, ARTICLE):
        if (skipped := skip.match(ts, at)) and UNITS.match(ts, skipped[1]):
            at = skipped[1]
    if found := UNITS.match(ts, at):
        (unit, factor), end = found
        return unit, factor, end
    return None


def _period(ts: list[Token], at: int, *, counted: bool) -> tuple[Unit, float, int] | None:
    """ "a week", "per savaitę", "nedēļā", "reizi divās nedēļās": what a count is per; a
    number with nothing counted needs the "per" ("2/week", but "1 2 hours" is no rhythm)."""
    per = PER.match(ts, at)
    if per:
        at = per[1]
    elif not counted:
        return None
    every = 1.0
    if (number := _one_number(ts, at)) and number.high > 0:
        every, at = number.high, number.end
    found = _unit(ts, at)
    if found is None or not is_duration(found[0]):
        return None
    unit, factor, end = found
    return unit, every * factor, end


def _relations(
    table: Phrases[lx.Relation], ts: list[Token], at: int, reading: Reading
) -> tuple[Reading, int]:
    while found := table.match(ts, at):
        relation, at = found
        if isinstance(relation, lx.Bound):
            reading = replace(reading, bound=relation)
        elif isinstance(relation, lx.Direction):
            reading = replace(reading, direction=relation)
        elif isinstance(relation, lx.Approx):
            reading = replace(reading, about=True)
    return reading, at


def _quantity(ts: list[Token], start: int, bare: Unit | None) -> tuple[Reading, int] | None:
    """Relation words, a number, a unit, a period, relation words: one quantity."""
    before, at = _relations(BEFORE_NUMBER, ts, start, Reading(1, 1, None, at=start))
    amount = _amount(ts, at)
    # "once a week" is a rhythm, not a week
    found = None if amount and amount.times else _unit(ts, amount.end if amount else at)
    if amount is None and found is None:
        return None
    low, high, vague = (amount.low, amount.high, amount.vague) if amount else (1, 1, False)
    unit: Unit | None
    if found is not None:
        unit, factor, end = found
        low, high = low * factor, high * factor
        if half := AND_A_HALF.match(ts, end):  # "an hour and a half"
            low, high, end = low + 0.5, high + 0.5, half[1]
    else:
        assert amount is not None
        unit = Unit.TIME if amount.times else bare
        factor, end = 1, amount.end
    reading = replace(before, low=low, high=high, unit=unit, vague=vague)
    counted = unit in (Unit.TIME, Unit.LESSON, Unit.TASK)
    if (counted or unit is None) and (period := _period(ts, end, counted=counted)):
        per, every, end = period
        reading = replace(reading, unit=unit or Unit.TIME, per=per, every=every)
    reading, end = _relations(AFTER_QUANTITY, ts, end, reading)
    if amount is None and factor == 1 and not _means_one(reading, ts, start, end):
        return None  # a unit alone: "darba diena", "on time" say no amount
    if reading.unit is None and reading.per is None:
        return None  # a number with nothing counted: a date, a class, a page
    return reading, end


def _means_one(reading: Reading, ts: list[Token], start: int, end: int) -> bool:
    """A unit without a number still means one ("nedēļas laikā", "kartą per savaitę",
    "a week"): with a relation, as a rhythm, or as the whole answer."""
    return (
        reading.bound != lx.Bound.NONE
        or reading.direction != lx.Direction.NONE
        or reading.per is not None
        or (start == 0 and end == len(ts))
    )


def _every(ts: list[Token], at: int) -> tuple[Reading, int] | None:
    """ "every day", "katru otro nedēļu", "kas dvi savaites", "weekly", "kasdien"."""
    if once := ONCE_PER.match(ts, at):
        (per, every), end = once
        return Reading(1, 1, Unit.TIME, per=per, every=every, at=at), end
    if (start := EVERY.match(ts, at)) is None:
        return None
    end, every = start[1], 1.0
    if second := SECOND.match(ts, end):
        end, every = second[1], 2
    elif (number := _one_number(ts, end)) and number.high > 0:
        end, every = number.end, number.high
    found = _unit(ts, end)
    if found is None or not is_duration(found[0]):
        return None
    per, factor, end = found
    return Reading(1, 1, Unit.TIME, per=per, every=every * factor, at=at), end


def _fixed(ts: list[Token], at: int) -> tuple[Reading, int] | None:
    """ "tomorrow", "šonedēļ", "iš karto": phrases with a fixed meaning."""
    if found := FIXED.match(ts, at):
        (bound, amount, unit), end = found
        return Reading(amount, amount, unit, bound=bound, at=at), end
    return None


def _weekly(ts: list[Token]) -> list[Reading]:
    """ "every Monday", "otrdienās un ceturtdienās", "antradieniais": times a week."""
    days: dict[int, int] = {}
    for at in range(len(ts)):
        if (day := WEEKDAYS.match(ts, at)) is None:
            continue
        habit = ts[at].raw.endswith(lx.HABITUAL) or (at > 0 and EVERY.match(ts, at - 1))
        if habit:
            days.setdefault(day[0], at)
    if not days:
        return []
    n = len(days)
    return [Reading(n, n, Unit.TIME, per=Unit.WEEK, at=min(days.values()))]


def read(text: str, bare: Unit | None = None) -> list[Reading]:
    """Every quantity in `text`, in the order written. `bare` is what a number alone
    counts ("3" answering "a few tasks" is three tasks); without it a lone number is
    no reading."""
    ts = tokens(text)
    found = _weekly(ts)
    at = 0
    while at < len(ts):
        step = _fixed(ts, at) or _every(ts, at) or _quantity(ts, at, bare)
        if step is None:
            at += 1
            continue
        reading, at = step
        found.append(reading)
    return sorted(found, key=lambda r: r.at)
