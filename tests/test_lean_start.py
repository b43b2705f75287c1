"""A lean start: the bot's idle memory stays near a bare echo bot's (bench/memory.py)
because the big libraries load when first needed — matplotlib at the first chart,
dateparser at the first phrase the takers do not know, icalendar at the first .ics,
psycopg on PostgreSQL only, Alembic only when the schema is behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from storage import migrate
from storage.db import Database
from tests.conftest import TOKEN
from tests.processes import cli_env

ROOT = Path(__file__).parents[1]
LATER = ("matplotlib", "numpy", "dateparser", "icalendar", "psycopg", "alembic")
# What `python -m bot run` does before it polls: settings, the database, the application.
START = f"""
import sys
from bot.app.cli import _database, _settings
from bot.app.application import build_application
settings = _settings()
build_application(settings, _database(settings))
print(" ".join(m for m in {LATER!r} if m in sys.modules))
"""


def _run_with_the_bots_settings(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter, configured as `python -m bot run` is there."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=cli_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, PYTHONPATH=str(ROOT)),
        timeout=120,
    )


def migrated(tmp_path: Path, revision: str = "head") -> Database:
    db = Database(f"sqlite:///{tmp_path}/bot.db")
    command.upgrade(migrate.alembic_config(db.engine), revision)
    return db


def test_a_start_on_a_current_schema_loads_none_of_the_heavy_libraries(tmp_path: Path):
    migrated(tmp_path).close()
    started = _run_with_the_bots_settings(tmp_path, START)
    assert started.stdout.split() == []


def test_the_head_read_from_the_files_is_alembics(tmp_path: Path):
    db = migrated(tmp_path)
    try:
        script = ScriptDirectory.from_config(migrate.alembic_config(db.engine))
        assert migrate.head() == script.get_current_head()
        assert migrate.current(db.engine) == migrate.head()
    finally:
        db.close()


def test_a_schema_behind_is_still_upgraded(tmp_path: Path):
    db = migrated(tmp_path, "0012")
    try:
        assert migrate.current(db.engine) == "0012"
        migrate.upgrade(db.engine)
        assert migrate.current(db.engine) == migrate.head()
    finally:
        db.close()


def test_a_new_database_has_no_revision_until_upgraded(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path}/new.db")
    try:
        assert migrate.current(db.engine) is None
        migrate.upgrade(db.engine)
        assert migrate.current(db.engine) == migrate.head()
    finally:
        db.close()


# What `python -m bot run` and `python -m bot scheduler` do once started (post_init).
SETTLED = """
import asyncio, gc
from bot.app.cli import _database, _hooks, _settings
from bot.app.application import build_application
settings = _settings()
db = _database(settings)
app = build_application(settings, db)
_hooks(app, settings, db)
before = gc.get_freeze_count(), gc.get_threshold()[0]
asyncio.run(app.post_init(app))
print(*before, gc.get_freeze_count(), gc.get_threshold()[0])
"""


def test_once_started_what_start_up_loaded_is_frozen_out_of_the_collectors_walks(
    tmp_path: Path,
):
    started = _run_with_the_bots_settings(tmp_path, SETTLED)
    frozen_before, young_before, frozen, young = map(int, started.stdout.split())
    assert (frozen_before, young_before) == (0, 700)  # Python's defaults until then
    assert frozen > 50_000  # modules, the guide, the handlers
    assert young == 10_000
