"""School breaks: fetched per country (cached, refreshed weekly) or entered by a teacher
for their country."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from storage.models import HolidayFetch, SchoolBreak
from storage.shared_breaks import author_teams, counts_for

REFRESH_AFTER = timedelta(days=7)


def stale(session: Session, *, countries: Iterable[str], now: datetime) -> list[str]:
    """Countries whose school holidays were never fetched, or not in the last week."""
    fetched = {
        row.country: row.fetched_at
        for row in session.exec(
            select(HolidayFetch).where(col(HolidayFetch.country).in_(list(countries)))
        ).all()
    }
    return sorted(
        c
        for c in set(countries)
        if (at := fetched.get(c)) is None or now - at > REFRESH_AFTER  # None: never finished
    )


def replace_fetched(
    session: Session, *, country: str, rows: list[tuple[date, date, str, str | None]]
) -> None:
    """New API answer for a country: (start, end, name, subdivision) rows replace the old."""
    session.execute(
        sa.delete(SchoolBreak).where(
            col(SchoolBreak.country) == country, col(SchoolBreak.source) == "openholidays"
        )
    )
    session.add_all(
        SchoolBreak(
            country=country, start=s, end=e, name=n[:200], subdivision=sub, source="openholidays"
        )
        for s, e, n, sub in rows
    )


def add(
    session: Session,
    *,
    project_id: int,
    country: str,
    start: date,
    end: date,
    name: str,
    by: int,
    source: str = "teacher",
) -> SchoolBreak:
    """A teacher's entry in their country's shared calendar, made in `project_id`."""
    row = SchoolBreak(
        project_id=project_id,
        country=country,
        start=start,
        end=end,
        name=name[:200],
        created_by=by,
        source=source,
    )
    session.add(row)
    return row


def for_project(
    session: Session, *, project_id: int, countries: Iterable[str]
) -> list[SchoolBreak]:
    """Nationwide fetched breaks of these countries, and the entries counting for this team."""
    return for_projects(session, project_ids=[project_id], countries=countries)[project_id]


def for_projects(
    session: Session, *, project_ids: Collection[int], countries: Iterable[str]
) -> dict[int, list[SchoolBreak]]:
    """for_project for many projects in one query (planning thousands of teams): project
    → nationwide breaks of these countries and the teachers' entries that count for it
    (storage/shared_breaks.py), by start."""
    rows = session.exec(
        select(SchoolBreak)
        .where(
            col(SchoolBreak.country).in_(list(countries)),
            or_(
                counts_for(project_ids),
                sa.and_(
                    col(SchoolBreak.project_id).is_(None),
                    col(SchoolBreak.subdivision).is_(None),
                ),
            ),
        )
        .order_by(col(SchoolBreak.start), col(SchoolBreak.id))
    ).all()
    found: dict[int, list[SchoolBreak]] = {project_id: [] for project_id in project_ids}
    teams_of = author_teams(session, rows=rows, project_ids=project_ids)
    for row in rows:
        for project_id in teams_of.get(row.id or 0, project_ids):
            if project_id in found:
                found[project_id].append(row)
    return found
