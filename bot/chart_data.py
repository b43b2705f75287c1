"""What the quiz chart shows (bot.chart draws it), without matplotlib: a handler builds
it and names each teacher's marker without loading the drawing library."""

from __future__ import annotations

from dataclasses import dataclass

SUFFIXES = "123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Scale:
    label: str  # the scale's short name, in the reader's language
    low: str  # what 1 means
    high: str  # what 5 means


@dataclass(frozen=True)
class Quiz:
    """Everything the chart shows, already translated; `values[scale][teacher]` is 1..5."""

    title: str
    subtitle: str
    names: list[str]
    scales: list[Scale]
    values: list[list[int]]


def short_names(names: list[str]) -> list[str]:
    """First names, at most 12 letters ("Anna Bērziņa" → "Anna"); two Annas become
    "Anna B." and "Anna K." so the legend tells them apart."""
    words = [name.split() or ["?"] for name in names]
    first = [_cut(w[0], 12) for w in words]
    return [
        f"{first[n]} {w[1][0]}." if first.count(first[n]) > 1 and len(w) > 1 else first[n]
        for n, w in enumerate(words)
    ]


def keys(names: list[str]) -> list[str]:
    """The letter on each teacher's marker: the first letter, numbered when shared (1 to
    9, then a to z, so a key is never wider than its marker)."""
    first = [(name.strip()[:1] or "?").upper() for name in names]
    return [
        letter + SUFFIXES[first[:n].count(letter) % len(SUFFIXES)]
        if first.count(letter) > 1
        else letter
        for n, letter in enumerate(first)
    ]


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
