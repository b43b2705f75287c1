"""The offline console end to end: the real bot long-polls the fake Bot API while a script
types as three teachers. One teacher creates a project, another joins with the invite,
the group is linked and /team shows both, in Latvian, Lithuanian and English."""

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.app.cli import _database
from bot.app.console import run_console
from storage.db import Database
from tests.conftest import settings_for_console

Step = str | Callable[[], Awaitable[str | None]]
LINK = re.compile(r"https://t\.me/TwinCoachBot\?start=j_[A-Za-z0-9_-]+")


class Terminal:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cursor = 0
        self.changed = asyncio.Event()

    def write(self, text: str) -> None:
        self.lines.extend(text.split("\n"))  # a message arrives as one multi-line write
        self.changed.set()

    def expect(self, pattern: str) -> Callable[[], Awaitable[str | None]]:
        """A step that waits for the next output matching `pattern`; it types nothing."""

        async def step() -> str | None:
            try:
                async with asyncio.timeout(10):
                    while True:
                        self.changed.clear()
                        for i in range(self.cursor, len(self.lines)):
                            if re.search(pattern, self.lines[i]):
                                self.cursor = i + 1
                                return None
                        await self.changed.wait()
            except TimeoutError:
                recent = "\n".join(self.lines[-40:])
                raise AssertionError(
                    f"no output matching {pattern!r}; last lines:\n{recent}"
                ) from None

        return step

    def typed_link(self) -> Callable[[], Awaitable[str | None]]:
        """A step that types `:open <the invite link shown so far>`."""

        async def step() -> str | None:
            links = [m.group(0) for line in self.lines if (m := LINK.search(line))]
            return f":open {links[-1]}"

        return step


LANGUAGES = ["Latviešu", "Lietuvių", "English"]


def choose_language(term: Terminal, teacher: str, language: str) -> list[Step]:
    return [
        f":as {teacher}",
        ":private",
        "/language",
        term.expect(r"\[1\]"),
        f":{LANGUAGES.index(language) + 1}",
        term.expect(r"(?i)done|darīts|atlikta"),
    ]


def join_as(
    term: Terminal, teacher: str, country: str, school: str, region: str | None = None
) -> list[Step]:
    """The join questions; a `region` (typed) where the country asks for one."""
    total = 6 if region else 5
    where = [country, term.expect(rf"3/{total}")] + (
        [region, term.expect(r"4/6")] if region else []
    )
    return [
        f":as {teacher}",
        term.typed_link(),
        term.expect(r"1/5"),
        ":1",
        term.expect(r"2/5"),
        *where,
        school,
        term.expect(rf"{total - 1}/{total}"),
        f"{teacher}@example.org",
        term.expect(rf"{total}/{total}"),
        ":1",
        term.expect(r"Water around us"),
    ]


def maria_joins(term: Terminal, region: str) -> list[Step]:
    """Anna invites Maria, who joins from Portugal (asked her region: public holidays
    there differ by district)."""
    return [
        ":as anna",
        ":private",
        "/invite",
        term.expect(LINK.pattern),
        *join_as(term, "maria", "PT", "Escola do Porto", region=region),
    ]


def team_in_group(term: Terminal, language: str) -> list[Step]:
    """Anna (and Jonas) in `language`: Anna creates the project, Jonas joins, the group is linked."""
    return [
        *choose_language(term, "jonas", language),
        *choose_language(term, "anna", language),
        "/newproject",
        term.expect(r"1/5"),
        "Water around us",
        term.expect(r"\[1\] 🇱🇻"),
        ":1",
        term.expect(r"3/5"),
        "Rīgas 1. vidusskola",
        term.expect(r"4/5"),
        "anna@example.lv",
        term.expect(r"5/5"),
        ":1",
        term.expect(LINK.pattern),
        *join_as(term, "jonas", "LT", "Vilniaus gimnazija"),
        ":as anna",
        ":add",
        ":group",
        "/link",
        term.expect(r"Water around us"),
    ]


async def play(db: Database, db_url: str, term: Terminal, script: list[Step]) -> None:
    async def read_line() -> str | None:
        while script:
            step = script.pop(0)
            typed = step if isinstance(step, str) else await step()
            if typed is not None:
                return typed
        return None

    await asyncio.wait_for(run_console(settings_for_console(db_url), db, read_line, term.write), 90)


@pytest.mark.parametrize(
    ("language", "expect"),
    [
        ("Latviešu", "dibinātāj"),
        ("Lietuvių", "steigėj"),
        ("English", "founder"),
    ],
)
async def test_create_join_link_team_in_each_language(
    db: Database, db_url: str, language: str, expect: str
):
    term = Terminal()
    script = [*team_in_group(term, language), "/team", term.expect(expect), ":quit"]
    await play(db, db_url, term, script)
    team_lines = "\n".join(term.lines[-12:])
    assert (
        "Jonas" in team_lines
        and "Vilniaus gimnazija" in team_lines
        and "Rīgas 1. vidusskola" in team_lines
    )


def take_quiz(term: Terminal, teacher: str, scales: list[int]) -> list[Step]:
    """From the group post's button: skip the eleven words, tap the nine scales."""
    steps: list[Step] = [
        f":as {teacher}",
        ":group",
        term.expect(r"@group"),
        ":1",
        term.expect(r"1/20"),
    ]
    for n in range(2, 13):
        steps += ["/skip", term.expect(rf"{n}/20")]
    for n, value in enumerate(scales, 13):
        steps += [
            f":{value}",
            term.expect(rf"{n}/20") if n <= 20 else term.expect(r"\[2\] (Later|Vēlāk|Vėliau)"),
        ]
    return [*steps, ":2", term.expect(r"/quizresults")]  # the skipped words: later


@pytest.mark.parametrize(
    ("language", "prompt"),
    [
        ("Latviešu", "💬"),
        ("Lietuvių", "💬"),
        ("English", "Agree which channel is for urgent problems"),
    ],
)
async def test_three_teachers_take_the_quiz_in_the_console(
    db: Database, db_url: str, language: str, prompt: str
):
    term = Terminal()
    script = [
        *team_in_group(term, language),
        *choose_language(term, "maria", language),
        *maria_joins(term, region="Porto"),
        ":as anna",
        ":group",
        "/quiz",
        term.expect(r"\[1\].*↗"),
        *take_quiz(term, "anna", [1, 2, 2, 1, 1, 1, 3, 1, 1]),
        *take_quiz(term, "jonas", [5, 4, 2, 5, 3, 2, 3, 2, 2]),
        *take_quiz(term, "maria", [3, 3, 2, 5, 3, 2, 3, 2, 5]),
        ":group",
        "/quizresults",
        term.expect(r"\[file: .*\.png"),
        term.expect(prompt),
        ":quit",
    ]
    await play(db, db_url, term, script)
    output = "\n".join(term.lines)
    assert output.count("💬") >= 3


def add_plan_item(term: Terminal, section: int, *answers: str) -> list[Step]:
    """From the whole plan: open a section, add an item, answer, back to the whole plan."""
    steps: list[Step] = [
        "/plan",
        term.expect(r"\[5\] Title"),
        f":{section}",
        term.expect(r"\[1\] ➕"),
        ":1",
    ]
    for n, answer in enumerate(answers, 1):  # a single question has no counter
        shown = rf"^{n}/{len(answers)}" if len(answers) > 1 else r"^(What|Add) "
        steps += [term.expect(shown), answer]
    return [*steps, term.expect(r"^Saved")]


async def test_plan_registration_status_risks_and_quality_in_the_console(db: Database, db_url: str):
    term = Terminal()
    script: list[Step] = [
        *team_in_group(term, "English"),
        ":private",
        *add_plan_item(term, 1, "By March every pupil names 5 ways to save water"),
        *add_plan_item(term, 2, "A shared e-book about rivers"),
        *add_plan_item(term, 2, "Collect river stories"),
        *add_plan_item(term, 3, "Mixed teams write one chapter together"),
        *add_plan_item(term, 3, "Pupils vote together on the cover"),
        *add_plan_item(term, 3, "A joint online reading with all schools"),
        *add_plan_item(
            term,
            4,
            "Pupils interview grandparents",
            ":1",
            "two weeks",
            ":1",
            "/skip",
            "/skip",
            "next Monday",
            "15 December",
            ":1",  # yes, that is the date
        ),
        *add_plan_item(term, 5, "Rivers of our childhood"),
        ":group",
        "/plan",
        term.expect(r"Plan: Water around us"),
        term.expect(r"Rivers of our childhood"),
        ":private",
        "/registration",
        term.expect(r"cannot be saved as a draft"),
        term.expect(r"\[file: registration-kit\.md"),
        "/status",
        term.expect(r"stage \d of 7"),
        ":group",
        "/risks",
        term.expect(r"Risks: Water around us"),
        ":private",
        "/members",
        term.expect(r"\[1\] Jonas"),
        ":1",
        term.expect(r"\[1\] Make founder"),
        ":1",
        term.expect(r"Remove as founder"),
        "/quality",
        term.expect(r"1/13"),
        ":4",
        term.expect(r"2/13"),
        ":4",
        term.expect(r"3/13"),
        ":4",
    ]
    for n in range(4, 14):
        script += [term.expect(rf"{n}/13"), ":1"]
    script += [term.expect(r"could get the National Quality Label"), ":quit"]
    await play(db, db_url, term, script)
    output = "\n".join(term.lines)
    assert "Total: 22 of 25 points" in output


async def test_a_fresh_console_knows_lithuanian_and_portuguese_breaks_offline(tmp_path: Path):
    """A new database as `python -m bot console` opens it: migrated and seeded with the
    shipped school holidays, so /breaks shows them with no network at all."""
    url = f"sqlite:///{tmp_path / 'console.db'}"
    db = _database(settings_for_console(url), url)
    term = Terminal()
    script = [
        *team_in_group(term, "English"),
        *maria_joins(term, region="Not sure"),
        ":as anna",
        ":private",
        "/breaks",
        term.expect(r"OpenHolidays API \(openholidaysapi\.org\), ODbL"),
        ":quit",
    ]
    await play(db, url, term, script)
    shown = "\n".join(term.lines)
    assert "23.12.2026 – 03.01.2027: Žiemos atostogos" in shown  # Lithuania, in Lithuanian
    assert "16.12.2026 – 31.12.2026: Férias de Natal" in shown  # Portugal, in Portuguese
