"""Roles: founders, hand-over, removal, leaving; every button re-checks who presses it."""

from sqlmodel import select

from storage.db import Database
from storage.models import Membership, Project, Role
from tests.driver import Driver, Teacher
from tests.test_team_flow import create_project, join


async def team_of_three(driver: Driver) -> tuple[Teacher, Teacher, Teacher]:
    anna = driver.teacher(101, "Anna", "en")
    jonas = driver.teacher(102, "Jonas", "en")
    maria = driver.teacher(103, "Maria", "en")
    link = await create_project(anna)
    await join(jonas, link, country="LT", school="Vilniaus gimnazija", contact="j@x.lt")
    await join(maria, link, country="PT", school="Escola do Porto", contact="m@x.pt")
    return anna, jonas, maria


async def national_pair(driver: Driver) -> tuple[Teacher, Teacher]:
    """Anna (Riga) and Ilze (Liepāja), both founders: a national project."""
    anna = driver.teacher(101, "Anna", "en")
    ilze = driver.teacher(104, "Ilze", "lv")
    link = await create_project(anna)
    await join(ilze, link, country="LV", school="Liepājas ģimnāzija", contact="i@x.lv")
    await anna.send("/members")
    await anna.click("Ilze")
    await anna.click("Make founder")
    return anna, ilze


async def roles(db: Database) -> dict[int | None, tuple[Role, bool]]:
    rows = await db.run(lambda s: s.exec(select(Membership)).all())
    return {m.user_id: (m.role, m.founder) for m in rows}


async def test_second_founder_decides_the_project_type(driver: Driver, db: Database):
    anna, _jonas, _ = await team_of_three(driver)
    sent = await anna.send("/team")
    assert "second founder" in sent.text
    await anna.send("/members")
    await anna.click("Jonas")
    sent = await anna.click("Make founder")
    assert "Remove as founder" in sent.buttons()
    assert (await roles(db))[102] == (Role.PARTNER, True)
    sent = await anna.send("/team")
    assert "International project" in sent.text and "Lithuania" in sent.text
    # a third founder is not offered, and a forged press is refused
    await anna.send("/members")
    sent = await anna.click("Maria")
    assert "Make founder" not in sent.buttons()
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    message = driver.fake.messages(101)[-1]
    await anna.press(message, f"mem:{project_id}:103:founder")
    assert (await roles(db))[103] == (Role.PARTNER, False)


async def test_national_project_when_both_founders_share_a_country(driver: Driver, db: Database):
    anna, _ilze = await national_pair(driver)
    sent = await anna.send("/team")
    assert (
        "National project" in sent.text
        and "Latvia" in sent.text
        and "Latvia, Latvia" not in sent.text
    )


async def test_only_the_coordinator_manages_and_forged_buttons_fail(driver: Driver, db: Database):
    _anna, jonas, _maria = await team_of_three(driver)
    sent = await jonas.send("/members")
    assert "Only the project's coordinator" in sent.text
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    message = driver.fake.messages(102)[-1]
    for data in (
        f"mem:{project_id}:103:remove!",
        f"mem:{project_id}:101:lead!",
        f"mem:{project_id + 1}:103:remove!",
        "mem:x:y:z",
        "mem:1:2",
    ):
        sent = await jonas.press(message, data)
        assert sent.alerts, data
    assert set(await roles(db)) == {101, 102, 103}
    # a coordinator of one project cannot touch another project
    other = driver.teacher(105, "Eva", "en")
    await create_project(other, "Another project")
    sent = await other.press(driver.fake.messages(105)[-1], f"mem:{project_id}:103:remove!")
    assert "Only the project's coordinator" in sent.alerts[0]
    assert set(await roles(db)) == {101, 102, 103, 105}


async def test_hand_over_then_remove_and_leave(driver: Driver, db: Database):
    anna, jonas, maria = await team_of_three(driver)
    sent = await anna.send("/leave")
    assert "Hand coordination over" in sent.text
    await anna.send("/members")
    await anna.click("Jonas")
    sent = await anna.click("Hand over coordination")
    assert "Hand over coordination of" in sent.text
    sent = await anna.click("Yes")
    assert "coordinate" in sent.to(102)[0]
    assert (await roles(db))[102][0] == Role.COORDINATOR
    assert (await roles(db))[101][0] == Role.PARTNER
    # Jonas now removes Maria; she hears about it privately
    await jonas.send("/members")
    await jonas.click("Maria")
    await jonas.click("Remove from project")
    sent = await jonas.click("Yes")
    assert "removed you" in sent.to(103)[0]
    assert 103 not in await roles(db)
    sent = await maria.send("/team")
    assert "not in a project" in sent.text
    # Anna leaves; the coordinator is told
    await anna.send("/leave")
    sent = await anna.click("Yes, leave")
    assert "You left" in sent.text and "Anna left" in sent.to(102)[0]
    assert set(await roles(db)) == {102}


async def test_last_member_leaving_deletes_the_project(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    await create_project(anna)
    sent = await anna.send("/leave")
    assert "deleted" in sent.text
    await anna.click("Yes, leave")
    assert await db.run(lambda s: s.exec(select(Project)).all()) == []


async def test_participant_role_and_switching_projects(driver: Driver, db: Database):
    anna, jonas, _ = await team_of_three(driver)
    await anna.send("/members")
    await anna.click("Maria")
    await anna.click("Make participant")
    assert (await roles(db))[103][0] == Role.PARTICIPANT
    sent = await anna.send("/team")
    assert "participant" in sent.text
    await create_project(anna, "Second project")
    sent = await anna.send("/projects")
    assert sent.buttons() == ["Water around us", "✅ Second project"]
    sent = await anna.click("Water around us")
    assert "Now working on" in sent.text
    sent = await anna.send("/team")
    assert "Water around us" in sent.text
    # a forged switch to a project Jonas is not in is refused
    second = await db.run(
        lambda s: s.exec(select(Project.id).where(Project.title == "Second project")).one()
    )
    sent = await jonas.press(driver.fake.messages(102)[-1], f"proj:{second}")
    assert sent.alerts
