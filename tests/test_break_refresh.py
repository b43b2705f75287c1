"""The weekly school-holiday refresh (scheduler/break_refresh.py): the job fetches every
country of an active team from (a loopback fake of) the OpenHolidays API, at most once a
week per country and by one process at a time, and re-plans only the teams of countries
whose breaks changed; a failing API leaves the breaks the bot has."""

from datetime import UTC, datetime, timedelta
from functools import partial
from types import SimpleNamespace

import httpx
import pytest
import sqlalchemy as sa
import time_machine
from sqlmodel import select

from scheduler import break_refresh
from scheduler.reminders import plans as reminders_flow
from storage import fetches
from storage.db import Database
from storage.models import Reminder, SchoolBreak, User
from tests import test_breaks
from tests.conftest import TODAY
from tests.driver import Driver
from tests.test_breaks import HOLIDAYS
from tests.test_reminders import add_deadline
from tests.test_roles import team_of_three
from tests.test_team_flow import create_project

holidays_api = test_breaks.holidays_api  # the fake OpenHolidays API, as a fixture here too
LT_MOVED = [{**HOLIDAYS["LT"][0], "startDate": "2026-12-28", "endDate": "2027-01-08"}]


async def before_days(db: Database) -> list[str]:
    planned = await db.run(lambda s: s.exec(select(Reminder).order_by(Reminder.due_at)).all())
    return [r.due_at.date().isoformat() for r in planned if r.kind == "before"]


async def fetched_breaks(db: Database) -> list[tuple]:
    rows = await db.run(
        lambda s: s.exec(select(SchoolBreak).order_by(SchoolBreak.country, SchoolBreak.start)).all()
    )
    return [(r.country, r.start.isoformat(), r.end.isoformat()) for r in rows]


async def test_the_weekly_job_fetches_active_countries_and_replans_only_what_changed(
    driver: Driver, db: Database, holidays_api, monkeypatch: pytest.MonkeyPatch
):
    await team_of_three(driver)  # team 1: Anna (LV), Jonas (LT), Maria (PT)
    await create_project(driver.teacher(105, "Bruno", "en"), "Second team")  # team 2: LV only
    await db.run(
        lambda s: s.execute(sa.update(User).where(User.id == 102).values(timezone="Europe/Vilnius"))
    )
    await add_deadline(db, owner=102, due_at=datetime(2027, 1, 5, 21, 59, tzinfo=UTC))
    assert "2026-12-29" in await before_days(db)  # nobody sent /breaks: no breaks known
    replanned: list[list[int]] = []
    real = reminders_flow.teams_changed

    def spy(session, project_ids, now):
        replanned.append(sorted(project_ids))
        return real(session, project_ids, now)

    monkeypatch.setattr(reminders_flow, "teams_changed", spy)
    context = SimpleNamespace(db=db, settings=SimpleNamespace(openholidays_url=holidays_api.url))

    async def run_job(at: datetime) -> list[str]:
        """One run of the job at `at`; returns the countries it asked the API for."""
        asked, replanned[:] = len(holidays_api.requests), []
        with time_machine.travel(at, tick=False):
            await break_refresh.refresh_job(context)  # type: ignore[arg-type]
        return sorted(r["countryIsoCode"] for r in holidays_api.requests[asked:])

    assert await run_job(TODAY) == ["LT", "LV", "PT"]  # every country of an active team
    assert ("LT", "2026-12-23", "2027-01-02") in await fetched_breaks(db)
    days = await before_days(db)
    assert days and all(day < "2026-12-23" for day in days)  # out of the Christmas break
    assert replanned == [[1], [1, 2]]  # LT: team 1; LV: both teams; PT has no breaks: none

    assert await run_job(TODAY + timedelta(days=3)) == []  # within the week: nothing
    assert replanned == []

    week = TODAY + timedelta(days=8)
    assert await run_job(week) == ["LT", "LV", "PT"]
    assert replanned == []  # the same answers: no team is re-planned

    monkeypatch.setitem(HOLIDAYS, "LT", LT_MOVED)
    assert await run_job(week + timedelta(days=8)) == ["LT", "LV", "PT"]
    assert replanned == [[1]]  # only Lithuania changed, and only team 1 has a Lithuanian
    assert ("LT", "2026-12-28", "2027-01-08") in await fetched_breaks(db)
    assert ("LT", "2026-12-23", "2027-01-02") not in await fetched_breaks(db)

    holidays_api.failing.add("LT")
    before = await fetched_breaks(db)
    later = week + timedelta(days=16)
    assert await run_job(later) == ["LT", "LV", "PT"]
    assert await fetched_breaks(db) == before  # the old breaks stay
    holidays_api.failing.clear()
    # tried again at the next run, even one soon after (another process's, or a /breaks)
    assert await run_job(later + timedelta(minutes=5)) == ["LT"]
    assert replanned == []  # and its answer had not changed


async def test_the_job_is_scheduled_in_every_process_that_runs_jobs(driver: Driver):
    queue = driver.app.job_queue
    assert queue is not None
    names = [job.name for job in queue.jobs()]
    assert break_refresh.JOB in names


async def test_an_api_that_lists_no_countries_fetches_nothing(
    driver: Driver, db: Database, holidays_api, monkeypatch: pytest.MonkeyPatch
):
    await team_of_three(driver)

    async def down(client, base_url):
        raise httpx.ConnectError("no route")

    monkeypatch.setattr(break_refresh.openholidays, "countries", down)
    await break_refresh.refresh_active(db, holidays_api.url, TODAY)
    assert holidays_api.requests == [] and await fetched_breaks(db) == []


async def test_one_process_fetches_a_country_while_another_waits(db: Database):
    claim = partial(fetches.claim, country="LT")
    assert await db.run(partial(claim, now=TODAY))
    assert not await db.run(partial(claim, now=TODAY))  # a second process: not its turn
    assert not await db.run(partial(claim, now=TODAY + fetches.LEASE / 2))
    # the first process died without finishing: after the lease another one may fetch
    assert await db.run(partial(claim, now=TODAY + fetches.LEASE))
    await db.run(partial(fetches.finish, country="LT", now=TODAY + fetches.LEASE))
    assert not await db.run(partial(claim, now=TODAY + timedelta(days=3)))  # fresh for a week
    assert await db.run(partial(claim, now=TODAY + timedelta(days=8)))
