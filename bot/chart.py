"""Pictures: the quiz chart (where each teacher stands on each scale), and the page
layout it shares with the team calendar's timeline (bot.timeline).

The data behind each picture is computed elsewhere and tested; these functions only draw.
"""

from __future__ import annotations

import re
from io import BytesIO
from math import pi, sqrt
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Circle, Patch, Rectangle, RegularPolygon

from bot.chart_data import Quiz, Scale, keys, short_names

# The quiz chart is laid out in points on a page 390 pt wide. A phone shows a photo
# opened in Telegram at the screen's width, 390 pt on most phones (iPhone 12 to 16; most
# Androids have 360 to 412 dp), so one point of the figure is one point (CSS px) on the
# phone and a font of N pt is N px high there, whatever the dpi: nothing is below 11 pt.
# The dpi only sets sharpness: 2 px a point (780 px wide) is about what Telegram keeps,
# as it scales photos to 1280 px on the long side and the chart is about twice as tall
# as wide; when a huge team would pass Telegram's 10,000 px (width + height), the dpi
# drops instead of the font size.
WIDTH = 390.0
MARGIN = 8.0
TITLE_FONT, SUBTITLE_FONT, LABEL_FONT, NAME_FONT, POLE_FONT, KEY_FONT = 16, 12, 13, 12, 11, 11
LINE = 1.3  # line height, per point of font size
RADIUS = 11.0  # every marker fills about the same 22 × 22 pt square, whatever its letter
GAP = 3.0  # around markers and blocks of text
STEP = 2 * RADIUS + 2  # from one marker's centre to the next one's
BETWEEN = 14.0  # from one name in the legend to the next marker
PER_ROW = 3  # teachers at the same value stand side by side, three to a row
DPI = 144
MAX_PIXELS = 9000
# Okabe and Ito's colours stay apart for the common kinds of colour blindness; each
# teacher also has a shape and a letter, so nothing depends on colour alone.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DARK = ("#0072B2", "#000000")  # fills that take a white letter; the rest take black
# (sides, turn, circumradius in RADIUS) per shape; 0 sides is a circle
SHAPES = ((0, 0.0, 1.0), (4, pi / 4, 0.9 * sqrt(2)), (4, 0.0, 1.0), (5, pi, 1.05), (6, 0.0, 1.0))
INK, MUTED, TRACK = "#1f2937", "#4b5563", "#eef0f3"


def stack(values: list[int]) -> list[tuple[int, int, int]]:
    """(column, row, how many share the value) per teacher: equal answers stand side by
    side, PER_ROW to a row, never on top of each other."""
    seen: dict[int, int] = {}
    place = []
    for value in values:
        n = seen.get(value, 0)
        seen[value] = n + 1
        place.append((n % PER_ROW, n // PER_ROW, value))
    return [(col, row, seen[value]) for col, row, value in place]


class Page:
    """Places text and markers top to bottom on a page WIDTH points wide; y grows
    downwards, one data unit is one point."""

    def __init__(self) -> None:
        # A bare Figure (no pyplot) keeps no global state, so drawing in a worker thread is safe.
        self.fig = Figure(figsize=(WIDTH / 72, 10), dpi=DPI)
        self.renderer = FigureCanvasAgg(self.fig).get_renderer()
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_axis_off()
        self.y = MARGIN

    def width(self, text: str, size: float, bold: bool = False) -> float:
        prop = FontProperties(size=size, weight="bold" if bold else "normal")
        w, _h, _d = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
        return float(w) * 72 / self.fig.dpi

    def wrap(self, text: str, size: float, room: float, bold: bool = False) -> list[str]:
        """Greedy word wrap to `room` points at plain spaces (a no-break space holds
        "= 5" to its word); a word longer than a line is cut with "…"."""
        lines: list[str] = []
        for word in filter(None, re.split(r"[^\S\u00a0]+", text)):
            fitting = word
            while len(fitting) > 2 and self.width(fitting, size, bold) > room:
                fitting = fitting[:-2] + "…"
            joined = f"{lines[-1]} {fitting}" if lines else fitting
            if lines and self.width(joined, size, bold) <= room:
                lines[-1] = joined
            else:
                lines.append(fitting)
        return lines or [""]

    def text(self, x: float, y: float, text: str, size: float, **style: Any) -> None:
        self.ax.text(x, y, text, fontsize=size, parse_math=False, **{"va": "top", **style})

    def block(
        self, text: str, size: float, x: float = MARGIN, half: bool = False, **style: Any
    ) -> int:
        """`text` wrapped to the page's width (or half of it) from the current y downwards;
        returns its number of lines and leaves y where it was."""
        room = (WIDTH - 2 * MARGIN - 3 * GAP) / 2 if half else WIDTH - 2 * MARGIN
        lines = self.wrap(text, size, room, style.get("fontweight") == "bold")
        for n, line in enumerate(lines):
            self.text(x, self.y + n * size * LINE, line, size, **style)
        return len(lines)

    def finish(self) -> Figure:
        """The figure cut to what was placed; a tall page gets fewer dots, never smaller text."""
        height = self.y + MARGIN
        self.ax.set_xlim(0, WIDTH)
        self.ax.set_ylim(height, 0)
        self.fig.set_size_inches(WIDTH / 72, height / 72)
        self.fig.set_dpi(min(DPI, MAX_PIXELS * 72 / (WIDTH + height)))
        return self.fig

    def marker(self, x: float, y: float, who: int, letter: str, gid: str) -> None:
        """The teacher's shape in their colour, their letter on it; all the same size."""
        colour = COLOURS[who % len(COLOURS)]
        sides, turn, reach = SHAPES[who % len(SHAPES)]
        style = {"facecolor": colour, "edgecolor": INK, "linewidth": 0.8, "gid": gid}
        shape: Patch = (
            RegularPolygon((x, y), sides, radius=RADIUS * reach, orientation=turn, **style)
            if sides
            else Circle((x, y), RADIUS, **style)
        )
        self.ax.add_patch(shape)
        self.text(
            x,
            y,
            letter,
            KEY_FONT,
            fontweight="bold",
            color="white" if colour in DARK else "black",
            ha="center",
            va="center_baseline",
            gid=f"key:{gid}",
        )


def quiz_figure(quiz: Quiz) -> Figure:
    """Title, a legend of names, then one band per scale: its name, the teachers' markers
    in five columns (1 to 5), and what 1 and 5 mean under its two ends."""
    page = Page()
    page.y += page.block(quiz.title, TITLE_FONT, fontweight="bold", color=INK) * TITLE_FONT * LINE
    if quiz.subtitle:
        page.y += page.block(quiz.subtitle, SUBTITLE_FONT, color=MUTED) * SUBTITLE_FONT * LINE
    page.y += GAP
    letters = keys(quiz.names)
    _legend(page, short_names(quiz.names), letters)
    cell = (WIDTH - 2 * MARGIN) / 5
    for n in range(5):
        page.text(MARGIN + (n + 0.5) * cell, page.y, str(n + 1), POLE_FONT, ha="center")
    page.y += POLE_FONT * LINE
    for n, (scale, values) in enumerate(zip(quiz.scales, quiz.values, strict=True)):
        _band(page, n, scale, values, letters)
    return page.finish()


def flow(sizes: list[float], between: float) -> list[list[int]]:
    """Items of these widths, as many to a line of the page as fit, `between` apart."""
    lines: list[list[int]] = []
    used = 0.0
    for n, size in enumerate(sizes):
        if lines and used + between + size <= WIDTH - 2 * MARGIN:
            lines[-1].append(n)
            used += between + size
        else:
            lines.append([n])
            used = size
    return lines


def _legend(page: Page, names: list[str], letters: list[str]) -> None:
    """Each teacher's marker and first name, as many to a line as fit."""
    sizes = [2 * RADIUS + GAP + page.width(name, NAME_FONT) for name in names]
    for line in flow(sizes, BETWEEN):
        x, middle = MARGIN, page.y + RADIUS
        for who in line:
            page.marker(x + RADIUS, middle, who, letters[who], f"legend:{who}")
            page.text(x + 2 * RADIUS + GAP, middle, names[who], NAME_FONT, va="center")
            x += sizes[who] + BETWEEN
        page.y += 2 * RADIUS + GAP
    page.y += GAP


def _band(page: Page, n: int, scale: Scale, values: list[int], letters: list[str]) -> None:
    """One scale: its name, a track of five cells with the markers, the two poles."""
    room = WIDTH - 2 * MARGIN
    cell = room / 5
    page.y += page.block(scale.label, LABEL_FONT, fontweight="bold", color=INK) * LABEL_FONT * LINE
    places = stack(values)
    tall = (max([row for _col, row, _of in places], default=0) + 1) * STEP + 2 * GAP - 2
    page.ax.add_patch(Rectangle((MARGIN, page.y), room, tall, facecolor=TRACK, linewidth=0))
    for line in range(1, 5):
        page.ax.plot([MARGIN + line * cell] * 2, [page.y, page.y + tall], color="white", lw=1.5)
    for who, (value, (col, row, of)) in enumerate(zip(values, places, strict=True)):
        if not 1 <= value <= 5:
            continue  # not answered: no marker rather than one off the scale
        across = min(of - row * PER_ROW, PER_ROW)
        x = MARGIN + (value - 0.5) * cell + (col - (across - 1) / 2) * STEP
        page.marker(x, page.y + GAP + RADIUS + row * STEP, who, letters[who], f"scale{n}:{who}")
    page.y += tall + GAP / 2
    lines = max(
        page.block(f"1\u00a0=\u00a0{scale.low}", POLE_FONT, color=MUTED, half=True),
        page.block(
            f"{scale.high}\u00a0=\u00a05",
            POLE_FONT,
            WIDTH - MARGIN,
            color=MUTED,
            ha="right",
            half=True,
        ),
    )
    page.y += lines * POLE_FONT * LINE + 2 * GAP


def quiz(quiz: Quiz) -> bytes:
    """The chart as PNG, with its title and a plain-text description inside the file."""
    described = [
        f"{s.label} (1 {s.low}, 5 {s.high}): "
        + ", ".join(f"{name} {v}" for name, v in zip(quiz.names, values, strict=True))
        for s, values in zip(quiz.scales, quiz.values, strict=True)
    ]
    title = f"{quiz.title}: {quiz.subtitle}" if quiz.subtitle else quiz.title
    return png(quiz_figure(quiz), title, described)


def png(fig: Figure, title: str, described: list[str]) -> bytes:
    """The figure as PNG with its title and a plain-text description inside the file, for
    screen readers and for tests."""
    out = BytesIO()
    fig.savefig(out, format="png", metadata={"Title": title, "Description": "\n".join(described)})
    return out.getvalue()
