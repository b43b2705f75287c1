"""The plan sheet: built by two members, checked like the guide would, shown in the group,
locked sections announced when changed."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import select

from bot.plan_checks import Gap, looks_like_plain_exchange, smart_gaps, title_too_long
from handlers.plan import ITEMS_MAX
from storage import plan
from storage.db import Database
from storage.models import Deadline, PlanItem, PlanLock, Project, Reminder, User
from tests.driver import Driver
from tests.test_quiz import linked_team


def test_smart_and_collaboration_checks_in_three_languages():
    assert smart_gaps("Pupils learn about water") == [Gap.MEASURABLE, Gap.TIME]
    assert smart_gaps("By the end of March every pupil names 5 ways to save water") == []
    assert smart_gaps("Līdz marta beigām katrs skolēns nosauc piecus veidus") == []
    assert smart_gaps("Skolēni uzzina par ūdeni") == [Gap.MEASURABLE, Gap.TIME]
    assert smart_gaps("Iki kovo pabaigos kiekvienas mokinys įvardija penkis būdus") == []
    assert smart_gaps("Mokiniai sužino apie vandenį") == [Gap.MEASURABLE, Gap.TIME]
    assert smart_gaps("Three poems") == [Gap.TIME]
    assert smart_gaps("In two weeks") == []  # "two" measures, "weeks" is a time frame
    for plain in (
        "We exchange photos",
        "Each school makes its own video",
        "Skolēni apmainās ar vēstulēm",
        "Katra skola uztaisa savu video",
        "Mokiniai siunčia laiškus",
        "Kiekviena mokykla daro savo",
    ):
        assert looks_like_plain_exchange(plain), plain
    for real in (
        "Mixed teams write one story together",
        "Jauktās komandas kopā veido spēli",
        "Mišrios komandos kartu kuria žaidimą",
    ):
        assert not looks_like_plain_exchange(real), real
    assert title_too_long("x" * 61) and not title_too_long("Water around us")


async def test_two_members_build_the_plan_and_the_group_sees_it(driver: Driver, db: Database):
    anna, jonas, _maria, group = await linked_team(driver)
    await anna.send("/plan")
    sent = await anna.click("Pedagogical goal")
    assert "(nothing yet)" in sent.text
    await anna.click("Add")
    sent = await anna.send("Pupils learn about water")
    assert (
        "Saved" in sent.text
        and "Nothing in this goal is measurable" in sent.text
        and "no time frame" in sent.text
    )
    await jonas.send("/plan")
    await jonas.click("Final product")
    await jonas.click("Add")
    await jonas.send("A shared e-book about rivers")
    await jonas.click("Add")
    await jonas.send("Collect river stories")
    await jonas.click("Add")
    await jonas.send("Write the chapters in mixed teams")
    await jonas.click("Whole plan")
    await jonas.click("Cross-school collaboration")
    await jonas.click("Add")
    sent = await jonas.send("We exchange photos of our rivers")
    assert "file exchange or parallel work" in sent.text
    assert "at least three collaboration actions; so far 1" in sent.text
    await jonas.click("Whole plan")
    await jonas.click("Activities")
    await jonas.click("Add")
    await jonas.send("Pupils interview their grandparents about the river")
    sent = await jonas.click("Write the chapters")  # the product step
    assert "twice the time" in sent.text
    await jonas.send("two weeks")
    sent = await jonas.send("Olga")  # a button is expected, and no member is called Olga
    assert "tap one of the buttons" in sent.text
    sent = await jonas.send("anna")  # a member's name, typed: taken as her button
    assert "What does it need" in sent.text
    await jonas.send("/skip")
    await jonas.send("Padlet, Book Creator")
    await jonas.send("1 December")
    sent = await jonas.send("15 December")
    assert "Saved" in sent.text and "Book Creator" in sent.text
    await jonas.click("Whole plan")
    await jonas.click("Title")
    await jonas.click("Add")
    sent = await jonas.send(
        "Rivers of our childhood: how water shaped three towns in the Baltics and Portugal"
    )
    assert "long" in sent.text

    shown = (await anna.send("/plan", group)).text
    for expected in (
        "Pupils learn about water",
        "A shared e-book",
        "Collect river stories",
        "We exchange photos",
        "interview their grandparents",
        "Product step: Write the chapters",
        "Responsible: Anna",
        "Deadline: 15 December",
        "Rivers of our childhood",
    ):
        assert expected in shown, expected
    activity = await db.run(
        lambda s: s.exec(select(PlanItem).where(PlanItem.section == "activity")).one()
    )
    assert plan.details(activity)["new_tools"] == ["Padlet", "Book Creator"]
    assert plan.details(activity)["owner"] == 101 and plan.details(activity)["needs"] is None


async def test_locked_section_changes_are_told_and_only_leads_lock(driver: Driver, db: Database):
    anna, jonas, _maria, group = await linked_team(driver)
    await anna.send("/plan")
    await anna.click("Pedagogical goal")
    await anna.click("Add")
    await anna.send("By March every pupil names 5 ways to save water")
    sent = await anna.click("Lock as agreed")
    assert "🔒" in sent.text
    await jonas.send("/plan")
    sent = await jonas.click("Pedagogical goal")
    assert "Lock" not in " ".join(sent.buttons()) and "Unlock" not in " ".join(sent.buttons())
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    forged = await jonas.press(driver.fake.messages(102)[-1], f"plan:{project_id}:lock:goal")
    assert "Only the coordinator" in forged.alerts[0]
    assert len(await db.run(lambda s: s.exec(select(PlanLock)).all())) == 1
    await jonas.click("✏️ 1")
    sent = await jonas.send("By March every pupil names 7 ways to save water")
    told = sent.to(group.id)
    assert told and "Jonas changed the agreed section" in told[0] and "7 ways" in told[0]
    outsider = driver.teacher(109, "Olga", "en")
    sent = await outsider.press(driver.fake.messages(102)[-1], f"plan:{project_id}:add:goal")
    assert "not a member" in sent.alerts[0]
    goal_id = await db.run(lambda s: s.exec(select(PlanItem.id)).one())
    sent = await jonas.press(
        driver.fake.messages(102)[-1], f"plan:{project_id}:del:goal:{goal_id + 100}"
    )
    assert "not in the plan" in sent.alerts[0]


async def test_a_long_plan_is_split_cleanly(driver: Driver, db: Database):
    anna, _jonas, _maria, group = await linked_team(driver)
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())

    def many(s):
        for n in range(60):
            plan.save_item(
                s,
                project_id=project_id,
                section="activity",
                text=f"Activity {n} " + "x" * 120,
                extra={"time": "one week"},
                author_id=101,
                now=datetime.now(UTC),
            )

    await db.run(many)
    sent = await anna.send("/plan", group)
    texts = sent.to(group.id)
    assert len(texts) >= 3 and all(c.ok for c in sent.calls)
    assert "Activity 0 " in texts[0] and "Activity 59 " in texts[-1]


async def test_a_full_section_fits_telegrams_buttons_and_takes_no_more(
    driver: Driver, db: Database
):
    anna, _jonas, _maria, _group = await linked_team(driver)
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    await anna.send("/plan")
    await anna.click("Pedagogical goal")
    await anna.click("Add")  # a dialog begun before the section filled up

    def fill(s):
        for n in range(ITEMS_MAX):
            plan.save_item(
                s,
                project_id=project_id,
                section="goal",
                text=f"Goal {n}",
                extra=None,
                author_id=101,
                now=datetime.now(UTC),
            )

    await db.run(fill)
    sent = await anna.send("By March every pupil names 5 ways to save water")
    assert f"has {ITEMS_MAX} items" in sent.text
    await anna.send("/plan")
    sent = await anna.click("Pedagogical goal")
    keyboard = sent.calls[-1].params["reply_markup"]["inline_keyboard"]
    assert all(len(row) <= 8 for row in keyboard) and sum(map(len, keyboard)) <= 100
    assert f"🗑 {ITEMS_MAX}" in sent.buttons()
    sent = await anna.click("Add")
    assert f"has {ITEMS_MAX} items" in sent.text
    count = await db.run(lambda s: len(plan.items(s, project_id=project_id, section="goal")))
    assert count == ITEMS_MAX


async def test_an_activity_deadline_in_plain_words_brings_reminders(driver: Driver, db: Database):
    """The issue's walk-through: an activity "līdz 15. decembrim" owned by a partner in
    Portugal; her reminders come at 09:00 Lisbon time on working days; a partner in
    Lithuania sees the deadline in Lithuanian, in his own time."""
    anna, jonas, _maria, _group = await linked_team(driver)
    await db.run(
        lambda s: s.execute(sa.update(User).where(User.id == 103).values(timezone="Europe/Lisbon"))
    )
    await anna.send("/plan")
    await anna.click("Activities")
    await anna.click("Add")
    await anna.send("Pupils interview their grandparents")
    await anna.send("Collect the stories")
    await anna.send("two weeks")
    await anna.click("Maria")
    await anna.send("/skip")
    await anna.send("/skip")
    await anna.send("1. decembrī")
    sent = await anna.send("līdz 15. decembrim")
    assert "📌" in sent.text
    deadline = await db.run(lambda s: s.exec(select(Deadline)).one())
    assert deadline.owner_id == 103 and deadline.plan_item_id is not None
    lisbon = ZoneInfo("Europe/Lisbon")
    planned = await db.run(lambda s: s.exec(select(Reminder).where(Reminder.chat_id == 103)).all())
    moments = sorted(r.due_at.astimezone(lisbon) for r in planned if r.kind in ("before", "due"))
    assert all(m.strftime("%H:%M") == "09:00" and m.weekday() < 5 for m in moments)
    assert date(2026, 12, 8) not in {m.date() for m in moments}  # a public holiday in Portugal
    await jonas.send("/language")
    await jonas.click("Lietuvių")
    sent = await jonas.send("/deadlines")
    assert "gruodžio" in sent.text and "Pupils interview their grandparents" in sent.text
