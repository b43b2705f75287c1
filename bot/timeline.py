"""The team calendar as a picture read on a phone (/calendar): what it shows, in words.

A row per teacher, the coming weeks across, each day off shaded by its reason, a
teacher's own pause as a bar on their row, the common weeks (every school in session)
tinted behind all rows, and the deadlines as numbered diamonds on their owner's row,
listed with date and title below. bot.timeline_figure draws it; it is imported only when
a picture is drawn, so loading this module (and the /calendar handler) loads no matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass

# Why a day is off (bot.rules.calendar.ReasonKind values), then the other legend entries.
SHADES = {"weekend": "#e5e7eb", "public_holiday": "#fdba74", "school_break": "#93c5fd"}
AWAY, COMMON, DEADLINE = "personal_pause", "common", "deadline"
COLOURS = {**SHADES, AWAY: "#7e22ce", COMMON: "#bbf7d0", DEADLINE: "#b91c1c"}


@dataclass(frozen=True)
class Lane:
    label: str  # a teacher, already short
    days_off: tuple[str | None, ...]  # per day: None = working, else a SHADES key
    away: tuple[tuple[int, int], ...] = ()  # own pauses: first and last day, in the window


@dataclass(frozen=True)
class Mark:
    """A deadline on its owner's row: `label` is its date and short title."""

    lane: int
    day: int
    label: str


@dataclass(frozen=True)
class Timeline:
    """Everything the picture shows, already translated and formatted."""

    title: str
    subtitle: str
    dates: tuple[str, ...]  # each day's short date, in the reader's language
    mondays: tuple[int, ...]  # the days that start a week
    lanes: list[Lane]
    common: list[int]  # the Monday of each common week (before day 0 when it began earlier)
    marks: list[Mark]
    legend: dict[str, str]  # SHADES keys, AWAY, COMMON and DEADLINE → the reader's words


def described(data: Timeline) -> list[str]:
    """The picture in words: the PNG's description, for screen readers and tests."""
    words = data.legend
    common = ", ".join(data.dates[max(day, 0)] for day in data.common) or "—"
    return [
        f"{words[COMMON]}: {common}",
        *(
            f"{words[AWAY]}: {lane.label} {data.dates[a]}–{data.dates[b]}"
            for lane in data.lanes
            for a, b in lane.away
        ),
        *(
            f"{words[DEADLINE]} {n}: {mark.label} ({data.lanes[mark.lane].label})"
            for n, mark in enumerate(data.marks, 1)
        ),
    ]


def timeline(data: Timeline) -> bytes:
    """The picture as PNG, with its title and description inside the file."""
    from bot import chart, timeline_figure  # noqa: PLC0415 - matplotlib only when drawn

    title = f"{data.title}: {data.subtitle}" if data.subtitle else data.title
    return chart.png(timeline_figure.figure(data), title, described(data))
