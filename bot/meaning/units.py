"""What a quantity counts or measures, and how units of one family compare.

Durations are compared in minutes; a working day is one to 1.4 calendar days (a weekend
may fall in between), so "2 working days" and "48 hours" read the same. Frequencies are
compared per week, counts as they are."""

from __future__ import annotations

from enum import StrEnum


class Unit(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WORKING_DAY = "working_day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    TASK = "task"
    LESSON = "lesson"
    TIME = "time"  # an occurrence: "three times", "reizes", "kartus"


class Family(StrEnum):
    DURATION = "duration"
    FREQUENCY = "frequency"
    TASKS = "tasks"
    LESSONS = "lessons"
    COUNT = "count"  # a number with nothing counted ("3", "three times")


DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES

# (shortest, longest) in minutes: a working day stretches over a weekend
MINUTES: dict[Unit, tuple[float, float]] = {
    Unit.MINUTE: (1, 1),
    Unit.HOUR: (60, 60),
    Unit.DAY: (DAY_MINUTES, DAY_MINUTES),
    Unit.WORKING_DAY: (DAY_MINUTES, 1.4 * DAY_MINUTES),
    Unit.WEEK: (WEEK_MINUTES, WEEK_MINUTES),
    Unit.MONTH: (30 * DAY_MINUTES, 30 * DAY_MINUTES),
    Unit.YEAR: (365 * DAY_MINUTES, 365 * DAY_MINUTES),
}

COUNTED = {Unit.TASK: Family.TASKS, Unit.LESSON: Family.LESSONS, Unit.TIME: Family.COUNT}

# Where a value sits: log2(1 + x/scale) (bot/meaning/compare.py), so well above the
# scale ratios count, not differences, and zero or "early" (negative) still has a place.
SCALE = {
    Family.DURATION: 1.0,  # a minute
    Family.FREQUENCY: 0.01,  # per week
    Family.TASKS: 0.1,
    Family.LESSONS: 0.1,
    Family.COUNT: 0.1,
}


def is_duration(unit: Unit | None) -> bool:
    return unit in MINUTES
