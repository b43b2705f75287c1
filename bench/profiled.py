"""`python -m bot run` under cProfile, profiling only while the benchmark asks: SIGUSR1
starts it, SIGUSR2 stops it and writes the stats to $BENCH_PROFILE_OUT (readable with
`python -m pstats`). So the profile holds the timed part of (a), not the start-up or
the warm-up. Run by bench/updates.py when BENCH_PROFILE names a directory; not how the
bot is deployed, and its figures under the profiler are not the bot's speed (about
twice the CPU): read it for shares, not times."""

from __future__ import annotations

import cProfile
import os
import runpy
import signal
import sys
from types import FrameType

_profile = cProfile.Profile()


def _start(_signum: int, _frame: FrameType | None) -> None:
    _profile.enable()  # the main thread's: the event loop's, where every update runs


def _stop(_signum: int, _frame: FrameType | None) -> None:
    _profile.disable()
    _profile.dump_stats(os.environ["BENCH_PROFILE_OUT"])


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _start)
    signal.signal(signal.SIGUSR2, _stop)
    sys.argv = ["bot", *sys.argv[1:]]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
