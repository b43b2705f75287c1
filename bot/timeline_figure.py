"""Draws bot.timeline's picture, laid out like the quiz chart: in points on a page as
wide as a phone (bot.chart), so no text is smaller than chart.POLE_FONT there."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle, RegularPolygon

from bot.chart import (
    BETWEEN,
    GAP,
    INK,
    KEY_FONT,
    LINE,
    MARGIN,
    MUTED,
    NAME_FONT,
    POLE_FONT,
    SUBTITLE_FONT,
    TITLE_FONT,
    WIDTH,
    Page,
    flow,
)
from bot.timeline import AWAY, COLOURS, COMMON, DEADLINE, Lane, Mark, Timeline

ROW = 24.0  # a teacher's bar, in points; a deadline's diamond is as tall
BAR = 7.0  # the pause bar along the foot of a row
SWATCH = 14.0  # a legend entry's sample


def figure(data: Timeline) -> Figure:
    """Title, the weeks' first days, a row per teacher (label above its bar), the
    legend, then the deadlines' list."""
    page = Page()
    page.y += page.block(data.title, TITLE_FONT, fontweight="bold", color=INK) * TITLE_FONT * LINE
    if data.subtitle:
        page.y += page.block(data.subtitle, SUBTITLE_FONT, color=MUTED) * SUBTITLE_FONT * LINE
    page.y += GAP
    _weeks(page, data)
    top = page.y
    for row, lane in enumerate(data.lanes):
        _lane(page, data, row, lane)
    _common(page, data, top, page.y)
    page.y += GAP
    _legend(page, data.legend)
    _deadlines(page, data.marks)
    return page.finish()


def _x(data: Timeline, day: float) -> float:
    return MARGIN + day * (WIDTH - 2 * MARGIN) / len(data.dates)


def _weeks(page: Page, data: Timeline) -> None:
    """Each Monday's date where its day begins, and the first day's when it fits before
    the first Monday's; one past the right edge moves in unless it would touch the one
    before it."""
    shown = list(data.mondays)
    if 0 not in shown:
        room = _x(data, shown[0]) - MARGIN - GAP if shown else WIDTH
        if page.width(data.dates[0], POLE_FONT) <= room:
            shown.insert(0, 0)
    end = 0.0
    for day in shown:
        text, wide = data.dates[day], page.width(data.dates[day], POLE_FONT)
        x = min(_x(data, day), WIDTH - MARGIN - wide)
        if x >= end:
            page.text(x, page.y, text, POLE_FONT, color=MUTED, gid=f"week:{day}")
            end = x + wide + GAP
    page.y += POLE_FONT * LINE + GAP


def _lane(page: Page, data: Timeline, row: int, lane: Lane) -> None:
    """The teacher's label, then their bar: days off shaded (a run of one reason as one
    block), their pauses along its foot, a thin line at each Monday, their deadlines."""
    page.y += page.block(lane.label, NAME_FONT, color=INK) * NAME_FONT * LINE
    top, step = page.y, _x(data, 1) - _x(data, 0)
    day = 0
    while day < len(lane.days_off):
        kind, start = lane.days_off[day], day
        while day < len(lane.days_off) and lane.days_off[day] == kind:
            day += 1
        if kind is not None:
            corner = (_x(data, start), top)
            page.ax.add_patch(Rectangle(corner, (day - start) * step, ROW, color=COLOURS[kind]))
    for n, (first, last) in enumerate(lane.away):
        corner = (_x(data, first), top + ROW - BAR)
        bar = Rectangle(corner, (last - first + 1) * step, BAR, color=COLOURS[AWAY])
        bar.set_gid(f"away:{row}:{n}")
        page.ax.add_patch(bar)
    for monday in data.mondays:
        page.ax.plot([_x(data, monday)] * 2, [top, top + ROW], color=MUTED, lw=0.6)
    outline = Rectangle((MARGIN, top), WIDTH - 2 * MARGIN, ROW, fill=False, edgecolor=MUTED)
    page.ax.add_patch(outline)
    for n, mark in enumerate(data.marks, 1):
        if mark.lane == row:
            x = min(max(_x(data, mark.day + 0.5), MARGIN + ROW / 2), WIDTH - MARGIN - ROW / 2)
            _diamond(page, x, top + ROW / 2, n, f"deadline:{n}")  # kept on the page
    page.y += ROW + 2 * GAP


def _diamond(page: Page, x: float, y: float, n: int, gid: str) -> None:
    """A deadline's mark, on its row and in the list: a red diamond with its number."""
    shape = RegularPolygon((x, y), 4, radius=ROW / 2, facecolor=COLOURS[DEADLINE])
    shape.set(edgecolor="white", linewidth=0.8, gid=gid, zorder=3)
    page.ax.add_patch(shape)
    page.text(
        x,
        y,
        str(n),
        KEY_FONT,
        fontweight="bold",
        color="white",
        ha="center",
        va="center_baseline",
        gid=f"key:{gid}",
        zorder=4,
    )


def _common(page: Page, data: Timeline, top: float, bottom: float) -> None:
    """A tint behind every row over each common week's days in the window."""
    for monday in data.common:
        first, last = max(monday, 0), min(monday + 7, len(data.dates))
        tint = Rectangle(
            (_x(data, first), top), _x(data, last) - _x(data, first), bottom - top - GAP
        )
        tint.set(color=COLOURS[COMMON], zorder=0, gid=f"common:{monday}")
        page.ax.add_patch(tint)


def _legend(page: Page, legend: dict[str, str]) -> None:
    """A sample and the reader's word for each reason, the pause bar, the common weeks'
    tint and the deadline's diamond, as many to a line as fit."""
    keys = list(legend)
    sizes = [SWATCH + GAP + page.width(legend[key], POLE_FONT) for key in keys]
    high = max(SWATCH, POLE_FONT * LINE)
    for line in flow(sizes, BETWEEN):
        x, middle = MARGIN, page.y + high / 2
        for n in line:
            key = keys[n]
            sample: Patch = (
                RegularPolygon((x + SWATCH / 2, middle), 4, radius=SWATCH / 2)
                if key == DEADLINE
                else Rectangle((x, middle - SWATCH / 2), SWATCH, SWATCH)
            )
            sample.set(color=COLOURS[key], gid=f"legend:{key}")
            page.ax.add_patch(sample)
            page.text(x + SWATCH + GAP, middle, legend[key], POLE_FONT, color=INK, va="center")
            x += sizes[n] + BETWEEN
        page.y += high + GAP
    page.y += GAP


def _deadlines(page: Page, marks: list[Mark]) -> None:
    """Each deadline's diamond, its date and title wrapped beside it."""
    left = MARGIN + ROW + GAP
    for n, mark in enumerate(marks, 1):
        _diamond(page, MARGIN + ROW / 2, page.y + ROW / 2, n, f"list:{n}")
        lines = page.wrap(mark.label, POLE_FONT, WIDTH - MARGIN - left)
        first = page.y + (ROW - POLE_FONT * LINE) / 2 if len(lines) == 1 else page.y
        for k, line in enumerate(lines):
            page.text(left, first + k * POLE_FONT * LINE, line, POLE_FONT, color=INK)
        page.y += max(ROW, len(lines) * POLE_FONT * LINE) + GAP
