"""Benchmark (b): planning every reminder of 10,000 teams, with its time and peak memory.

Each team has five teachers from five countries (LV, LT, EE, PL, DE: five sets of public
holidays, moved working days and school breaks, five time zones in two offsets, half of
the teachers with an explicit zone, the others guessed from the country), ten open
deadlines spread over the school year 2026/27 with owners among the members, nationwide
and project school breaks, personal pauses (/away) for some teachers, quiz answers that
change the offsets for some, and a custom rhythm for some teams.

The planning runs in a fresh child process (``python -m bench.planning plan URL``) through
the real code: ``scheduler.reminders.plans.replan_teams``, what the bot runs when a country's
school breaks change (100 teams a session, one query per kind for the batch, two
batches at a time through ``Database.run``). The peak memory reported is that of the
process doing only this work (its resident-set high-water mark, VmHWM in
/proc/self/status, interpreter and imports included; the RSS after imports is reported
too), not of the seeding. For comparison, ``--mode team`` plans one team per session
through ``teams_changed`` and ``--mode deadline`` calls ``plan_deadline`` once per
deadline, the path the bot took before.

Usage: ``python -m bench.planning [--quick] [--teams N] [--mode batch|team|deadline]
[postgresql://…]``: on SQLite, and on PostgreSQL as well when a URL is given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from bench.report import Result, table
from bench.seed import fresh_database, insert, seed_national_breaks, seed_teams
from scheduler.moments import zone_of
from scheduler.places import team_places, working_days
from scheduler.reminders import plans as reminders
from storage import deadlines
from storage import reminders as stored
from storage.db import Database, make_engine
from storage.models import Answer, Away, Deadline, Reminder, ReminderSettings, SchoolBreak, User

TEAMS = 10_000
QUICK_TEAMS = 1_000
MEMBERS = 5
MODES = {
    "batch": f"replan_teams, {reminders.REPLAN_BATCH} teams a session, "
    f"{reminders.REPLAN_IN_FLIGHT} at a time",
    "team": "teams_changed, a session per team",
    "deadline": "plan_deadline per deadline (before)",
}
DEADLINES = 10
TARGET_SECONDS = 30.0
TARGET_MB = 500.0
# Planning happens on the first day of the school year: every deadline is still ahead.
NOW = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
YEAR_START, YEAR_END = date(2026, 9, 7), date(2027, 6, 11)
SCALES = (
    "s_deadlines",
    "s_criticism_get",
    "s_criticism_give",
    "s_plans",
    "s_meetings",
    "s_messages",
    "s_decisions",
    "s_conflict",
    "s_help",
)
RHYTHMS = (("14,7,2,0", "08:00"), ("3,1,0", "12:00"), ("2,0", "15:00"))


def seed(url: str, teams: int) -> dict[str, int]:
    """The whole data set, in bulk; returns row counts for the report."""
    rng = random.Random(2026)  # noqa: S311  (the same data on every run, not a secret)
    engine = make_engine(url)
    try:
        seeded = seed_teams(engine, teams=teams, size=MEMBERS, rng=rng)
        breaks = seed_national_breaks(engine)
        days = (YEAR_END - YEAR_START).days
        deadlines: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        aways: list[dict[str, Any]] = []
        own_breaks: list[dict[str, Any]] = []
        settings: list[dict[str, Any]] = []
        for project_id in seeded.project_ids:
            team = seeded.members[project_id]
            for n in range(DEADLINES):
                owner = team[n % MEMBERS]
                day = YEAR_START + timedelta(days=days * n // DEADLINES + rng.randrange(21))
                local = datetime.combine(day, datetime.min.time(), ZoneInfo(seeded.zone[owner]))
                due_at = (local + timedelta(hours=23, minutes=59)).astimezone(UTC)
                deadlines.append(
                    {
                        "project_id": project_id,
                        "title": f"Activity {n + 1} of project {project_id}",
                        "due_at": due_at,
                        "owner_id": owner,
                        "created_by": team[0],
                        "created_at": NOW,
                    }
                )
            for user_id in team:
                if rng.random() < 0.3:  # took the work-style quiz
                    answers += [
                        {
                            "project_id": project_id,
                            "user_id": user_id,
                            "questionnaire": "quiz",
                            "version": 1,
                            "item": scale,
                            "value": str(rng.randint(1, 5)),
                            "answered_at": NOW,
                        }
                        for scale in SCALES
                    ]
                if rng.random() < 0.05:  # away for one to three weeks
                    start = YEAR_START + timedelta(days=rng.randrange(days))
                    end = start + timedelta(days=rng.randint(7, 21))
                    aways.append({"user_id": user_id, "start": start, "end": end})
            if rng.random() < 0.1:  # a school trip week entered for one country
                user_id = rng.choice(team)
                start = YEAR_START + timedelta(days=rng.randrange(days))
                own_breaks.append(
                    {
                        "project_id": project_id,
                        "country": seeded.country[user_id],
                        "start": start,
                        "end": start + timedelta(days=4),
                        "name": "School trip",
                        "source": "manual",
                        "created_by": user_id,
                    }
                )
            if rng.random() < 0.2:
                offsets, local_time = rng.choice(RHYTHMS)
                settings.append(
                    {"project_id": project_id, "offsets": offsets, "local_time": local_time}
                )
        insert(engine, Deadline, deadlines)
        insert(engine, Answer, answers)
        insert(engine, Away, aways)
        insert(engine, SchoolBreak, own_breaks)
        insert(engine, ReminderSettings, settings)
        with engine.begin() as conn:  # fresh statistics, as a live database would have
            conn.exec_driver_sql("ANALYZE")
        return {
            "teams": teams,
            "teachers": teams * MEMBERS,
            "deadlines": len(deadlines),
            "quiz answers": len(answers),
            "pauses": len(aways),
            "school breaks": breaks + len(own_breaks),
            "custom rhythms": len(settings),
        }
    finally:
        engine.dispose()


def _rss_mb() -> float:
    """Peak resident set of this process, in MB: VmHWM, the high-water mark of the current
    address space. Not ru_maxrss: Linux carries that across fork and exec, so a child would
    report the seeding parent's size."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def plan_all(url: str, *, mode: str) -> dict[str, Any]:
    """In the child: plan every team; time, peak RSS and checks.

    ``batch``: ``replan_teams``, the bot's own path when many teams change at once
    (``teams_changed`` for REPLAN_BATCH teams a session, one query per kind per batch,
    two batches at a time on the event loop); ``team``: ``teams_changed`` of one team,
    one session per team; ``deadline``: the path before either existed,
    ``plan_deadline`` once per deadline, one session per team."""
    rss_imports = _rss_mb()
    db = Database(url)
    project_ids = sorted(
        db.session_scope(lambda s: list(s.exec(select(Deadline.project_id).distinct())))
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    if mode == "batch":
        asyncio.run(_replan(db, project_ids))
    else:
        for project_id in project_ids:
            db.session_scope(partial(_plan_team, project_id=project_id, mode=mode))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_peak = _rss_mb()
    checks = db.session_scope(_check)
    db.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_imports_mb": rss_imports,
        "rss_peak_mb": rss_peak,
    } | checks


async def _replan(db: Database, project_ids: list[int]) -> None:
    await reminders.replan_teams(db, project_ids, NOW)
    await db.close_async()


def _plan_team(session: Session, *, project_id: int, mode: str) -> None:
    if mode == "team":
        reminders.teams_changed(session, [project_id], NOW)
        return
    for deadline in deadlines.ahead(session, now=NOW, project_ids=[project_id]):
        reminders.plan_deadline(session, deadline, NOW)


def _check(session: Any) -> dict[str, Any]:
    """Counts, and proof on a sample that the rows respect the reader's calendar: every
    "before"/"due" reminder falls at the team's local time on a day its reader works."""
    count = session.exec(select(func.count()).select_from(Reminder)).one()
    kinds = dict(session.exec(select(Reminder.kind, func.count()).group_by(Reminder.kind)).all())
    sample = session.exec(
        select(Reminder, User)
        .join(User, col(Reminder.user_id) == col(User.id))
        .where(col(Reminder.kind).in_(("before", "due")))
        .order_by(col(Reminder.id))
        .limit(2000)
    ).all()
    wrong = 0
    places: dict[int, dict[int, Any]] = {}
    for reminder, user in sample:
        local = reminder.due_at.astimezone(zone_of(user))
        if reminder.project_id not in places:
            places[reminder.project_id] = team_places(session, reminder.project_id)
        place = places[reminder.project_id].get(user.id, (user, None))[1]
        rhythm = stored.settings(session, project_id=reminder.project_id)
        if not working_days(place)(local.date()) or local.strftime("%H:%M") != rhythm.local_time:
            wrong += 1
    return {"reminders": count, "kinds": kinds, "sampled": len(sample), "off_calendar": wrong}


async def _plan_in_child(url: str, *, mode: str) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.planning", "plan", url, "--mode", mode]
    child = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE)
    out, _ = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"planning child failed with {child.returncode}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def run(
    pg_url: str | None, *, quick: bool = False, teams: int | None = None, mode: str = "batch"
) -> list[Result]:
    """(b) on SQLite, and on PostgreSQL when a URL is given."""
    size = teams or (QUICK_TEAMS if quick else TEAMS)
    results = await _measure(None, size, mode)
    if pg_url:
        results += await _measure(pg_url, size, mode)
    return results


async def _measure(pg_url: str | None, size: int, mode: str) -> list[Result]:
    """Seed, plan in a child process, and report time and peak memory against the targets."""
    backend = "PostgreSQL" if pg_url else "SQLite"
    with fresh_database(pg_url, "twincoach_bench_plan") as url:
        started = time.perf_counter()
        counts = await asyncio.to_thread(seed, url, size)
        seeded_in = time.perf_counter() - started
        got = await _plan_in_child(url, mode=mode)
    print(
        f"(b) {backend}: seeded {counts} in {seeded_in:.1f} s; planned {got['reminders']:,} "
        f"reminders {got['kinds']} in {got['seconds']:.1f} s ({got['cpu_seconds']:.1f} s CPU); "
        f"RSS {got['rss_imports_mb']:.0f} MB after imports, peak {got['rss_peak_mb']:.0f} MB; "
        f"load average {os.getloadavg()[0]:.1f}; {got['off_calendar']} of "
        f"{got['sampled']} sampled reminders off their reader's calendar",
        file=sys.stderr,
    )
    scale = f"{size:,} teams × {MEMBERS} × {DEADLINES}, {backend}, {MODES[mode]}"
    correct = got["off_calendar"] == 0 and got["reminders"] > 0
    return [
        Result(
            f"(b) reminder planning time ({scale})",
            f"{got['seconds']:.1f} s ({got['cpu_seconds']:.1f} s CPU) for "
            f"{got['reminders']:,} reminders"
            + ("" if correct else f" ({got['off_calendar']} OFF THE CALENDAR)"),
            f"< {TARGET_SECONDS:.0f} s",
            got["seconds"] < TARGET_SECONDS and correct,
        ),
        Result(
            f"(b) reminder planning peak memory ({scale})",
            f"{got['rss_peak_mb']:.0f} MB peak RSS ({got['rss_imports_mb']:.0f} MB after imports)",
            f"< {TARGET_MB:.0f} MB",
            got["rss_peak_mb"] < TARGET_MB,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.planning", description=__doc__)
    parser.add_argument("args", nargs="*", help="[postgresql://…] or: plan URL (the child)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_TEAMS:,} teams")
    parser.add_argument("--teams", type=int, help="any number of teams")
    parser.add_argument("--mode", choices=list(MODES), default="batch", help="how to plan")
    options = parser.parse_args()
    if options.args[:1] == ["plan"]:
        print(json.dumps(plan_all(options.args[1], mode=options.mode)))
        return
    pg_url = options.args[0] if options.args else None
    results = asyncio.run(run(pg_url, quick=options.quick, teams=options.teams, mode=options.mode))
    print(table(results))


if __name__ == "__main__":
    main()
