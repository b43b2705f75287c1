"""One row of the benchmark table: what was measured, the number, the target, met or not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    bench: str  # e.g. "(a) update throughput, SQLite"
    measured: str  # e.g. "612 updates/s = 74 % of the echo bot"
    target: str  # e.g. "≥ 70 % of the echo bot"
    met: bool


def table(results: list[Result]) -> str:
    """A plain-text table for the terminal and the README."""
    rows = [("benchmark", "measured", "target", "met")]
    rows += [(r.bench, r.measured, r.target, "yes" if r.met else "NO") for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
