"""The foundation's main path: create a project, join it, link a group, see the team."""

import re

from sqlmodel import select

from storage.db import Database
from storage.models import ChatBinding, Membership, Project, Role, User
from tests.driver import Driver, Teacher

INVITE = re.compile(r"https://t\.me/TwinCoachBot\?start=(j_[A-Za-z0-9_-]+)")


async def create_project(anna: Teacher, title: str = "Water around us") -> str:
    """Anna answers the questions; returns the invite link she gets."""
    await anna.send("/newproject")
    await anna.send(title)
    await anna.click("🇱🇻")
    await anna.send("Rīgas 1. vidusskola")
    await anna.send("anna@example.lv")
    sent = await anna.click("Europe/Riga")
    found = INVITE.search(sent.text)
    assert found, sent.text
    return found.group(0)


async def join(
    teacher: Teacher,
    link: str,
    *,
    country: str,
    school: str,
    contact: str,
    region: str | None = None,
) -> None:
    """The teacher answers the join questions; where the country asks for a region, they
    tap the button with `region` in its label, or "Not sure"."""
    await teacher.open(link)
    await teacher.click("✓")  # keep the Telegram name
    sent = await teacher.send(country)
    if "region" in sent.text.lower():  # Portugal's public holidays differ by district
        await teacher.click(region or "Not sure")
    await teacher.send(school)
    await teacher.send(contact)
    sent = await teacher.click("✓")  # the guessed time zone
    assert "partner" in sent.text.lower() or "partner" in sent.text.lower() or sent.texts


async def test_create_join_link_team(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "lv", "Bērziņa")
    jonas = driver.teacher(102, "Jonas", "lt")
    link = await create_project(anna)

    await join(
        jonas, link, country="Lietuva", school="Vilniaus gimnazija", contact="jonas@example.lt"
    )

    def state(s):
        project = s.exec(select(Project)).one()
        members = s.exec(select(Membership).order_by(Membership.id)).all()
        users = {u.id: u for u in s.exec(select(User)).all()}
        return project, members, users

    project, members, users = await db.run(state)
    assert project.title == "Water around us"
    assert [(m.user_id, m.role, m.founder, m.country) for m in members] == [
        (101, Role.COORDINATOR, True, "LV"),
        (102, Role.PARTNER, False, "LT"),
    ]
    assert users[102].timezone == "Europe/Vilnius"
    assert users[101].school == "Rīgas 1. vidusskola"

    group = driver.group()
    group.set_member(anna, "creator")
    group.set_member(jonas, "member")
    intro = await group.add_bot(anna)
    assert "/link" in intro.to(group.id)[0]
    linked = await anna.send("/link", group)
    assert "Water around us" in linked.to(group.id)[0]
    binding = await db.run(lambda s: s.exec(select(ChatBinding)).one())
    assert binding.project_id == project.id and binding.language == "lv"

    team = await jonas.send("/team", group)
    text = team.to(group.id)[0]
    assert "Anna Bērziņa" in text and "Jonas" in text
    assert "Vilniaus gimnazija" in text and "jonas@example.lt" in text
    assert "3" in text  # the advice: aim for at least 3 partners
