"""School breaks: shipped with the package (the OpenHolidays snapshot, seeded once per
data version), fetched per country (cached, refreshed weekly) or entered by a teacher for
their country."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, or_, select

from storage.models import HolidayFetch, SchoolBreak
from storage.shared_breaks import author_teams, counts_for

REFRESH_AFTER = timedelta(days=7)
FETCH_BEFORE = timedelta(days=30)  # an API answer covers [today - 30 days, today + a year]
FETCH_AHEAD = timedelta(days=365)
SNAPSHOT = "snapshot"  # source prefix of the shipped rows: "snapshot:<data commit>"
_SEED_LOCK = 20_263_020  # PostgreSQL advisory lock: one process seeds, the others wait
# (country, start, end, name, region or None): one stored row
Row = tuple[str, date, date, str, str | None]


def fetch_window(now: datetime) -> tuple[date, date]:
    """The days an API answer fetched at `now` covers."""
    return now.date() - FETCH_BEFORE, now.date() + FETCH_AHEAD


def is_open_data(source: str) -> bool:
    """Fetched from OpenHolidays or shipped from its snapshot: credited where shown."""
    return source == "openholidays" or source.startswith(SNAPSHOT)


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
    session: Session,
    *,
    country: str,
    rows: list[tuple[date, date, str, str | None]],
    window: tuple[date, date],
) -> None:
    """New API answer for a country: (start, end, name, subdivision) rows replace the old,
    and the snapshot's rows in the `window` the answer covers (those outside it stay)."""
    session.execute(
        sa.delete(SchoolBreak).where(
            col(SchoolBreak.country) == country,
            or_(
                col(SchoolBreak.source) == "openholidays",
                sa.and_(
                    col(SchoolBreak.source).startswith(SNAPSHOT),
                    col(SchoolBreak.end) >= window[0],
                    col(SchoolBreak.start) <= window[1],
                ),
            ),
        )
    )
    session.add_all(
        SchoolBreak(
            country=country, start=s, end=e, name=n[:200], subdivision=sub, source="openholidays"
        )
        for s, e, n, sub in rows
    )


def seed_snapshot(session: Session, *, version: str, rows: Callable[[], Iterable[Row]]) -> int:
    """The shipped breaks, stored once per data version (a start-up with them stored
    costs one query); a newer version replaces an older one's rows. Rows inside the window
    of a country's last API answer are left out: the answer is newer. Returns the rows added."""
    source = f"{SNAPSHOT}:{version}"[:16]
    if session.get_bind().dialect.name == "postgresql":  # bot and scheduler starting at once
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEED_LOCK})
    seeded = select(SchoolBreak.id).where(col(SchoolBreak.source) == source).limit(1)
    if session.exec(seeded).first() is not None:
        return 0
    session.execute(sa.delete(SchoolBreak).where(col(SchoolBreak.source).startswith(SNAPSHOT)))
    windows = {
        f.country: fetch_window(f.fetched_at)
        for f in session.exec(select(HolidayFetch))
        if f.fetched_at is not None  # claimed, never answered
    }
    kept = [
        {"country": c, "start": s, "end": e, "name": n[:200], "subdivision": r, "source": source}
        for c, s, e, n, r in rows()
        if c not in windows or e < windows[c][0] or s > windows[c][1]
    ]
    if kept:
        session.execute(sa.insert(SchoolBreak), kept)
    return len(kept)


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
    region: str | None = None,
) -> SchoolBreak:
    """A teacher's entry in their country's (or region's) shared calendar, made in
    `project_id`."""
    row = SchoolBreak(
        project_id=project_id,
        country=country,
        subdivision=region,
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
    """The shipped and fetched breaks of these countries (nationwide and regional), and
    the teachers' entries that count for this team."""
    return for_projects(session, project_ids=[project_id], countries=countries)[project_id]


def for_projects(
    session: Session, *, project_ids: Collection[int], countries: Iterable[str]
) -> dict[int, list[SchoolBreak]]:
    """for_project for many projects in one query (planning thousands of teams): project
    → the shipped and fetched breaks of these countries (nationwide and regional) and the
    teachers' entries that count for it (storage/shared_breaks.py), by start."""
    rows = session.exec(
        select(SchoolBreak)
        .where(
            col(SchoolBreak.country).in_(list(countries)),
            or_(
                counts_for(project_ids),
                col(SchoolBreak.project_id).is_(None),
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
