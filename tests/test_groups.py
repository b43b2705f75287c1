"""Group chats: which buttons act where; a group only ever acts for its own project."""

from datetime import UTC, datetime

from sqlmodel import select

from storage.db import Database
from storage.models import Deadline, Membership
from tests.driver import Driver
from tests.test_reminders import add_deadline
from tests.test_roles import team_of_three
from tests.test_team_flow import create_project


async def test_buttons_forged_in_another_projects_group_show_and_change_nothing(
    driver: Driver, db: Database
):
    """Anna coordinates Alpha and is in Beta's group too: Alpha's member, deadline,
    decision, leave and plan buttons pressed there are refused, and nothing changes."""
    anna, _jonas, _maria = await team_of_three(driver)  # Alpha, project 1
    await add_deadline(db, owner=101, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    olga = driver.teacher(104, "Olga", "en")
    await create_project(olga, "Beta")
    beta_group = driver.group(-100888, "Beta group")
    beta_group.set_member(olga, "creator")
    beta_group.set_member(anna)
    await beta_group.add_bot(olga)
    await olga.send("/link", beta_group)
    posted = driver.fake.messages(beta_group.id)[-1]

    def state(s):
        return s.exec(select(Deadline.done_at)).all(), s.exec(select(Membership.user_id)).all()

    before = await db.run(state)
    for data in (
        "mem:1:102:card",
        "mem:1:102:remove",
        "dl:1:done",
        "dl:1:snooze",
        "dl:1:more",
        f"dlx:1:{int(datetime(2026, 12, 20, tzinfo=UTC).timestamp())}:yes",
        "leave:1",
        "plan:1:all",
        "prog:1",
        "agr:1:list",
    ):
        pressed = await anna.press(posted, data)
        assert [c.method for c in pressed.calls] == ["answerCallbackQuery"], data
        assert "no longer active" in pressed.alerts[0]
    assert await db.run(state) == before
    sent = await olga.send("/language", beta_group)  # the group's own buttons still act
    sent = await olga.click("Latviešu", beta_group)
    assert sent.to(beta_group.id)
