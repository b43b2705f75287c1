"""A reading said back in the reader's language: "ne vairāk kā 2 darba dienas",
"5 minutės iki pradžios", "twice a week", so a Latvian teacher sees what a Lithuanian
colleague's answer means in Latvian."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import N_, Html, Translator
from bot.meaning.lexicon import Bound, Direction
from bot.meaning.reader import Reading
from bot.meaning.units import Unit, is_duration

Forms = Callable[[Translator, int, str], Html]  # (t, the count for the plural, the amount shown)

# Each plural is a t.tn call of its own, so that extraction sees both forms.
AMOUNTS: dict[Unit, Forms] = {
    Unit.MINUTE: lambda t, c, n: t.tn("{n} minute", "{n} minutes", c, n=n),
    Unit.HOUR: lambda t, c, n: t.tn("{n} hour", "{n} hours", c, n=n),
    Unit.DAY: lambda t, c, n: t.tn("{n} day", "{n} days", c, n=n),
    Unit.WORKING_DAY: lambda t, c, n: t.tn("{n} working day", "{n} working days", c, n=n),
    Unit.WEEK: lambda t, c, n: t.tn("{n} week", "{n} weeks", c, n=n),
    Unit.MONTH: lambda t, c, n: t.tn("{n} month", "{n} months", c, n=n),
    Unit.YEAR: lambda t, c, n: t.tn("{n} year", "{n} years", c, n=n),
    Unit.TASK: lambda t, c, n: t.tn("{n} task", "{n} tasks", c, n=n),
    Unit.LESSON: lambda t, c, n: t.tn("{n} lesson", "{n} lessons", c, n=n),
    Unit.TIME: lambda t, c, n: t.tn("{n} time", "{n} times", c, n=n),
}

# a rhythm: {n} times per one period
TIMES_PER: dict[Unit, Forms] = {
    Unit.DAY: lambda t, c, n: t.tn("once a day", "{n} times a day", c, n=n),
    Unit.WORKING_DAY: lambda t, c, n: t.tn("once a working day", "{n} times a working day", c, n=n),
    Unit.WEEK: lambda t, c, n: t.tn("once a week", "{n} times a week", c, n=n),
    Unit.MONTH: lambda t, c, n: t.tn("once a month", "{n} times a month", c, n=n),
    Unit.YEAR: lambda t, c, n: t.tn("once a year", "{n} times a year", c, n=n),
}

# lessons or tasks per day or week: "2 lessons a week"
COUNTED_PER: dict[tuple[Unit, Unit], Forms] = {
    (Unit.LESSON, Unit.DAY): lambda t, c, n: t.tn("{n} lesson a day", "{n} lessons a day", c, n=n),
    (Unit.LESSON, Unit.WEEK): lambda t, c, n: t.tn(
        "{n} lesson a week", "{n} lessons a week", c, n=n
    ),
    (Unit.TASK, Unit.DAY): lambda t, c, n: t.tn("{n} task a day", "{n} tasks a day", c, n=n),
    (Unit.TASK, Unit.WEEK): lambda t, c, n: t.tn("{n} task a week", "{n} tasks a week", c, n=n),
}

# once every {n} periods
EVERY: dict[Unit, Forms] = {
    Unit.DAY: lambda t, c, n: t.tn("every day", "every {n} days", c, n=n),
    Unit.WORKING_DAY: lambda t, c, n: t.tn("every working day", "every {n} working days", c, n=n),
    Unit.WEEK: lambda t, c, n: t.tn("every week", "every {n} weeks", c, n=n),
    Unit.MONTH: lambda t, c, n: t.tn("every month", "every {n} months", c, n=n),
}

DIRECTIONS = {
    Direction.BEFORE: N_("{what} before the start"),
    Direction.AFTER: N_("{what} after the start"),
}
BOUNDS = {Bound.AT_MOST: N_("at most {what}"), Bound.AT_LEAST: N_("at least {what}")}


def number(value: float, lang: str) -> str:
    """1, 1.5 (1,5 in Latvian and Lithuanian)."""
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}".rstrip("0")
    return text if lang == "en" else text.replace(".", ",")


def _plural(t: Translator, forms: Forms, low: float, high: float) -> Html:
    """The phrase for `low`–`high`; a fraction takes the form for two ("1,5 stundas")."""
    shown = number(low, t.lang) if low == high else f"{number(low, t.lang)}–{number(high, t.lang)}"
    return forms(t, int(high) if high == int(high) else 2, shown)


def _rhythm(t: Translator, r: Reading) -> Html:
    assert r.per is not None
    if r.low == r.high == 1 and r.every > 1 and r.every == int(r.every) and r.per in EVERY:
        return _plural(t, EVERY[r.per], r.every, r.every)
    counted = (r.unit or Unit.TIME, r.per)
    if r.every == 1 and counted in COUNTED_PER:
        return _plural(t, COUNTED_PER[counted], r.low, r.high)
    if r.every == 1 and r.per in TIMES_PER:
        return _plural(t, TIMES_PER[r.per], r.low, r.high)
    low, high = r.span()  # "3 times every 2 weeks": said per week
    return _plural(t, TIMES_PER[Unit.WEEK], round(low, 1), round(high, 1))


def describe(t: Translator, r: Reading) -> Html:
    """The reading in `t`'s language, with its relation: "at most 2 working days"."""
    if r.per is not None:
        what = _rhythm(t, r)
    elif is_duration(r.unit) and r.high == 0 and r.direction == Direction.NONE:
        what = t("at once")
    elif r.unit is None:
        what = Html(number(r.low, t.lang))
    elif r.unit == Unit.HOUR and r.high < 1:  # "pusstunda": 30 minutes, not 0.5 hours
        what = _plural(t, AMOUNTS[Unit.MINUTE], r.low * 60, r.high * 60)
    else:
        what = _plural(t, AMOUNTS[r.unit], r.low, r.high)
    if r.direction in DIRECTIONS:
        what = t(DIRECTIONS[r.direction], what=what)
    if r.bound in BOUNDS and r.high > 0:
        return t(BOUNDS[r.bound], what=what)
    if r.about or r.vague:
        return t("about {what}", what=what)
    return what
