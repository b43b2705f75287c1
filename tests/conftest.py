"""Fixtures: a fresh database per test (SQLite always, PostgreSQL when TEST_DATABASE_URL
is set), the loopback fake Bot API, and the real Application wired to both."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from bot.app.application import build_application
from bot.config import Settings
from bot.context import TwinApp
from bot.fakeapi.server import FakeBotApi
from storage.db import Database, make_engine, normalise_url
from storage.migrate import upgrade
from tests.driver import Driver

TOKEN = "123456:TEST-token-for-the-loopback-fake-api"
# Every test lives on Monday 23 November 2026, 10:00 UTC (the clock still ticks), so
# phrases like "by Friday" and "15.12." mean the same whatever day the suite runs.
TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="TEST_DATABASE_URL is not set")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per run; each test gets a copy (migrations run once)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection to close folds the WAL into the file
    return path


def _pg_admin() -> sa.Engine:
    assert PG_URL
    return sa.create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database used as the template of each test's database."""
    name = f"twincoach_tpl_{uuid.uuid4().hex[:8]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin.url.set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "twincoach.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"twincoach_t_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    yield database
    await database.close_async()


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.stop()


def settings_for(fake: FakeBotApi, db_url: str, **extra: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        telegram_api_base_url=fake.base_url,
        database_url=db_url,
        **extra,
    )


def settings_for_console(db_url: str) -> Settings:
    return Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]


@pytest.fixture
async def app(fake: FakeBotApi, db: Database, db_url: str) -> AsyncIterator[TwinApp]:
    application = build_application(settings_for(fake, db_url), db)
    # The flows' tests play teachers faster than anyone types; tests/test_fair.py and the
    # tests that build their own application run with the input limits (bot/fair.py).
    application.bot_data["services"].limits.enabled = False
    await application.initialize()
    yield application
    await application.shutdown()


@pytest.fixture
def driver(app: TwinApp, fake: FakeBotApi) -> Driver:
    return Driver(app, fake)
