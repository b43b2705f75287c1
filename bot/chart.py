"""The quiz chart: where each teacher stands on each scale, as a PNG dot plot.

`points` is the data behind the picture (tests check it); `render` only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from matplotlib.figure import Figure

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
