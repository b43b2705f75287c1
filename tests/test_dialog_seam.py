"""The dialogs' seam: a question reads the team as it is at that step (members, product
steps, calendars, the "by Friday" convention), never a copy made when the dialog began;
a dialog that belongs to a project stops when the teacher is no longer in it; and a
dialog saved by the older bot (with its copies) still finishes after a restart."""

import json
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from bot.app.application import build_application
from bot.fakeapi.server import FakeBotApi
from storage import plan
from storage.db import Database
from storage.models import Away, Deadline, PlanItem, ReminderSettings, UserScratch
from tests.conftest import settings_for
from tests.driver import Driver, Teacher
from tests.test_quiz import linked_team


async def _product(jonas: Teacher, *items: str) -> None:
    await jonas.send("/plan")
    await jonas.click("Final product")
    for item in items:
        await jonas.click("Add")
        await jonas.send(item)


async def test_a_plan_activity_offers_the_product_steps_and_members_as_they_are_now(
    driver: Driver, db: Database
):
    anna, jonas, maria, _group = await linked_team(driver)
    await _product(jonas, "A shared e-book about rivers", "Collect river stories")
    await anna.send("/plan")
    await anna.click("Activities")
    await anna.click("Add")  # the dialog begins here
    await _product(jonas, "Write the chapters in mixed teams")  # a step added meanwhile
    sent = await anna.send("Pupils interview their grandparents")
    assert "Write the chapters" in " ".join(sent.buttons())  # read now, not at the start
    await anna.click("Write the chapters")
    await maria.send("/leave")
    await maria.click("Yes, leave")  # she leaves before the "responsible" question
    sent = await anna.send("two weeks")
    assert "Jonas" in sent.buttons() and "Maria" not in " ".join(sent.buttons())
    await anna.click("Jonas")
    await anna.send("/skip")
    await anna.send("/skip")
    await anna.send("tomorrow")
    await anna.send("15.12.")
    sent = await anna.click("Yes")
    assert "Saved" in sent.text
    rows = await db.run(
        lambda s: s.exec(select(PlanItem).where(PlanItem.section == "activity")).all()
    )
    assert plan.details(rows[0])["step"] == "Write the chapters in mixed teams"


async def test_a_deadline_reads_the_calendars_and_the_by_friday_rule_at_each_step(
    driver: Driver, db: Database
):
    anna, _jonas, _maria, _group = await linked_team(driver)
    await anna.send("/deadline")
    await anna.send("Posters")
    await anna.click("Jonas")
    # Meanwhile Jonas is away on 1 December and the team chooses "by Friday" = Thursday.
    await db.run(lambda s: s.add(Away(user_id=102, start=date(2026, 12, 1), end=date(2026, 12, 1))))
    await db.run(lambda s: s.merge(ReminderSettings(project_id=1, by_day="eve")))
    sent = await anna.send("1.12.")
    assert "Not a working day for: Jonas (away)" in sent.text
    await anna.click("No")
    sent = await anna.send("by Friday")
    assert "Thursday, November 26, 2026, 23:59" in sent.text  # today is Monday 23 November


async def test_a_teacher_removed_during_a_dialog_is_stopped_at_the_next_answer(
    driver: Driver, db: Database
):
    anna, jonas, _maria, _group = await linked_team(driver)
    await jonas.send("/deadline")
    await jonas.send("Posters")
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Remove from project")
    await anna.click("Yes")
    sent = await jonas.click("Anna")
    assert "You are not a member of that project." in sent.text
    sent = await jonas.send("next Friday")  # the dialog is over: not read as its answer
    assert "not a member" not in sent.text
    assert await db.run(lambda s: s.exec(select(Deadline)).all()) == []


async def test_an_activity_begun_by_the_older_bot_finishes_after_a_restart(
    driver: Driver, fake: FakeBotApi, db: Database, db_url: str
):
    """The older bot copied the product's steps (and the team's "by Friday" rule) into the
    scratchpad and kept a pressed step as its number in that copy. After a restart the
    number still names the step the teacher saw, whatever the plan holds now."""
    anna, jonas, _maria, _group = await linked_team(driver)
    await _product(jonas, "A shared e-book about rivers", "Draw maps", "Collect river stories")
    await anna.send("/plan")
    await anna.click("Activities")
    await anna.click("Add")
    await anna.send("Pupils interview their grandparents")
    await anna.click("Collect river stories")

    def as_the_older_bot_wrote_it(s: Session) -> None:
        row = s.get(UserScratch, 101)
        data = json.loads(row.data)
        data["form"]["answers"]["step"] = "1"
        data["form"]["steps"] = ["Collect river stories"]
        data["form"]["by_eve"] = False
        s.execute(
            sa.update(UserScratch).where(UserScratch.user_id == 101).values(data=json.dumps(data))
        )

    await db.run(as_the_older_bot_wrote_it)
    second = build_application(settings_for(fake, db_url), db)
    await second.initialize()
    try:
        anna2 = Driver(second, fake).teacher(101, "Anna", "en")
        sent = await anna2.send("two weeks")
        assert "Which partner is responsible?" in sent.text
        await anna2.click("Jonas")
        await anna2.send("/skip")
        await anna2.send("/skip")
        await anna2.send("tomorrow")
        await anna2.send("15.12.")
        sent = await anna2.click("Yes")
        assert "Saved" in sent.text
    finally:
        await second.shutdown()
    rows = await db.run(
        lambda s: s.exec(select(PlanItem).where(PlanItem.section == "activity")).all()
    )
    assert plan.details(rows[0])["step"] == "Collect river stories"
