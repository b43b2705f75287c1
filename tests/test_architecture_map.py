"""ARCHITECTURE.md's "Where things live" names every module of the four packages, and
names no module that is gone, so the map a newcomer reads matches the folders."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "scheduler", "storage")


def map_rows() -> dict[str, str]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text[text.index("## Where things live") : text.index("## Choices and why")]
    rows = {}
    for line in table.splitlines():
        if match := re.match(r"\| `([^`]+)/` \| (.*)", line):
            rows[match.group(1)] = match.group(2)
    return rows


def row_and_name(path: Path, rows: dict[str, str]) -> tuple[str, str]:
    """The map's row of a module (its deepest folder with a row) and how the row names
    it: `x.py` for a module in that folder, `sub/` for one in a sub-folder."""
    parts = path.relative_to(ROOT).parts
    for depth in range(len(parts) - 1, 0, -1):
        folder = "/".join(parts[:depth])
        if folder in rows:
            rest = parts[depth:]
            return folder, rest[0] if len(rest) == 1 else f"{rest[0]}/"
    raise AssertionError(f"no row for {path}")


def modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "__init__.py" and "migrations" not in path.parts
    ]


def test_every_module_is_on_the_map():
    rows = map_rows()
    missing = []
    for path in modules():
        folder, name = row_and_name(path, rows)
        if f"`{name}`" not in rows[folder]:
            missing.append(f"{folder}: {name}")
    assert not missing, f"ARCHITECTURE.md does not name: {missing}"


def test_the_map_names_no_module_that_is_gone():
    rows = map_rows()
    gone = []
    for folder, row in rows.items():
        if folder == "tests":
            continue
        for name in re.findall(r"`([\w.]+(?:\.py|/))`", row):  # sub-folders' modules too
            if not any((ROOT / folder).rglob(name.rstrip("/"))):
                gone.append(f"{folder}/{name}")
    assert not gone, f"ARCHITECTURE.md names what is not there: {gone}"
