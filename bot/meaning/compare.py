"""Comparing a team's answers to one question by what they mean, not by their words:
three answers in three languages that all say "within two working days" agree."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from bot.meaning.reader import Reading, read
from bot.meaning.units import SCALE, Family, Unit

K = TypeVar("K", bound=Hashable)

# Two values read the same within a quarter of each other ("2 working days" and "48
# hours" do; "2 days" and "3 days" do not).
SAME = math.log2(1.25)


class Verdict(StrEnum):
    SAME = "same"  # every answer read, all mean the same
    DIFFERENT = "different"  # at least two answers read, and they differ
    UNREAD = "unread"  # too few answers read to say


def _position(value: float, family: Family) -> float:
    """Where a value sits on a log scale, so that ratios count, not differences; the
    scale's small offset keeps zero and "early" (negative minutes) on it."""
    return math.copysign(math.log2(1 + abs(value) / SCALE[family]), value)


def positions(reading: Reading) -> tuple[float, float]:
    low, high = reading.span()
    return _position(low, reading.family), _position(high, reading.family)


def gap(a: Reading, b: Reading) -> float:
    """How far apart two readings are (0 when their ranges overlap)."""
    (alo, ahi), (blo, bhi) = positions(a), positions(b)
    return max(0.0, blo - ahi, alo - bhi)


@dataclass(frozen=True)
class Comparison(Generic[K]):
    readings: dict[K, Reading | None]  # each answer's reading in the shared family
    verdict: Verdict
    spread: float = 0.0  # the largest gap between two answers
    low: K | None = None  # whose reading is the smallest, and the largest
    high: K | None = None


def _pick(readings: list[Reading], family: Family | None) -> Reading | None:
    """The answer's reading in `family`: a real number before "a few"."""
    mine = [r for r in readings if r.family == family]
    return next((r for r in mine if not r.vague), mine[0] if mine else None)


def compare(answers: Mapping[K, str], bare: Unit | None = None) -> Comparison[K]:
    """What the answers mean side by side: the family most of them read in (durations,
    rhythms, counts …), each one's value in it, and whether they agree."""
    read_all = {key: read(text, bare) for key, text in answers.items()}
    families = Counter(f for rs in read_all.values() for f in dict.fromkeys(r.family for r in rs))
    family, count = families.most_common(1)[0] if families else (None, 0)
    chosen = {key: _pick(rs, family) for key, rs in read_all.items()}
    given = {key: r for key, r in chosen.items() if r is not None}
    if count < 2:
        return Comparison(chosen, Verdict.UNREAD)
    spans = {key: positions(r) for key, r in given.items()}
    # the widest gap is between the answer that ends lowest and the one that starts highest
    low = min(spans, key=lambda key: spans[key][1])
    high = max(spans, key=lambda key: spans[key][0])
    spread = gap(given[low], given[high])
    if spread > SAME:
        verdict = Verdict.DIFFERENT
    elif len(given) == len(answers):
        verdict = Verdict.SAME
    else:
        verdict = Verdict.UNREAD
    return Comparison(chosen, verdict, spread, low, high)
