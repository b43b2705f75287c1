"""Pictures: the quiz chart (where each teacher stands on each scale) and the team
calendar timeline (rows per school, days across, days off shaded).

The data behind each picture is computed elsewhere and tested; these functions only draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

SPREAD = 0.22  # vertical offset between teachers who chose the same value


@dataclass(frozen=True)
class Point:
    row: int  # 0 = the first scale, drawn at the top
    value: int  # 1..5
    initials: str
    offset: float  # vertical nudge so equal answers stay readable


def points(rows: list[dict[str, int]]) -> list[Point]:
    """One point per teacher per scale; `rows[i]` maps initials to the value on scale i."""
    out: list[Point] = []
    for row, values in enumerate(rows):
        by_value: dict[int, list[str]] = {}
        for initials, value in values.items():
            by_value.setdefault(value, []).append(initials)
        for value, names in by_value.items():
            middle = (len(names) - 1) / 2
            out += [Point(row, value, name, (i - middle) * SPREAD) for i, name in enumerate(names)]
    return out


def render(data: list[Point], labels: list[str], poles: list[tuple[str, str]]) -> bytes:
    """Nine rows, 1 to 5 across, each teacher's initials where they stand."""
    # A bare Figure (no pyplot) keeps no global state, so drawing in a worker thread is safe.
    fig = Figure(figsize=(9, 0.75 * len(labels) + 1), dpi=100)
    ax = fig.subplots()
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(len(labels)), labels)
    ax.grid(axis="x", color="#dddddd")
    for row, (low, high) in enumerate(poles):
        ax.text(0.55, row + 0.38, low, fontsize=7, color="#777777", va="center")
        ax.text(5.45, row + 0.38, high, fontsize=7, color="#777777", va="center", ha="right")
    for p in data:
        ax.text(
            p.value,
            p.row + p.offset,
            p.initials,
            ha="center",
            va="center",
            fontsize=9,
            bbox={"boxstyle": "circle,pad=0.25", "facecolor": "#cfe8ff", "edgecolor": "#3b82c4"},
        )
    fig.tight_layout()
    out = BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


SHADES = {
    "weekend": "#e5e7eb",
    "public_holiday": "#fdba74",
    "school_break": "#93c5fd",
    "personal_pause": "#d8b4fe",
}


@dataclass(frozen=True)
class Lane:
    label: str  # a school or teacher, already translated and short
    days_off: tuple[str | None, ...]  # per day: None = working, else a SHADES key


def timeline(
    lanes: list[Lane], first: date, marks: list[tuple[int, int, str]], legend: dict[str, str]
) -> bytes:
    """Rows per school, days across, non-working days shaded; `marks` are (lane, day, label)
    deadlines drawn as a dot on the owner's row."""
    days = len(lanes[0].days_off) if lanes else 0
    fig = Figure(figsize=(max(8.0, days * 0.22), 0.6 * len(lanes) + 1.6), dpi=100)
    ax = fig.subplots()
    for row, lane in enumerate(lanes):
        for day, kind in enumerate(lane.days_off):
            if kind is not None:
                ax.add_patch(Rectangle((day, row - 0.4), 1, 0.8, color=SHADES[kind], linewidth=0))
    for row, day, _label in marks:
        ax.plot(day + 0.5, row, marker="D", color="#dc2626", markersize=7)
    ax.set_xlim(0, days)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.set_yticks(range(len(lanes)), [lane.label for lane in lanes])
    ticks = [d for d in range(days) if (first + timedelta(days=d)).weekday() == 0]
    ax.set_xticks(
        [d + 0.5 for d in ticks], [(first + timedelta(days=d)).strftime("%d.%m") for d in ticks]
    )
    handles = [Rectangle((0, 0), 1, 1, color=SHADES[k]) for k in legend]
    ax.legend(
        handles,
        list(legend.values()),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=4,
        fontsize=8,
        frameon=False,
    )
    fig.tight_layout()
    out = BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
