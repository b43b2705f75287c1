"""The garbage collector set for a long-running bot.

Reference counting frees nearly everything an update makes; the cycle collector found
nothing in a profiled burst of presses, yet it ran every 700 new objects and each full
collection walked the ~150,000 objects start-up loaded (modules, the guide, handlers):
about 8 % of a press's CPU (bench/README.md). Once started, those objects are frozen out
of the collector's walks, and young objects are looked at every 10,000 instead of 700.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """After start-up: collect what start-up left as garbage, freeze the rest (it lives
    as long as the process), and collect young objects less often."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
