"""Claims of the weekly school-holiday refresh: one process at a time fetches a country,
and a change re-plans its teams exactly once, even across a crash."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.breaks import REFRESH_AFTER, replace_fetched
from storage.models import HolidayFetch, SchoolBreak
from storage.shared_breaks import insert_new

# A process that claimed a country and died: after this, another one may fetch it.
LEASE = timedelta(hours=1)
Row = tuple[date, date, str, str | None]  # start, end, name, subdivision
NAME_MAX = 200


def claim(session: Session, *, country: str, now: datetime) -> bool:
    """Take the country's weekly fetch for this process, if it is due and nobody else
    holds it. Atomic on both databases: a conditional insert, else a conditional update
    (PostgreSQL re-checks the condition on a row another process has just claimed)."""
    if insert_new(session, HolidayFetch, country=country, fetched_at=None, claimed_at=now):
        return True
    fetch = HolidayFetch.__table__  # type: ignore[attr-defined]
    taken = session.execute(
        sa.update(fetch)
        .where(
            fetch.c.country == country,
            sa.or_(fetch.c.fetched_at.is_(None), fetch.c.fetched_at < now - REFRESH_AFTER),
            sa.or_(fetch.c.claimed_at.is_(None), fetch.c.claimed_at <= now - LEASE),
        )
        .values(claimed_at=now)
    )
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def store(session: Session, *, country: str, rows: list[Row], window: tuple[date, date]) -> bool:
    """The API's answer replaces the fetched breaks if it differs from them (and the
    shipped snapshot's in the `window` it covers: storage/breaks.replace_fetched). True when
    the country's teams must be re-planned: now, or left pending by a crashed run."""
    new = {(s, e, n[:NAME_MAX], sub) for s, e, n, sub in rows}
    old = set(
        session.exec(
            select(
                col(SchoolBreak.start),
                col(SchoolBreak.end),
                col(SchoolBreak.name),
                col(SchoolBreak.subdivision),
            ).where(SchoolBreak.country == country, SchoolBreak.source == "openholidays")
        ).all()
    )
    fetch = session.get(HolidayFetch, country)
    assert fetch is not None  # claimed
    if new != old:
        replace_fetched(session, country=country, rows=sorted(new), window=window)
        fetch.replan_pending = True
        session.add(fetch)
    return fetch.replan_pending


def finish(session: Session, *, country: str, now: datetime) -> None:
    """Stored and every plan follows them: no fetch for a week."""
    session.execute(
        sa.update(HolidayFetch)
        .where(col(HolidayFetch.country) == country)
        .values(fetched_at=now, claimed_at=None, replan_pending=False)
    )


def release(session: Session, *, country: str) -> None:
    """The fetch failed: the next run (of any process) tries again."""
    session.execute(
        sa.update(HolidayFetch).where(col(HolidayFetch.country) == country).values(claimed_at=None)
    )
