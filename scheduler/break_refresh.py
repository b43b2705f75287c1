"""The weekly refresh of school holidays from the OpenHolidays API: every country of an
active team, each at most once a week, run as a job by every process that runs jobs
(and for a stale country when someone asks for /breaks or /calendar). Only the teams of
a country whose breaks changed are re-planned. A failing API is logged and tried again
at the next run; the bot works with what it has."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial

import httpx

from bot.context import Ctx
from scheduler import openholidays, school_data
from scheduler.reminders.plans import replan_teams
from storage import breaks, fetches, teams
from storage.db import Database

log = logging.getLogger(__name__)

EVERY = 6 * 3600.0  # seconds between runs: a failed country is tried again this soon
JOB = "refresh-school-holidays"
FAILURES = (httpx.HTTPError, ValueError, KeyError, TypeError)  # the API down or answering junk


async def refresh(db: Database, base_url: str, countries: set[str], now: datetime) -> None:
    """Fetch the school holidays of the countries not fetched this week, one process
    per country (storage/fetches.py); re-plan the teams of those that changed."""
    if not base_url:  # switched off (the offline console)
        return
    wanted = await db.run(lambda s: breaks.stale(s, countries=countries, now=now))
    if not wanted:
        return
    async with httpx.AsyncClient(timeout=10) as client:
        for country in wanted:
            if not await db.run(partial(fetches.claim, country=country, now=now)):
                continue  # fresh meanwhile, or another process is at it
            try:
                await _refresh_one(db, client, base_url, country, now)
            except Exception:
                await db.run(partial(fetches.release, country=country))
                raise


async def _refresh_one(
    db: Database, client: httpx.AsyncClient, base_url: str, country: str, now: datetime
) -> None:
    window = breaks.fetch_window(now)
    try:
        fetched = await openholidays.school_holidays(
            client,
            base_url,
            country,
            start=window[0],
            end=window[1],
            lang=(school_data.languages(country) or ("en",))[0],  # names in its own language
        )
    except FAILURES:
        log.warning("could not fetch school holidays of %s", country, exc_info=True)
        await db.run(partial(fetches.release, country=country))
        return
    rows = [
        (h.start, h.end, h.name, school_data.code_of(country, sub) if sub else None)
        for h in fetched
        for sub in (h.subdivisions or (None,))
    ]
    if await db.run(partial(fetches.store, country=country, rows=rows, window=window)):
        project_ids = await db.run(lambda s: teams.projects_with_country(s, country=country))
        await replan_teams(db, project_ids, now)
    # Only now: a crash before this line leaves the re-plan pending for the next run.
    await db.run(partial(fetches.finish, country=country, now=now))


async def covered(base_url: str) -> set[str]:
    """The countries the API has data for; empty when it cannot be asked."""
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            return await openholidays.countries(client, base_url)
    except FAILURES:
        log.warning("could not ask OpenHolidays which countries it covers", exc_info=True)
        return set()


async def refresh_active(db: Database, base_url: str, now: datetime) -> None:
    """Every country of an active team (one with members) the API covers."""
    if not base_url:
        return
    active = await db.run(teams.member_countries)
    wanted = active & await covered(base_url) if active else set()
    await refresh(db, base_url, wanted, now)


async def refresh_job(context: Ctx) -> None:
    await refresh_active(context.db, context.settings.openholidays_url, datetime.now(UTC))
