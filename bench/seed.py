"""Shared benchmark set-up: a fresh migrated database and teams seeded in bulk.

Seeding goes through SQLAlchemy core ``insert`` with lists of dicts (one executemany per
table and batch) instead of the ORM: tens of thousands of teachers in seconds, so the
benchmarks measure the bot and not their own set-up.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.db import make_engine, normalise_url
from storage.migrate import upgrade
from storage.models import Membership, Project, Role, SchoolBreak, User

# The five countries of the issue, each with its zone and a language the bot speaks.
COUNTRIES: tuple[tuple[str, str, str], ...] = (
    ("LV", "Europe/Riga", "lv"),
    ("LT", "Europe/Vilnius", "lt"),
    ("EE", "Europe/Tallinn", "en"),
    ("PL", "Europe/Warsaw", "en"),
    ("DE", "Europe/Berlin", "en"),
)

# School year 2026/27: nationwide breaks as OpenHolidays would give them (approximate dates).
NATIONAL_BREAKS: dict[str, list[tuple[date, date, str]]] = {
    "LV": [
        (date(2026, 10, 26), date(2026, 10, 30), "Autumn holidays"),
        (date(2026, 12, 21), date(2027, 1, 1), "Winter holidays"),
        (date(2027, 3, 15), date(2027, 3, 19), "Spring holidays"),
    ],
    "LT": [
        (date(2026, 10, 26), date(2026, 11, 6), "Autumn holidays"),
        (date(2026, 12, 23), date(2027, 1, 2), "Christmas holidays"),
        (date(2027, 2, 15), date(2027, 2, 19), "Winter holidays"),
        (date(2027, 4, 6), date(2027, 4, 10), "Easter holidays"),
    ],
    "EE": [
        (date(2026, 10, 19), date(2026, 10, 25), "Autumn holidays"),
        (date(2026, 12, 21), date(2027, 1, 3), "Christmas holidays"),
        (date(2027, 2, 22), date(2027, 2, 28), "Winter holidays"),
        (date(2027, 4, 19), date(2027, 4, 25), "Spring holidays"),
    ],
    "PL": [
        (date(2026, 12, 23), date(2026, 12, 31), "Winter break"),
        (date(2027, 2, 1), date(2027, 2, 14), "Ferie zimowe"),
        (date(2027, 3, 25), date(2027, 3, 30), "Easter break"),
    ],
    "DE": [
        (date(2026, 12, 23), date(2027, 1, 6), "Weihnachtsferien"),
    ],
}
# German breaks differ by state: stored with a subdivision, so teams without one skip them.
REGIONAL_BREAKS: list[tuple[str, str, date, date, str]] = [
    ("DE", "BY", date(2026, 11, 2), date(2026, 11, 6), "Herbstferien"),
    ("DE", "BE", date(2026, 10, 19), date(2026, 10, 31), "Herbstferien"),
    ("DE", "NW", date(2027, 3, 22), date(2027, 4, 3), "Osterferien"),
]

BATCH = 5_000  # rows per executemany


@contextmanager
def fresh_database(pg_url: str | None, name: str) -> Iterator[str]:
    """A new, migrated, empty database: a SQLite file in a temporary directory, or the
    PostgreSQL database ``name`` on the server of ``pg_url`` (created, dropped afterwards)."""
    if pg_url is None:
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        url = f"sqlite:///{folder / 'bench.db'}"
        try:
            _migrate(url)
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    admin = sa.create_engine(normalise_url(pg_url), isolation_level="AUTOCOMMIT")
    database = f"{name}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
    url = admin.url.set(database=database).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def insert(engine: Engine, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert in batches, each batch its own transaction."""
    table = model.__table__
    for start in range(0, len(rows), BATCH):
        with engine.begin() as conn:
            conn.execute(sa.insert(table), list(rows[start : start + BATCH]))


@dataclass
class Teams:
    """What was seeded: projects and their members (the coordinator first)."""

    project_ids: list[int] = field(default_factory=list)
    members: dict[int, list[int]] = field(default_factory=dict)  # project → user ids
    country: dict[int, str] = field(default_factory=dict)  # user → country
    zone: dict[int, str] = field(default_factory=dict)  # user → IANA zone


def seed_teams(
    engine: Engine,
    *,
    teams: int,
    size: int,
    rng: random.Random,
    explicit_zone_share: float = 0.5,
    first_user: int = 1_000_000,
) -> Teams:
    """``teams`` projects of ``size`` teachers each; a team spans the five countries (member
    i of team k is from country (k + i) mod 5). About ``explicit_zone_share`` of teachers
    set their zone with /timezone, the others keep the guess from their country."""
    now = datetime(2026, 8, 20, 12, 0, tzinfo=UTC)
    seeded = Teams()
    projects: list[dict[str, Any]] = []
    users: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    user_id = first_user
    for k in range(teams):
        project_id = k + 1
        projects.append({"id": project_id, "title": f"Project {project_id}", "created_at": now})
        seeded.project_ids.append(project_id)
        team: list[int] = []
        for i in range(size):
            user_id += 1
            country, zone, language = COUNTRIES[(k + i) % len(COUNTRIES)]
            explicit = rng.random() < explicit_zone_share
            users.append(
                {
                    "id": user_id,
                    "display_name": f"Teacher {user_id}",
                    "language": language,
                    "country": country,
                    "timezone": zone if explicit else None,
                    "school": f"School {user_id}",
                    "started": True,
                    "active_project_id": None,
                    "created_at": now,
                }
            )
            memberships.append(
                {
                    "project_id": project_id,
                    "user_id": user_id,
                    "role": (Role.COORDINATOR if i == 0 else Role.PARTNER).value,
                    "founder": i < 2,
                    "country": country,
                    "joined_at": now,
                }
            )
            team.append(user_id)
            seeded.country[user_id] = country
            seeded.zone[user_id] = zone
        seeded.members[project_id] = team
    insert(engine, Project, projects)
    insert(engine, User, users)
    insert(engine, Membership, memberships)
    if engine.dialect.name == "postgresql":  # explicit ids: move the sequence past them
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('project', 'id'), "
                "(SELECT max(id) FROM project))"
            )
    return seeded


def seed_national_breaks(engine: Engine) -> int:
    """Nationwide and regional school breaks of the five countries, as fetched."""
    rows: list[dict[str, Any]] = [
        {
            "country": country,
            "subdivision": None,
            "start": start,
            "end": end,
            "name": name,
            "source": "openholidays",
            "project_id": None,
        }
        for country, breaks in NATIONAL_BREAKS.items()
        for start, end, name in breaks
    ]
    rows += [
        {
            "country": country,
            "subdivision": sub,
            "start": start,
            "end": end,
            "name": name,
            "source": "openholidays",
            "project_id": None,
        }
        for country, sub, start, end, name in REGIONAL_BREAKS
    ]
    insert(engine, SchoolBreak, rows)
    return len(rows)
