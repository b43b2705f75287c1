"""The code reads top to bottom: every import runs from a layer to the same one or a lower
one, never back up, so a reader can understand each layer without the ones above it.

Top to bottom (ARCHITECTURE.md draws the same):
the app (bot/app: assembly, command line, console) → handlers (the screens) → scheduler
(dates, calendars, reminders) → the base (the rest of bot/: settings, context, replies,
sending) → storage → the rules and the guide (bot/rules, bot/guide: pure) → bot/meaning
(quantities read from text) → bot/i18n.

Imports are read with `ast`, those inside functions (loaded late on purpose) too."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("bot", "handlers", "scheduler", "storage")
# Top first; a module belongs to the layer of its longest matching prefix.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the app", ("bot.app", "bot.__main__")),
    ("handlers", ("handlers",)),
    ("scheduler", ("scheduler",)),
    ("the base", ("bot",)),
    ("storage", ("storage",)),
    ("the rules and the guide", ("bot.rules", "bot.guide")),
    ("meaning", ("bot.meaning",)),
    ("i18n", ("bot.i18n",)),
)
# Pure means no Telegram and no database, not even through a library.
IMPURE = ("telegram", "sqlmodel", "sqlalchemy", "storage", "aiohttp")


def layer_of(module: str) -> int | None:
    """The index of `module`'s layer (0 is the top); None outside the project."""
    best: tuple[int, int] | None = None
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), index)
    return None if best is None else best[1]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(source: str, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import in `source`, wherever it stands; `from a
    import b` names `a.b` when b is a module, else `a`."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                named = f"{base}.{alias.name}"
                yield node.lineno, named if _is_module(named) else base


def project_modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield module_name(path), path


def back_imports(module: str, source: str, is_package: bool = False) -> list[str]:
    """Each import of `module` that runs up to a higher layer, as 'module:line → target'."""
    own = layer_of(module)
    found = []
    for line, target in imports_of(source, module, is_package):
        theirs = layer_of(target)
        if own is not None and theirs is not None and theirs < own:
            found.append(f"{module}:{line} ({LAYERS[own][0]}) → {target} ({LAYERS[theirs][0]})")
    return found


def test_no_module_imports_from_a_layer_above_its_own():
    found = [
        back
        for module, path in project_modules()
        for back in back_imports(module, path.read_text(), path.name == "__init__.py")
    ]
    assert found == []


def test_the_rules_and_the_guide_import_no_telegram_and_no_database():
    found = []
    for module, path in project_modules():
        if module.startswith(("bot.rules", "bot.guide")):
            found += [
                f"{module}:{line} → {target}"
                for line, target in imports_of(path.read_text(), module, path.name == "__init__.py")
                if target.split(".")[0] in IMPURE
            ]
    assert found == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        # a late import in a function body counts as much as one at the top
        ("scheduler.reminders.rhythm", "def f():\n    from handlers.quiz import QUIZ\n"),
        ("bot.outgoing", "from scheduler.delivery import retry_seconds\n"),
        ("storage.teams", "import bot.app.application\n"),
        ("bot.rules.precision", "from bot import reply\n"),  # a module named in `from bot`
        ("bot.rules.countries", "from .. import context\n"),  # relative
    ],
)
def test_a_back_import_is_found(module: str, source: str):
    assert len(back_imports(module, source)) == 1


def test_imports_within_a_layer_and_downwards_pass():
    assert back_imports("handlers.plan", "from bot.rules import plan_checks\n") == []
    assert back_imports("bot.app.cli", "from handlers import start\nimport storage.db\n") == []
    assert back_imports("bot.rules.precision", "from bot.meaning.reader import read\n") == []
