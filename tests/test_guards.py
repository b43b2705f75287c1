"""One not-a-member answer and one stale-button answer (handlers/guards.py), the same text
in every flow: a press with another project's id, a press whose data no longer mean
anything, and a dialog answered after its teacher left the project."""

from __future__ import annotations

from sqlmodel import select

from bot.i18n import Translator
from handlers.guards import NOT_A_MEMBER, STALE
from storage import teams
from storage.db import Database
from storage.models import Answer, Project
from tests.driver import Driver
from tests.test_properties import registered
from tests.test_roles import team_of_three
from tests.test_team_flow import create_project

# A malformed press on these prefixes is no stale button: forget:/leave: read anything
# but "yes" as No, link: is a group's button (privately it says where to send /link),
# proj: reads the rest as a project of someone else's, prog: asks for the coordinator.
NOT_STALE = {
    "forget": "Nothing changed.",
    "leave": "Nothing changed.",
    "link": "Send /link in your team's group chat, not here.",
    "proj": NOT_A_MEMBER,
    "prog": "Only the project's coordinator can send reminders.",
}


async def projects(db: Database) -> dict[str, int]:
    return await db.run(lambda s: {p.title: p.id for p in s.exec(select(Project)).all()})


async def test_a_press_for_another_project_gets_one_answer_in_every_flow(
    driver: Driver, db: Database
):
    anna = driver.teacher(101, "Anna", "en")
    eva = driver.teacher(105, "Eva", "en")
    olga = driver.teacher(106, "Olga", "lv")  # in no project: the answer in her language
    await create_project(anna, "Alpha")
    await create_project(eva, "Beta")
    await olga.send("/start")
    other = (await projects(db))["Beta"]
    await anna.send("/help")
    here, hers = driver.fake.messages(101)[-1], driver.fake.messages(106)[-1]
    presses = [  # one button of each flow that names a project
        f"plan:{other}:open:goal",
        f"rk:{other}:list",
        f"rk:{other}:parents:yes",
        f"ts:{other}:ts.public:t",
        f"ts:{other}:pages",
        f"lc:{other}:s1.idea:t",
        f"qn:quiz:{other}:edit",
        f"qn:agree:{other}:open",
        f"proj:{other}",
    ]
    for data in presses:
        sent = await anna.press(here, data)
        assert sent.alerts == [NOT_A_MEMBER], data
        assert sent.texts == [], data
        sent = await olga.press(hers, data)
        assert sent.alerts == [Translator("lv")(NOT_A_MEMBER)], data
    assert Translator("lv")(NOT_A_MEMBER) != NOT_A_MEMBER  # the catalog still has it


async def test_a_press_that_means_nothing_gets_one_answer_in_every_flow(
    driver: Driver, db: Database
):
    anna = driver.teacher(101, "Anna", "en")
    await create_project(anna, "Alpha")
    pid = (await projects(db))["Alpha"]
    await anna.send("/help")
    here = driver.fake.messages(101)[-1]
    _commands, prefixes = registered(driver.app)
    assert set(NOT_STALE) <= set(prefixes)
    for prefix in prefixes:
        sent = await anna.press(here, f"{prefix}:x")
        expected = NOT_STALE.get(prefix, STALE)
        assert expected in [*sent.alerts, *sent.texts], (prefix, sent.alerts, sent.texts)
    well_formed = [  # the data parse, but name nothing there is (Anna leads the project)
        f"plan:{pid}:open:nothing",
        f"rk:{pid}:nothing:yes",
        f"ts:{pid}:nowhere",
        f"lc:{pid}:s9.nothing:t",
        f"qn:quiz:{pid}:explode",
        "dl:999:done",
        "brk:ok:999",
        f"ics:{pid}:yes",
        f"inv:{pid}:no-such-token",
        f"regt:{pid}:999",
        f"rs:{pid}:time:99",
        "prof:nothing",
        "lang:xx",
    ]
    for data in well_formed:
        sent = await anna.press(here, data)
        assert sent.alerts == [STALE], (data, sent.alerts, sent.texts)


async def test_a_dialog_answered_after_leaving_ends_with_the_same_answer(
    driver: Driver, db: Database
):
    """Said as a message, not a pop-up: the dialog ends on it, and nothing is saved."""
    _anna, jonas, maria = await team_of_three(driver)
    pid = (await projects(db))["Water around us"]

    def remove(user_id: int):
        def run(s):
            membership = teams.membership(s, project_id=pid, user_id=user_id)
            assert membership is not None
            teams.remove_member(s, membership=membership)

        return run

    await jonas.send("/quiz")
    await db.run(remove(102))
    sent = await jonas.send("within two days")  # a typed answer
    assert sent.texts == [NOT_A_MEMBER] and sent.alerts == []
    await maria.send("/quiz")
    for _word in range(11):
        await maria.send("/skip")
    await db.run(remove(103))
    sent = await maria.click("3")  # a pressed answer: a message all the same
    assert sent.texts == [NOT_A_MEMBER] and sent.alerts == []
    saved = await db.run(lambda s: s.exec(select(Answer).where(Answer.user_id > 101)).all())
    assert [a for a in saved if a.value is not None] == []
