"""`python -m bench [--quick] [--pg URL]`: the benchmarks (a)–(g) in one run,
printed as one table with their targets. Not part of the test suite.

PostgreSQL rows use (and drop again) scratch databases on the server of `--pg`
(default: the local test server, postgresql://postgres@127.0.0.1:5432/test)."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time

from bench import burst, delivery, fair, memory, planning, startup, updates
from bench.report import Result, table

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def machine() -> str:
    cores = len(os.sched_getaffinity(0))
    return f"{platform.python_implementation()} {platform.python_version()}, {cores} cores"


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for development")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server for the (a) row")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=["updates", "planning", "startup", "delivery", "fair", "memory", "burst"],
    )
    parser.add_argument(
        "--rtt",
        type=float,
        nargs="+",
        default=[50.0],
        metavar="MS",
        help="the Bot API's round trip(s) for (a), (a'), (d) and (g), in ms (0: the fake "
        "answers at once)",
    )
    parser.add_argument(
        "--connections", type=int, help="TwinCoach's TELEGRAM_CONNECTIONS in (a) and (a')"
    )
    args = parser.parse_args()
    modules = {
        "updates": updates,
        "planning": planning,
        "startup": startup,
        "delivery": delivery,
        "fair": fair,
        "memory": memory,
        "burst": burst,
    }
    results: list[Result] = []
    began = time.perf_counter()
    for name, module in modules.items():
        if args.only and name not in args.only:
            continue
        print(f"running {name} …", flush=True)
        if module is updates:
            results += await updates.run(
                args.pg or None, quick=args.quick, rtts=args.rtt, connections=args.connections
            )
        elif module in (delivery, burst):
            results += await module.run(args.pg or None, quick=args.quick, rtts=args.rtt)
        else:
            results += await module.run(args.pg or None, quick=args.quick)
    print()
    print(f"TwinCoach benchmarks on {machine()}, {time.perf_counter() - began:.0f} s in all")
    print(table(results))


if __name__ == "__main__":
    asyncio.run(main())
