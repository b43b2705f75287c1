"""The plan sheet: built by two members, checked like the guide would, shown in the group,
locked sections announced when changed."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import select

from bot.rules.plan_checks import Gap, looks_like_plain_exchange, smart_gaps, title_too_long
from handlers.plan_form import ITEMS_MAX
from storage import plan
from storage.db import Database
from storage.models import ChatBinding, Deadline, PlanItem, PlanLock, Project, Reminder, User
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
    assert sent.text.count("sounds like file exchange") == 1  # once, under the section
    assert "at least three real collaboration actions; so far 0" in sent.text
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
    await jonas.send("next Monday")
    sent = await jonas.send("15 December")
    assert "That is" in sent.text and "Is that right?" in sent.text  # echoed, as in /deadline
    sent = await jonas.click("Yes")
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
        "Deadline: December 15",
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
    assert "Anna locked the section “Pedagogical goal”" in sent.to(group.id)[0]
    await jonas.send("/plan")
    sent = await jonas.click("Pedagogical goal")
    assert "Lock" not in " ".join(sent.buttons()) and "Unlock" not in " ".join(sent.buttons())
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    forged = await jonas.press(driver.fake.messages(102)[-1], f"plan:{project_id}:lock:goal")
    assert "Only the coordinator" in forged.alerts[0]
    assert len(await db.run(lambda s: s.exec(select(PlanLock)).all())) == 1
    sent = await jonas.click("✏️ 1")
    assert "The team agreed on this section" in sent.texts[0]  # warned before changing it
    sent = await jonas.send("By March every pupil names 7 ways to save water")
    told = sent.to(group.id)
    assert told and "Jonas changed the agreed section" in told[0]
    assert (
        "Was: “By March every pupil names 5 ways" in told[0]
        and "Now: “By March every pupil names 7" in told[0]
    )
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
    (edit,) = [c for c in sent.calls if "reply_markup" in c.params]  # not the press's answer
    keyboard = edit.params["reply_markup"]["inline_keyboard"]
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
    await anna.send("rīt")
    await anna.send("līdz 15. decembrim")
    sent = await anna.click("Yes")
    assert "📌" in sent.text
    assert "asks you to do “Pupils interview their grandparents”" in sent.to(103)[0]
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


# The guide's checks on real sentences: (goal, measurable, time-bound).
GOALS = (
    ("Every pupil writes five river stories by the end of March", True, True),
    ("Pupils learn about water", False, False),
    ("Pupils improve their English in May", False, True),
    ("Pupils may present their work to parents", False, False),
    ("By 2027 pupils know more about rivers", False, True),
    ("80% of pupils present their work before the summer break", True, True),
    ("Pupils make 3 videos", True, False),
    ("Katrs skolēns līdz marta beigām uzraksta piecus stāstus", True, True),
    ("Skolēni maijā prezentē savu darbu", False, True),
    ("Skolēni šādā gadījumā zina vairāk", False, False),
    ("Skolēni 2027. gadā zina vairāk", False, True),
    ("Gegužę mokiniai pristato savo darbus", False, True),
    ("Iki gruodžio kiekvienas mokinys sukuria tris pristatymus", True, True),
    ("Mokiniai susipažįsta su naujais mokymo metodais", False, False),
    ("Per mokslo metus mokiniai parašo du rašinius", True, True),
)
# (a cross-school collaboration line, is it plain exchange or parallel work?)
COLLABORATION = (
    ("Mixed teams exchange ideas and agree on one poster", False),
    ("Pupils upload videos to a shared folder", True),
    ("Each class presents its own town", True),
    ("We exchange photos of our rivers", True),
    ("Pupils of all schools vote on one common logo", False),
    ("Jauktas komandas apmainās ar idejām un vienojas par vienu plakātu", False),
    ("Katra klase prezentē savu pilsētu", True),
    ("Skolēni augšupielādē video kopīgā mapē", True),
    ("Mišrios komandos keičiasi idėjomis ir susitaria dėl vieno plakato", False),
    ("Kiekviena klasė pristato savo miestą", True),
    ("Mokiniai įkelia vaizdo įrašus į bendrą aplanką", True),
)


def test_the_checks_read_real_goals_and_collaboration_lines():
    for goal, measurable, timed in GOALS:
        gaps = smart_gaps(goal)
        assert (Gap.MEASURABLE not in gaps, Gap.TIME not in gaps) == (measurable, timed), goal
    for line, plain in COLLABORATION:
        assert looks_like_plain_exchange(line) == plain, line


async def test_deleting_asks_first_and_a_deleted_item_does_not_come_back(
    driver: Driver, db: Database
):
    """🗑 asks before deleting; the group of a locked section sees what was removed, in
    its own language; a teacher who was changing the deleted item is told, and the
    item stays deleted."""
    anna, jonas, _maria, group = await linked_team(driver)
    await group_language(db, group.id, "lv")
    await anna.send("/plan")
    await anna.click("Final product")
    await anna.click("Add")
    await anna.send("A shared e-book about rivers")
    await anna.click("Lock as agreed")
    await jonas.send("/plan")
    await jonas.click("Final product")
    await jonas.click("✏️ 1")  # Jonas starts changing it…
    await anna.send("/plan")
    await anna.click("Final product")
    sent = await anna.click("🗑 1")
    assert "Delete “A shared e-book about rivers” from the plan?" in sent.text
    assert await items(db) == ["A shared e-book about rivers"]
    sent = await anna.click("🗑 Delete")
    assert await items(db) == []
    told = sent.to(group.id)
    assert told and "izņēma" in told[0] and "A shared e-book about rivers" in told[0]
    assert "removed" not in told[0]  # the group's language, not Anna's
    sent = await jonas.send("A shared video about rivers")  # …and finishes after
    assert "deleted this item while you were changing it" in sent.text
    assert await items(db) == []


async def items(db: Database) -> list[str]:
    return await db.run(lambda s: list(s.exec(select(PlanItem.text)).all()))


async def group_language(db: Database, chat_id: int, language: str) -> None:
    def change(s):
        s.execute(
            sa.update(ChatBinding).where(ChatBinding.chat_id == chat_id).values(language=language)
        )

    await db.run(change)


async def test_activity_dates_are_read_checked_and_echoed(driver: Driver, db: Database):
    """An activity's deadline before its start is refused; a deadline on a partner's
    holiday is echoed with who does not work that day, as /deadline does; the owner
    hears privately and the group is told; three new ICT tools get the guide's warning."""
    anna, _jonas, maria, group = await linked_team(driver)
    await anna.send("/plan")
    await anna.click("Activities")
    await anna.click("Add")
    await anna.send("Pupils film their river")
    await anna.send("Film it")
    await anna.send("two weeks")
    await anna.click("Maria")
    await anna.send("/skip")
    await anna.send("Padlet, Canva, Kahoot")
    sent = await anna.send("someday")
    assert "“someday” can mean different things" in sent.text  # the precision advice
    sent = await anna.send("river day")
    assert "could not read a future date" in sent.text
    await anna.send("20.01.")
    sent = await anna.send("10.01.")
    assert "The deadline is before the start" in sent.text
    assert await db.run(lambda s: s.exec(select(PlanItem)).all()) == []
    sent = await anna.send("16.02.")  # Lithuania's Restoration of the State Day
    assert "Not a working day for: Jonas" in sent.text and "Is that right?" in sent.text
    await anna.click("No")  # asked again
    await anna.send("17.02.")
    sent = await anna.click("Yes")
    assert "Saved" in sent.text and "The guide advises at most two" in sent.text
    assert "asks you to do “Pupils film their river”" in sent.to(maria.id)[0]
    assert "New deadline: “Pupils film their river”" in sent.to(group.id)[0]


async def test_a_half_written_activity_is_kept_or_dropped_on_purpose(driver: Driver, db: Database):
    """Halfway through an activity Anna taps ➕ Add on an older message: she is asked
    first; "Continue it" goes on where she was, "Drop it" starts the new item."""
    anna, _jonas, _maria, _group = await linked_team(driver)
    await anna.send("/plan")
    sent = await anna.click("Pedagogical goal")
    goal_screen = driver.fake.messages(anna.id)[-1]
    await anna.send("/plan")
    await anna.click("Activities")
    await anna.click("Add")
    await anna.send("Pupils film their river")
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    sent = await anna.press(goal_screen, f"plan:{project_id}:add:goal")
    assert "You have not finished what you started before (1 answer so far)" in sent.text
    sent = await anna.click("Continue it")
    assert "Which step of the final product" in sent.text  # where she was
    sent = await anna.press(goal_screen, f"plan:{project_id}:add:goal")
    sent = await anna.click("Drop it")
    assert "What will the pupils learn?" in sent.text
    await anna.send("By March every pupil names 5 ways to save water")
    assert await items(db) == ["By March every pupil names 5 ways to save water"]
