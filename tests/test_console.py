"""The offline console end to end: the real bot long-polls the fake Bot API while a script
types as three teachers. One teacher creates a project, another joins with the invite,
the group is linked and /team shows both, in Latvian, Lithuanian and English."""

import asyncio
import re
from collections.abc import Awaitable, Callable

import pytest

from bot.console import run_console
from storage.db import Database
from tests.conftest import settings_for_console

Step = str | Callable[[], Awaitable[str | None]]
LINK = re.compile(r"https://t\.me/TwinCoachBot\?start=j_[A-Za-z0-9_-]+")


class Terminal:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cursor = 0
        self.changed = asyncio.Event()

    def write(self, line: str) -> None:
        self.lines.append(line)
        self.changed.set()

    def expect(self, pattern: str) -> Callable[[], Awaitable[str | None]]:
        """A step that waits for the next output matching `pattern`; it types nothing."""

        async def step() -> str | None:
            async with asyncio.timeout(10):
                while True:
                    self.changed.clear()
                    for i in range(self.cursor, len(self.lines)):
                        if re.search(pattern, self.lines[i]):
                            self.cursor = i + 1
                            return None
                    await self.changed.wait()

        return step

    def typed_link(self) -> Callable[[], Awaitable[str | None]]:
        """A step that types `:open <the invite link shown so far>`."""

        async def step() -> str | None:
            links = [m.group(0) for line in self.lines if (m := LINK.search(line))]
            return f":open {links[-1]}"

        return step


@pytest.mark.parametrize(
    ("language", "expect"),
    [
        ("Latviešu", {"title_q": "darba nosaukums", "team": "dibinātāj"}),
        ("Lietuvių", {"title_q": "darbinis pavadinimas", "team": "steigėj"}),
        ("English", {"title_q": "working title", "team": "founder"}),
    ],
)
async def test_create_join_link_team_in_each_language(
    db: Database, db_url: str, language: str, expect: dict
):
    term = Terminal()
    script: list[Step] = [
        ":as jonas",
        "/language",
        term.expect(r"\[1\]"),
        f":{['Latviešu', 'Lietuvių', 'English'].index(language) + 1}",
        term.expect(r"(?i)done|gatavs|atlikta"),
        ":as anna",
        "/language",
        term.expect(r"\[1\]"),
        f":{['Latviešu', 'Lietuvių', 'English'].index(language) + 1}",
        term.expect(r"(?i)done|gatavs|atlikta"),
        "/newproject",
        term.expect(expect["title_q"]),
        "Water around us",
        term.expect(r"\[1\] 🇱🇻"),
        ":1",
        term.expect(r"2/4|3/4"),
        "Rīgas 1. vidusskola",
        term.expect(r"4/4"),
        ":1",
        term.expect(LINK.pattern),
        ":as jonas",
        term.typed_link(),
        term.expect(r"2/6"),
        ":1",
        term.expect(r"3/6"),
        "LT",
        term.expect(r"4/6"),
        "Vilniaus gimnazija",
        term.expect(r"5/6"),
        "jonas@example.lt",
        term.expect(r"6/6"),
        ":1",
        term.expect(r"Water around us"),
        ":as anna",
        ":add",
        ":group",
        "/link",
        term.expect(r"Water around us"),
        "/team",
        term.expect(expect["team"]),
        ":quit",
    ]

    async def read_line() -> str | None:
        while script:
            step = script.pop(0)
            typed = step if isinstance(step, str) else await step()
            if typed is not None:
                return typed
        return None

    settings = settings_for_console(db_url)
    await asyncio.wait_for(run_console(settings, db, read_line, term.write), 60)
    team_lines = "\n".join(term.lines[-12:])
    assert (
        "Jonas" in team_lines
        and "Vilniaus gimnazija" in team_lines
        and "Rīgas 1. vidusskola" in team_lines
    )
