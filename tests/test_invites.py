"""Invites: valid, expired, used up, forged, pasted by hand, already a member."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from storage import teams
from storage.db import Database
from storage.models import Invite, Membership, Role, User
from tests.driver import Driver
from tests.test_team_flow import INVITE, create_project, join


async def memberships(db: Database) -> list[tuple[int | None, str]]:
    rows = await db.run(lambda s: s.exec(select(Membership).order_by(Membership.id)).all())
    return [(m.user_id, m.role.value) for m in rows]


async def test_forged_and_unknown_links_change_nothing(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "lv")
    await create_project(anna)
    maria = driver.teacher(103, "Maria", "en")
    sent = await maria.send("/start j_" + "x" * 32)
    assert "not valid" in sent.text
    sent = await maria.send("/start j_<b>&")
    assert "not valid" in sent.text
    assert await memberships(db) == [(101, "coordinator")]


async def test_expired_invite(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "lv")
    link = await create_project(anna)
    past = datetime.now(UTC) - timedelta(minutes=1)
    await db.run(lambda s: s.execute(sa.update(Invite).values(expires_at=past)))
    sent = await driver.teacher(103, "Maria").open(link)
    assert "expired" in sent.text
    assert await memberships(db) == [(101, "coordinator")]


async def test_used_up_invite_and_last_use(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "lv")
    link = await create_project(anna)
    await db.run(lambda s: s.execute(sa.update(Invite).values(uses_left=1)))
    await join(
        driver.teacher(102, "Jonas", "lt"), link, country="LT", school="Vilnius", contact="j@x.lt"
    )
    sent = await driver.teacher(103, "Maria").open(link)
    assert "used up" in sent.text
    assert await memberships(db) == [(101, "coordinator"), (102, "partner")]


async def test_invite_used_up_while_answering(driver: Driver, db: Database):
    """The link was fine when Maria started, but the last use went while she typed."""
    anna = driver.teacher(101, "Anna", "lv")
    link = await create_project(anna)
    maria = driver.teacher(103, "Maria")
    await maria.open(link)
    await db.run(lambda s: s.execute(sa.update(Invite).values(uses_left=0)))
    for answer in ("Maria", "PT", "Not sure", "Escola do Porto", "maria@example.pt", "Lisbon"):
        sent = await maria.send(answer)
    assert "used up" in sent.text
    assert await memberships(db) == [(101, "coordinator")]


async def test_join_by_pasting_the_link_and_already_member(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "lv")
    link = await create_project(anna)
    maria = driver.teacher(103, "Maria")
    await maria.send("/start")
    await maria.click("Join")
    sent = await maria.send("here it is: nonsense")
    assert "not valid" in sent.text  # re-asked, nothing changed
    sent = await maria.send(link)
    assert "name" in sent.text.lower()
    for answer in ("Maria", "Portugal", "Porto", "Escola do Porto", "maria@example.pt"):
        await maria.send(answer)
    sent = await maria.click("✓")
    assert "Welcome" in sent.text
    coordinator_note = sent.to(101)
    assert coordinator_note and "Maria" in coordinator_note[0]
    assert await memberships(db) == [(101, "coordinator"), (103, "partner")]
    again = await maria.open(link)
    assert "already" in again.text


async def test_invite_tokens_are_long_and_random(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "lv")
    await create_project(anna)
    await anna.send("/invite")
    tokens = await db.run(lambda s: s.exec(select(Invite.token)).all())
    assert len(set(tokens)) == 2
    assert all(len(t) >= 32 for t in tokens)  # 24 random bytes: 192 bits


async def test_partner_cannot_make_invites(driver: Driver):
    anna = driver.teacher(101, "Anna", "lv")
    link = await create_project(anna)
    jonas = driver.teacher(102, "Jonas", "en")
    await join(jonas, link, country="LT", school="Vilnius", contact="j@x.lt")
    sent = await jonas.send("/invite")
    assert "Only the coordinator" in sent.text


async def test_a_teacher_in_as_many_projects_as_allowed_starts_or_joins_no_more(
    driver: Driver, db: Database
):
    anna = driver.teacher(101, "Anna", "en")
    link = await create_project(anna)
    maria = driver.teacher(103, "Maria", "en")
    await maria.send("/start")

    def fill_up(s):
        user = s.get(User, 103)
        for n in range(teams.PROJECTS_MAX):
            teams.create_project(s, founder=user, title=f"Project {n}")

    await db.run(fill_up)
    before = await memberships(db)
    sent = await maria.send("/newproject")
    assert f"You are in {teams.PROJECTS_MAX} projects" in sent.text
    sent = await maria.open(link)
    assert f"You are in {teams.PROJECTS_MAX} projects" in sent.text
    sent = await maria.send(link)  # pasted: still nothing
    assert await memberships(db) == before
    sent = await maria.send("/projects")
    [call] = [c for c in sent.calls if c.method == "sendMessage"]
    assert len(call.params["reply_markup"]["inline_keyboard"]) == teams.PROJECTS_MAX


async def test_a_removed_teacher_needs_a_link_made_after_the_removal(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    link = await create_project(anna)
    jonas = driver.teacher(102, "Jonas", "en")
    await join(jonas, link, country="LT", school="Vilnius", contact="j@x.lt")
    maria = driver.teacher(103, "Maria", "en")
    await join(maria, link, country="PT", school="Porto", contact="m@x.pt")
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Remove from project")
    await anna.click("Yes")
    sent = await jonas.open(link)
    assert "took you out of this project" in sent.text
    sent = await jonas.send(link)  # pasted by hand: the same
    assert (102, "partner") not in await memberships(db)
    await maria.send("/leave")
    await maria.click("Yes, leave")
    await join(maria, link, country="PT", school="Porto", contact="m@x.pt")  # left, not removed
    assert (103, "partner") in await memberships(db)
    fresh = INVITE.search((await anna.send("/invite")).text)
    assert fresh is not None
    await join(jonas, fresh.group(0), country="LT", school="Vilnius", contact="j@x.lt")
    assert (102, "partner") in await memberships(db)


async def test_the_coordinator_lists_and_stops_links(driver: Driver, db: Database):
    anna = driver.teacher(101, "Anna", "en")
    first = await create_project(anna)
    await anna.send("/invite")
    jonas = driver.teacher(102, "Jonas", "en")
    await join(jonas, first, country="LT", school="Vilnius", contact="j@x.lt")
    sent = await anna.send("/invites")
    assert "1. …" in sent.text and "2. …" in sent.text and "9 uses left" in sent.text
    refused = await jonas.send("/invites")
    assert "Only the coordinator" in refused.text
    forged = await jonas.press(driver.fake.messages(101)[-1], f"inv:1:{first.split('start=j_')[1]}")
    assert forged.alerts and len(await db.run(lambda s: s.exec(select(Invite)).all())) == 2
    sent = await anna.click("Stop link 2")  # the older one, the first link
    assert "no longer works" in sent.alerts[0] and "2. …" not in sent.text
    again = await anna.press(driver.fake.messages(101)[-1], f"inv:1:{first.split('start=j_')[1]}")
    assert "no longer active" in again.alerts[0]
    maria = driver.teacher(103, "Maria", "en")
    sent = await maria.open(first)
    assert "not valid" in sent.text


async def test_a_full_project_takes_no_one_more_and_its_lists_fit_telegram(
    driver: Driver, db: Database
):
    anna = driver.teacher(101, "Anna", "en")
    link = await create_project(anna)

    def fill(s):
        s.add_all(
            User(id=10_000 + n, display_name=f"Teacher {n}", country="PT")
            for n in range(teams.MEMBERS_MAX - 1)
        )
        s.flush()
        s.add_all(
            Membership(project_id=1, user_id=10_000 + n, role=Role.PARTNER, country="PT")
            for n in range(teams.MEMBERS_MAX - 1)
        )

    await db.run(fill)
    sent = await driver.teacher(103, "Maria", "en").open(link)
    assert "as many teachers as one project can have" in sent.text
    assert len(await memberships(db)) == teams.MEMBERS_MAX
    for screen in ("/members", "/deadline"):
        sent = await anna.send(screen)
        if screen == "/deadline":
            sent = await anna.send("Posters")
        keyboard = sent.calls[-1].params["reply_markup"]["inline_keyboard"]
        assert sum(map(len, keyboard)) <= 100 and all(len(row) <= 8 for row in keyboard)
        assert sum(map(len, keyboard)) >= teams.MEMBERS_MAX - 1
