"""Alembic, configured in code so `python -m bot migrate` needs no alembic.ini.

Alembic (with Mako and every dialect's DDL, ~7 MB resident) loads only when the schema
is behind: every start after the first finds it current with one query."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION = re.compile(r"^(down_)?revision\b[^=\n]*=\s*['\"](\w+)['\"]", re.MULTILINE)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # noqa: PLC0415 - Alembic only when it is needed

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@cache
def head() -> str | None:
    """The newest revision, read from the migration files' `revision`/`down_revision`
    lines (tests/test_lean_start.py checks it against Alembic's own answer); None unless
    there is exactly one."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for down, name in _REVISION.findall(script.read_text()):
            (parents if down else revisions).add(name)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def current(engine: Engine) -> str | None:
    """The database's revision (alembic_version), None before the first migration."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    if head() is not None and current(engine) == head():
        return
    from alembic import command  # noqa: PLC0415 - Alembic only when the schema is behind

    command.upgrade(alembic_config(engine), "head")
